"""Simulated matched ATAC-seq + RNA-seq data on hg38 with planted concordant/discordant genes.

Everything written here is **simulated** (file names and the integration title say so). Genes
are drawn from the embedded hg38 annotation; each planted gene gets one differential peak near
its TSS (60% within ±1 kb, 40% 5–30 kb away, always closer to it than to any other gene's TSS)
and a matching DE row. The ATAC table has DiffBind's report layout (``seqnames`` with 1-based
starts), the RNA table DESeq2's CSV layout (unnamed row-name column holding the symbol, plus an
``entrez`` column). ``planted_truth.tsv`` lists each planted gene's category.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from chromdiff.annotation.build import DATA_DIR
from chromdiff.regions.chromsizes import chrom_sizes

#: Planted categories with (sign of peak log2FC, sign of RNA log2FC).
PLANTED = {
    "Concordant up": (1, 1),
    "Concordant down": (-1, -1),
    "Discordant open/down": (1, -1),
    "Discordant closed/up": (-1, 1),
}


@dataclass(frozen=True)
class SimSpec:
    """Sizes of a simulated dataset (defaults: the demo's)."""

    n_genes: int = 6000
    n_peaks: int = 8000
    n_concordant: int = 120  # per direction
    n_discordant: int = 40  # per direction
    seed: int = 7


def _genes() -> pd.DataFrame:
    """Return hg38 genes on chr1–22/X whose TSS starts one of their transcripts.

    ``gap`` is the distance to the nearest TSS of another gene's transcript.
    """
    con = duckdb.connect()
    g = con.execute(
        f"""with t as (select distinct chrom, gene_id,
                   case when strand = '-' then stop - 1 else start end as tss
                from '{DATA_DIR}/hg38_transcripts.parquet' where gene_id is not null),
        g as (select gene_id, any_value(symbol) as symbol, any_value(chrom) as chrom,
                     any_value(strand) as strand, min(tss) as tss
              from '{DATA_DIR}/hg38_genes.parquet'
              where symbol is not null and regexp_matches(chrom, '^chr([0-9]+|X)$')
              group by gene_id having count(*) = 1)
        select g.*, (select min(abs(t.tss - g.tss)) from t
                     where t.chrom = g.chrom and t.gene_id <> g.gene_id) as gap
        from g
        where exists (select 1 from t where t.gene_id = g.gene_id and t.tss = g.tss)
          and not exists (select 1 from t where t.gene_id = g.gene_id and t.chrom <> g.chrom)
        order by gene_id"""
    ).df()
    con.close()
    return g.dropna(subset=["gap"]).reset_index(drop=True)


def simulate(out_dir: str | Path, spec: SimSpec = SimSpec()) -> dict[str, Path]:
    """Write ``atac_diffbind_simulated.tsv``, ``rna_deseq2_simulated.csv`` and the truth table.

    Returns
    -------
    dict
        ``{"atac": path, "rna": path, "truth": path}``.
    """
    rng = np.random.default_rng(spec.seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    genes = _genes()
    n_genes = min(spec.n_genes, len(genes))
    pick = genes.iloc[np.sort(rng.choice(len(genes), n_genes, replace=False))].reset_index(
        drop=True
    )
    n_plant = 2 * spec.n_concordant + 2 * spec.n_discordant
    spaced = np.flatnonzero(pick["gap"].to_numpy() > 2_000)
    planted_idx = rng.choice(spaced, n_plant, replace=False)
    cats = np.repeat(
        list(PLANTED),
        [spec.n_concordant, spec.n_concordant, spec.n_discordant, spec.n_discordant],
    )
    # RNA: noise for every gene, planted genes strongly DE in their direction
    rna_lfc = rng.normal(0, 0.35, n_genes)
    rna_p = rng.uniform(0.001, 1, n_genes)
    rna_sign = np.array([PLANTED[c][1] for c in cats])
    rna_lfc[planted_idx] = rna_sign * rng.uniform(1.3, 4.0, n_plant)
    rna_p[planted_idx] = 10 ** -rng.uniform(4, 30, n_plant)
    rna_padj = np.minimum(1, rna_p * 3)
    rna = pd.DataFrame(
        {
            "": pick["symbol"],
            "baseMean": rng.lognormal(6, 1.5, n_genes).round(3),
            "log2FoldChange": rna_lfc,
            "lfcSE": rng.uniform(0.05, 0.5, n_genes),
            "stat": rna_lfc / 0.2,
            "pvalue": rna_p,
            "padj": rna_padj,
            "symbol": pick["symbol"],
            "entrez": pick["gene_id"],
        }
    )
    # ATAC: one planted peak per planted gene, the rest noise peaks near random genes
    atac_sign = np.array([PLANTED[c][0] for c in cats])
    g = pick.iloc[planted_idx]
    near = rng.random(n_plant) < 0.6
    max_off = np.minimum(30_000, 0.4 * g["gap"].to_numpy())
    off = np.where(
        near,
        rng.uniform(-800, 800, n_plant),
        rng.choice([-1, 1], n_plant) * rng.uniform(np.minimum(5_000, max_off * 0.5), max_off),
    )
    off = np.clip(off, -max_off, max_off)
    centre = g["tss"].to_numpy() + off.astype(np.int64)
    width = rng.integers(200, 600, n_plant)
    n_noise = max(0, spec.n_peaks - n_plant)
    noise_gene = pick.iloc[rng.integers(0, n_genes, n_noise)]
    noise_centre = noise_gene["tss"].to_numpy() + rng.integers(-150_000, 150_000, n_noise)
    noise_width = rng.integers(200, 2_000, n_noise)
    chrom = np.concatenate([g["chrom"].to_numpy(), noise_gene["chrom"].to_numpy()])
    centre = np.concatenate([centre, noise_centre])
    width = np.concatenate([width, noise_width])
    # a peak never runs past its chromosome's end (noise peaks sit up to 150 kb from a TSS)
    end = pd.Series(chrom).map(chrom_sizes("hg38")).to_numpy(np.int64)
    start0 = np.clip(centre - width // 2, 0, end - width)
    lfc = np.concatenate([atac_sign * rng.uniform(1.3, 4.0, n_plant), rng.normal(0, 0.4, n_noise)])
    p = np.concatenate([10 ** -rng.uniform(4, 25, n_plant), rng.uniform(0.01, 1, n_noise)])
    conc = rng.uniform(3, 9, len(lfc))
    atac = pd.DataFrame(
        {
            "seqnames": chrom,
            "start": start0 + 1,
            "end": start0 + width,
            "width": width,
            "strand": "*",
            "Conc": conc.round(2),
            "Conc_treated": (conc + lfc / 2).round(2),
            "Conc_control": (conc - lfc / 2).round(2),
            "Fold": lfc.round(4),
            "p.value": p,
            "FDR": np.minimum(1, p * 5),
        }
    ).sort_values(["seqnames", "start"], kind="stable")
    truth = pd.DataFrame(
        {
            "symbol": g["symbol"].to_numpy(),
            "gene_id": g["gene_id"].to_numpy(),
            "category": cats,
            "peak_offset": off.astype(np.int64),
            "atac_logfc": lfc[:n_plant].round(4),
            "rna_logfc": rna_lfc[planted_idx],
        }
    )
    paths = {
        "atac": out / "atac_diffbind_simulated.tsv",
        "rna": out / "rna_deseq2_simulated.csv",
        "truth": out / "planted_truth_simulated.tsv",
    }
    atac.to_csv(paths["atac"], sep="\t", index=False)
    rna.to_csv(paths["rna"], index=False)
    truth.to_csv(paths["truth"], sep="\t", index=False)
    return paths
