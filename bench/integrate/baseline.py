"""The pandas + pyranges version of the tutorial recipe a user would write otherwise.

Read both tables with pandas, nearest gene TSS with pyranges ``nearest``, merge by symbol,
categories, product / significance / distance-weighted scores and Pearson r. It does less than
chromdiff (no feature annotation, no per-gene view, no BETA, no sensitivity grid, nothing stored).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyranges as pr
from scipy import stats

from chromdiff.annotation.build import DATA_DIR


def run(atac: str, rna: str) -> dict:
    """Run the recipe; return the number of pairs and Pearson r of the significant ones."""
    peaks = pd.read_csv(atac, sep="\t")
    de = pd.read_csv(rna)
    genes = pd.read_parquet(DATA_DIR / "hg38_genes.parquet")
    tss = pr.PyRanges(pd.DataFrame({
        "Chromosome": genes["chrom"], "Start": genes["tss"], "End": genes["tss"] + 1,
        "symbol": genes["symbol"]}))  # fmt: skip
    pk = pr.PyRanges(pd.DataFrame({
        "Chromosome": peaks["seqnames"], "Start": peaks["start"] - 1, "End": peaks["end"],
        "atac_logfc": peaks["Fold"], "atac_padj": peaks["FDR"]}))  # fmt: skip
    near = pk.nearest(tss).df
    near = near.rename(columns={"Distance": "distance"})
    m = near.merge(de.rename(columns={"log2FoldChange": "rna_logfc", "padj": "rna_padj"}),
                   on="symbol")  # fmt: skip
    a_sig = (m["atac_logfc"].abs() > 1) & (m["atac_padj"] < 0.05)
    r_sig = (m["rna_logfc"].abs() > 1) & (m["rna_padj"] < 0.05)
    both = a_sig & r_sig
    up_a, up_r = m["atac_logfc"] > 0, m["rna_logfc"] > 0
    m["category"] = np.select(
        [both & up_a & up_r, both & ~up_a & ~up_r, both & up_a & ~up_r, both & ~up_a & up_r],
        ["Concordant up", "Concordant down", "Discordant open/down", "Discordant closed/up"],
        default="Other",
    )
    m["product"] = m["atac_logfc"] * m["rna_logfc"]
    m["significance"] = -np.log10(m["atac_padj"].clip(lower=1e-300)) - np.log10(
        m["rna_padj"].clip(lower=1e-300)
    )
    m["dws"] = (
        m["product"]
        * m["significance"]
        * np.exp(-np.minimum(m["distance"].abs(), 100_000) / 10_000)
    )
    sig = m[both]
    r = stats.pearsonr(sig["atac_logfc"], sig["rna_logfc"]).statistic if len(sig) > 2 else None
    return {"pairs": len(m), "significant_pairs": len(sig), "pearson_r": r}
