"""The schema additions for user data and local runs are additive: older databases gain them."""

from chromdiff.design.comparison import ComparisonSpec, register
from chromdiff.warehouse.db import writer


def test_database_without_the_new_tables_gains_them_unchanged(tmp_path):
    db = tmp_path / "old.duckdb"
    spec = ComparisonSpec(["SRX1"], ["SRX2"], title="old").validated()
    with writer(db) as con:
        register(con, "old", spec, base_url="http://x/")
        con.execute("drop table user_experiments; drop table local_runs")
        before = con.execute("select * from experiments order by all").fetchall()
    with writer(db) as con:  # as an older chromdiff left it: reopened with the current schema
        tables = {t for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()}
        assert {"user_experiments", "local_runs"} <= tables
        assert con.execute("select * from experiments order by all").fetchall() == before
        local = con.execute(
            "select c.comparison_id, l.comparison_id is not null from comparisons c"
            " left join local_runs l using (comparison_id)"
        ).fetchall()
        assert local == [("old", False)]
