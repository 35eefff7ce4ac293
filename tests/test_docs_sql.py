"""Every ```sql block of docs/sql.md runs on a populated database; views give hand-checked rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chromdiff.warehouse.db import connect, writer
from chromdiff.warehouse.history import record_run
from tests.warehouse_rows import add_comparison, add_regions

DOC = Path(__file__).resolve().parents[1] / "docs" / "sql.md"
QUERIES = re.findall(r"```sql\n(.*?)```", DOC.read_text(), flags=re.S)


@pytest.fixture(scope="module")
def populated(tmp_path_factory) -> str:
    """Two hg38 comparisons sharing one significant chr1 region (hand-built), one gene."""
    db = str(tmp_path_factory.mktemp("sql") / "w.duckdb")
    with writer(db) as con:
        for cid in ("cmpA", "cmpB"):
            add_comparison(con, cid)
        add_regions(
            con,
            "cmpA",
            [
                {
                    "chrom": "chr1",
                    "start": 1000,
                    "stop": 2000,
                    "logfc": 2.0,
                    "qvalue": 0.001,
                    "a": 50,
                    "b": 10,
                },
                {
                    "chrom": "chr2",
                    "start": 5000,
                    "stop": 6000,
                    "logfc": -1.5,
                    "qvalue": 0.001,
                    "a": 5,
                    "b": 40,
                },
            ],
        )
        add_regions(
            con,
            "cmpB",
            [
                {
                    "chrom": "chr1",
                    "start": 1500,
                    "stop": 2500,
                    "logfc": 1.0,
                    "qvalue": 0.01,
                    "a": 30,
                    "b": 10,
                },
                {
                    "chrom": "chr2",
                    "start": 9000,
                    "stop": 9500,
                    "logfc": 1.0,
                    "qvalue": 0.5,
                    "a": 30,
                    "b": 10,
                },
            ],
        )
        for cid in ("cmpA", "cmpB"):
            con.execute(
                "insert into region_annotation (comparison_id, region_id, symbol) "
                "values (?, 1, 'MYC')",
                [cid],
            )
    with record_run(db, "compare", {"genome": "hg38"}, run_id="run-1"):
        pass
    return db


def test_doc_has_queries():
    assert len(QUERIES) >= 5


@pytest.mark.parametrize("query", QUERIES, ids=[f"q{i}" for i in range(len(QUERIES))])
def test_documented_query_runs(populated, query):
    with connect(populated, read_only=True) as con:
        rows = con.execute(query).fetchall()
        cols = [d[0] for d in con.description]
    assert cols  # every documented query returns named columns
    assert isinstance(rows, list)


def test_recurring_regions_hand_checked(populated):
    with connect(populated, read_only=True) as con:
        rows = con.execute(
            "select comparison_id, chrom, start, n_other_comparisons, other_comparisons "
            "from xc_recurring_regions order by comparison_id"
        ).fetchall()
    # chr1:1000-2000 (A) overlaps chr1:1500-2500 (B); chr2 regions do not overlap each other
    assert rows == [("cmpA", "chr1", 1000, 1, "cmpB"), ("cmpB", "chr1", 1500, 1, "cmpA")]


def test_recurring_regions_keep_to_one_analysis_and_give_directions(tmp_path):
    """A dmr region over a diffbind one is not a recurrence (a methylation difference is not a
    binding change); the directions of the regions hit are listed per comparison."""
    db = str(tmp_path / "r.duckdb")
    with writer(db) as con:
        for cid, analysis in (("c1", "diffbind"), ("c2", "diffbind"), ("m1", "dmr")):
            add_comparison(con, cid, analysis=analysis)
        sig = {"qvalue": 0.001, "a": 50, "b": 10}
        add_regions(con, "c1", [{"chrom": "chr1", "start": 100, "stop": 900, "logfc": 2.0, **sig}])
        add_regions(
            con,
            "c2",
            [
                {"chrom": "chr1", "start": 200, "stop": 300, "logfc": -2.0, **sig},
                {"chrom": "chr1", "start": 500, "stop": 600, "logfc": 3.0, **sig},
            ],
        )
        add_regions(con, "m1", [{"chrom": "chr1", "start": 150, "stop": 700, "logfc": None,
                                 "meth_diff": 0.4, **sig}])  # fmt: skip
    with connect(db, read_only=True) as con:
        rows = con.execute(
            "select comparison_id, region_id, analysis, direction, n_other_comparisons,"
            " other_comparisons, other_directions from xc_recurring_regions order by 1, 2"
        ).fetchall()
    assert rows == [
        ("c1", 1, "diffbind", "A", 1, "c2", "c2:A,c2:B"),
        ("c2", 1, "diffbind", "B", 1, "c1", "c1:A"),
        ("c2", 2, "diffbind", "A", 1, "c1", "c1:A"),
    ]


def test_genes_many_comparisons_hand_checked(populated):
    with connect(populated, read_only=True) as con:
        rows = con.execute(
            "select genome, symbol, n_comparisons, n_regions from xc_genes_many_comparisons"
        ).fetchall()
    assert rows == [("hg38", "MYC", 2, 2)]


def test_direction_query_counts(populated):
    with connect(populated, read_only=True) as con:
        rows = con.execute(QUERIES[-1]).fetchall()
    assert rows == [("cmpA", 1, 1), ("cmpB", 1, 0)]


def test_run_history_view(populated):
    with connect(populated, read_only=True) as con:
        rows = con.execute("select run_id, flow_name, state from xc_run_history").fetchall()
    assert rows == [("run-1", "compare", "completed")]


def test_per_experiment_counts_hand_checked(populated):
    query = next(q for q in QUERIES if "from region_counts k" in q)
    with connect(populated, read_only=True) as con:
        rows = con.execute(query).fetchall()
    # cmpA: both regions significant, A counts 50 and 5, B 10 and 40; cmpB: only region 1 (30/10)
    want = [("cmpA", "A", f"SRXA{i:03d}", 27.5) for i in range(5)]
    want += [("cmpA", "B", f"SRXB{i:03d}", 25.0) for i in range(5)]
    want += [("cmpB", "A", f"SRXA{i:03d}", 30.0) for i in range(5)]
    want += [("cmpB", "B", f"SRXB{i:03d}", 10.0) for i in range(5)]
    assert rows == want


def _query(containing: str) -> str:
    (query,) = [q for q in QUERIES if containing in q]
    return query


def test_top_regions_with_genes_hand_checked(populated):
    with connect(populated, read_only=True) as con:
        rows = con.execute(_query("from regions_ranked")).fetchall()
    # cmpA: both regions significant; region 1 (q 0.001, |logFC| 2) ranks before region 2 (1.5)
    assert [(r[1], r[2], r[3], r[5], r[8]) for r in rows] == [
        (1, "chr1", 1000, 2.0, "MYC"),
        (2, "chr2", 5000, -1.5, None),
    ]


def test_qc_per_comparison_hand_checked(populated):
    with connect(populated, read_only=True) as con:
        rows = con.execute(_query("from qc_verdict v")).fetchall()
    # n = 5 per group and two clean regions: no finding, so one 'pass' row each (NULL finding)
    assert rows == [("cmpA", "pass", "no QC findings", None, None, None),
                    ("cmpB", "pass", "no QC findings", None, None, None)]  # fmt: skip


def test_regions_shared_by_two_comparisons_hand_checked(populated):
    with connect(populated, read_only=True) as con:
        rows = con.execute(_query("join regions_significant b")).fetchall()
    # cmpA chr1:1000-2000 overlaps cmpB chr1:1500-2500; chr2 regions do not overlap
    assert rows == [("chr1", 1000, 2000, 1500, 2500, 2.0, 1.0, "MYC")]


def test_genes_of_one_comparison_hand_checked(populated):
    with connect(populated, read_only=True) as con:
        rows = con.execute(_query("group by a.symbol")).fetchall()
    assert rows == [("MYC", 1, 0.001)]


def test_every_table_and_view_explains_itself(populated, capsys):
    """COMMENT ON from each SQL file's header; `chromdiff sql --schema` lists them all."""
    from chromdiff.warehouse.comments import descriptions
    from tests.cli_run import run_cli

    with connect(populated, read_only=True) as con:
        got = con.execute(
            "select table_name, comment from duckdb_tables() where not internal union all "
            "select view_name, comment from duckdb_views() where not internal"
        ).fetchall()
    assert len(got) >= 69
    assert [name for name, comment in got if not comment] == []
    known = {n: d for _, n, d in descriptions()}
    assert all(comment == known[name] for name, comment in got)
    assert known["comparisons"].startswith("one row per comparison of two groups")
    assert known["qc_findings"].startswith("every QC finding of every comparison")
    code, out, err = run_cli(["sql", "--schema", "--db", populated], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == len(got)
    line = next(ln for ln in lines if ln.startswith("qc_verdict "))
    assert line.split()[1] == "view" and "one QC verdict per comparison" in line


def test_schema_listing_without_a_database(tmp_path, capsys):
    from tests.cli_run import run_cli

    db = tmp_path / "none.duckdb"
    code, out, err = run_cli(["sql", "--schema", "--db", str(db), "--format", "csv"], capsys)
    assert code == 0, err
    assert out.splitlines()[0] == '"name","kind","description"'
    assert '"regions_significant","view","filtered regions with qvalue < fdr' in out
    assert not db.exists()  # nothing written
