"""``chromdiff annotate`` as a user runs it, whole process, beside its peers (issue 17, goals 1-2).

Run: ``uv run python -m bench.annotate_cli [--sizes 100000 1000000] [--rounds 5] [--big 10000000]``.

Every command goes from an unsorted BED file on disk to a TSV on disk, in a fresh process:

* **chromdiff nearest** = ``chromdiff annotate --regions R.bed --out O.tsv --links nearest``
  (each region's nearest transcript TSS, its gene and the signed distance);
* **chromdiff full** = ``chromdiff annotate --regions R.bed --out O.tsv`` (every ChIPseeker
  feature, the nearest TSS and labels);
* **bedtools** = ``sort -k1,1 -k2,2n R.bed | bedtools closest -a stdin -b tss.bed -D b -t first``
  (the TSS BED is the embedded hg38 build's transcript TSSs, sorted once, untimed);
* **polars-bio**, **pyranges1** = the scripts in ``bench/peers/`` (file -> nearest TSS -> TSV), in
  their own environment ``bench/.peers`` (built on first use, see ``bench/peers/README.md``);
* **floors**, the least a command costs here before it reads a byte of input: **python** =
  ``python -c pass``; **python + _duckdb** = ``import _duckdb; _duckdb.connect().execute('select
  1')`` (DuckDB's compiled module alone, what the ``annotate --regions`` path imports, see
  ``chromdiff.duckcore``); **python + duckdb** = the same through the ``duckdb`` package;
  **nearest** = ``bench/floor_nearest.py``, the whole job done as barely as DuckDB can (one
  statement: typed BED read, one ASOF join against TSSs pre-built in a DuckDB file, distances to
  TSV; no input check, no gene columns), the least any command built like chromdiff costs.

The commands run interleaved, one of each per round (the order rotates), so load from other jobs
on this shared machine hits them alike; each is timed by ``/usr/bin/time`` (wall seconds, peak
RSS). Reported: medians, min-max spread, the 1-min load average before each round (its range),
ratios of medians. One untimed warm-up round first (it also builds chromdiff's annotation cache
and the peers' bytecode). ``--big N`` adds, on N regions (no peers), with peak memory:
``chromdiff full`` to TSV and to Parquet, the **kernel** alone (the same regions read and
annotated batch by batch into a DuckDB table, no output file: ``--kernel-run``), and the **text
I/O floor** (DuckDB reading chromdiff's TSV back as text and writing it again, no annotation
work). The ``annotate_cli`` section of ``BENCHMARKS.md`` is rewritten.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np

from bench.annotate.run import random_regions, write_tss
from bench.floor_nearest import prepare as prepare_floor
from bench.machine import describe
from bench.mdsection import replace_section

ROOT = Path(__file__).resolve().parents[1]
PEERS = ROOT / "bench" / ".peers"


def _python312() -> str:
    """A working Python 3.12 interpreter: ``python3.12`` on PATH, else a pyenv install."""
    import glob
    import shutil

    found = [shutil.which("python3.12") or ""]
    found += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.12*/bin/python3.12")))
    for exe in filter(None, found):
        if subprocess.run([exe, "--version"], capture_output=True).returncode == 0:
            return exe
    return "3.12"  # let uv look for one


def peers_python() -> Path | None:
    """Python of the peers' environment, built with uv on first use (None when it cannot be)."""
    py = PEERS / "bin" / "python"
    if not py.exists():
        req = ROOT / "bench" / "peers" / "requirements.txt"
        try:
            subprocess.run(["uv", "venv", "-q", "-p", _python312(), str(PEERS)], check=True)
            subprocess.run(
                ["uv", "pip", "install", "-q", "-p", str(py), "-r", str(req)], check=True
            )
            subprocess.run([str(py), "-m", "compileall", "-q", str(PEERS / "lib")], check=False)
        except (OSError, subprocess.CalledProcessError) as exc:
            print(f"peers environment not available: {exc}", file=sys.stderr)
            return None
    return py


def make_bed(path: Path, n: int) -> None:
    """``n`` random regions (:func:`bench.annotate.run.random_regions`), unsorted BED4."""
    chrom, start, stop = random_regions(n)
    con = duckdb.connect()
    con.register(
        "t", {"chrom": chrom, "start": start, "stop": stop,
              "name": np.char.add("r", np.arange(n).astype(str))},
    )  # fmt: skip
    con.execute(f"copy t to '{path}' (header false, delimiter '\t')")


def commands(
    bed: Path, tss: Path, out: Path, peers: Path | None, floor_db: Path
) -> dict[str, list[str]]:
    """Tool name -> argv (every one writes its result to ``out``).

    ``floor_db``: the TSS file prepared by :func:`bench.floor_nearest.prepare`.
    """
    chromdiff = str(Path(sys.executable).with_name("chromdiff"))
    cmds = {
        "chromdiff nearest": [chromdiff, "annotate", "--regions", str(bed), "--out", str(out),
                              "--links", "nearest"],
        "chromdiff full": [chromdiff, "annotate", "--regions", str(bed), "--out", str(out)],
        "bedtools": ["sh", "-c", f"sort -k1,1 -k2,2n '{bed}' | bedtools closest -a stdin "
                     f"-b '{tss}' -D b -t first > '{out}'"],
        "floor python": [sys.executable, "-c", "pass"],
        "floor _duckdb": [sys.executable, "-c",
                          "import _duckdb; _duckdb.connect().execute('select 1')"],
        "floor duckdb": [sys.executable, "-c",
                         "import duckdb; duckdb.connect().execute('select 1')"],
        "floor nearest": [sys.executable, str(ROOT / "bench" / "floor_nearest.py"),
                          str(floor_db), str(bed), str(out)],
    }  # fmt: skip
    if peers is not None:
        for name, script in (("polars-bio", "polars_bio_nearest.py"),
                             ("pyranges1", "pyranges1_nearest.py")):  # fmt: skip
            cmds[name] = [str(peers), str(ROOT / "bench" / "peers" / script), str(bed), str(tss),
                          str(out)]  # fmt: skip
    return cmds


def timed(argv: list[str]) -> tuple[float, float]:
    """Run ``argv`` under ``/usr/bin/time``; return (wall s, peak RSS MiB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%e %M", "-o", tf.name, *argv],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        if proc.returncode != 0:
            raise RuntimeError(f"{argv[:3]} failed: {proc.stderr[-400:]}")
        wall, kib = tf.read().split()[-2:]
    return float(wall), int(kib) / 1024


def run_size(n: int, rounds: int, work: Path, tss: Path, peers: Path | None) -> dict:
    """Interleaved rounds of every command on ``n`` regions; return the raw timings."""
    bed = work / f"r{n}.bed"
    make_bed(bed, n)
    floor_db = work / "floor_tss.duckdb"
    if not floor_db.exists():
        prepare_floor(str(tss), str(floor_db))
    cmds = commands(bed, tss, work / "out.tsv", peers, floor_db)
    names = list(cmds)
    for name in names:  # warm-up (cache build, page cache, bytecode)
        timed(cmds[name])
    runs: dict[str, list[tuple[float, float]]] = {k: [] for k in names}
    loads = []
    for r in range(rounds):
        loads.append(os.getloadavg()[0])
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            runs[name].append(timed(cmds[name]))
    return {"n": n, "rounds": rounds, "runs": runs, "loads": loads}


def run_big(n: int, runs: int, work: Path) -> dict:
    """10M-style runs on ``n`` regions: full TSV, full Parquet, the kernel; the text I/O floor.

    The three are interleaved (one of each per run); each entry is a list of (wall s, peak MiB).
    """
    bed = work / f"r{n}.bed"
    make_bed(bed, n)
    chromdiff = str(Path(sys.executable).with_name("chromdiff"))
    cmds = {
        "tsv": [chromdiff, "annotate", "--regions", str(bed), "--out", str(work / "big.tsv")],
        "parquet": [chromdiff, "annotate", "--regions", str(bed), "--out",
                    str(work / "big.parquet")],
        "kernel": [sys.executable, "-m", "bench.annotate_cli", "--kernel-run", str(bed)],
    }  # fmt: skip
    out: dict = {"n": n, "loads": [], **{k: [] for k in cmds}}
    for _ in range(runs):
        out["loads"].append(os.getloadavg()[0])
        for name, cmd in cmds.items():
            out[name].append(timed(cmd))
    out["bed_mib"] = bed.stat().st_size / 2**20
    out["tsv_mib"] = (work / "big.tsv").stat().st_size / 2**20
    out["parquet_mib"] = (work / "big.parquet").stat().st_size / 2**20
    bed.unlink()
    (work / "big.parquet").unlink()
    # text I/O floor: DuckDB reading chromdiff's TSV back (as text) and writing it again, i.e.
    # the least any tool spends producing a file of this size, before any annotation work
    floor = (
        "import duckdb; duckdb.sql(\"copy (from read_csv('{}', delim = '\\t', all_varchar = "
        "true)) to '{}' (delimiter '\\t')\")"
    ).format(work / "big.tsv", work / "floor.tsv")
    out["floor"] = [timed([sys.executable, "-c", floor]) for _ in range(runs)]
    (work / "big.tsv").unlink()
    (work / "floor.tsv").unlink()
    return out


def kernel_run(bed: Path) -> None:
    """The annotation kernel of ``chromdiff annotate --regions`` without an output file.

    Read ``bed`` as the command does (embedded hg38 cache, ``read_regions``), then annotate it
    in the command's batches, each batch's labelled rows created as a DuckDB table (and dropped).
    """
    from chromdiff.annotation.annotate import annotation_select
    from chromdiff.annotation.batches import BATCH_ROWS
    from chromdiff.annotation.cache import derived_tables
    from chromdiff.annotation.filecache import open_embedded
    from chromdiff.annotation.staging import chrom_renames, drop_scratch
    from chromdiff.regions.reader import read_regions

    con = open_embedded("hg38")
    aid = "embedded:hg38"
    read = read_regions(con, bed, "_k_regions")
    tables = derived_tables(con, aid)
    renames = chrom_renames(con, aid, read.chrom_counts, tables)
    for lo in range(0, read.n_rows, BATCH_ROWS):
        src = (
            "select region_key, chrom, start, stop from _k_regions "
            f"where rowid >= {lo} and rowid < {lo + BATCH_ROWS}"
        )
        sql = annotation_select(con, src, aid, tables=tables, renames=renames)
        con.execute(f"create or replace temp table _k_out as {sql}")
        drop_scratch(con, tables)
        con.execute("drop table _k_out")


def _med(vals: list[tuple[float, float]], i: int = 0) -> float:
    return statistics.median(v[i] for v in vals)


def section(results: list[dict], big: dict | None) -> str:
    """Markdown body of the ``annotate_cli`` section."""
    lines = [
        "## `chromdiff annotate` as a whole process (`uv run python -m bench.annotate_cli`)",
        "",
        describe(),
        "",
        (__doc__ or "").split("\n\n", 1)[1].split("\n\nThe commands run")[0].strip(),
        "",
        "Interleaved rounds (one run of each command per round, the order rotating), timed by "
        "`/usr/bin/time`; medians with the min–max spread in brackets; load = 1-min load "
        "average before each round (min–max). Ratios: the other tool's median / chromdiff "
        "nearest's median (> 1: chromdiff faster).",
        "",
        "| regions | rounds | load | chromdiff nearest s | chromdiff full s | bedtools (sort + "
        "closest) s | polars-bio s | pyranges1 s | floor python s | floor python + _duckdb s "
        "| floor python + duckdb s | floor nearest s | bedtools / chromdiff | polars-bio / "
        "chromdiff | pyranges1 / chromdiff | peak MiB (chromdiff nearest / full / bedtools / "
        "polars-bio / pyranges1) |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        runs = r["runs"]

        def cell(name: str, runs: dict = runs) -> str:
            if name not in runs:
                return "—"
            w = [v[0] for v in runs[name]]
            return f"{statistics.median(w):.2f} ({min(w):.2f}–{max(w):.2f})"

        def ratio(name: str, runs: dict = runs) -> str:
            if name not in runs:
                return "—"
            x = _med(runs[name]) / _med(runs["chromdiff nearest"])
            return f"**{x:.2f}**" if x >= 1 else f"{x:.2f}"

        mem = " / ".join(
            f"{max(v[1] for v in runs[k]):.0f}" if k in runs else "—"
            for k in ("chromdiff nearest", "chromdiff full", "bedtools", "polars-bio", "pyranges1")
        )
        lines.append(
            f"| {r['n']:,} | {r['rounds']} | {min(r['loads']):.1f}–{max(r['loads']):.1f} "
            f"| {cell('chromdiff nearest')} | {cell('chromdiff full')} | {cell('bedtools')} "
            f"| {cell('polars-bio')} | {cell('pyranges1')} | {cell('floor python')} "
            f"| {cell('floor _duckdb')} | {cell('floor duckdb')} | {cell('floor nearest')} "
            f"| {ratio('bedtools')} "
            f"| {ratio('polars-bio')} | {ratio('pyranges1')} | {mem} |"
        )
    if big:

        def wall(name: str) -> str:
            w = [v[0] for v in big[name]]
            return f"{statistics.median(w):.1f} s ({min(w):.1f}–{max(w):.1f})"

        def peak(name: str) -> str:
            return f"{max(v[1] for v in big[name]) / 1024:.2f} GiB"

        lines += [
            "",
            f"Full annotation of {big['n']:,} regions ({big['bed_mib']:.0f} MiB BED in), "
            f"{len(big['tsv'])} interleaved runs, load {min(big['loads']):.1f}–"
            f"{max(big['loads']):.1f}; wall (min–max), peak RSS:",
            "",
            "| what | wall | peak RSS |",
            "|---|---:|---:|",
            f"| kernel: read + annotate into DuckDB tables, no output file | {wall('kernel')} "
            f"| {peak('kernel')} |",
            f"| `chromdiff annotate --regions R.bed --out O.tsv` ({big['tsv_mib']:.0f} MiB) "
            f"| {wall('tsv')} | {peak('tsv')} |",
            f"| `... --out O.parquet` ({big['parquet_mib']:.0f} MiB) | {wall('parquet')} "
            f"| {peak('parquet')} |",
            f"| text I/O floor: DuckDB reads that TSV back as text and writes it again "
            f"| {wall('floor')} | {peak('floor')} |",
        ]
    return "\n".join(lines)


def main() -> None:
    """Parse options, run, write the section."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--big", type=int, default=0, help="also run chromdiff full on N regions")
    ap.add_argument("--big-runs", type=int, default=2)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--save", type=Path, help="also write the raw results (JSON) here")
    ap.add_argument("--kernel-run", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.kernel_run:
        kernel_run(args.kernel_run)
        return
    peers = peers_python()
    # bytecode of chromdiff's own modules, as ./run compiles it (where PYTHONDONTWRITEBYTECODE=1,
    # as in many containers, Python would otherwise compile them in every timed process)
    subprocess.run([sys.executable, "-m", "compileall", "-q", "src", "flows", "tasks"], cwd=ROOT)
    env_cache = tempfile.mkdtemp(prefix="chromdiff-bench-cache-")
    os.environ["CHROMDIFF_CACHE_DIR"] = env_cache  # a fresh annotation cache, built in warm-up
    results, big = [], None
    with tempfile.TemporaryDirectory(prefix="chromdiff-annot-cli-") as tmp:
        work = Path(tmp)
        write_tss(work / "tss.bed")
        for n in args.sizes:
            print(f"{n:,} regions ...", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            results.append(run_size(n, args.rounds, work, work / "tss.bed", peers))
            print(f"  {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
        if args.big:
            print(f"full annotation of {args.big:,} regions ...", file=sys.stderr, flush=True)
            big = run_big(args.big, args.big_runs, work)
    if args.save:
        args.save.write_text(json.dumps({"results": results, "big": big}, indent=1))
    body = section(results, big)
    if not args.no_write:
        replace_section("annotate_cli", body)
    print(body)


if __name__ == "__main__":
    main()
