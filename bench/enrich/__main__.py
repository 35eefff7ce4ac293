"""GREAT benchmark: ``uv run python -m bench.enrich [--regions N --repeats R --greatpy N]``.

(``--greatpy-timeout S``: how long greatpy may run, default 1,500 s.)

N random 500-bp hg38 regions (seed 1, placed uniformly over the assembled chromosomes), GREAT
over every GO BP term (binomial + gene hypergeometric): chromdiff beside a plain
numpy/scipy/pandas GREAT (``bench/enrich/peer.py``) on the same domains, gene sets and
regions, each in a fresh process; greatpy 0.0.1 on a small subset (its per-region Python loops
do not reach 100k). The p-values of chromdiff and the peer are compared term by term. Writes the
``enrichment`` section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from bench.machine import describe
from bench.mdsection import replace_section
from bench.timing import ROOT


def _worker(args: list[str], timeout: float = 1800) -> dict:
    proc = subprocess.run([sys.executable, "-m", "bench.enrich.worker", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip
    if proc.returncode:
        raise RuntimeError(f"worker {args[0]} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def make_regions(n: int, path: Path, seed: int = 1, width: int = 500) -> Path:
    """Write ``n`` random regions (region_key, chrom, start, stop) to a Parquet file."""
    from chromdiff.regions.chromsizes import chrom_sizes

    sizes = chrom_sizes("hg38")
    chroms, lens = list(sizes), np.array(list(sizes.values()), dtype=float)
    rng = np.random.default_rng(seed)
    ch = rng.choice(len(chroms), size=n, p=lens / lens.sum())
    start = (rng.random(n) * (lens[ch] - width)).astype(np.int64)
    df = pd.DataFrame({"region_key": np.arange(1, n + 1), "chrom": np.array(chroms)[ch],
                       "start": start, "stop": start + width})  # fmt: skip
    df.to_parquet(path)
    return path


def _compare(out: Path) -> dict:
    ours = pd.read_parquet(out / "ours.parquet")
    peer = pd.read_parquet(out / "peer.parquet").set_index("set_id")
    b = ours[ours.method == "great_binomial"].set_index("set_id")
    h = ours[ours.method == "great_hypergeometric"].set_index("set_id")
    pk = peer[peer.k > 0]
    assert set(b.index) == set(pk.index), "the same terms have region hits"

    def rel(a, c):
        a, c = np.asarray(a, float), np.asarray(c, float)
        return float(np.max(np.abs(a - c) / np.maximum(np.abs(c), 1e-300)))

    return {
        "terms": len(b),
        "k_equal": bool((b.k == pk.loc[b.index, "k"]).all()),
        "binom_rel": rel(b.pvalue, pk.loc[b.index, "p_binom"]),
        "hyper_rel": rel(h.pvalue, peer.loc[h.index, "p_hyper"]),
    }


def main() -> None:
    """Generate regions, measure, compare, write the section."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--greatpy", type=int, default=1000, help="regions for greatpy (0: skip)")
    ap.add_argument("--greatpy-timeout", type=int, default=1500, help="seconds greatpy may run")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="chromdiff-bench-enr-") as tmp:
        t = Path(tmp)
        reg = make_regions(a.regions, t / "regions.parquet")
        ours, peer = [], []
        for i in range(a.repeats):
            print(f"run {i + 1}/{a.repeats} ...", file=sys.stderr, flush=True)
            ours.append(_worker(["ours", str(reg), tmp]))
            peer.append(_worker(["peer", str(reg), tmp]))
        check = _compare(t)
        small = {}
        if a.greatpy:
            sub = t / "sub"
            sub.mkdir()
            sreg = make_regions(a.greatpy, sub / "regions.parquet", seed=2)
            small["ours"] = _worker(["ours", str(sreg), str(sub)])
            small["peer"] = _worker(["peer", str(sreg), str(sub)])
            try:
                small["greatpy"] = _worker(
                    ["greatpy", str(sreg), str(sub)], timeout=a.greatpy_timeout
                )
            except subprocess.TimeoutExpired:
                small["greatpy_error"] = f"did not finish within the {a.greatpy_timeout:,} s limit"
            except RuntimeError as exc:
                small["greatpy_error"] = str(exc).splitlines()[0][:200]
    med = {k: statistics.median(r["times"][k] for r in ours) for k in ours[0]["times"]}
    pmed = {k: statistics.median(r["times"][k] for r in peer) for k in peer[0]["times"]}
    lines = [
        "## GREAT enrichment (`uv run python -m bench.enrich`)", "", describe(), "",
        f"Input: {a.regions:,} random 500-bp hg38 regions (seed 1, uniform over the assembled "
        "chromosomes), every GO BP term (embedded GO 2022-07-01, genes propagated to ancestors), "
        "GREAT basal + extension domains clipped to the chromosome sizes; both the binomial and "
        f"the gene hypergeometric test, BH. Medians of {a.repeats} runs, each in a fresh process; "
        "peak = max RSS. **peer** = a plain numpy/scipy/pandas GREAT "
        "(`bench/enrich/peer.py`: segment sweep, sparse products, pandas interval union) "
        "on chromdiff's domains and gene sets, read from Parquet.", "",
        "| step | chromdiff s | peer s |", "|---|---:|---:|",
        f"| import | {med['import']:.2f} | {pmed['import']:.2f} |",
        f"| setup (schema + hg38 annotation) / read inputs | {med['setup']:.2f} | "
        f"{pmed['read']:.2f} |",
        f"| GO BP gene sets (propagation join) | {med['gene_sets']:.2f} | — |",
        f"| GREAT, all BP terms | **{med['great']:.2f}** | **{pmed['great']:.2f}** |",
        f"| peak MiB | {max(r['peak_mib'] for r in ours):.0f} | "
        f"{max(r['peak_mib'] for r in peer):.0f} |", "",
        f"Terms with region hits: {check['terms']:,}; region counts equal: {check['k_equal']}; "
        "largest relative p-value difference chromdiff vs peer: binomial "
        f"{check['binom_rel']:.1e}, hypergeometric {check['hyper_rel']:.1e}.",
    ]  # fmt: skip
    if small:
        row = f"On {a.greatpy:,} regions (seed 2): chromdiff GREAT {small['ours']['times']['great']:.2f} s, peer {small['peer']['times']['great']:.2f} s"  # noqa: E501
        if "greatpy" in small:
            row += f", greatpy 0.0.1 `tl.enrichment` {small['greatpy']['times']['great']:.1f} s"
        else:
            row += f"; greatpy 0.0.1 `tl.enrichment` {small.get('greatpy_error')}"
        lines += ["", row + "."]
    body = "\n".join(lines)
    replace_section("enrichment", body)
    print(body)


if __name__ == "__main__":
    main()
