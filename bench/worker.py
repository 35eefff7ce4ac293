"""One benchmark measurement in a fresh process; prints a JSON line with times and peak memory.

``python -m bench.worker load BED DB N_A N_B REPEATS`` (``load2``: parse then load via Arrow;
``floor``: the unchecked minimal load of :mod:`bench.loadfloor`) | ``pandas BED REPEATS`` |
``qc DB REPEATS``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.gen_diffbind import ids
from bench.timing import median_time, self_peak_mib


def main(argv: list[str]) -> dict:
    """Dispatch on ``argv[0]``; return the result dict."""
    kind = argv[0]
    if kind in ("load", "load2"):
        from bench.loadwork import chromdiff_load, chromdiff_parse_then_load, prepare_db

        load = chromdiff_load if kind == "load" else chromdiff_parse_then_load
        bed, db_path = Path(argv[1]), Path(argv[2])
        ids_a, ids_b = ids(int(argv[3]), int(argv[4]))
        prepare_db(db_path, ids_a, ids_b)
        info: dict = {}
        med, times = median_time(
            lambda: info.update(load(bed, db_path, ids_a, ids_b)), int(argv[5])
        )
        return {"median_s": med, "times": times, "n_regions": info["n_regions"],
                "n_counts": info["n_counts"], "peak_mib": self_peak_mib()}  # fmt: skip
    if kind == "floor":
        from bench.loadfloor import floor_load
        from bench.loadwork import COMPARISON_ID, prepare_db

        bed, db_path = Path(argv[1]), Path(argv[2])
        prepare_db(db_path, *ids(int(argv[3]), int(argv[4])))
        runs: list[dict] = []
        med, times = median_time(
            lambda: runs.append(floor_load(bed, db_path, COMPARISON_ID)), int(argv[5])
        )
        best = min(runs, key=lambda r: r["read_s"] + r["write_s"])
        return {"median_s": med, "times": times, "read_s": best["read_s"],
                "write_s": best["write_s"], "peak_mib": self_peak_mib()}  # fmt: skip
    if kind == "pandas":
        from bench.pandas_baseline import parse_bed_pandas

        rows: list[int] = []
        med, times = median_time(lambda: rows.append(len(parse_bed_pandas(argv[1]))), int(argv[2]))
        return {"median_s": med, "times": times, "n_regions": rows[-1],
                "peak_mib": self_peak_mib()}  # fmt: skip
    if kind == "qc":
        from bench.loadwork import run_qc

        counts: dict = {}
        med, times = median_time(lambda: counts.update(run_qc(Path(argv[1]))), int(argv[2]))
        return {"median_s": med, "times": times, "views": counts, "peak_mib": self_peak_mib()}
    raise SystemExit(f"unknown measurement {kind!r}")


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
