"""Timing helpers: repeated runs with medians, and peak memory of a run in its own process."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def median_time(fn: Callable[[], object], repeats: int = 3) -> tuple[float, list[float]]:
    """Call ``fn`` ``repeats`` times; return (median seconds, all timings)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def run_worker(args: list[str], timeout: float = 900) -> dict:
    """Run ``python -m bench.worker ARGS`` in a fresh process and return its JSON result.

    Each measurement gets its own interpreter so that its peak memory (``peak_mib``, the worker's
    own ``ru_maxrss``: interpreter, libraries and data) is not polluted by earlier runs.
    """
    proc = subprocess.run(
        [sys.executable, "-m", "bench.worker", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bench worker {args} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def self_peak_mib() -> float:
    """Peak RSS of the current process in MiB (Linux ``ru_maxrss`` is in KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
