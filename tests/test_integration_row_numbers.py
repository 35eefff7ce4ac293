"""An unnamed first column of row numbers is not a gene ID (R ``write.csv``, pandas ``to_csv``).

The real DESeq2 table (GSE37704) saved again the way a common R idiom does (IDs moved to a
``gene`` column, then ``write.csv`` with its default ``row.names = TRUE``) starts with a column
``""`` holding 1, 2, 3, ...: it was taken as the gene ID and matched as Entrez IDs (row 1 =
A1BG), so CNN3's log2FC was credited to A1BG with no warning.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from chromdiff.errors import InputError
from chromdiff.integration.pipeline import run_integration
from chromdiff.integration.readers import read_table
from chromdiff.warehouse import db
from tests.realdata import REAL

DESEQ2 = REAL / "deseq2_GSE37704_hg38" / "deseq_results.csv.gz"
PEAKS = REAL / "chipseeker_geo_peaks_hg19" / "GSM1174480_ARmo_0M_peaks.bed.gz"


def _resaved(tmp_path, *, r_style: bool, keep_ids: bool = True):
    table = pd.read_csv(DESEQ2).rename(columns={"Unnamed: 0": "gene"})
    if not keep_ids:
        table = table.drop(columns=["gene", "entrez"])
    path = tmp_path / ("r.csv" if r_style else "pandas.csv")
    if r_style:  # write.csv(res, row.names = TRUE): "" header, rows numbered from 1
        table.index = range(1, len(table) + 1)
    table.to_csv(path)  # pandas: an empty first header name and the 0-based index
    return path, table


@pytest.mark.parametrize("r_style", [True, False])
def test_named_id_column_wins_over_row_numbers(tmp_path, r_style):
    path, _ = _resaved(tmp_path, r_style=r_style)
    con = duckdb.connect()
    info = read_table(con, path, "rna", "_t")
    assert info.columns["gene"] == "gene"
    assert info.columns["symbol"] == "symbol" and info.columns["entrez"] == "entrez"


def test_row_numbers_alone_are_refused(tmp_path):
    path, _ = _resaved(tmp_path, r_style=True, keep_ids=False)
    with pytest.raises(InputError, match="row numbers 1, 2"):
        read_table(duckdb.connect(), path, "rna", "_t")


def test_entrez_row_names_stay_the_gene_id(tmp_path):
    table = pd.read_csv(DESEQ2).dropna(subset=["entrez"])
    table.index = table["entrez"].astype(int).rename(None)  # row names: an unnamed column
    path = tmp_path / "entrez_rows.csv"
    table.drop(columns=["Unnamed: 0", "entrez"]).to_csv(path)
    info = read_table(duckdb.connect(), path, "rna", "_t")
    assert info.columns["gene"] == "row_name"


def test_integration_matches_each_row_to_its_own_gene(tmp_path):
    path, table = _resaved(tmp_path, r_style=True)
    out = tmp_path / "db.duckdb"
    run_integration(out, rna=path, peaks=PEAKS, genome="hg38", integration_id="rows")
    with db.connect(out, read_only=True) as con:
        got = con.execute(
            "select input_id, symbol, gene_symbol, match_via from int_genes "
            "where integration_id = 'rows' and gene_id is not null"
        ).df()
    assert set(got["input_id"]) <= set(table["gene"])
    cnn3 = got[got["input_id"] == "ENSG00000117519"]
    assert list(cnn3["gene_symbol"]) == ["CNN3"]
    # symbols agree with the file's own symbol column (aliases aside)
    agree = (got["symbol"] == got["gene_symbol"]).mean()
    assert agree > 0.95, agree
