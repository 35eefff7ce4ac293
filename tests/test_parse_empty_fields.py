"""Empty fields and NaN probabilities in a result BED: a clear error or the right format.

DuckDB reads an empty field as NULL. An empty first column used to make the row vanish (the
comment filter was NULL on it), an empty count list passed validation and then failed the
``NOT NULL`` constraint of ``region_count_vectors`` with DuckDB's own error, and a NaN P value
(DuckDB orders NaN above every number) made a 2025 file look like the legacy log10 format.
"""

from __future__ import annotations

import pytest

from chromdiff.design.comparison import ComparisonSpec, register
from chromdiff.errors import ParseError
from chromdiff.parsing import DIFFBIND_2025, parse_result
from chromdiff.warehouse import load as warehouse
from chromdiff.warehouse.db import writer

ROW = "chr1\t{s}\t{e}\t1.00,2.00\t3.00\t0.5\t{p}\t0.02"
A, B = ["SRX1", "SRX2"], ["SRX3"]


def _bed(tmp_path, *lines):
    p = tmp_path / "r.bed"
    p.write_text("\n".join(lines) + "\n")
    return p


def test_empty_chrom_is_an_error_not_a_dropped_row(tmp_path):
    p = _bed(tmp_path, ROW.format(s=1, e=9, p=0.01), "\t20\t30\t1.00,2.00\t3.00\t0.5\t0.01\t0.02")
    with pytest.raises(ParseError, match=r"r\.bed:2: column 1 \(chrom\): empty$"):
        parse_result(p, "diffbind", A, B)
    p.write_text("\t1\t9\t0.1\t0.2\t3\t0.1\t0.1\t0.5\t0.3\n")
    with pytest.raises(ParseError, match=r"r\.bed:1: column 1 \(chrom\): empty$"):
        parse_result(p, "dmr", ["SRX1"], ["SRX2"])


@pytest.mark.parametrize(
    ("row", "match"),
    [
        ("chr1\t20\t30\t\t3.00\t0.5\t0.01\t0.02", r"r\.bed:2: column 4 \(counts A\): empty$"),
        ("chr1\t20\t30\t1.00,2.00\t\t0.5\t0.01\t0.02", r"r\.bed:2: column 5 \(counts B\): empty$"),
    ],
)
def test_empty_count_list_is_a_parse_error_and_nothing_is_loaded(tmp_path, row, match):
    p = _bed(tmp_path, ROW.format(s=1, e=9, p=0.01), row)
    with pytest.raises(ParseError, match=match):
        parse_result(p, "diffbind", A, B)
    spec = ComparisonSpec(A, B, title="t simulated").validated()
    with writer(tmp_path / "w.duckdb") as con:
        register(con, spec.default_id(), spec, base_url="http://x/")
        with pytest.raises(ParseError, match=match):
            warehouse.load_bed(con, spec.default_id(), p, "diffbind", A, B)
        assert con.execute("select count(*) from regions").fetchall() == [(0,)]


def test_nan_pvalue_is_missing_not_evidence_of_the_legacy_format(tmp_path):
    p = _bed(tmp_path, ROW.format(s=1, e=9, p="NaN"), ROW.format(s=20, e=30, p=0.01))
    r = parse_result(p, "diffbind", A, B)
    assert r.result_format == DIFFBIND_2025
    reg = r.regions.to_pylist()
    assert reg[0]["pvalue"] is None and reg[0]["logfc"] == 0.5 and reg[0]["qvalue"] == 0.02
    assert reg[1]["pvalue"] == 0.01
