"""Simulated inputs for the local pipeline: bigWigs written with pyBigWig, peak BEDs, a cache.

Used by ``chromdiff demo`` and by ``tests/data/local/make_fixtures.py``. Reads of one length
are dropped around planted peaks with negative-binomial counts (a share of peaks differ
between groups by a fold change), base coverage is accumulated per chromosome and written as
bedGraph-style intervals. User samples hold the raw integer coverage (what ChIP-Atlas
requires of user bigWigs); public samples hold RPM coverage (raw x scale factor, as ChIP-Atlas's
own bigWigs) next to a ``metadata.tsv`` with the reads/mapping/duplicate rates that give that
scale factor (``chromdiff.local.samples``). Each sample's peak file holds its own copy of the
peaks it has signal in, boundaries jittered, so the multiinter union has split segments.
Everything is simulated and says so.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Small chromosomes with hg38 names (the bigWig header holds these lengths).
CHROMS = {"chr1": 400_000, "chr2": 300_000, "chrX": 200_000}
READ_LENGTH = 50


@dataclass
class SimSample:
    """One simulated experiment: its name, group, and whether it is user data."""

    name: str
    grp: str
    user: bool


def _peaks(rng: np.random.Generator, n: int) -> list[tuple[str, int, int]]:
    out = []
    weights = np.array(list(CHROMS.values()), float)
    names = list(CHROMS)
    per = rng.multinomial(n, weights / weights.sum())
    for chrom, k in zip(names, per, strict=True):
        starts = np.sort(rng.choice(np.arange(2_000, CHROMS[chrom] - 3_000, 1_500), k, False))
        widths = rng.integers(200, 900, k)
        out += [(chrom, int(s), int(s + w)) for s, w in zip(starts, widths, strict=True)]
    return out


def _coverage(rng, peaks, means) -> dict[str, np.ndarray]:
    cov = {c: np.zeros(n, np.int32) for c, n in CHROMS.items()}
    for (chrom, s, e), mu in zip(peaks, means, strict=True):
        k = rng.negative_binomial(5, 5 / (5 + mu))
        pos = rng.integers(max(0, s - 100), min(CHROMS[chrom] - READ_LENGTH, e + 100), k)
        for p in pos:
            cov[chrom][p : p + READ_LENGTH] += 1
    return cov


def _write_bigwig(path: Path, cov: dict[str, np.ndarray], scale: float) -> None:
    import pyBigWig

    bw = pyBigWig.open(str(path), "w")
    bw.addHeader(list(CHROMS.items()))
    for chrom, depth in cov.items():
        change = np.flatnonzero(np.diff(depth)) + 1
        starts = np.concatenate([[0], change])
        ends = np.concatenate([change, [len(depth)]])
        vals = depth[starts]
        keep = vals > 0  # like bedtools genomecov -bg: zero runs are not written
        if keep.any():
            bw.addEntries([chrom] * int(keep.sum()), starts[keep].tolist(),
                          ends=ends[keep].tolist(),
                          values=(vals[keep].astype(float) * scale).tolist())  # fmt: skip
    bw.close()


def _write_peaks(path: Path, rng, peaks, present, narrow: bool) -> None:
    lines = []
    for (chrom, s, e), ok in zip(peaks, present, strict=True):
        if not ok:
            continue
        js, je = (int(x) for x in rng.integers(-60, 61, 2))
        s2, e2 = max(0, s + js), min(CHROMS[chrom], e + je)
        if narrow:
            lines.append(f"{chrom}\t{s2}\t{e2}\tpeak\t500\t.\t8.1\t12.3\t10.2\t{(e2 - s2) // 2}")
        else:
            lines.append(f"{chrom}\t{s2}\t{e2}\tID=sim;score=500\t500\t.")
    lines.sort(key=lambda x: (x.split("\t")[0], int(x.split("\t")[1])))
    text = "\n".join(lines) + "\n"
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode(), mtime=0))
    else:
        path.write_text(text)


def simulate_local_inputs(root: Path, user_a: int = 3, public_b: tuple[str, ...] = (
        "SRX100001", "SRX100002", "SRX100003"), n_peaks: int = 150, seed: int = 16,
        genome: str = "hg38") -> dict[str, Path]:  # fmt: skip
    """Write user data for group A and a ChIP-Atlas-style cache for group B under ``root``.

    Returns
    -------
    dict
        ``mine`` (ID file of A, user-data lines with relative paths), ``public`` (ID file of
        B), ``cache`` (the cache folder for ``--cache``).
    """
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    user_dir, cache = root / "user", root / "cache"
    bw_dir, bed_dir = cache / genome / "BigWig", cache / genome / "Bed05" / "Bed"
    for d in (user_dir, bw_dir, bed_dir):
        d.mkdir(parents=True, exist_ok=True)
    peaks = _peaks(rng, n_peaks)
    base = np.exp(rng.normal(np.log(40), 0.8, len(peaks)))
    lfc = np.where(rng.random(len(peaks)) < 0.2, rng.choice([-2.0, 2.0], len(peaks)), 0.0)
    mine, meta = [], ["experiment_id\treads\tmapped_pct\tduplicates_pct\tlayout\tread_length"]
    samples = [SimSample(f"A{i + 1}", "A", True) for i in range(user_a)]
    samples += [SimSample(srx, "B", False) for srx in public_b]
    for k, s in enumerate(samples):
        depth = rng.uniform(0.7, 1.3)
        means = base * depth * 2 ** (lfc / 2 if s.grp == "A" else -lfc / 2)
        cov = _coverage(rng, peaks, means)
        present = (rng.random(len(peaks)) < 0.85) | (means > 60)
        if s.user:
            bw, bed = user_dir / f"{s.name}.bw", user_dir / f"{s.name}.bed"
            if k == 0:
                bed = user_dir / f"{s.name}.narrowPeak.gz"
            _write_bigwig(bw, cov, 1.0)
            _write_peaks(bed, rng, peaks, present, narrow=k == 0)
            mine.append(f"./user/{bw.name}\t./user/{bed.name}\t{READ_LENGTH}")
        else:
            reads = int(sum(c.sum() for c in cov.values()) // READ_LENGTH * 40)
            mapped, dup = 92.5 + k, 8.0 + k
            scale = 1e6 / (reads * mapped / 100 * (1 - dup / 100))
            _write_bigwig(bw_dir / f"{s.name}.bw", cov, scale)
            _write_peaks(bed_dir / f"{s.name}.05.bed", rng, peaks, present, narrow=False)
            meta.append(f"{s.name}\t{reads}\t{mapped}\t{dup}\t1\t{READ_LENGTH}")
    (cache / genome / "metadata.tsv").write_text("\n".join(meta) + "\n")
    (root / "mine.txt").write_text(
        "# simulated user data: bigWig, peak BED, read length (tab-separated)\n"
        + "\n".join(mine) + "\n"
    )  # fmt: skip
    (root / "public.txt").write_text("\n".join(public_b) + "\n")
    return {"mine": root / "mine.txt", "public": root / "public.txt", "cache": cache}
