"""Databases written before counts became lists (and regions lost its key) upgrade in place.

The old layout is rebuilt by hand from the DDL of that version (long-form ``region_counts``
table, ``regions`` with a primary key) and filled with a real load; opening it with the current
code must keep every row and give the same long-form counts through the ``region_counts`` view.
"""

from pathlib import Path

from chromdiff.design.comparison import ComparisonSpec, register
from chromdiff.parsing import parse_result
from chromdiff.warehouse import load as warehouse
from chromdiff.warehouse.db import connect, writer

DATA = Path(__file__).parent / "data" / "parsing"
A = ["SRX999", "SRX1000", "SRX1001"]
B = ["SRX6", "SRX5"]

# sql/schema/004_regions.sql and 005_region_counts.sql as of commit dc08bbe
OLD_REGIONS = """create table regions (
    comparison_id varchar not null, region_id integer not null, chrom varchar not null,
    start bigint not null, stop bigint not null, logfc double, pvalue double, qvalue double,
    mean_count_a double, mean_count_b double, meth_diff double, n_cpgs integer, p_mwu double,
    p_ks double, mean_meth_a double, mean_meth_b double,
    primary key (comparison_id, region_id))"""
OLD_COUNTS = """create table region_counts (
    comparison_id varchar not null, region_id integer not null,
    experiment_id varchar not null, count double)"""


def _rows(con, sql):
    return con.execute(sql + " order by all").fetchall()


def _make_old_layout(db: Path, tmp_path: Path) -> tuple[list, list]:
    spec = ComparisonSpec(A, B, title="migration test").validated()
    cid = spec.default_id()
    with writer(db) as con:
        register(con, cid, spec, base_url="http://x/")
        warehouse.load_result(con, cid, parse_result(DATA / "diffbind_2025.bed", "diffbind", A, B))
        long = _rows(con, "select * from region_counts")
        regions = _rows(con, "select * from regions")
        con.execute("create temp table keep_r as select * from regions")
        con.execute("drop view region_counts_labeled; drop view region_counts")
        con.execute("drop table region_count_vectors; drop table regions")
        con.execute(OLD_REGIONS)
        con.execute("insert into regions select * from keep_r")
        con.execute(OLD_COUNTS)
        con.executemany("insert into region_counts values (?, ?, ?, ?)", long)
    return long, regions


def test_old_database_is_upgraded_without_loss(tmp_path):
    db = tmp_path / "old.duckdb"
    long, regions = _make_old_layout(db, tmp_path)
    assert len(long) == 4 * 5 and len(regions) == 4
    with connect(db, read_only=True) as con:  # really the old layout
        kinds = dict(
            con.execute(
                "select table_name, table_type from information_schema.tables"
                " where table_name in ('region_counts', 'region_count_vectors')"
            ).fetchall()
        )
        assert kinds == {"region_counts": "BASE TABLE"}
    with writer(db) as con:
        assert _rows(con, "select * from region_counts") == long
        assert _rows(con, "select * from regions") == regions
        kind = con.execute(
            "select table_type from information_schema.tables where table_name = 'region_counts'"
        ).fetchall()
        assert kind == [("VIEW",)]
        keys = con.execute(
            "select count(*) from duckdb_constraints() where table_name = 'regions'"
            " and constraint_type = 'PRIMARY KEY'"
        ).fetchall()[0][0]
        assert keys == 0
        # value i of a group's list is the experiment with count_order i
        got = con.execute(
            "select counts_a, counts_b from region_count_vectors where region_id = 1"
        ).fetchall()[0]
        by_exp = {e: c for _, r, e, c in long if r == 1}
        assert got == ([by_exp[e] for e in sorted(A)], [by_exp[e] for e in sorted(B)])
    with writer(db) as con:  # a second open is a no-op
        assert _rows(con, "select * from region_counts") == long


def test_run_state_columns_are_added_and_loaded_comparisons_count_as_reported(tmp_path):
    """A database from before ``reported_at``/``flow_runs.pid``: loaded means reported."""
    from chromdiff.design.comparison import get_state, plan

    db = tmp_path / "old_state.duckdb"
    spec = ComparisonSpec(A, B, title="migration test").validated()
    cid = spec.default_id()
    with writer(db) as con:
        register(con, cid, spec, base_url="http://x/")
        warehouse.load_result(con, cid, parse_result(DATA / "diffbind_2025.bed", "diffbind", A, B))
        con.execute("alter table comparisons drop column reported_at")
        con.execute("alter table flow_runs drop column pid; alter table flow_runs drop column host")
    with writer(db) as con:  # reopening migrates
        state = get_state(con, cid)
        cols = {r[0] for r in con.execute("describe flow_runs").fetchall()}
    assert state["reported_at"] is not None and plan(state, spec.input_hash(), False) == "skip"
    assert {"pid", "host"} <= cols


# sql/schema/003_experiments.sql before server_id / dropped (count_order was NOT NULL)
OLD_EXPERIMENTS = """create table experiments (
    comparison_id varchar not null, experiment_id varchar not null,
    grp varchar not null check (grp in ('A', 'B')), input_order integer not null,
    count_order integer not null, primary key (comparison_id, experiment_id))"""


def test_old_experiments_table_gains_server_columns(tmp_path):
    db = tmp_path / "old_e.duckdb"
    spec = ComparisonSpec(A, B, title="migration test").validated()
    cid = spec.default_id()
    with writer(db) as con:
        register(con, cid, spec, base_url="http://x/")
        warehouse.load_result(con, cid, parse_result(DATA / "diffbind_2025.bed", "diffbind", A, B))
        counts = _rows(con, "select * from region_counts")
        old = _rows(con, "select comparison_id, experiment_id, grp, input_order, count_order"
                         " from experiments")  # fmt: skip
        con.execute("drop view region_counts_labeled; drop view region_counts")
        con.execute("drop table experiments")
        con.execute(OLD_EXPERIMENTS)
        con.executemany("insert into experiments values (?, ?, ?, ?, ?)", old)
    with writer(db) as con:  # opening applies the migration
        cols = {
            r[0]: r[1]
            for r in con.execute(
                "select column_name, is_nullable from information_schema.columns"
                " where table_name = 'experiments'"
            ).fetchall()
        }
        assert cols["server_id"] == "YES" and cols["dropped"] == "YES"
        assert cols["count_order"] == "YES"
        assert _rows(con, "select experiment_id, server_id from experiments") == sorted(
            (e, e) for e in A + B
        )
        assert _rows(con, "select * from region_counts") == counts


def _loaded_dmr(db: Path, title: str) -> str:
    """Load ``tests/data/parsing/dmr.bed`` as a reported dmr comparison in ``db``; its ID."""
    from chromdiff.design.comparison import set_reported

    spec = ComparisonSpec(["SRX1"], ["SRX2"], analysis="dmr", title=title).validated()
    cid = spec.default_id()
    with writer(db) as con:
        register(con, cid, spec, base_url="http://x/")
        warehouse.load_result(con, cid, parse_result(DATA / "dmr.bed", "dmr", ["SRX1"], ["SRX2"]))
        set_reported(con, cid)
    return cid


def test_dmr_starts_stored_by_the_old_rule_move_one_base_right_once(tmp_path):
    """Versions before 4e904cc stored metilene's BED start minus one (the server's IGV label
    Length = stop - start + 1 read as a rule). A database they wrote is corrected once, its
    annotation dropped and its report due again; a new database is never shifted."""
    from chromdiff.design.comparison import get_state

    db = tmp_path / "old_dmr.duckdb"
    cid = _loaded_dmr(db, "dmr migration")
    with writer(db) as con:
        right = _rows(con, "select region_id, start, stop from regions")
        # what an old version left: start - 1, and no data_migrations table
        con.execute("update regions set start = start - 1")
        con.execute("drop table data_migrations")
    with writer(db) as con:  # reopening migrates
        assert _rows(con, "select region_id, start, stop from regions") == right
        assert get_state(con, cid)["reported_at"] is None  # annotated and reported again
        assert con.execute(
            "select n_rows from data_migrations where name = 'dmr_bed_starts'"
        ).fetchall() == [(2,)]
    with writer(db) as con:  # once only
        assert _rows(con, "select region_id, start, stop from regions") == right
    assert right[0][1:] == (10468, 11240)  # metilene's columns as written (tests/data)


def test_a_dmr_pvalue_stored_as_the_mwu_p_becomes_the_ks_p_once(tmp_path):
    """metilene's q is its 2D KS p times the tests (metseg.c); versions before this one stored
    the Mann-Whitney U p as ``pvalue``. A database they wrote gets the KS p, once; the MWU p
    stays in ``p_mwu``."""
    from chromdiff.design.comparison import get_state

    db = tmp_path / "old_p.duckdb"
    cid = _loaded_dmr(db, "dmr p")
    sql = "select region_id, pvalue, p_ks, p_mwu, qvalue from regions"
    with writer(db) as con:
        now = _rows(con, sql)
        con.execute("update regions set pvalue = p_mwu")  # what an old version stored
        con.execute("delete from data_migrations where name = 'dmr_pvalue_ks'")
        con.execute("delete from schema_stamp")  # an older version's schema
    assert all(p == ks and p != mwu for _, p, ks, mwu, _ in now)
    with writer(db) as con:  # reopening migrates
        assert _rows(con, sql) == now
        assert get_state(con, cid)["reported_at"] is None
    with writer(db) as con:  # once only: a later edit stays
        con.execute("update regions set pvalue = 0.5")
        con.execute("delete from schema_stamp")
    with writer(db) as con:
        assert {p for (p,) in con.execute("select pvalue from regions").fetchall()} == {0.5}
