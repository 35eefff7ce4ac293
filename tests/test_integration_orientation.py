"""The report says which condition a fold change puts on top when the file names it.

Real files (tests/data/README.md): BETA's cuffdiff ``gene_exp.diff`` (q1 vs q2) and the Galaxy
DiffBind report (Responsive vs Resistant, hg19 chr18).
"""

from __future__ import annotations

import gzip

import pytest

from chromdiff.errors import InputError
from chromdiff.integration.load import load_inputs
from chromdiff.warehouse import db
from tests.realdata import REAL

CUF = REAL / "beta_AR_LNCaP_hg19" / "CUF_expr.diff.gz"
DIFFBIND = REAL / "diffbind_galaxy_hg19" / "diffbind_out_diffbind.tab"


def _orientation(tmp_path, rna, peaks) -> dict:
    with db.writer(tmp_path / "o.duckdb") as con:
        s = load_inputs(con, rna=rna, peaks=peaks, genome="hg19")
        rows = con.execute(
            "select side, example, message from int_input_notes "
            "where integration_id = ? and kind = 'orientation'",
            [s["integration_id"]],
        ).fetchall()
    return {side: (example, message) for side, example, message in rows}


def test_cuffdiff_and_diffbind_orientation_read_from_the_files(tmp_path):
    got = _orientation(tmp_path, CUF, DIFFBIND)
    # cuffdiff writes log2(value_2 / value_1); row 1 of the Galaxy report: Conc_Responsive 5.55,
    # Conc_Resistant 7.89, Fold -2.35 (Responsive - Resistant)
    assert got["rna"][0] == "q2 / q1" and "log2(q2 / q1)" in got["rna"][1]
    assert got["peaks"][0] == "Responsive / Resistant"
    assert "Fold > 0 = higher in Responsive" in got["peaks"][1]


def test_a_flipped_diffbind_report_names_the_other_group(tmp_path):
    # dba.report(bFlip=TRUE): the same rows with Fold negated
    lines = DIFFBIND.read_text().splitlines()
    flipped = [lines[0]]
    for line in lines[1:]:
        f = line.split("\t")
        f[9] = str(-float(f[9]))
        flipped.append("\t".join(f))
    (tmp_path / "flip.tab").write_text("\n".join(flipped) + "\n")
    got = _orientation(tmp_path, CUF, tmp_path / "flip.tab")
    assert got["peaks"][0] == "Resistant / Responsive"


def test_a_cuffdiff_table_of_several_comparisons_is_refused(tmp_path):
    with gzip.open(CUF, "rt") as fh:
        lines = fh.read().splitlines()[:200]
    # a three-condition run: the same genes again as q1 vs q3
    more = [line.replace("\tq1\tq2\t", "\tq1\tq3\t") for line in lines[1:]]
    (tmp_path / "multi.diff").write_text("\n".join(lines + more) + "\n")
    with pytest.raises(InputError, match=r"cuffdiff table of 2 comparisons \(q1 vs q2"):
        _orientation(tmp_path, tmp_path / "multi.diff", DIFFBIND)
