"""Integration benchmark: ``uv run python -m bench.integrate [--peaks N --genes N --repeats R]``.

Simulated matched data (``chromdiff.integration.simulate``) through load → link → statistics →
report, side by side with the pandas + pyranges recipe; writes the ``integration`` section of
BENCHMARKS.md.
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

from bench.machine import describe
from bench.mdsection import replace_section
from bench.timing import ROOT


def _worker(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, "-m", "bench.integrate.worker", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=1800)  # fmt: skip
    if proc.returncode:
        raise RuntimeError(f"worker {args[0]} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _flow(atac: Path, rna: Path, tmp: Path, api_url: str | None = None) -> dict:
    """Run the whole Prefect integration flow once (``chromdiff integrate``); wall s, peak MiB.

    ``api_url``: the ``PREFECT_API_URL`` of a running server; None: the CLI starts its
    temporary server, as it does by default.
    """
    from bench.e2e import TreeSampler, _reap

    tag = "served" if api_url else "temporary"
    argv = [sys.executable, "-m", "chromdiff", "integrate", "--atac", str(atac),
            "--rna", str(rna), "--genome", "hg38", "--db", str(tmp / f"flow-{tag}.duckdb"),
            "--output", str(tmp / f"flow_out-{tag}"), "--id", "bench_flow"]  # fmt: skip
    env = os.environ.copy()
    env.pop("PREFECT_API_URL", None)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    try:
        _out, err = proc.communicate(timeout=1800)
    finally:
        proc.kill()  # no-op once it has exited; a timed-out run must not linger
        sampler.stop_event.set()
        sampler.join()
        _reap(sampler.seen)  # e.g. the Prefect server of a run that died
    if proc.returncode:
        raise RuntimeError(f"chromdiff integrate failed: {err.decode()[-2000:]}")
    return {"wall_s": time.perf_counter() - t0, "tree_peak_mib": sampler.peak_bytes / 2**20}


def main() -> None:
    """Simulate, measure both sides ``--repeats`` times, write the section."""
    from chromdiff.integration.simulate import SimSpec, simulate

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peaks", type=int, default=200_000)
    ap.add_argument("--genes", type=int, default=20_000)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="chromdiff-bench-int-") as tmp:
        spec = SimSpec(n_genes=a.genes, n_peaks=a.peaks, n_concordant=1000, n_discordant=300)
        p = simulate(Path(tmp) / "in", spec)
        ours, base = [], []
        for i in range(a.repeats):
            print(f"integration run {i + 1}/{a.repeats} ...", file=sys.stderr, flush=True)
            db = Path(tmp) / f"r{i}.duckdb"
            ours.append(_worker(["ours", str(p["atac"]), str(p["rna"]), str(db),
                                 str(Path(tmp) / f"out{i}")]))  # fmt: skip
            base.append(_worker(["baseline", str(p["atac"]), str(p["rna"])]))
        print("integration flow (chromdiff integrate) ...", file=sys.stderr, flush=True)
        flow = _flow(p["atac"], p["rna"], Path(tmp))
        print("integration flow with a running Prefect server ...", file=sys.stderr, flush=True)
        from bench.e2e import PrefectServer

        with PrefectServer(Path(tmp)) as server:
            served = _flow(p["atac"], p["rna"], Path(tmp), server.url)
    med = {k: statistics.median(r["times"][k] for r in ours) for k in ours[0]["times"]}
    b = statistics.median(r["times"]["total"] for r in base)
    core = med["load"] + med["link"] + med["stats"]
    body = "\n".join([
        "## Integration (`uv run python -m bench.integrate`)", "", describe(), "",
        f"Input: simulated matched data (`chromdiff.integration.simulate`), {a.peaks:,} peaks "
        f"(DiffBind layout) × {a.genes:,} genes (DESeq2 CSV layout), hg38. **chromdiff** = "
        "setup (once per database: the embedded hg38 annotation and its derived tables, "
        "not counted below) → load (read, validate, reconcile IDs, store) → link "
        "(ChIPseeker features + nearest gene + BETA links) → statistics (correlations, "
        "sensitivity grid, KS) → enrich (GO BP over-representation of each concordance "
        "category and of the up/down genes) → report (5 charts as PNG "
        "+ SVG, exports, Markdown + HTML) → publish (swap the staged rows and report in, one "
        "transaction), each in a fresh process with a fresh database. "
        "**pandas + pyranges** = the tutorial recipe (`bench/integrate/baseline.py`: read_csv, "
        "pyranges `nearest` to TSS, merge by symbol, categories, scores, Pearson; no feature "
        "annotation, BETA, sensitivity, storage or report). Medians of "
        f"{a.repeats} runs; peak = max RSS of the process.", "",
        "| step | chromdiff s |", "|---|---:|",
        *(f"| {k} | {v:.2f} |" for k, v in med.items()), "",
        "(total = load + link + stats + enrich + report + publish; setup excluded)", "",
        "| | s | peak MiB | pairs | Pearson r (significant pairs) |", "|---|---:|---:|---:|---:|",
        f"| chromdiff load+link+stats | {core:.2f} | {max(r['peak_mib'] for r in ours):.0f} | "
        f"— | {ours[0]['pearson_r']:.3f} |",
        f"| pandas + pyranges recipe | {b:.2f} | {max(r['peak_mib'] for r in base):.0f} | "
        f"{base[0]['pairs']:,} | {base[0]['pearson_r']:.3f} |", "",
        f"Ratio (recipe / chromdiff load+link+stats): **{b / core:.1f}×**.", "",
        "The whole integration flow, once each way, as a user runs it (`chromdiff integrate "
        "--atac --rna --genome hg38`: the Prefect flow, a fresh database incl. setup, every "
        "step above); peak summed over the process tree; rest = wall − setup − total above "
        "(Prefect, the CLI's start-up and the flow's own bookkeeping):", "",
        "| Prefect API | wall s | peak MiB | rest s |", "|---|---:|---:|---:|",
        *(f"| {name} | {r['wall_s']:.1f} | {r['tree_peak_mib']:.0f} | "
          f"{r['wall_s'] - med['total'] - med['setup']:.1f} |"
          for name, r in (("temporary server (the default)", flow),
                          ("running server (`PREFECT_API_URL`)", served))),
    ])  # fmt: skip
    replace_section("integration", body)
    print(body)


if __name__ == "__main__":
    main()
