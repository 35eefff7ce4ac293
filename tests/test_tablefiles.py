"""write_table: one query's rows as CSV and/or Parquet, in the formats asked for."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq
import pytest

from chromdiff.report import tablefiles
from chromdiff.report.tablefiles import write_table

ROWS = "select range as i, 'g' || range as name, range / 4 as x from range(30)"


@pytest.fixture
def con():
    with duckdb.connect() as c:
        yield c


def _names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_both_formats_hold_the_same_rows(con, tmp_path):
    written = write_table(con, ROWS, tmp_path / "t", ("csv", "parquet"))
    assert sorted(written) == ["t.csv", "t.parquet"] == _names(tmp_path)
    csv_rows = con.execute(f"select * from read_csv('{tmp_path / 't.csv'}')").fetchall()
    assert csv_rows == con.execute(ROWS).fetchall()
    assert pq.read_table(tmp_path / "t.parquet").num_rows == 30
    # the rows were computed once, into a temporary table that is gone again
    assert con.execute("select count(*) from duckdb_tables() where temporary").fetchone()[0] == 0


def test_auto_writes_csv_only_up_to_the_limit(con, tmp_path, monkeypatch):
    assert sorted(write_table(con, ROWS, tmp_path / "small", ("auto",))) == [
        "small.csv",
        "small.parquet",
    ]
    monkeypatch.setattr(tablefiles, "AUTO_CSV_MAX_ROWS", 29)
    assert list(write_table(con, ROWS, tmp_path / "big", ("auto",))) == ["big.parquet"]
    assert not (tmp_path / "big.csv").exists()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_one_format_is_one_file(con, tmp_path, fmt):
    assert list(write_table(con, ROWS, tmp_path / "t", (fmt,))) == [f"t.{fmt}"]
    assert _names(tmp_path) == [f"t.{fmt}"]


def test_csv_options_are_used(con, tmp_path):
    write_table(con, ROWS, tmp_path / "t", ("csv",), csv_options="format csv, delimiter ';'")
    assert (tmp_path / "t.csv").read_text().splitlines()[:2] == ["i;name;x", "0;g0;0.0"]


def test_a_failed_query_leaves_no_file(con, tmp_path):
    with pytest.raises(duckdb.Error):
        write_table(con, "select 1 / 'x' as bad", tmp_path / "t", ("csv", "parquet"))
    with pytest.raises(duckdb.Error):
        write_table(con, "select error('boom') as bad", tmp_path / "u", ("parquet",))
    assert _names(tmp_path) == []
