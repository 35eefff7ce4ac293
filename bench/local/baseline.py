"""Worker: the same work as a plain script would do it (pyBigWig + pandas + R edgeR).

``python -m bench.local.baseline ROOT OUT`` reads the same ID files and cache, builds the
multiinter-style union with pandas/numpy (merge each file, split at every boundary, join runs
with the same set of files), sums each region's overlapping bigWig intervals with one
``bw.intervals(chrom, start, end)`` call per region and experiment, applies DA's count formula,
writes the count table and runs edgeR through ``Rscript`` (the calls of ``edgeR.r``), then writes
the BED with pandas. It skips chromdiff's checks and bigWigToBedGraph details (merging equal
neighbours, ``%g``). Prints one JSON line like ``bench.local.ours``.
"""

from __future__ import annotations

import csv
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyBigWig

R_SCRIPT = Path(__file__).resolve().parents[2] / "src" / "chromdiff" / "edger" / "diffbind.R"


def _samples(root: Path):
    out = []
    for line in (root / "mine.txt").read_text().split("\n"):
        if line.strip():
            bw, bed, rl = line.split("\t")
            out.append((f"URL_A{len(out) + 1}", "A", bw, bed, 1.0, float(rl)))
    meta = {r["experiment_id"]: r for r in csv.DictReader(
        (root / "cache" / "hg38" / "metadata.tsv").open(), delimiter="\t")}  # fmt: skip
    for srx in (root / "public.txt").read_text().split():
        m = meta[srx]
        sf = 1e6 / (float(m["reads"]) * float(m["mapped_pct"]) / 100
                    * (1 - float(m["duplicates_pct"]) / 100) * float(m["layout"]))  # fmt: skip
        out.append((srx, "B", str(root / "cache" / "hg38" / "BigWig" / f"{srx}.bw"),
                    str(root / "cache" / "hg38" / "Bed05" / "Bed" / f"{srx}.05.bed"), sf,
                    float(m["read_length"])))  # fmt: skip
    return out


def _union(peak_files: list[str]) -> pd.DataFrame:
    frames = []
    for i, f in enumerate(peak_files):
        df = pd.read_csv(f, sep="\t", header=None, usecols=[0, 1, 2], names=["c", "s", "e"])
        df = df.sort_values(["c", "s", "e"])
        prev = df.groupby("c")["e"].transform(lambda x: x.cummax().shift())
        df["isl"] = (prev.isna() | (df["s"] > prev)).cumsum()
        m = df.groupby(["c", "isl"]).agg(s=("s", "min"), e=("e", "max")).reset_index()
        m["f"] = i
        frames.append(m[["c", "s", "e", "f"]])
    merged = pd.concat(frames)
    out = []
    for c, g in merged.groupby("c", sort=True):
        bounds = np.unique(np.concatenate([g["s"].to_numpy(), g["e"].to_numpy()]))
        seg_s, seg_e = bounds[:-1], bounds[1:]
        member = np.zeros((len(seg_s), len(peak_files)), bool)
        for f, gf in g.groupby("f"):
            lo = np.searchsorted(bounds, gf["s"].to_numpy())
            hi = np.searchsorted(bounds, gf["e"].to_numpy())
            cover = np.zeros(len(bounds), int)
            np.add.at(cover, lo, 1)
            np.add.at(cover, hi, -1)
            member[:, f] = np.cumsum(cover)[:-1] > 0
        key = np.packbits(member, axis=1)
        active = member.any(axis=1)
        change = np.ones(len(seg_s), bool)
        change[1:] = (key[1:] != key[:-1]).any(axis=1) | (active[1:] != active[:-1])
        run = np.cumsum(change)
        df = pd.DataFrame({"s": seg_s, "e": seg_e, "run": run})[active]
        r = df.groupby("run").agg(s=("s", "min"), e=("e", "max"))
        r.insert(0, "c", c)
        out.append(r)
    regions = pd.concat(out, ignore_index=True)
    regions["name"] = [f"peak_{i}" for i in range(1, len(regions) + 1)]
    return regions


def _counts(regions: pd.DataFrame, bw_path: str, sf: float, rl: float) -> np.ndarray:
    bw = pyBigWig.open(bw_path)
    out = np.zeros(len(regions), np.int64)
    for i, (c, s, e) in enumerate(zip(regions["c"], regions["s"], regions["e"], strict=True)):
        ivs = bw.intervals(c, int(s), int(e))
        if ivs:
            total = sum((b - a) * v for a, b, v in ivs)
            out[i] = int((total / sf + 0.5) / rl) + 1
    bw.close()
    return out


def main(root: Path, out: Path) -> dict:
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    steps = {}
    samples = _samples(root)
    t = time.perf_counter()
    regions = _union([s[3] for s in samples])
    steps["union"] = time.perf_counter() - t
    t = time.perf_counter()
    table = pd.DataFrame({s[0]: _counts(regions, s[2], s[4], s[5]) for s in samples})
    table.index = regions["name"]
    table = table[sorted(table.columns)]
    table = table[(table > 0).any(axis=1)]
    steps["counts"] = time.perf_counter() - t
    t = time.perf_counter()
    table.index.name = "Peak"
    table.to_csv(out / "count_table.csv")
    groups = pd.DataFrame({"n": [s[0] for s in samples], "g": [s[1] for s in samples]})
    groups.to_csv(out / "groups.tsv", sep="\t", header=False, index=False)
    subprocess.run(["Rscript", str(R_SCRIPT), str(out / "count_table.csv"),
                    str(out / "groups.tsv"), str(out / "edger.tsv")], check=True)  # fmt: skip
    res = pd.read_csv(out / "edger.tsv", sep="\t").set_index("Peak")
    a = sorted(s[0] for s in samples if s[1] == "A")
    b = sorted(s[0] for s in samples if s[1] == "B")
    bed = regions.set_index("name").loc[res.index, ["c", "s", "e"]]
    bed["a"] = res[a].apply(lambda r: ",".join(f"{v:.2f}" for v in r), axis=1)
    bed["b"] = res[b].apply(lambda r: ",".join(f"{v:.2f}" for v in r), axis=1)
    bed = pd.concat([bed, res[["logFC", "PValue", "FDR"]]], axis=1)
    bed.to_csv(out / "wabi_result.bed", sep="\t", header=False, index=False)
    steps["edger_bed"] = time.perf_counter() - t
    return {
        "seconds": time.perf_counter() - t0, "steps": steps, "n_union": len(regions),
        "n_tested": len(res),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }  # fmt: skip


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))
