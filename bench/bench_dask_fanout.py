"""Measure the batch fan-out (Parquet partitions, one writer): threads vs a local Dask cluster.

Run: ``uv run python bench/bench_dask_fanout.py [n_comparisons] [rows_per_result]``. Builds
synthetic diffbind_2025 result BEDs (tests/data/parsing/diffbind_2025.bed rows repeated with
shifted coordinates), then times ``flows.batch.load_results`` with each runner.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

A = ["SRX999", "SRX1000", "SRX1001"]
B = ["SRX6", "SRX5"]


def make_results(tmp: Path, n: int, rows: int) -> list[dict]:
    """Write ``n`` result BEDs of ``rows`` regions each."""
    template = [
        ln.split("\t")
        for ln in (ROOT / "tests/data/parsing/diffbind_2025.bed").read_text().splitlines()[:2]
    ]
    out = []
    for i in range(n):
        lines = []
        for k in range(rows):
            t = list(template[k % 2])
            t[0], t[1], t[2] = "chr1", str(1000 + 1000 * k), str(1400 + 1000 * k)
            lines.append("\t".join(t))
        p = tmp / f"r{i}.bed"
        p.write_text("\n".join(lines) + "\n")
        out.append({"bed_path": str(p), "analysis": "diffbind", "ids_a": A, "ids_b": B,
                    "comparison_id": f"c{i}"})  # fmt: skip
    return out


def main() -> None:
    from flows.batch import load_results

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        results = make_results(tmp, n, rows)
        for runner in ("threads", "dask"):
            t0 = time.perf_counter()
            out = load_results(results, str(tmp / f"{runner}.duckdb"), str(tmp / runner),
                               runner=runner, n_workers=2)  # fmt: skip
            dt = time.perf_counter() - t0
            total = sum(out["loaded"].values())
            pids = len({p["pid"] for p in out["partitions"]})
            print(f"{runner}: {n} results x {rows} rows = {total} regions in {dt:.1f} s "
                  f"({pids} worker processes)")  # fmt: skip


if __name__ == "__main__":
    main()
