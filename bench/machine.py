"""Describe the machine a benchmark ran on (CPU count and model, RAM, versions, load)."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _mem_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return float("nan")


def describe() -> str:
    """Return one line: date, CPUs, CPU model, RAM, Python, duckdb/pandas versions, load average."""
    import duckdb
    import pandas

    load1 = os.getloadavg()[0]
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Run {when} on {os.cpu_count()} CPUs ({_cpu_model()}), {_mem_gib():.1f} GiB RAM, "
        f"Python {platform.python_version()}, duckdb {duckdb.__version__}, "
        f"pandas {pandas.__version__}; 1-min load average {load1:.1f} "
        "(shared machine: timings are noisy, ratios measured side by side are the stable figure)."
    )
