"""``uv run python -m bench.local [--sizes 20000 200000] [--samples 16] [--repeats 1]``.

Generates the inputs (``bench.local.gen``), then runs, each in a fresh process and interleaved
per round: chromdiff's local pipeline with the numpy edgeR port, the same with ``--engine r``,
and the plain pyBigWig + pandas + R edgeR script (``bench.local.baseline``). Records wall time
(median over rounds), steps, and peak RSS of the Python process and of its R child, checks that
the three BEDs agree, and writes the ``local`` section of ``BENCHMARKS.md``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.local.gen import generate
from bench.machine import describe
from bench.mdsection import replace_section
from bench.timing import ROOT

VARIANTS = {
    "chromdiff (numpy edgeR)": ["bench.local.ours", "numpy"],
    "chromdiff (--engine r)": ["bench.local.ours", "r"],
    "pyBigWig + pandas + R": ["bench.local.baseline"],
}


def _run(module_args: list[str], root: Path, out: Path) -> dict:
    module, *rest = module_args
    proc = subprocess.run([sys.executable, "-m", module, str(root), str(out), *rest], cwd=ROOT,
                          capture_output=True, text=True, timeout=7200)  # fmt: skip
    if proc.returncode != 0:
        raise RuntimeError(f"{module} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _agree(beds: list[Path]) -> str:
    frames = [pd.read_csv(p, sep="\t", header=None) for p in beds]
    same_rows = all(f[[0, 1, 2, 3, 4]].equals(frames[0][[0, 1, 2, 3, 4]]) for f in frames)
    lfc = max(float(np.max(np.abs(f[5] - frames[0][5]))) for f in frames)
    return f"same rows and counts: {same_rows}; max |ΔlogFC| {lfc:.1e}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000])
    ap.add_argument("--samples", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args()
    rows, notes = [], []
    with tempfile.TemporaryDirectory(prefix="bench_local_") as tmp:
        for n in args.sizes:
            root = Path(tmp) / f"in_{n}"
            t = time.perf_counter()
            generate(root, args.samples, n)
            print(f"generated {n} regions in {time.perf_counter() - t:.0f} s", file=sys.stderr)
            res: dict[str, list[dict]] = {k: [] for k in VARIANTS}
            for r in range(args.repeats):
                for name, mod in VARIANTS.items():
                    out = Path(tmp) / f"out_{n}_{r}_{len(res[name])}_{mod[-1]}"
                    res[name].append(_run(mod, root, out))
                    res[name][-1]["bed"] = str(out / "wabi_result.bed")
                    print(name, n, json.dumps(res[name][-1]), file=sys.stderr)
            notes.append(f"{n:,} regions: " + _agree([Path(v[-1]["bed"]) for v in res.values()]))
            for name, runs in res.items():
                sec = statistics.median(x["seconds"] for x in runs)
                last = runs[-1]
                st = last["steps"]
                union = st.get("union", 0)
                rows.append(
                    f"| {args.samples} × {last['n_union']:,} | {name} | {sec:.1f} | "
                    f"{union:.1f} | {st['counts']:.1f} | {st['edger_bed']:.1f} | "
                    f"{last['peak_mib']:.0f} | {last['children_peak_mib']:.0f} | "
                    f"{last['n_tested']:,} |"
                )
    body = "\n".join([
        "## Local diffbind pipeline (`uv run python -m bench.local`)",
        "",
        describe().rstrip(".") + ".",
        "",
        f"Input (`bench/local/gen.py`, simulated): {args.samples} experiments, half user data "
        "(integer-coverage bigWigs + BED peaks), half public IDs in a ChIP-Atlas-style cache "
        "(RPM bigWigs, Bed05, metadata.tsv); every peak file has the present peaks at the same "
        "coordinates, so the multiinter union is the planted region set; 5 coverage pieces per "
        "region. "
        "**chromdiff** = the functions the `compare-local` flow's tasks call (resolve + bigWig "
        "checks, DuckDB union, pyBigWig whole-line coverage sums, edgeR, BED), without Prefect's "
        "fixed start-up; **--engine r** = the same with real edgeR through Rscript. "
        "**pyBigWig + pandas + R** = `bench/local/baseline.py`: pandas/numpy union, one "
        "`bw.intervals()` call per region and experiment, DA's count formula, count CSV, "
        "`Rscript` edgeR (the calls of edgeR.r), BED by pandas; no input checks. Each run in a "
        f"fresh process, interleaved; wall time median of {args.repeats} run(s); MiB = peak RSS of "
        "the Python process / of its largest child (Linux counts a child's forked Python "
        "image before it execs Rscript, so the R figure is an upper bound).",
        "",
        "| samples × regions | variant | total s | union s | counts s | edgeR + BED s | "
        "Python MiB | R MiB | regions tested |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "Outputs: " + "; ".join(notes) + ".",
    ])  # fmt: skip
    replace_section("local", body)
    print(body)


if __name__ == "__main__":
    main()
