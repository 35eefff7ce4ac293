"""Generate the benchmark inputs: N samples x R merged regions on hg38-sized chromosomes.

Half the samples are user data (integer-coverage bigWigs, BED peak files, tab-separated
user-data lines), half public IDs in a ChIP-Atlas-style cache (RPM bigWigs, ``Bed05`` files,
``metadata.tsv``). Every sample's peak file holds its present peaks with the same coordinates,
so the multiinter union is exactly the R planted regions. Each region's coverage is 5 equal
pieces with Poisson depths around a negative-binomial read count (20 % of regions differ
between groups). Simulated; deterministic for a seed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from chromdiff.fakeapi.simulate import HG38_MB

READ_LENGTH = 50
PIECES = 5


def _regions(rng, n):
    names = [c for c in HG38_MB if c not in ("chrY",)]
    sizes = np.array([HG38_MB[c] * 1_000_000 for c in names])
    per = np.floor(n * sizes / sizes.sum()).astype(int)
    per[0] += n - per.sum()
    out = {}
    for c, k, size in zip(names, per, sizes, strict=True):
        slots = np.sort(rng.choice(size // 2_000 - 2, k, replace=False) + 1) * 2_000
        width = rng.integers(200, 800, k)
        out[c] = (slots, slots + width)
    return out


def generate(root: Path, n_samples: int = 16, n_regions: int = 200_000, seed: int = 7) -> dict:
    """Write the inputs under ``root``; return the ID files and the cache folder."""
    import pyBigWig

    rng = np.random.default_rng(seed)
    regions = _regions(rng, n_regions)
    chrom_sizes = [(c, int(HG38_MB[c] * 1_000_000)) for c in regions]
    n_a = n_samples // 2
    user, cache = root / "user", root / "cache" / "hg38"
    for d in (user, cache / "BigWig", cache / "Bed05" / "Bed"):
        d.mkdir(parents=True, exist_ok=True)
    base = {c: np.exp(rng.normal(np.log(60), 0.8, len(s))) for c, (s, _) in regions.items()}
    lfc = {c: np.where(rng.random(len(s)) < 0.2, rng.choice([-1.5, 1.5], len(s)), 0.0)
           for c, (s, _) in regions.items()}  # fmt: skip
    mine, public, meta = (
        [],
        [],
        ["experiment_id\treads\tmapped_pct\tduplicates_pct\tlayout\tread_length"],
    )
    for j in range(n_samples):
        grp_a = j < n_a
        name = f"A{j + 1}" if grp_a else f"SRX9{j:05d}"
        depth = rng.uniform(0.7, 1.3)
        total = 0
        sf = 1.0
        tracks, peaks = {}, []
        for c, (s, e) in regions.items():
            mu = base[c] * depth * 2 ** (lfc[c] / 2 if grp_a else -lfc[c] / 2)
            k = rng.negative_binomial(10, 10 / (10 + mu))
            total += int(k.sum())
            width = (e - s) // PIECES
            starts = (s[:, None] + np.arange(PIECES) * width[:, None]).ravel()
            ends = starts + np.repeat(width, PIECES)
            lam = np.repeat(k * READ_LENGTH / (width * PIECES), PIECES)
            vals = rng.poisson(lam).astype(float)
            keep = vals > 0
            tracks[c] = (starts[keep], ends[keep], vals[keep])
            present = (rng.random(len(s)) < 0.85) | (mu > 100)
            peaks.append(np.column_stack([s[present], e[present]]))
        if not grp_a:
            mapped, dup = 90.0, 10.0
            sf = 1e6 / (total * mapped / 100 * (1 - dup / 100))
            meta.append(f"{name}\t{total}\t{mapped}\t{dup}\t1\t{READ_LENGTH}")
        bw_path = user / f"{name}.bw" if grp_a else cache / "BigWig" / f"{name}.bw"
        bed_path = user / f"{name}.bed" if grp_a else cache / "Bed05" / "Bed" / f"{name}.05.bed"
        bw = pyBigWig.open(str(bw_path), "w")
        bw.addHeader(chrom_sizes)
        for c, (st, en, va) in tracks.items():
            if len(st):
                bw.addEntries([c] * len(st), st.tolist(), ends=en.tolist(),
                              values=(va * sf).tolist())  # fmt: skip
        bw.close()
        with bed_path.open("w") as fh:
            for c, pk in zip(regions, peaks, strict=True):
                fh.write("".join(f"{c}\t{a}\t{b}\n" for a, b in pk))
        if grp_a:
            mine.append(f"{bw_path}\t{bed_path}\t{READ_LENGTH}")
        else:
            public.append(name)
    (cache / "metadata.tsv").write_text("\n".join(meta) + "\n")
    (root / "mine.txt").write_text("\n".join(mine) + "\n")
    (root / "public.txt").write_text("\n".join(public) + "\n")
    return {"mine": root / "mine.txt", "public": root / "public.txt", "cache": root / "cache"}
