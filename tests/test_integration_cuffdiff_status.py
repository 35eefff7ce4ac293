"""cuffdiff rows with a status other than OK are untested: their q = 1 is a placeholder.

BETA's real ``CUF_expr.diff`` has 1,581 FAIL rows, every one with log2(fold_change) 0 and
p = q = 1 whatever its two values (NM_000021: 10.08 vs 9.77, log2 ratio -0.045). They were read
as measured zero fold changes and entered the all-pairs correlations. Its 22,648 NOTEST and
2,623 LOWDATA rows (q = 1 each) were read as tested, not-differential genes: 60% of the BETA KS
background, which moved the AR demo's "up" p from 0.25 to 0.066 (audit, 2026-12-02).
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
    untested = {k for k, f in rows.items() if f[6] != "OK"}
    assert {rows[k][6] for k in untested} == {"FAIL", "NOTEST", "LOWDATA"}
    assert notes["not_tested"] == len(untested) == 1581 + 22648 + 2623
    # p and q of every untested row read as NA; log2FC kept (an estimate) unless FAIL's 0
    assert all(genes[k][1:] == (None, None) for k in untested & genes.keys())
    # counted once: their placeholders, read as NA, are not counted again as NA padj / log2FC
    # (the file's tested rows have no NA: those notes are absent)
    assert not [k for k, f in rows.items() if k not in untested and "NA" in (f[9], f[12])]
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


def test_the_ks_background_holds_only_genes_cuffdiff_tested(run, tmp_path_factory):
    """Every background (notdiff) gene comes from a file row of status OK, read by line."""
    with gzip.open(AR / "CUF_expr.diff.gz", "rt") as fh:
        status = {i + 1: ln.split("\t")[6] for i, ln in enumerate(fh)}  # file line -> status
    path = tmp_path_factory.mktemp("cuf_bg") / "db.duckdb"
    run_integration(path, rna=AR / "CUF_expr.diff.gz", peaks=AR / "3656_peaks.bed.gz",
                    genome="hg19", integration_id="cuf")  # fmt: skip
    with db.connect(path, read_only=True) as con:
        lines = con.execute(
            "select r.de_class, min(g.source_line) filter (where g.padj is not null),"
            " count(*) filter (where g.padj is not null)"
            " from integration_rp r join int_genes g using (integration_id, gene_id)"
            " where r.integration_id = 'cuf' group by r.gene_id, r.de_class"
        ).fetchall()
    background = [ln for cls, ln, _ in lines if cls == "notdiff"]
    assert len(background) > 5000
    assert {status[ln] for ln in background} == {"OK"}
    # a gene is untested when none of its rows was tested
    assert all(n == 0 for cls, _, n in lines if cls == "untested")
