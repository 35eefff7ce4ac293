"""Column auto-detection and reading of every real DE / peak layout (tests/data/real)."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from chromdiff.errors import InputError
from chromdiff.integration.columns import detect_columns, parse_mapping
from chromdiff.integration.readers import read_table
from chromdiff.integration.validate import type_genes, type_peaks
from tests.realdata import REAL

DATA = Path(__file__).parent / "data" / "integration"

RNA_CASES = [
    # file, tool, expected role -> column
    ("deseq2_GSE37704_hg38/deseq_results.csv.gz", "deseq2",
     {"gene": "row_name", "symbol": "symbol", "entrez": "entrez", "logfc": "log2FoldChange",
      "padj": "padj", "pvalue": "pvalue"}),
    ("beta_AR_LNCaP_hg19/AR_diff_expr.tsv.gz", "limma",
     {"gene": "ID", "logfc": "logFC", "padj": "adj.P.Val", "pvalue": "P.Value"}),
    ("beta_AR_LNCaP_hg19/CUF_expr.diff.gz", "cuffdiff",
     {"gene": "gene_id", "symbol": "gene", "logfc": "log2(fold_change)", "padj": "q_value",
      "pvalue": "p_value"}),
]  # fmt: skip


@pytest.fixture
def con():
    c = duckdb.connect()
    yield c
    c.close()


@pytest.mark.parametrize(("rel", "tool", "expected"), RNA_CASES)
def test_real_de_layouts_detected(con, rel, tool, expected):
    info = read_table(con, REAL / rel, "rna", "_raw")
    assert info.tool == tool
    for role, col in expected.items():
        assert info.columns[role] == col, role
    type_genes(con, info)
    n, n_lfc = con.execute("select count(*), count(logfc) from _int_rna").fetchall()[0]
    ref = pd.read_csv(REAL / rel, sep=None, engine="python")
    assert n == len(ref)
    measured = ref[expected["logfc"] if tool != "limma" else "logFC"].notna()
    if tool == "cuffdiff":  # status FAIL: untested, placeholder log2FC read as NA
        measured &= ref["status"] != "FAIL"
    assert n_lfc == measured.sum()


def test_deseq2_values_and_lines(con):
    info = read_table(con, REAL / "deseq2_GSE37704_hg38/deseq_results.csv.gz", "rna", "_raw")
    type_genes(con, info)
    row = con.execute(
        "select input_id, symbol, entrez, logfc, padj, source_line from _int_rna "
        "where input_id = 'ENSG00000117519'"
    ).fetchall()[0]
    # first data row of the file (line 2): CNN3, log2FC -2.42271923981601, padj 0
    assert row == ("ENSG00000117519", "CNN3", "1266", -2.42271923981601, 0.0, 2)


@pytest.mark.parametrize("name", ["edger_toptags.tsv", "edger_toptags_rownames.tsv"])
def test_edger_toptags_layouts(con, name):
    info = read_table(con, DATA / name, "rna", "_raw")
    assert info.tool == "edger"
    assert info.columns["logfc"] == "logFC" and info.columns["padj"] == "FDR"
    assert info.columns["gene"] in ("gene", "row_name")
    type_genes(con, info)
    assert con.execute("select input_id from _int_rna where row_id = 1").fetchone()[0] == "TP53"


def test_diffbind_report_peaks(con):
    info = read_table(con, REAL / "diffbind_galaxy_hg19/diffbind_out_diffbind.tab", "peaks", "_p")
    assert info.tool == "diffbind"
    assert {k: info.columns[k] for k in ("chrom", "start", "stop", "logfc", "padj")} == {
        "chrom": "Chrom",
        "start": "Start",
        "stop": "End",
        "logfc": "Fold",
        "padj": "FDR",
    }
    type_peaks(con, info, base=1)
    row = con.execute(
        "select chrom, start, stop, logfc, padj from _int_peaks where peak_id = 1"
    ).fetchone()
    assert row == ("chr18", 394598, 396513, -2.35, 9.84e-21)  # 1-based start 394599 -> 394598


@pytest.mark.parametrize(("rel", "ncol"), [
    ("chipseeker_geo_peaks_hg19/GSM1174480_ARmo_0M_peaks.bed.gz", 3),
    ("chipseeker_geo_peaks_hg19/GSM1295076_CBX6_BF_ChipSeq_mergedReps_peaks.bed.gz", 5),
    ("beta_AR_LNCaP_hg19/3656_peaks.bed.gz", 5),
])  # fmt: skip
def test_headerless_bed(con, rel, ncol):
    info = read_table(con, REAL / rel, "peaks", "_p")
    assert not info.has_header and info.tool == "bed"
    assert ("score" in info.columns) == (ncol >= 5)
    type_peaks(con, info, base=0)
    with gzip.open(REAL / rel, "rt") as fh:
        first = fh.readline().split("\t")
    got = con.execute("select chrom, start, stop from _int_peaks where peak_id = 1").fetchone()
    assert got == (first[0], int(first[1]), int(first[2]))


def test_macs_table_has_no_padj(con):
    info = read_table(con, REAL / "chipseeker_geo_peaks_hg19/sample_peaks.txt.gz", "peaks", "_p")
    assert info.tool == "macs"
    assert "padj" not in info.columns  # MACS FDR(%) is a percentage, not a q-value
    assert (info.columns["chrom"], info.columns["start"], info.columns["stop"]) == (
        "chr",
        "start",
        "end",
    )


def test_overrides_win_and_are_checked(con):
    path = REAL / "beta_AR_LNCaP_hg19/AR_diff_expr.tsv.gz"
    info = read_table(con, path, "rna", "_raw", overrides={"padj": "P.Value"})
    assert info.columns["padj"] == "P.Value"
    with pytest.raises(InputError, match=r"AR_diff_expr.tsv.gz: column 'nope' given for padj"):
        read_table(con, path, "rna", "_raw", overrides={"padj": "nope"})
    with pytest.raises(InputError, match="unknown column role 'pval'"):
        read_table(con, path, "rna", "_raw", overrides={"pval": "P.Value"})


def test_parse_mapping():
    assert parse_mapping("logfc=Fold, padj = FDR") == {"logfc": "Fold", "padj": "FDR"}
    assert parse_mapping(None) == {}
    with pytest.raises(InputError, match="expected role=column"):
        parse_mapping("logfc")


def test_missing_required_column_lists_header():
    with pytest.raises(InputError) as err:
        detect_columns(["gene", "baseMean", "pvalue"], "rna", source="de.csv")
    msg = str(err.value)
    assert msg.startswith("de.csv: no column for logfc")
    assert "columns are: gene, baseMean, pvalue" in msg and "--rna-columns" in msg


def test_a_de_table_keyed_by_entrez_or_symbol_alone(tmp_path):
    """No ID column but an Entrez (or symbol) one: it is the gene ID, not "no column for gene"."""
    import duckdb

    from chromdiff.integration.readers import read_table

    for head in ("entrez", "symbol"):
        path = tmp_path / f"{head}.csv"
        path.write_text(f"{head},log2FoldChange,padj\n7157,1.5,0.01\n4609,-2,0.001\n")
        info = read_table(duckdb.connect(), path, "rna", "_t")
        assert info.columns["gene"] == head and info.columns[head] == head
