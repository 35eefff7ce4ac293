"""One integration measurement in a fresh process; prints a JSON line (times, peak memory).

``python -m bench.integrate.worker ours ATAC RNA DB OUT`` | ``baseline ATAC RNA``.
"""

from __future__ import annotations

import json
import sys
import time

from bench.timing import self_peak_mib


def ours(atac: str, rna: str, db_path: str, out: str) -> dict:
    """Load, link, statistics, enrichment, report and publish, each timed (a fresh database).

    ``setup`` is the once-per-database part (loading the embedded hg38 annotation and building
    its derived tables), timed apart: a database that already holds the build skips it.
    """
    from chromdiff.annotation import ensure_annotation
    from chromdiff.enrichment import steps
    from chromdiff.integration import pipeline
    from chromdiff.warehouse.db import writer

    times = {}
    t0 = time.perf_counter()
    with writer(db_path) as con:
        ensure_annotation(con, "hg38")
    times["setup"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    s = pipeline.load_step(db_path, rna=rna, peaks=atac, genome="hg38", integration_id="bench")
    times["load"] = time.perf_counter() - t0
    staged = s["staged_id"]  # the run works on staged rows until it is published
    for name, fn in (("link", pipeline.link_step), ("stats", pipeline.stats_step)):
        t = time.perf_counter()
        res = fn(db_path, staged)
        times[name] = time.perf_counter() - t
    t = time.perf_counter()
    steps.integration_step(db_path, staged)  # ORA of the categories, as the flow runs it
    times["enrich"] = time.perf_counter() - t
    t = time.perf_counter()
    pipeline.report_step(db_path, staged, out, "bench", publish=False)
    times["report"] = time.perf_counter() - t
    t = time.perf_counter()
    pipeline.publish_step(db_path, staged, "bench", out)
    times["publish"] = time.perf_counter() - t
    times["total"] = time.perf_counter() - t0
    return {"times": times, "n_peaks": s["n_peaks"], "n_genes": s["n_genes"],
            "pearson_r": res["pearson_r"], "peak_mib": self_peak_mib()}  # fmt: skip


def baseline(atac: str, rna: str) -> dict:
    """The pandas + pyranges recipe (bench/integrate/baseline.py)."""
    from bench.integrate.baseline import run

    t = time.perf_counter()
    res = run(atac, rna)
    return {"times": {"total": time.perf_counter() - t}, **res, "peak_mib": self_peak_mib()}


if __name__ == "__main__":
    kind, *args = sys.argv[1:]
    print(json.dumps(ours(*args) if kind == "ours" else baseline(*args)))
