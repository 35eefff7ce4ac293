"""The foundation: schema applies idempotently, views resolve, DB locking is explained."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from chromdiff.errors import DatabaseBusyError
from chromdiff.warehouse.db import apply_schema, connect, open_db, transaction


def test_schema_is_idempotent(tmp_path):
    db = tmp_path / "x.duckdb"
    for _ in range(2):
        with connect(db) as con:
            apply_schema(con)
    with connect(db, read_only=True) as con:
        tables = {
            r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()
        }
    assert {
        "comparisons",
        "experiments",
        "regions",
        "region_counts",
        "raw_files",
        "run_log",
    } <= tables


def test_transaction_rolls_back(tmp_path):
    with connect(tmp_path / "x.duckdb") as con:
        apply_schema(con)
        with pytest.raises(RuntimeError), transaction(con):
            con.execute("insert into region_count_vectors values ('c', 1, [1.0], [2.0])")
            raise RuntimeError("boom")
        assert con.execute("select count(*) from region_count_vectors").fetchone()[0] == 0


def test_locked_database_names_the_holder(tmp_path):
    db = tmp_path / "locked.duckdb"
    with connect(db) as con:
        apply_schema(con)
    holder = textwrap.dedent(
        f"""
        import duckdb, sys, time
        con = duckdb.connect({str(db)!r})
        print("ready", flush=True)
        sys.stdin.read()
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        with pytest.raises(DatabaseBusyError, match=f"process {proc.pid}"):
            open_db(db, read_only=True, wait_s=0.5)
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    open_db(db, read_only=True).close()


def test_environment_defaults_set_before_prefect():
    assert os.environ["DO_NOT_TRACK"] == "1"
    assert os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert os.environ["PREFECT_HOME"]
