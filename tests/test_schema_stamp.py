"""A database stamped with this schema is not re-applied by every writer (``warehouse.stamp``)."""

from __future__ import annotations

import pytest

from chromdiff.warehouse import db
from chromdiff.warehouse.stamp import fingerprint, is_current


@pytest.fixture
def applies(monkeypatch):
    """Count the calls of ``apply_schema`` made by ``writer``."""
    calls = []
    real = db.apply_schema

    def counted(con):
        calls.append(1)
        real(con)

    monkeypatch.setattr(db, "apply_schema", counted)
    return calls


def test_second_writer_skips_the_schema(tmp_path, applies):
    path = tmp_path / "s.duckdb"
    with db.writer(path) as con:
        assert is_current(con)
        assert con.execute("select fingerprint from schema_stamp").fetchall() == [(fingerprint(),)]
    with db.writer(path) as con:
        assert con.execute("select count(*) from qc_findings").fetchall()  # views are there
    assert len(applies) == 1


def test_dropped_view_or_table_is_restored(tmp_path, applies):
    path = tmp_path / "s.duckdb"
    with db.writer(path) as con:
        con.execute("drop view qc_findings")
        assert not is_current(con)
    with db.writer(path) as con:
        assert con.execute("select count(*) from qc_findings").fetchall() == [(0,)]
        con.execute("drop table local_runs")
    with db.writer(path) as con:
        assert con.execute("select count(*) from local_runs").fetchall() == [(0,)]
    assert len(applies) == 3


def test_other_schema_version_is_reapplied(tmp_path, applies):
    path = tmp_path / "s.duckdb"
    with db.writer(path) as con:
        con.execute("update schema_stamp set fingerprint = 'older chromdiff'")
        con.execute("comment on view qc_findings is 'stale'")
    with db.writer(path) as con:
        assert is_current(con)
        (comment,) = con.execute(
            "select comment from duckdb_views() where view_name = 'qc_findings'"
        ).fetchall()[0]
    assert comment != "stale" and len(applies) == 2


def test_user_views_do_not_force_a_reapply(tmp_path, applies):
    path = tmp_path / "s.duckdb"
    with db.writer(path) as con:
        con.execute("create view my_top as select * from regions limit 5")
    with db.writer(path) as con:
        assert con.execute("select count(*) from my_top").fetchall() == [(0,)]
    assert len(applies) == 1
