"""cuffdiff rows with status FAIL are untested: their log2FC 0 and p = q = 1 are placeholders.

BETA's real ``CUF_expr.diff`` has 1,581 FAIL rows, every one with log2(fold_change) 0 and
p = q = 1 whatever its two values (NM_000021: 10.08 vs 9.77, log2 ratio -0.045). They were read
as measured zero fold changes and entered the all-pairs correlations.
"""

from __future__ import annotations

import gzip
import math

import pytest

from chromdiff.integration.pipeline import run_integration
from chromdiff.warehouse import db
from tests.realdata import REAL

AR = REAL / "beta_AR_LNCaP_hg19"


def _rows() -> dict[str, list[str]]:
    with gzip.open(AR / "CUF_expr.diff.gz", "rt") as fh:
        lines = [ln.rstrip("\n").split("\t") for ln in fh]
    return {f[0]: f for f in lines[1:]}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    path = tmp_path_factory.mktemp("cuf") / "db.duckdb"
    run_integration(path, rna=AR / "CUF_expr.diff.gz", peaks=AR / "3656_peaks.bed.gz",
                    genome="hg19", integration_id="cuf")  # fmt: skip
    with db.connect(path, read_only=True) as con:
        genes = {
            r[0]: r[1:]
            for r in con.execute(
                "select input_id, logfc, pvalue, padj from int_genes where integration_id = 'cuf'"
            ).fetchall()
        }
        notes = con.execute(
            "select kind, n from int_input_notes where integration_id = 'cuf'"
        ).fetchall()
    return genes, dict(notes)


def test_fail_rows_are_na_and_counted(run):
    genes, notes = run
    rows = _rows()
    fail = {k for k, f in rows.items() if f[6] == "FAIL"}
    assert len(fail) == 1581 and {rows[k][9] for k in fail} == {"0"}  # the placeholder
    kept = fail & genes.keys()
    assert kept and all(genes[k] == (None, None, None) for k in kept)
    assert notes["not_tested"] == 1581
    # counted once: their placeholders, read as NA, are not counted again as NA padj / log2FC
    # (the file's tested rows have no NA: those notes are absent)
    assert not [k for k, f in rows.items() if k not in fail and "NA" in (f[9], f[12])]
    assert "na_padj" not in notes and "na_logfc" not in notes


def test_tested_rows_keep_their_values(run):
    genes, _ = run
    rows = _rows()
    for key in ("NM_000014", "NM_000015"):  # NOTEST rows: real estimates
        if key in genes:
            assert math.isclose(genes[key][0], float(rows[key][9]))
    ok = [k for k, f in rows.items() if f[6] == "OK" and k in genes][:50]
    assert ok and all(math.isclose(genes[k][0], float(rows[k][9])) for k in ok if
                      abs(float(rows[k][9])) < 1e300)  # fmt: skip
