"""BETA regulatory potential counts one TSS per gene, not one per locus row of the annotation.

The embedded hg38 build lists a few genes at several loci of one chromosome (stray copies of an
exon in its RefSeq source): SALL4 (Entrez 57167) has its gene span chr20:51,782,331-51,802,521
(NCBI RefSeq NM_020436, minus strand: TSS at 0-based 51,802,520 - 1) and two short extra rows
~100 kb downstream. RP must be measured from the gene's TSS only (docs/integration.md: one TSS
per gene), as the nearest and GREAT links do.
"""

from __future__ import annotations

import math

import pytest

from chromdiff.integration.pipeline import run_integration
from chromdiff.warehouse.db import connect

SALL4_TSS = 51_802_519  # 0-based base of the TSS (NCBI RefSeq NM_020436 ends at 51,802,521)


@pytest.fixture(scope="module")
def rp(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rp_loci")
    (tmp / "de.csv").write_text(
        '"","baseMean","log2FoldChange","lfcSE","stat","pvalue","padj","symbol"\n'
        '"SALL4",100,2.5,0.2,10,1e-8,1e-6,"SALL4"\n'
        '"GAPDH",5000,0.1,0.1,1,0.3,0.6,"GAPDH"\n'
        '"TRPS1",300,-2.0,0.2,-9,1e-7,1e-5,"TRPS1"\n'
    )
    # peak 1 sits on SALL4's stray 24-bp row at 51,913,221 (110 kb from the TSS); peak 2 is
    # 47.5 kb upstream of the TSS (minus strand: at a larger coordinate)
    (tmp / "peaks.tsv").write_text(
        "chrom\tstart\tend\tlog2FoldChange\tpadj\n"
        "chr20\t51912900\t51913100\t2.0\t0.001\n"
        "chr20\t51849900\t51850100\t1.5\t0.002\n"
    )
    run_integration(tmp / "db.duckdb", rna=tmp / "de.csv", peaks=tmp / "peaks.tsv",
                    genome="hg38", integration_id="rp")  # fmt: skip
    with connect(tmp / "db.duckdb", read_only=True) as con:
        links = con.execute(
            "select l.peak_id, l.distance from int_rp_links l join int_genes g"
            " on g.integration_id = l.integration_id and g.gene_id = l.gene_id"
            " where g.gene_symbol = 'SALL4' order by 1"
        ).fetchall()
        row = con.execute(
            "select n_peaks, rp from integration_rp r join int_genes g"
            " using (integration_id, gene_id) where g.gene_symbol = 'SALL4'"
        ).fetchone()
    return links, row


def test_rp_links_use_the_gene_tss_only(rp):
    links, _ = rp
    # peak 1 is 110,481 bp from the TSS: not linked (it was, at 244 bp, to a stray locus row)
    assert links == [(2, abs(51_850_000 - SALL4_TSS))]


def test_rp_of_a_multi_locus_gene(rp):
    _, (n_peaks, value) = rp
    d = abs(51_850_000 - SALL4_TSS) / 100_000
    assert n_peaks == 1 and value == pytest.approx(math.exp(-(0.5 + 4 * d)))
