"""Simulated Diff Analysis results: regions, negative-binomial counts, edgeR-like statistics.

Regions mimic ``bedtools multiinter`` segments of merged peaks (mostly a few hundred bp, some
1-9 bp slivers, chromosomes in proportion to their size, a few unplaced contigs and chrM).
Counts are negative binomial (gamma-Poisson) for every experiment; library sizes are equalised
with TMM-like factors into pseudo-counts; the p-value is an exact-test-like conditional binomial
test of the group sums with an overdispersion correction; q-values are Benjamini-Hochberg.
``statistics="edger"`` replaces these approximations with the numpy port of the server's edgeR
steps (:mod:`chromdiff.edger`, checked against real edgeR in
``tests/test_edger_oracle.py``). All output is simulated and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from chromdiff.edger.adjust import bh

#: hg38 primary chromosome lengths (Mb), for a realistic chromosome mix.
HG38_MB = {
    "chr1": 248, "chr2": 242, "chr3": 198, "chr4": 190, "chr5": 181, "chr6": 171, "chr7": 159,
    "chr8": 145, "chr9": 138, "chr10": 134, "chr11": 135, "chr12": 133, "chr13": 114,
    "chr14": 107, "chr15": 102, "chr16": 90, "chr17": 83, "chr18": 80, "chr19": 59, "chr20": 64,
    "chr21": 47, "chr22": 51, "chrX": 156, "chrY": 57,
}  # fmt: skip
ODD_CONTIGS = ("chrUn_KI270742v1", "chr1_KI270706v1_random", "chrEBV")
#: Contigs of each assembly that ChIP-Atlas' peak calls reach but the QC counts as non-standard
#: (unplaced, random, haplotype or episomal sequences named as UCSC names them).
GENOME_ODD_CONTIGS = {
    "hg38": ODD_CONTIGS,
    "hg19": ("chrUn_gl000220", "chr1_gl000191_random", "chr6_cox_hap2"),
    "mm10": ("chrUn_GL456239", "chr1_GL456210_random"),
    "mm9": ("chrUn_random", "chr1_random"),
    "dm3": ("chrU", "chrUextra"),
    "sacCer3": ("2micron",),
}
DISPERSION = 0.1


@dataclass
class Simulated:
    """One simulated result (rows sorted by chrom order then start)."""

    chrom: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    counts_a: np.ndarray  # (n, n_a) pseudo-counts, columns in sorted(ids_a) order
    counts_b: np.ndarray
    logfc: np.ndarray  # log2(A/B)
    pvalue: np.ndarray
    qvalue: np.ndarray
    #: (n, n_a + n_b) integer counts the statistics were computed from (A columns, then B).
    raw_counts: np.ndarray | None = None


@dataclass(frozen=True)
class Layout:
    """The chromosomes a simulated result is drawn on (one genome's).

    ``chroms``: every name, the main chromosomes first (drawn in proportion to ``mb``), then
    chrM, then the odd contigs; a region's code is its index, which is also its sort rank.
    """

    chroms: np.ndarray
    mb: np.ndarray  # sizes of the main chromosomes (Mb), the draw's weights
    limit: np.ndarray  # upper bound of a start, by code
    clip: bool = True  # stops end at the bound (hg38 draws predate it and stay as they were)
    #: real chromosome ends by code (hg38, whose bounds are rounded sizes): a region drawn past
    #: its chromosome's end is moved inside it, the others stay as they were drawn
    ends: np.ndarray | None = None

    def code(self, chrom: str) -> int | None:
        """Return ``chrom``'s code, None if the genome lacks it."""
        hit = np.flatnonzero(self.chroms == chrom)
        return int(hit[0]) if len(hit) else None


def layout(genome: str = "hg38") -> Layout:
    """Return the simulation :class:`Layout` of ``genome`` (ChIP-Atlas' genomes).

    The real service calls peaks from ``results/<genome>/Bed<thres>/Bed`` (DA:193-195 in
    inutano/chip-atlas 21d848e, ``script/update_2025/DA/DA``), so a result holds that genome's
    chromosomes. hg38 keeps its historical rounded sizes (seeded results stay as they were);
    the others use the embedded UCSC sizes (:mod:`chromdiff.regions.chromsizes`).
    """
    from chromdiff.regions.chromsizes import DATA_DIR, chrom_sizes

    if genome == "hg38":
        main = {c: float(v) for c, v in HG38_MB.items()}
    elif (DATA_DIR / f"{genome}.tab").is_file():
        main = {c: s / 1e6 for c, s in chrom_sizes(genome).items()}
    else:
        raise ValueError(f"no simulation layout for genome {genome!r}")
    odd = GENOME_ODD_CONTIGS.get(genome, ())
    chroms = np.array([*main, "chrM", *odd], dtype=object)
    mb = np.array(list(main.values()), float)
    # starts stay 5 kb short of the bound: main chromosomes their size, contigs 0.1 Mb (the
    # yeast 2-micron plasmid its 6,318 bp), chrM 16 kb
    contigs = [6_318 if c == "2micron" else 0.1e6 for c in odd]
    limit = np.concatenate([mb * 1e6, [16_000], contigs])
    if genome != "hg38":
        return Layout(chroms, mb, limit)
    real = chrom_sizes("hg38", include_circular=True)
    ends = np.array([real.get(c, lim) for c, lim in zip(chroms, limit, strict=True)], np.int64)
    return Layout(chroms, mb, limit, clip=False, ends=ends)


def _regions(
    rng: np.random.Generator, n: int, lay: Layout
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw ``n`` regions on ``lay``: chromosome codes, starts and stops."""
    n_main = len(lay.mb)
    # a choice among the codes draws what a choice among the names would (numpy takes a[idx])
    code = rng.choice(n_main, size=n, p=lay.mb / lay.mb.sum())
    odd = rng.random(n)
    n_odd = len(lay.chroms) - n_main - 1
    if n_odd:
        code[odd < 0.004] = n_main + 1 + rng.choice(n_odd, size=int((odd < 0.004).sum()))
    code[(odd >= 0.004) & (odd < 0.006)] = n_main  # chrM
    limit = lay.limit[code]
    start = (rng.random(n) * np.maximum(limit - 5_000, 1_000)).astype(np.int64)
    size = np.exp(rng.normal(np.log(350), 0.7, n)).astype(np.int64) + 10
    sliver = rng.random(n) < 0.02
    size[sliver] = rng.integers(1, 10, sliver.sum())
    stop = start + size
    if lay.ends is not None:  # past the real end (rounded bounds): the same size, inside it
        end = lay.ends[code]
        over = stop > end
        start[over] = start[over] % np.maximum(end[over] - size[over], 1)
        stop = start + size
    return code, start, np.minimum(stop, limit.astype(np.int64)) if lay.clip else stop


def _tmm_like(raw: np.ndarray) -> np.ndarray:
    """Effective library sizes: column sums scaled by a trimmed-median ratio to the mean profile."""
    lib = raw.sum(axis=0).astype(float)
    ref = raw.mean(axis=1) + 0.5
    keep = (ref > np.quantile(ref, 0.3)) & (ref < np.quantile(ref, 0.95))
    if not keep.any():
        return lib * np.ones(raw.shape[1])
    ratios = np.log2((raw[keep] + 0.5) / lib * lib.mean() / ref[keep][:, None])
    return lib * 2 ** np.median(ratios, axis=0)


def simulate_diffbind(
    n_a: int, n_b: int, n_regions: int, seed: int = 7, *, sex_confound: bool = False,
    cluster: bool = False, chrm_significant: bool = False, frac_diff: float = 0.08,
    statistics: str = "approx", genome: str = "hg38",
) -> Simulated:  # fmt: skip
    """Simulate a diffbind result for ``n_a`` vs ``n_b`` experiments.

    ``statistics="approx"`` (default) derives the statistics with the fast approximations of the
    module docstring, for every region. ``"edger"`` runs the numpy port of the server's edgeR
    steps (:func:`chromdiff.edger.classic.edger_classic`: filterByExpr, TMM, common + tagwise
    dispersion, exact test), so only the regions ``filterByExpr`` keeps are returned, with
    edgeR's pseudo-counts (CPM for 1 vs 1, which the server fits with the GLM deviance
    dispersion), logFC, p and FDR.
    """
    if statistics not in ("approx", "edger"):
        raise ValueError(f"unknown statistics {statistics!r} (approx or edger)")
    rng = np.random.default_rng(seed)
    lay = layout(genome)
    code, start, stop = _regions(rng, n_regions, lay)
    base = np.exp(rng.normal(np.log(40), 1.0, n_regions))
    lfc = np.zeros(n_regions)
    diff = rng.random(n_regions) < frac_diff
    lfc[diff] = rng.choice([-1, 1], diff.sum()) * rng.normal(2.0, 0.6, diff.sum())
    if cluster:
        # 14 neighbours on chr8 (or the genome's first chromosome), mid-chromosome
        big = lay.code("chr8") or 0
        idx = np.flatnonzero(code == big)[:14]
        start[idx] = int(min(60e6, lay.limit[big] / 2)) + np.arange(len(idx)) * 90_000
        stop[idx], lfc[idx], base[idx] = start[idx] + 400, 3.0, 200.0
    if chrm_significant:
        idx = np.flatnonzero(code == lay.code("chrM"))[:6]
        lfc[idx], base[idx] = 3.0, 300.0
    scale_a = 2 ** (lfc / 2)
    scale_b = 2 ** (-lfc / 2)
    if sex_confound:
        y = code == lay.code("chrY")  # none where the genome has no chrY
        scale_a[y], scale_b[y], base[y] = 1.0, 0.005, np.maximum(base[y], 30)
    size_factors = rng.uniform(0.7, 1.3, n_a + n_b)
    mu = np.concatenate(
        [
            np.outer(base * scale_a, size_factors[:n_a]),
            np.outer(base * scale_b, size_factors[n_a:]),
        ],
        axis=1,
    )
    raw = rng.poisson(mu * rng.gamma(1 / DISPERSION, DISPERSION, mu.shape))
    if statistics == "edger":
        return _edger_statistics(raw, n_a, n_b, lay.chroms, code, start, stop)
    eff = _tmm_like(raw)
    pseudo = raw / eff * eff.mean()
    sum_a, sum_b = raw[:, :n_a].sum(1), raw[:, n_a:].sum(1)
    frac = eff[:n_a].sum() / eff.sum()
    # Overdispersion: shrink the binomial's effective sample by (1 + dispersion x mean count).
    inflate = 1 + DISPERSION * (sum_a + sum_b) / (n_a + n_b)
    k, total = np.round(sum_a / inflate), np.round((sum_a + sum_b) / inflate)
    p = np.minimum(
        1.0, 2 * np.minimum(stats.binom.cdf(k, total, frac), stats.binom.sf(k - 1, total, frac))
    )
    mean_a, mean_b = pseudo[:, :n_a].mean(1), pseudo[:, n_a:].mean(1)
    order = np.lexsort((start, code))
    return Simulated(
        lay.chroms[code[order]], start[order], stop[order], pseudo[order, :n_a],
        pseudo[order, n_a:],
        np.log2((mean_a + 0.5) / (mean_b + 0.5))[order], p[order], bh(p)[order], raw[order],
    )  # fmt: skip


def _edger_statistics(raw, n_a, n_b, chroms, code, start, stop) -> Simulated:
    from chromdiff.edger.classic import edger_classic

    res = edger_classic(raw, n_a, n_b)
    k = res.keep
    code, start, stop, raw = code[k], start[k], stop[k], raw[k]
    order = np.lexsort((start, code))
    return Simulated(
        chroms[code[order]], start[order], stop[order], res.pseudo[order, :n_a],
        res.pseudo[order, n_a:], res.logfc[order], res.pvalue[order], res.fdr[order], raw[order],
    )  # fmt: skip


def simulate_dmr(n_regions: int, seed: int = 7, genome: str = "hg38") -> dict[str, np.ndarray]:
    """Simulate metilene DMR rows (methylation levels 0-1, A minus B differences).

    Positions are metilene's: BED, the first CpG's 0-based start and the last CpG's end
    (metilene 0.2-8 prints pos[first] - 1 and pos[last], pos being the bedGraph end that
    metilene_input.pl keeps: ``unionbedg | cut -f1,3-``). The rows obey what metilene prints
    (metseg.c of metilene 0.2-7, run with DA's defaults, ``-a g1 -b g2``, DA:631): only DMRs
    with |mean difference| >= 0.1 (``minMethDist``) and >= 10 CpGs (``mincpgs``), at most one
    CpG per 2 bases of the span; q = min(1, 2D KS p x number of tests), the tests counting
    every segment metilene tested, printed or not (``numberTests``; here 2 per printed row).
    """
    rng = np.random.default_rng(seed)
    lay = layout(genome)
    code, start, stop = _regions(rng, n_regions, lay)
    n_cpgs = rng.integers(10, 80, n_regions)
    stop = start + np.maximum(rng.integers(50, 3000, n_regions), 2 * n_cpgs)
    if lay.clip:
        stop = np.minimum(stop, lay.limit[code].astype(np.int64))
    elif lay.ends is not None:
        start = np.minimum(start, lay.ends[code] - (stop - start))
        stop = np.minimum(stop, lay.ends[code])
    mean_a = rng.beta(2, 2, n_regions)
    # |A - B| in [0.1, 0.5], its sign the one the means allow (both always can: |d| <= 0.5)
    mag = rng.uniform(0.1, 0.5, n_regions)
    sign = np.where(rng.random(n_regions) < 0.5, 1.0, -1.0)
    sign = np.where((mean_a - sign * mag < 0) | (mean_a - sign * mag > 1), -sign, sign)
    mean_b = mean_a - sign * mag
    p_ks = np.clip(np.exp(-mag * np.sqrt(n_cpgs) * rng.uniform(1, 6, n_regions)), 1e-300, 1)
    p_mwu = np.clip(p_ks * rng.uniform(0.01, 10, n_regions), 1e-300, 1)
    order = np.lexsort((start, code))
    out = {
        "chrom": lay.chroms[code], "start": start, "stop": stop,
        "qvalue": np.minimum(1.0, p_ks * 2 * n_regions), "meth_diff": mean_a - mean_b,
        "n_cpgs": n_cpgs, "p_mwu": p_mwu, "p_ks": p_ks, "mean_a": mean_a, "mean_b": mean_b,
    }  # fmt: skip
    return {k: v[order] for k, v in out.items()}
