"""The peer for the GREAT benchmark: a plain numpy/scipy/pandas GREAT on given domains.

Independent of chromdiff's SQL: regions are assigned to genes through elementary segments of
the domain boundaries (a sweep), region × term hits come from sparse matrix products, each
term's genome fraction from a pandas interval union. Same tests as GREAT (McLean 2010): the
binomial over the genome fraction and the hypergeometric over genes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.stats import binom, hypergeom


def region_genes(domains: pd.DataFrame, regions: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return (region index, gene code) pairs: the region's midpoint lies in the gene's domain."""
    ri_all, gi_all = [], []
    mids = ((regions["start"] + regions["stop"]) // 2).to_numpy()
    for chrom, d in domains.groupby("chrom", sort=False):
        sel = np.flatnonzero(regions["chrom"].to_numpy() == chrom)
        if not len(sel):
            continue
        bounds = np.unique(np.concatenate([d["start"].to_numpy(), d["stop"].to_numpy()]))
        # genes covering each elementary segment [bounds[i], bounds[i+1])
        events: dict[int, list[tuple[int, int]]] = {}
        for s, e, g in zip(d["start"], d["stop"], d["code"], strict=True):
            events.setdefault(int(s), []).append((1, int(g)))
            events.setdefault(int(e), []).append((-1, int(g)))
        active: set[int] = set()
        cover: list[tuple[int, ...]] = []
        for b in bounds:
            for kind, g in events.get(int(b), ()):
                (active.add if kind == 1 else active.discard)(g)
            cover.append(tuple(active))
        m = mids[sel]
        seg = np.searchsorted(bounds, m, side="right") - 1
        for r, sgi in zip(sel, seg, strict=True):
            if sgi >= 0:
                for g in cover[sgi]:
                    ri_all.append(r)
                    gi_all.append(g)
    return np.asarray(ri_all, dtype=np.int64), np.asarray(gi_all, dtype=np.int64)


def great_peer(
    domains: pd.DataFrame, sets: pd.DataFrame, regions: pd.DataFrame, genome_bp: int,
    min_size: int = 1,
) -> pd.DataFrame:  # fmt: skip
    """Binomial and gene hypergeometric p-values per term (columns ``set_id``, ``k``, ...)."""
    sets = sets[sets["gene_id"].isin(domains["gene_id"])].drop_duplicates(["set_id", "gene_id"])
    genes = pd.Index(sorted(set(sets["gene_id"])))
    domains = domains[domains["gene_id"].isin(genes)].copy()
    domains["code"] = genes.get_indexer(domains["gene_id"])
    terms = pd.Index(sorted(set(sets["set_id"])))
    size = sets.groupby("set_id").size()
    terms = terms[size.reindex(terms).to_numpy() >= min_size]
    sets = sets[sets["set_id"].isin(terms)]
    gt = sparse.csr_matrix(
        (
            np.ones(len(sets)),
            (genes.get_indexer(sets["gene_id"]), terms.get_indexer(sets["set_id"])),
        ),
        shape=(len(genes), len(terms)),
    )
    ri, gi = region_genes(domains, regions)
    n = len(regions)
    rg = sparse.csr_matrix((np.ones(len(ri)), (ri, gi)), shape=(n, len(genes)))
    rg.data[:] = 1
    hits = (rg @ gt).tocsc()
    k_regions = np.diff((hits > 0).astype(np.int8).tocsc().indptr)
    # genome fraction: union of each term's domains
    d = sets.merge(domains[["gene_id", "chrom", "start", "stop"]], on="gene_id")
    d = d.sort_values(["set_id", "chrom", "start", "stop"], ignore_index=True)
    prev = d.groupby(["set_id", "chrom"], sort=False)["stop"].cummax()
    prev = prev.groupby([d["set_id"], d["chrom"]], sort=False).shift(1)
    new = prev.isna() | (d["start"] > prev)
    d["block"] = new.cumsum()
    blocks = d.groupby("block").agg(set_id=("set_id", "first"), s=("start", "min"),
                                    e=("stop", "max"))  # fmt: skip
    bp = (blocks["e"] - blocks["s"]).groupby(blocks["set_id"]).sum().reindex(terms)
    p = bp.to_numpy() / genome_bp
    hit_genes = np.zeros(len(genes), dtype=bool)
    hit_genes[np.unique(gi)] = True
    k_genes = np.asarray(gt[hit_genes].sum(axis=0)).ravel()
    big_k = np.asarray(gt.sum(axis=0)).ravel()
    return pd.DataFrame({
        "set_id": terms, "k": k_regions, "genome_fraction": p,
        "p_binom": binom.sf(k_regions - 1, n, p),
        "k_genes": k_genes, "set_size": big_k,
        "p_hyper": hypergeom.sf(k_genes - 1, len(genes), big_k, int(hit_genes.sum())),
    })  # fmt: skip
