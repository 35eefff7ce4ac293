"""Run every benchmark and update ``BENCHMARKS.md``: ``uv run python -m bench [--sizes ...]``.

Sections: load (chromdiff parse+load vs the pandas reference approach) and QC (every QC view),
both here; then, each in its own process and section, ``bench.annotate`` (vs bedtools and
pyranges), ``bench.annotate_cli`` (``chromdiff annotate`` as a whole process vs sort | bedtools
closest, polars-bio, pyranges1), ``bench.integrate`` (200k peaks x 20k genes vs the pandas +
pyranges recipe) and ``bench.e2e`` (``chromdiff compare`` end to end at 10k / 100k / 1M).
``--skip NAME`` leaves one out.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.gen_diffbind import write_bed
from bench.machine import describe
from bench.mdsection import replace_section
from bench.timing import ROOT, run_worker


def _row(n: int, ours: dict, two: dict, floor: dict, theirs: dict, qc: dict | None) -> str:
    ratio = theirs["median_s"] / ours["median_s"]
    floor_ratio = theirs["median_s"] / floor["median_s"]
    qc_s = f"{qc['median_s']:.2f}" if qc else "—"
    qc_mib = f"{qc['peak_mib']:.0f}" if qc else "—"
    return (
        f"| {n:,} | {ours['median_s']:.2f} | {ours['peak_mib']:.0f} | {two['median_s']:.2f} "
        f"| {floor['median_s']:.2f} ({floor['read_s']:.2f} + {floor['write_s']:.2f}) "
        f"| {theirs['median_s']:.2f} | {theirs['peak_mib']:.0f} | **{ratio:.1f}×** "
        f"| {floor_ratio:.1f}× | {ours['median_s'] / floor['median_s']:.2f}× | {qc_s} "
        f"| {qc_mib} |"
    )


def run_load_qc(sizes: list[int], repeats: int, qc_sizes: set[int]) -> str:
    """Measure load and QC at each size; return the markdown section body."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="chromdiff-bench-") as tmp:
        for n in sizes:
            bed = write_bed(Path(tmp) / f"r{n}.bed", n)
            dbp = Path(tmp) / f"r{n}.duckdb"
            print(f"load {n:,} regions ...", file=sys.stderr, flush=True)
            ours = run_worker(["load", str(bed), str(dbp), "8", "8", str(repeats)])
            two_db = str(Path(tmp) / f"r{n}_two.duckdb")
            two = run_worker(["load2", str(bed), two_db, "8", "8", str(repeats)])
            floor_db = str(Path(tmp) / f"r{n}_floor.duckdb")
            floor = run_worker(["floor", str(bed), floor_db, "8", "8", str(repeats)])
            theirs = run_worker(["pandas", str(bed), str(repeats)])
            qc = run_worker(["qc", str(dbp), "1"]) if n in qc_sizes else None
            rows.append(_row(n, ours, two, floor, theirs, qc))
            bed.unlink()
    return "\n".join(
        [
            "## Load and QC (`uv run python -m bench`)",
            "",
            describe(),
            "",
            "Input: generated 2025-format diffbind BEDs (`bench/gen_diffbind.py`: 8 vs 8 "
            "experiments, hg38 chromosome mix, 100–5000 bp, 2-decimal counts, full-precision "
            "logFC/P/FDR; 1M rows = 154 MiB). **chromdiff** = `warehouse.load_bed`: the file is "
            "read into a temporary table of the target DuckDB connection, every value validated "
            "with set-wise SQL, then the regions and the 16 counts per row (one `DOUBLE[]` per "
            "group, parsed in SQL; the long form is the view `region_counts`) written in one "
            "transaction; a reload replaces the comparison's rows (every repeat after the first "
            "is a reload). **2-step** = `parse_result` (same staging, "
            "Arrow out) + `load_result` (Arrow in), as the separate parse and load tasks of the "
            "compare flow do. **floor** = the least any DuckDB load can do (`bench/loadfloor.py`: "
            "typed `read_csv` with the count lists split, then insert + commit, shown as read + "
            "write of its fastest run; no check at all, so not a usable loader): its ratio to "
            "pandas bounds what a validated load can reach here. **pandas** = the reference "
            "skill's approach "
            "(`bench/pandas_baseline.py`: `read_csv(dtype=str)` + per-row `.apply` splitting of "
            "the count strings; it keeps only group means and loads nothing). QC = materialise "
            "every `sql/qc` view incl. `qc_findings`. Each measurement runs in a fresh process "
            f"(peak = its max RSS); medians of {repeats} runs (QC: 1 run). Ratio = pandas / "
            "chromdiff (> 1: chromdiff faster); chromdiff / floor = how far the validated load "
            "is from the floor (issue 17's goal: at most 1.5×).",
            "",
            "| regions | chromdiff load s | chromdiff MiB | 2-step s | floor s (read + write) "
            "| pandas s | pandas MiB | ratio | floor ratio | chromdiff / floor | QC s | QC MiB |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
        ]
    )


#: Benchmarks run after load/QC, each as ``python -m bench.<name>`` writing its own section.
SUITES = ("annotate", "annotate_cli", "integrate", "e2e")


def main() -> None:
    """Parse options, run the benchmarks, write their sections."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--qc-sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-annotate", action="store_true", help="same as --skip annotate")
    ap.add_argument("--skip", nargs="*", default=[], choices=list(SUITES))
    args = ap.parse_args()
    skip = set(args.skip) | ({"annotate"} if args.skip_annotate else set())
    body = run_load_qc(args.sizes, args.repeats, set(args.qc_sizes))
    replace_section("load_qc", body)
    print(body)
    for name in SUITES:
        if name not in skip and importlib.util.find_spec(f"bench.{name}"):
            print(f"== bench.{name}", file=sys.stderr, flush=True)
            subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
