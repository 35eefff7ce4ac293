"""Worker: chromdiff's local pipeline steps (what the ``compare-local`` flow's tasks call).

``python -m bench.local.ours ROOT OUT [numpy|r]`` prints one JSON line: wall seconds per step
and in all, peak RSS of this process (and of R children for ``--engine r``).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def main(root: Path, out: Path, engine: str) -> dict:
    t0 = time.perf_counter()
    from chromdiff.design.comparison import ComparisonSpec
    from chromdiff.design.inputs import read_ids
    from chromdiff.local import run

    steps = {}
    t = time.perf_counter()
    spec = ComparisonSpec(read_ids(root / "mine.txt"), read_ids(root / "public.txt")).validated()
    samples = run.resolve_samples(spec, root / "cache")
    for s in samples:
        run.check_bigwig(s)
    steps["resolve_check"] = time.perf_counter() - t
    t = time.perf_counter()
    regions = run.build_regions(samples)
    steps["union"] = time.perf_counter() - t
    t = time.perf_counter()
    counts = [run.count_sample(s, regions) for s in samples]
    steps["counts"] = time.perf_counter() - t
    t = time.perf_counter()
    info = run.diffbind(samples, regions, counts, out, engine)
    steps["edger_bed"] = time.perf_counter() - t
    return {
        "seconds": time.perf_counter() - t0, "steps": steps, "n_union": len(regions),
        "n_tested": info["n_tested"],
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }  # fmt: skip


if __name__ == "__main__":
    root, out = Path(sys.argv[1]), Path(sys.argv[2])
    print(json.dumps(main(root, out, sys.argv[3] if len(sys.argv) > 3 else "numpy")))
