"""QC of how the server used the submitted IDs: sample size, dropped and unattributed IDs.

A group with several GSM inputs: the server maps each to its SRX and its log names the SRXs it
counted (``[INFO] <samples>``, edgeR.r:27-38), not which GSM became which. Those GSMs were
compared (their values are in the count lists), so they are neither dropped nor missing from
the sample size. The results are parsed and loaded the way the compare flow's tasks do
(``resolve_layout`` -> ``parse_result(server_order=True)`` -> ``load_result``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chromdiff.parsing import parse_result
from chromdiff.parsing.samples import resolve_layout
from chromdiff.report.context import collect_context
from chromdiff.warehouse import load as warehouse
from chromdiff.warehouse.db import apply_schema, connect
from tests.warehouse_rows import add_comparison, add_regions
from tests.warehouse_rows import findings as _findings

BED = Path(__file__).parent / "data" / "parsing" / "diffbind_2025.bed"  # 3 A and 2 B values


def _log(a: list[str], b: list[str], warnings: tuple[str, ...] = ()) -> str:
    lines = ['[INFO] <parameter> MODE="DA"', *(f"[WARNING] {w}" for w in warnings)]
    lines += [f"[INFO] <samples> {s} A " for s in a] + [f"[INFO] <samples> {s} B " for s in b]
    return "\n".join(lines) + "\n"


def _load(con, ids_a, ids_b, log_text):
    cid = add_comparison(con, "c1", n_a=len(ids_a), n_b=len(ids_b), ids_a=ids_a, ids_b=ids_b)
    lay = resolve_layout(ids_a, ids_b, log_text=log_text)
    parsed = parse_result(BED, "diffbind", lay.columns_a, lay.columns_b, server_order=True)
    parsed.layout = lay
    parsed.warnings += lay.warnings
    warehouse.load_result(con, cid, parsed)
    return lay


def findings(con, view: str) -> list[tuple]:
    """The view's rows of whichever comparison the test made (one per test)."""
    cids = [r[0] for r in con.execute("select comparison_id from comparisons").fetchall()]
    return [row for cid in cids for row in _findings(con, view, cid)]


@pytest.fixture
def db():
    with connect() as c:
        apply_schema(c)
        yield c


def test_several_gsms_are_compared_not_dropped(db):
    # A: one SRX and two GSMs the server counted as SRX7 and SRX8 (it does not say which)
    lay = _load(db, ["SRX999", "GSM1", "GSM2"], ["SRX6", "SRX5"],
                _log(["SRX999", "SRX8", "SRX7"], ["SRX6", "SRX5"]))  # fmt: skip
    use = {e.experiment_id: e for e in lay.experiments}
    assert use["GSM1"].dropped is None and "one of SRX8, SRX7" in use["GSM1"].unattributed
    assert not [w for w in lay.warnings if "not used" in w]
    # the sample size is the server's: 3 vs 2, not 1 vs 2 (the GSMs are in the count lists)
    (size,) = findings(db, "qc_sample_size")
    assert "(n=3 vs n=2)" in size[2] and json.loads(size[3])["n_a"] == 3
    assert findings(db, "qc_dropped_ids") == []
    (un,) = findings(db, "qc_unattributed_ids")
    assert un[1] == "minor" and "GSM1 (group A: counted as one of SRX8, SRX7" in un[2]
    assert json.loads(un[3])["ids"] == ["GSM1", "GSM2"]
    # the design finding alone does not fail the comparison
    assert db.execute("select verdict from qc_verdict").fetchone()[0] == "warn"
    # per-experiment counts exist only where the server names the experiment
    got = {r[0] for r in db.execute("select experiment_id from region_counts").fetchall()}
    assert got == {"SRX999", "SRX6", "SRX5"}
    labels = collect_context(db, "c1").ids_labelled("A")
    assert labels == ["SRX999", "GSM1 (compared; its SRX is not named)",
                      "GSM2 (compared; its SRX is not named)"]  # fmt: skip


def test_an_unmapped_gsm_is_dropped_and_not_counted(db):
    warn = '"GSM9" unmapped for hg38 and has been ignored.'
    _load(db, ["SRX999", "SRX1000", "SRX1001", "GSM9"], ["SRX6", "SRX5"],
          _log(["SRX999", "SRX1000", "SRX1001"], ["SRX6", "SRX5"], (warn,)))  # fmt: skip
    (dropped,) = findings(db, "qc_dropped_ids")
    assert dropped[1] == "major" and "GSM9 (group A: [WARNING]" in dropped[2]
    assert findings(db, "qc_unattributed_ids") == []
    assert "(n=3 vs n=2)" in findings(db, "qc_sample_size")[0][2]  # 4 submitted, 3 compared
    assert db.execute("select verdict from qc_verdict").fetchone()[0] == "fail"


def test_sample_size_without_counts_is_submitted_minus_dropped(db):
    add_comparison(db, "d1", analysis="dmr", n_a=4, n_b=5)
    db.execute("update experiments set dropped = 'x' where experiment_id = 'SRXA000'")
    (size,) = findings(db, "qc_sample_size")
    assert "(n=3 vs n=5)" in size[2] and size[1] == "major"


def test_an_old_database_moves_the_unattributed_reason_out_of_dropped(tmp_path):
    from chromdiff.warehouse.db import writer

    db_path = tmp_path / "old.duckdb"
    old = ("maps to one of SRX8, SRX7 on the server; which one is not stated, so its counts are "
           "not attributed")  # fmt: skip
    with writer(db_path) as con:
        add_comparison(con, "c1", n_a=3, n_b=2, ids_a=["SRX999", "GSM1", "GSM2"])
        con.execute("update experiments set dropped = ?, count_order = null"
                    " where experiment_id like 'GSM%'", [old])  # fmt: skip
        con.execute("drop view qc_findings; drop view qc_unattributed_ids")
        con.execute("alter table experiments drop column unattributed")
        con.execute("delete from schema_stamp")
    with writer(db_path) as con:  # opening migrates
        rows = con.execute(
            "select experiment_id, dropped, unattributed from experiments"
            " where experiment_id like 'GSM%' order by 1"
        ).fetchall()
        assert rows == [("GSM1", None, old), ("GSM2", None, old)]
        assert findings(con, "qc_dropped_ids") == []
        assert len(findings(con, "qc_unattributed_ids")) == 1


@pytest.mark.parametrize(("n_up", "dominant"), [(5, "A"), (6, "A"), (4, "B")])
def test_cluster_direction_tie_counts_as_a(db, n_up, dominant):
    # the skill's qc_checks.py: dominant_dir = "A" if n_a >= n_b else "B"
    add_comparison(db)
    rows = [
        {"chrom": "chr8", "start": 10_000_000 + 1000 * i, "stop": 10_000_500 + 1000 * i,
         "logfc": 2.0 if i < n_up else -2.0, "qvalue": 0.001, "a": 0.5, "b": 50.0}
        for i in range(10)
    ]  # fmt: skip
    add_regions(db, "cmp1", rows)
    (row,) = findings(db, "qc_clusters")
    assert f"enriched in group {dominant})" in row[2]
    # A dominant: B is the depleted group (mean 50, no note); B dominant: A (0.5 < 1.0)
    assert ("near-zero counts" in row[2]) is (dominant == "B")
