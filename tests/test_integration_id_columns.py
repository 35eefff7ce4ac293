"""Which column names the gene: a numeric ID column that is not gene IDs, and shared symbols.

GEO2R writes an array's own feature or probe number in ``ID`` beside ``Gene.symbol``; for
Agilent "Feature Number" platforms ``ID`` is 1, 2, 3, ..., and about a quarter of such numbers
are also Entrez IDs. Matching ``ID`` first credited GAPDH's fold change to Entrez 4609 (MYC) and
dropped the real MYC row as a duplicate. The tables here are the real DESeq2 result (GSE37704)
laid out that way; the truth is each row's own symbol / Entrez column.
"""

from __future__ import annotations

import pandas as pd

from chromdiff.integration.load import load_inputs
from chromdiff.warehouse import db
from tests.realdata import REAL

DESEQ2 = REAL / "deseq2_GSE37704_hg38" / "deseq_results.csv.gz"
PEAKS = REAL / "chipseeker_geo_peaks_hg19" / "GSM1174480_ARmo_0M_peaks.bed.gz"
#: Debian r-bioc-org.hs.eg.db 3.16 (.ci/run installs it): its alias table is the oracle
ORG_HS = "/usr/lib/R/site-library/org.Hs.eg.db/extdata/org.Hs.eg.sqlite"


def _load(tmp_path, table: pd.DataFrame, name: str):
    path = tmp_path / name
    table.to_csv(path, sep="\t", index=False)
    with db.writer(tmp_path / "db.duckdb") as con:
        s = load_inputs(con, rna=path, peaks=PEAKS, genome="hg38", integration_id=name)
        genes = con.execute(
            "select input_id, symbol, gene_id, gene_symbol, match_via from int_genes "
            "where integration_id = ?",
            [name],
        ).df()
    return s, genes


def _real() -> pd.DataFrame:
    t = pd.read_csv(DESEQ2).dropna(subset=["entrez", "symbol", "padj"]).head(3000)
    return t.assign(entrez=t["entrez"].astype(int).astype(str))


def test_feature_numbers_beside_a_symbol_column_are_not_gene_ids(tmp_path):
    t = _real()
    geo2r = pd.DataFrame(
        {
            "ID": range(1, len(t) + 1),  # Agilent feature numbers, as GEO2R writes them
            "adj.P.Val": t["padj"].to_numpy(),
            "P.Value": t["pvalue"].to_numpy(),
            "logFC": t["log2FoldChange"].to_numpy(),
            "Gene.symbol": t["symbol"].to_numpy(),
        }
    )
    s, genes = _load(tmp_path, geo2r, "geo2r.tsv")
    matched = genes.dropna(subset=["gene_id"])
    truth = dict(zip(t["symbol"].str.upper(), t["entrez"], strict=False))
    # every matched row is its own symbol's gene (the old rule credited ~1 in 4 to another gene)
    wrong = matched[matched["symbol"].str.upper().map(truth) != matched["gene_id"]]
    assert len(matched) > 2500 and len(wrong) <= 0.01 * len(matched)
    assert "gene_id" not in set(matched["match_via"])
    (note,) = [n for n in s["notes"] if "is not read as gene IDs" in n]
    assert note.startswith("RNA: column ID: its values match gene IDs, but those genes agree with "
                           "column Gene.symbol on only ")  # fmt: skip


def test_probe_ids_beside_an_entrez_column_are_not_gene_ids(tmp_path):
    t = _real()
    illumina = pd.DataFrame(
        {
            "ProbeID": [str(4230 + 7 * i) for i in range(len(t))],  # numeric probe IDs
            "ENTREZID": t["entrez"].to_numpy(),
            "logFC": t["log2FoldChange"].to_numpy(),
            "adj.P.Val": t["padj"].to_numpy(),
        }
    )
    _, genes = _load(tmp_path, illumina, "illumina.tsv")
    matched = genes.dropna(subset=["gene_id"])
    entrez_of = dict(zip(illumina["ProbeID"], illumina["ENTREZID"], strict=True))
    assert (matched["input_id"].map(entrez_of) == matched["gene_id"]).all()
    assert len(matched) > 2500 and set(matched["match_via"]) == {"entrez"}


def test_entrez_ids_with_renamed_symbols_stay_the_gene_ids(tmp_path):
    """A real Entrez ID column beside symbols that are partly outdated keeps rule 1."""
    t = _real()
    table = pd.DataFrame(
        {
            "GeneID": t["entrez"].to_numpy(),
            "symbol": t["symbol"].to_numpy(),
            "log2FoldChange": t["log2FoldChange"].to_numpy(),
            "padj": t["padj"].to_numpy(),
        }
    )
    s, genes = _load(tmp_path, table, "entrez.tsv")
    matched = genes.dropna(subset=["gene_id"])
    assert (matched["input_id"] == matched["gene_id"]).all()
    assert set(matched["match_via"]) == {"gene_id"}
    assert not [n for n in s["notes"] if "is not read as gene IDs" in n]
    # the table's symbol differs from the annotation's for renamed genes: still the same gene
    assert (matched["symbol"].str.upper() != matched["gene_symbol"].str.upper()).sum() > 0


def test_a_symbol_of_several_genes_takes_the_smallest_entrez_id_and_says_so(tmp_path):
    """hg38's FAM231A is carried by 729574 and 102723383 (neither in org.Hs.eg.db 3.16): as
    text, '102723383' < '729574' won; the numerically smallest is taken and counted. MIA2, once
    shared with the retired 117153, now names only 4253 (org.Hs.eg.db)."""
    table = pd.DataFrame({"gene": ["FAM231A", "MIA2", "GAPDH"], "log2FoldChange": [1.5, 1, -2.0],
                          "padj": [0.001, 0.01, 0.002]})  # fmt: skip
    s, genes = _load(tmp_path, table, "fam.tsv")
    got = dict(zip(genes["input_id"], zip(genes["gene_id"], genes["match_via"], strict=True),
                   strict=True))  # fmt: skip
    assert got == {"FAM231A": ("729574", "ambiguous_symbol"), "MIA2": ("4253", "symbol"),
                   "GAPDH": ("2597", "symbol")}  # fmt: skip
    assert [n for n in s["notes"] if n.startswith("RNA: 1 genes matched by a symbol that ")]


def test_hgnc_mitochondrial_symbols_find_ncbis_genes(tmp_path):
    """NCBI (org.Hs.eg.db, the embedded build) names Entrez 4535 ND1 and 4512 COX1; a
    GENCODE/Ensembl/HGNC table says MT-ND1, MT-CO1 and matched nothing. Oracle: org.Hs.eg.db's
    own aliases of each chrM gene, the HGNC symbol without its hyphen (MTND1, MTCO1, MTCYB),
    written back as HGNC spells it; the real DESeq2 rows, their Entrez column dropped."""
    import sqlite3

    import duckdb

    from chromdiff.annotation.embedded import DATA_DIR

    org = sqlite3.connect(ORG_HS)
    chrm = duckdb.sql(
        f"select gene_id from '{DATA_DIR}/hg38_genes.parquet' where chrom = 'chrM'"
    ).fetchall()
    hgnc = {}
    for (gid,) in chrm:
        for (alias,) in org.execute(
            "select a.alias_symbol from genes g join alias a using (_id) where g.gene_id = ?"
            " and a.alias_symbol like 'MT%'", (gid,)):  # fmt: skip
            hgnc["MT-" + alias[2:]] = gid
    assert len(hgnc) >= 36 and hgnc["MT-CO1"] == "4512" and hgnc["MT-CYB"] == "4519"
    t = _real().drop(columns=["entrez"]).head(200)
    mito = pd.DataFrame({"Unnamed: 0": [f"row{i}" for i in range(len(hgnc))], "log2FoldChange": 1.0,
                         "padj": 0.01, "symbol": [s.lower() if s.endswith("1") else s
                                                  for s in hgnc]})  # fmt: skip
    _, genes = _load(tmp_path, pd.concat([t, mito]), "mito.tsv")
    got = genes[genes["input_id"].str.startswith("row")]
    assert dict(zip(got["symbol"].str.upper(), got["gene_id"], strict=True)) == hgnc
    assert set(got["match_via"]) == {"symbol"}
