"""Annotation benchmark: chromdiff (DuckDB) vs ``bedtools closest`` vs pyranges ``nearest``.

Run: ``uv run python -m bench.annotate [--sizes 10000,100000,1000000]``. Each measurement runs in
its own child process; wall time is the child's own timing of the work (inputs already on disk,
annotation already loaded for chromdiff, the load time is reported separately), peak memory is
the child's max RSS (``os.wait4``). Results replace the annotation section of ``BENCHMARKS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
MARK_BEGIN, MARK_END = "<!-- annotation:begin -->", "<!-- annotation:end -->"

CHILD_OURS = r"""
import json, sys, time
import duckdb
from chromdiff.db import apply_schema
from chromdiff.annotation import ensure_annotation, annotate_regions
con = duckdb.connect(); apply_schema(con); con.execute("set enable_progress_bar = false")
t0 = time.perf_counter(); aid = ensure_annotation(con, "hg38"); t_load = time.perf_counter() - t0
con.execute(f"create table r as select * from read_parquet('{sys.argv[1]}')")
t0 = time.perf_counter(); annotate_regions(con, "select * from r", aid, "out")
t = time.perf_counter() - t0
from chromdiff.annotation.annotate import stage_regions
from chromdiff.annotation.nearest import build_nearest, build_tss
t0 = time.perf_counter()
stage_regions(con, "select * from r", aid); build_tss(con, aid, "transcript"); build_nearest(con)
t_near = time.perf_counter() - t0
print(json.dumps({"seconds": t, "load": t_load, "nearest": t_near}))
"""

CHILD_PYRANGES = r"""
import json, sys, time
import pandas as pd, pyranges as pr
r = pd.read_parquet(sys.argv[1]); b = pd.read_csv(sys.argv[2], sep="\t", header=None,
    names=["Chromosome", "Start", "End", "Name", "Score", "Strand"])
t0 = time.perf_counter()
a = pr.PyRanges(r.rename(columns={"chrom": "Chromosome", "start": "Start", "stop": "End"}))
res = a.nearest(pr.PyRanges(b))
t = time.perf_counter() - t0
print(json.dumps({"seconds": t, "rows": len(res)}))
"""


def _run(cmd: list[str], stdout=subprocess.PIPE) -> tuple[str, float, float]:
    """Run ``cmd`` under ``/usr/bin/time``; return (stdout, wall seconds, peak RSS MiB).

    ``/usr/bin/time`` forks the tool from a small process, so the peak RSS is the tool's own
    (a child forked straight from this Python process would inherit its high-water mark).
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t0 = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", tf.name, *cmd],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"{cmd[0]} failed: {proc.stderr[-500:]}")
        kib = int(tf.read().split()[-1])
    return proc.stdout if stdout is subprocess.PIPE else "", wall, kib / 1024


def make_inputs(work: Path, n: int) -> tuple[Path, Path]:
    """Random regions (uniform on hg38 chr1-22, X; widths 100-2000 bp) as Parquet + sorted BED."""
    con = duckdb.connect()
    spans = con.execute(
        f"""select chrom, max(stop) + 10000 from
            read_parquet('{ROOT}/src/chromdiff/data/annotation/hg38_transcripts.parquet')
            where chrom similar to 'chr([0-9]+|X)' group by chrom order by chrom"""
    ).fetchall()
    rng = np.random.default_rng(n)
    lengths = np.array([s for _, s in spans], dtype=float)
    idx = rng.choice(len(spans), n, p=lengths / lengths.sum())
    start = (rng.random(n) * lengths[idx]).astype(np.int64)
    width = rng.integers(100, 2001, n)
    import pyarrow as pa

    tbl = pa.table(
        {
            "region_key": np.arange(n),
            "chrom": [spans[i][0] for i in idx],
            "start": start,
            "stop": start + width,
        }
    )
    con.register("t", tbl)
    pq, bed = work / f"r{n}.parquet", work / f"r{n}.bed"
    con.execute(f"copy (select * from t) to '{pq}' (format parquet)")
    con.execute(
        f"copy (select chrom, start, stop, region_key from t order by chrom, start) "
        f"to '{bed}' (header false, delimiter '\t')"
    )
    return pq, bed


def make_tss(work: Path) -> Path:
    """Transcript TSS BED of the embedded hg38 build (sorted), the same TSS set chromdiff uses."""
    path = work / "tss.bed"
    duckdb.sql(
        f"""copy (select distinct chrom, case when strand = '-' then stop - 1 else start end as t,
                    t + 1, '.', 0, strand
                  from read_parquet('{ROOT}/src/chromdiff/data/annotation/hg38_transcripts.parquet')
                  order by 1, 2, 6) to '{path}' (header false, delimiter '\t')"""
    )
    return path


def machine() -> str:
    """nproc, RAM and CPU model of this machine."""
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in open("/proc/cpuinfo")
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(int(ln.split()[1]) for ln in open("/proc/meminfo") if ln.startswith("MemTotal"))
    bt = subprocess.run(["bedtools", "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {mem / 1024**2:.1f} GiB RAM, "
        f"Python {platform.python_version()}, duckdb {duckdb.__version__}, {bt}"
    )


def run(sizes: list[int]) -> list[dict]:
    """Measure every tool at every size; return result rows."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tss = make_tss(work)
        for n in sizes:
            pq, bed = make_inputs(work, n)
            out, _, mem = _run([sys.executable, "-c", CHILD_OURS, str(pq)])
            ours = json.loads(out.strip().splitlines()[-1])
            with open(work / "bt.out", "w") as fh:
                _, bt_wall, bt_mem = _run(
                    [
                        "bedtools",
                        "closest",
                        "-a",
                        str(bed),
                        "-b",
                        str(tss),
                        "-D",
                        "b",
                        "-t",
                        "first",
                    ],
                    stdout=fh,
                )
            out, _, pr_mem = _run([sys.executable, "-c", CHILD_PYRANGES, str(pq), str(tss)])
            pyr = json.loads(out.strip().splitlines()[-1])
            rows.append(
                {
                    "n": n,
                    "ours": ours["seconds"],
                    "near": ours["nearest"],
                    "ours_mem": mem,
                    "load": ours["load"],
                    "bedtools": bt_wall,
                    "bt_mem": bt_mem,
                    "pyranges": pyr["seconds"],
                    "pr_mem": pr_mem,
                }
            )
            print(rows[-1], flush=True)
    return rows


def render(rows: list[dict]) -> str:
    """Markdown section for BENCHMARKS.md."""
    lines = [
        MARK_BEGIN,
        "## Annotation (`uv run python -m bench.annotate`)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}; 1-min load average "
        f"{os.getloadavg()[0]:.1f} at the end (shared machine: timings are noisy).",
        "",
        "chromdiff = `annotate_regions` (all features + nearest transcript TSS + labels) against "
        "the embedded hg38 build (57,619 transcripts); bedtools = `bedtools closest -D b -t first`"
        " against the same TSS set as a sorted BED (nearest only, input pre-sorted); pyranges = "
        "`PyRanges.nearest` (nearest only, incl. building the PyRanges). Random regions, "
        "100–2000 bp, uniform on chr1–22, X. Each tool runs in its own process; memory = that "
        "process's peak RSS (chromdiff: the whole process, both runs). Nearest-only = staging "
        "+ TSS table + the ASOF nearest step, the same work bedtools closest does. "
        "Ratio > 1 means chromdiff is faster.",
        "",
        "| regions | chromdiff full s | chromdiff nearest-only s | chromdiff MiB | bedtools s | "
        "bedtools MiB | pyranges s | pyranges MiB | bedtools / chromdiff full | "
        "bedtools / chromdiff nearest | pyranges / chromdiff nearest |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {r['ours']:.2f} | {r['near']:.2f} | {r['ours_mem']:.0f} | "
            f"{r['bedtools']:.2f} | {r['bt_mem']:.0f} | {r['pyranges']:.2f} | {r['pr_mem']:.0f} | "
            f"{r['bedtools'] / r['ours']:.2f} | {r['bedtools'] / r['near']:.2f} | "
            f"{r['pyranges'] / r['near']:.2f} |"
        )
    load = sum(r["load"] for r in rows) / len(rows)
    lines += [
        "",
        f"Loading the embedded hg38 annotation into DuckDB (once per database): {load:.2f} s.",
        MARK_END,
    ]
    return "\n".join(lines) + "\n"


def write_benchmarks(section: str) -> None:
    """Replace (or add) the annotation section of BENCHMARKS.md, leaving other sections alone."""
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n\n"
    if MARK_BEGIN in text:
        head, rest = text.split(MARK_BEGIN, 1)
        text = head + section + rest.split(MARK_END, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def main() -> None:
    """Parse ``--sizes``, run, write BENCHMARKS.md."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    rows = run([int(x) for x in args.sizes.split(",")])
    section = render(rows)
    print(section)
    if not args.no_write:
        write_benchmarks(section)


if __name__ == "__main__":
    main()
