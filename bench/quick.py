"""Quick ratio check (CI): chromdiff parse+load vs the pandas baseline on ~50k rows, same run.

Fails only on a large ratio regression, never on absolute time: ``ratio = pandas / chromdiff``
must stay above :data:`FLOOR`. Run ``uv run python -m bench.quick`` or the test
``tests/test_bench_quick.py``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.gen_diffbind import write_bed
from bench.timing import run_worker

N_ROWS = 50_000
#: pandas / chromdiff must stay at or above this. Measured ~0.9 at 50k rows (fixed DuckDB costs
#: dominate at this size; full validation, counts as lists) and ~4 at 1M (BENCHMARKS.md). The
#: floor is under half the measured ratio: only a >2x regression fails, not a busy CI machine.
FLOOR = 0.4


def measure(n_rows: int = N_ROWS, repeats: int = 3) -> dict:
    """Generate ``n_rows`` regions, time both approaches in fresh processes; return the ratio."""
    with tempfile.TemporaryDirectory(prefix="chromdiff-bench-") as tmp:
        bed = write_bed(Path(tmp) / "quick.bed", n_rows)
        ours = run_worker(["load", str(bed), str(Path(tmp) / "q.duckdb"), "8", "8", str(repeats)])
        theirs = run_worker(["pandas", str(bed), str(repeats)])
    return {
        "chromdiff_s": ours["median_s"],
        "pandas_s": theirs["median_s"],
        "ratio": theirs["median_s"] / ours["median_s"],
        "n_regions": ours["n_regions"],
        "n_counts": ours["n_counts"],
        "pandas_rows": theirs["n_regions"],
    }


def main() -> int:
    """Print the measurement; exit 1 if the ratio fell below the floor."""
    res = measure()
    print(
        f"{res['n_regions']} regions: chromdiff {res['chromdiff_s']:.3f} s, "
        f"pandas {res['pandas_s']:.3f} s, ratio {res['ratio']:.2f} (floor {FLOOR})"
    )
    return 0 if res["ratio"] >= FLOOR else 1


if __name__ == "__main__":
    sys.exit(main())
