"""Filter, significance and ranking views over the warehouse (sql/views)."""

from __future__ import annotations

import pytest

from chromdiff.warehouse.db import apply_schema, connect
from tests.warehouse_rows import add_comparison, add_regions


@pytest.fixture
def db():
    with connect() as c:
        apply_schema(c)
        yield c


def ids(con, view, cid="cmp1", order="region_id"):
    return [
        r[0]
        for r in con.execute(
            f"select region_id from {view} where comparison_id = ? order by {order}", [cid]
        ).fetchall()
    ]


ROWS = [
    {"chrom": "chr1", "start": 100, "stop": 110, "logfc": 1.0, "qvalue": 0.01},  # 1 keep (10 bp)
    {"chrom": "chr1", "start": 200, "stop": 209, "logfc": 1.0, "qvalue": 0.01},  # 2 tiny (9 bp)
    {"chrom": "chrUn_GL000220v1", "start": 1, "stop": 900, "qvalue": 0.01},  # 3 non-standard
    {"chrom": "chr1_KI270706v1_random", "start": 1, "stop": 900},  # 4 non-standard
    {"chrom": "chrM", "start": 1, "stop": 900, "logfc": 0.0, "qvalue": 0.001},  # 5 keep, none
    {"chrom": "chrX", "start": 5, "stop": 5},  # 6 zero length
    {"chrom": "chrEBV", "start": 5, "stop": 500},  # 7 non-standard
    {"chrom": "chr22", "start": 5, "stop": 500, "logfc": -3.0, "qvalue": 0.049999},  # 8 keep
    {"chrom": "chr22", "start": 600, "stop": 900, "logfc": -3.0, "qvalue": 0.05},  # 9 keep, not sig
]


def test_filters_remove_exactly_nonstandard_and_tiny(db):
    add_comparison(db)
    add_regions(db, "cmp1", ROWS)
    assert ids(db, "regions_unfiltered") == list(range(1, 10))
    assert ids(db, "regions_filtered") == [1, 5, 8, 9]
    assert db.execute("select count(*) from regions").fetchall()[0][0] == 9  # base table intact


def test_significance_strict_q_and_direction_none(db):
    """q = 0.05 is not < 0.05; logFC 0 (region 5) is up in neither group, so not significant
    even at q 0.001 (it was, and the report's counts table, which prints 0 significant
    regions without a direction, the charts and the A/B lists then disagreed)."""
    add_comparison(db)
    add_regions(db, "cmp1", ROWS)
    assert ids(db, "regions_significant") == [1, 8]
    counts = db.execute(
        "select n_sig, n_sig_a, n_sig_b, n_sig_none, n_none from rpt_direction_counts"
    ).fetchall()
    assert counts == [(2, 1, 1, 0, 1)]
    rows = dict(
        db.execute(
            "select region_id, direction from regions_unfiltered where comparison_id = 'cmp1'"
        ).fetchall()
    )
    assert rows[5] == "none" and rows[1] == "A" and rows[8] == "B"


def test_significance_is_a_parameter(db):
    add_comparison(db, fdr=0.0500001, min_abs_logfc=1.0)
    add_regions(db, "cmp1", ROWS)
    assert ids(db, "regions_significant") == [1, 8, 9]  # logFC 0 (region 5) now fails |effect|


def test_null_effect_or_q_is_not_significant_and_direction_none(db):
    add_comparison(db)
    add_regions(
        db,
        "cmp1",
        [
            {"chrom": "chr2", "start": 0, "stop": 100, "logfc": None, "qvalue": 0.001},
            {"chrom": "chr2", "start": 0, "stop": 100, "qvalue": None},
        ],
    )
    got = db.execute(
        "select direction, significant from regions_unfiltered order by region_id"
    ).fetchall()
    assert got == [("none", False), ("A", False)]


def test_top_n_strict_q_order_keeps_unannotated_rows(db):
    add_comparison(db, top_n=3)
    rows = [
        {"chrom": "chr3", "start": 1000 * i, "stop": 1000 * i + 500, "logfc": lfc, "qvalue": q}
        for i, (q, lfc) in enumerate(
            [(0.2, 1.0), (0.001, 0.5), (0.001, -4.0), (None, 9.0), (0.0001, 0.1), (0.03, 2.0)]
        )
    ]
    add_regions(db, "cmp1", rows)
    # annotate only two rows: the others must keep their place
    db.execute(
        "insert into region_annotation (comparison_id, region_id, gene_id, symbol, "
        "distance_to_tss, genic_symbol) values "
        "('cmp1', 2, '7157', 'TP53', 0, 'TP53'), ('cmp1', 6, '4609', 'MYC', 2100, null)"
    )
    order = ids(db, "regions_ranked", order="rank")
    assert order == [5, 3, 2, 6, 1, 4]  # q asc, ties by |logFC| desc, NULL q last
    assert ids(db, "regions_top", order="rank") == [5, 3, 2]
    labels = db.execute(
        "select rank, nearest_gene, distance_to_tss, genic_gene from regions_top order by rank"
    ).fetchall()
    assert labels == [(1, None, None, None), (2, None, None, None), (3, "TP53", 0, "TP53")]


def test_dmr_effect_is_meth_diff(db):
    add_comparison(db, analysis="dmr")
    add_regions(
        db,
        "cmp1",
        [
            {"chrom": "chr1", "start": 0, "stop": 500, "meth_diff": -0.4, "qvalue": 0.01},
            {"chrom": "chr1", "start": 900, "stop": 1500, "meth_diff": 0.3, "qvalue": 0.2},
        ],
    )
    got = db.execute(
        "select effect, direction, significant, mean_count from regions_filtered order by region_id"
    ).fetchall()
    assert got == [(-0.4, "B", True, None), (0.3, "A", False, None)]


def test_comparisons_do_not_leak(db):
    add_comparison(db, "c1")
    add_comparison(db, "c2", genome="mm10")
    add_regions(db, "c1", [{"chrom": "chr20", "start": 0, "stop": 100}])
    add_regions(db, "c2", [{"chrom": "chr20", "start": 0, "stop": 100}])
    assert ids(db, "regions_filtered", "c1") == [1]  # chr20 is standard in hg38
    assert ids(db, "regions_filtered", "c2") == []  # but not in mm10


def test_region_without_counts_has_no_ma_position(db):
    """DuckDB's greatest() skips NULL: a region without counts sat at log2(ma_floor)."""
    add_comparison(db)
    add_regions(db, "cmp1", [
        {"chrom": "chr2", "start": 0, "stop": 100, "logfc": 2.0, "qvalue": 0.001,
         "a": None, "b": None},
        {"chrom": "chr2", "start": 0, "stop": 100, "logfc": 2.0, "qvalue": 0.001,
         "a": 4.0, "b": 0.0},
    ])  # fmt: skip
    got = db.execute(
        "select mean_count_a, log2_mean_count from regions_unfiltered order by region_id"
    ).fetchall()
    assert got == [(None, None), (4.0, 1.0)]


def test_region_annotation_labeled_has_the_dmr_effect(tmp_path):
    """Its only effect column was logfc, NULL for every dmr region."""
    from chromdiff.warehouse.db import writer
    from tests.warehouse_rows import add_comparison, add_regions

    with writer(tmp_path / "d.duckdb") as con:
        add_comparison(con, "m", analysis="dmr")
        add_regions(con, "m", [{"chrom": "chr1", "start": 100, "stop": 900, "meth_diff": -0.4,
                                "qvalue": 0.01}])  # fmt: skip
        row = con.execute(
            "select effect, meth_diff, logfc from region_annotation_labeled"
        ).fetchall()
    assert row == [(-0.4, -0.4, None)]
