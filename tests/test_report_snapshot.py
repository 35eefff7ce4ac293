"""report.snapshot: inside one_comparison every view gives the rows it gives without it."""

from __future__ import annotations

import pytest

from chromdiff.report.snapshot import one_comparison
from chromdiff.warehouse.db import apply_schema, connect
from tests.warehouse_rows import add_comparison, add_regions, background

#: (view, order) read for one comparison, with and without the snapshot.
VIEWS = [
    ("qc_findings", "check_order, check_name, detail"),
    ("rpt_direction_counts", "comparison_id"),
    ("rpt_top_regions", "rank"),
    ("regions_top", "rank"),
    ("regions_ranked", "rank"),
    ("regions_significant", "region_id"),
    ("regions_unfiltered", "region_id"),
    ("sex_chrom_stats", "chrom, scope"),
]


def _rows(con, view, order, cid="cmp1"):
    return con.execute(
        f"select * from {view} where comparison_id = ? order by {order}", [cid]
    ).fetchall()


def _temp_tables(con):
    return con.execute(
        "select table_name from duckdb_tables() where database_name = 'temp'"
    ).fetchall()


@pytest.fixture
def db():
    """Two comparisons; cmp1 fires several QC checks and has ties in the rank order."""
    with connect() as con:
        apply_schema(con)
        add_comparison(con, "cmp1", n_a=2, n_b=2, top_n=30)
        rows = background(60)
        for i, r in enumerate(rows):  # ties in q and |logFC|: the later sort keys decide
            r |= {"qvalue": [0.001, 0.01, None][i % 3], "logfc": [2.0, -2.0, 0.5][i % 2]}
        rows += [  # a chrM cluster, a non-standard contig, tiny regions, chrX all one way
            {"chrom": "chrM", "start": 100 * i, "stop": 100 * i + 80, "qvalue": 0.001,
             "logfc": 3.0, "a": 200.0, "b": 1.0}
            for i in range(12)
        ] + [
            {"chrom": "chrUn_x", "start": 0, "stop": 500, "qvalue": 0.001},
            {"chrom": "chr2", "start": 0, "stop": 5, "qvalue": 0.001},
        ] + [
            {"chrom": "chrX", "start": 10_000 * i, "stop": 10_000 * i + 600, "qvalue": 0.001,
             "logfc": 2.5, "a": 100.0, "b": 2.0}
            for i in range(40)
        ]  # fmt: skip
        add_regions(con, "cmp1", rows)
        add_comparison(con, "cmp2")
        add_regions(con, "cmp2", background(20, sig_every=2))
        yield con


def test_views_read_the_same_rows_in_the_snapshot(db):
    before = {v: _rows(db, v, o) for v, o in VIEWS}
    assert before["qc_findings"] and len(before["rpt_top_regions"]) == 30
    with one_comparison(db, "cmp1", 30):
        assert {v: _rows(db, v, o) for v, o in VIEWS} == before
        # the snapshot holds cmp1 alone: other comparisons read nothing
        assert _rows(db, "regions_unfiltered", "region_id", "cmp2") == []
    assert _temp_tables(db) == []
    assert len(_rows(db, "regions_unfiltered", "region_id", "cmp2")) == 20


def test_blocks_nest_and_refuse_another_comparison(db):
    top = _rows(db, "rpt_top_regions", "rank")
    with one_comparison(db, "cmp1"):
        with one_comparison(db, "cmp1", 30):
            assert _rows(db, "rpt_top_regions", "rank") == top
        # the inner block dropped only the table it made
        assert {t for (t,) in _temp_tables(db)} == {"_cd_snapshot", "regions_unfiltered"}
        with pytest.raises(RuntimeError, match="cmp1"), one_comparison(db, "cmp2"):
            pass
        assert len(_rows(db, "regions_unfiltered", "region_id")) == 114
    assert _temp_tables(db) == []


def test_the_snapshot_is_dropped_after_an_error(db):
    with pytest.raises(ValueError, match="boom"), one_comparison(db, "cmp1", 30):
        raise ValueError("boom")
    assert _temp_tables(db) == []
