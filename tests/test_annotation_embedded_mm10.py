"""The embedded mm10 build against independent mouse facts (not the tables it is built from).

Oracles, read once by hand (not shipped): Ensembl BioMart's mm10 cross-reference
(``biomart_xref.mm10.txt``: RefSeq mRNA -> Entrez gene and symbol) and HOMER's mm10 promoter
table (``mm10_tss_info.bed``: 1-based TSS = start + 1000 on +, end - 1000 on -), both in the
PyPI wheel celloracle 0.20.0. mm10 has no org.Mm.eg.db here, so a refGene transcript's gene is
found by its exons' overlap with Rsubread's: the gene holding the transcript's two end bases
first (a short gene nested in its intron holds neither), and a gene is named by its coding
transcripts before a microRNA inside it. Before: Gnaq's transcript went to a single-exon gene
in its intron, Parp1 was named Mir6904, and microRNA split alignments of up to 945 kb moved
gene TSSs by hundreds of kb (Itga6 372 kb, Trim37 471 kb); that no small-RNA transcript spans
kilobases is checked for all three builds in ``test_annotation_source_faults.py``.
"""

from __future__ import annotations

import duckdb
import pytest

from chromdiff.annotation.embedded import DATA_DIR

# BioMart: RefSeq mRNA -> (Entrez, symbol)
BIOMART = {
    "NM_008139": ("14682", "Gnaq"),
    "NM_007415": ("11545", "Parp1"),
    "NM_011130": ("18970", "Polb"),
    "NM_197987": ("68729", "Trim37"),
}
# HOMER: gene -> (chrom, strand, 0-based TSS)
HOMER = {
    "Itga6": ("chr2", "+", 71_786_938),
    "Gnaq": ("chr19", "+", 16_132_830),
    "Trim37": ("chr11", "+", 87_127_074),
    "Msr1": ("chr8", "-", 39_642_677),
    "Sbno2": ("chr10", "-", 80_102_701),
}


def _q(sql: str, *params):
    return duckdb.sql(sql.format(d=DATA_DIR), params=list(params) or None).fetchall()


@pytest.mark.parametrize("acc", sorted(BIOMART))
def test_transcripts_belong_to_their_gene_and_carry_its_symbol(acc):
    got = _q("select distinct gene_id, symbol from '{d}/mm10_transcripts.parquet' "
             "where tx_id = ? and chrom not like '%\\_%' escape '\\'", acc)  # fmt: skip
    assert got == [BIOMART[acc]]


@pytest.mark.parametrize("symbol", sorted(HOMER))
def test_gene_tss_is_homers(symbol):
    """The gene-level TSS (the longest locus's 5' end, as the links use it)."""
    chrom, strand, tss = HOMER[symbol]
    got = _q("select chrom, strand, arg_max(tss, stop - start) from '{d}/mm10_genes.parquet' "
             "where symbol = ? group by all", symbol)  # fmt: skip
    assert got == [(chrom, strand, tss)]


# BioMart: Ensembl mitochondrial gene -> (Entrez, symbol); mt-Nd6 is the one on the minus strand
MITO = {"17708": ("mt-Co1", "+"), "17711": ("mt-Cytb", "+"), "17722": ("mt-Nd6", "-")}


@pytest.mark.parametrize("entrez", sorted(MITO))
def test_mitochondrial_genes_carry_their_symbols(entrez):
    """refGene has no chrM transcript: the 15 chrM genes had no symbol, so a DE table's mt-Co1
    matched nothing and chrM peaks had no nearest gene name."""
    rows = duckdb.sql(
        f"select symbol, chrom, strand from '{DATA_DIR}/mm10_genes.parquet'"
        f" where gene_id = '{entrez}'"
    ).fetchall()
    assert rows == [(MITO[entrez][0], "chrM", MITO[entrez][1])]
    n, named = duckdb.sql(
        f"select count(*), count(symbol) from '{DATA_DIR}/mm10_genes.parquet' where chrom = 'chrM'"
    ).fetchall()[0]
    assert n == named == 15
