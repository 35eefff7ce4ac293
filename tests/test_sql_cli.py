"""``chromdiff sql`` (read-only, busy-writer message) and ``chromdiff export-parquet``."""

from __future__ import annotations

import subprocess
import sys
import time

import pyarrow.parquet as pq
from click.testing import CliRunner

from chromdiff.cli.cmd_export_parquet import command as export_cmd
from chromdiff.cli.cmd_sql import command as sql_cmd
from chromdiff.warehouse.db import writer
from tests.warehouse_rows import add_comparison, add_regions


def _db(tmp_path) -> str:
    db = str(tmp_path / "w.duckdb")
    with writer(db) as con:
        add_comparison(con, "cmp1")
        add_regions(
            con,
            "cmp1",
            [
                {
                    "chrom": "chr1",
                    "start": 10,
                    "stop": 900,
                    "logfc": 1.0,
                    "qvalue": 0.01,
                    "a": 9,
                    "b": 3,
                },
            ],
        )
    return db


def test_sql_reads_and_refuses_writes(tmp_path):
    db = _db(tmp_path)
    ok = CliRunner().invoke(
        sql_cmd, ["select chrom, stop from regions", "--db", db, "--format", "csv"]
    )
    assert ok.exit_code == 0, ok.output
    assert ok.output.splitlines() == ['"chrom","stop"', '"chr1",900']
    bad = CliRunner().invoke(sql_cmd, ["delete from regions", "--db", db])
    assert bad.exit_code != 0
    assert "read-only" in bad.output.lower()


def test_sql_refuses_statements_that_write_files_or_run_unseen(tmp_path):
    """COPY ... TO the database's own path made it "not a valid DuckDB database file"."""
    db = _db(tmp_path)
    for query, kind in (
        (f"copy (select 'x' as x) to '{db}' (format csv)", "COPY"),
        (f"export database '{tmp_path / 'dump'}'", "EXPORT"),
        (f"attach '{tmp_path / 'other.duckdb'}'", "ATTACH"),
        ("set threads = 1", "SET"),
        # EXPLAIN ANALYZE runs what it wraps: a COPY to the database's path destroyed it
        (f"explain analyze copy (select 1 as a) to '{db}' (format csv)", "COPY"),
        (f"EXPLAIN (FORMAT json) COPY (select 1) TO '{db}'", "COPY"),
    ):
        bad = CliRunner().invoke(sql_cmd, [query, "--db", db])
        assert bad.exit_code == 1
        assert f"chromdiff sql is read-only: it runs queries (SELECT, EXPLAIN, PRAGMA, CALL), " \
            f"not {kind}" in bad.output  # fmt: skip
    two = CliRunner().invoke(sql_cmd, ["delete from regions; select 1", "--db", db])
    assert two.exit_code == 1 and "one statement at a time (got 2)" in two.output
    assert not (tmp_path / "dump").exists() and not (tmp_path / "other.duckdb").exists()
    for query in ("show tables", "describe regions", "explain select 1", "pragma version",
                  "explain analyze select count(*) from regions",
                  "summarize regions", "from regions select count(*)"):  # fmt: skip
        ok = CliRunner().invoke(sql_cmd, [query, "--db", db, "--format", "csv"])
        assert ok.exit_code == 0, (query, ok.output)
    ok = CliRunner().invoke(sql_cmd, ["select count(*) as n from regions", "--db", db,
                                      "--format", "csv"])  # fmt: skip
    assert ok.output.splitlines() == ['"n"', "1"]  # the database is intact


def test_sql_names_the_process_holding_the_writer_lock(tmp_path):
    db = _db(tmp_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({db!r}); print('ready', flush=True); "
            "time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        t0 = time.monotonic()
        res = subprocess.run(
            [
                sys.executable,
                "-c",
                "from chromdiff.cli.main import main; main()",
                "sql",
                "select 1",
                "--db",
                db,
                "--wait",
                "1",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        waited = time.monotonic() - t0
    finally:
        holder.kill()
        holder.wait()
    assert res.returncode == 1
    assert f"process {holder.pid}" in res.stderr + res.stdout
    assert waited >= 1.0
    first, last = res.stderr.strip().splitlines()
    assert first.startswith(f"waiting up to 1 s for database {db}: locked by process {holder.pid}")
    assert last.startswith("error: database")


def test_default_wait_outlasts_an_ordinary_load():
    from chromdiff.cli.cmd_sql import command

    wait = next(p for p in command.params if p.name == "wait_s")
    assert wait.default >= 60  # a 1M-region load holds the file ~18 s (BENCHMARKS.md)


def test_export_parquet_writes_every_table(tmp_path):
    db = _db(tmp_path)
    out = tmp_path / "pq"
    res = CliRunner().invoke(export_cmd, [str(out), "--db", db])
    assert res.exit_code == 0, res.output
    names = {p.stem for p in out.glob("*.parquet")}
    assert {"comparisons", "regions", "region_count_vectors", "flow_runs", "experiments"} <= names
    regions = pq.read_table(out / "regions.parquet")
    assert "end" in regions.column_names and "stop" not in regions.column_names
    assert regions.column("end").to_pylist() == [900]
    res_views = CliRunner().invoke(export_cmd, [str(tmp_path / "pqv"), "--db", db, "--views"])
    assert res_views.exit_code == 0
    assert (tmp_path / "pqv" / "xc_recurring_regions.parquet").exists()


def test_export_parquet_leaves_no_stale_or_partial_files(tmp_path):
    """Re-exported without --views into the folder of a --views export, the 49 old view files
    stayed beside the new tables (regions_significant from an older state); a missing database
    still created the folder."""
    db = _db(tmp_path)
    out = tmp_path / "pq"
    (out).mkdir()
    (out / "notes.parquet").write_bytes(b"the user's own file")
    assert CliRunner().invoke(export_cmd, [str(out), "--db", db, "--views"]).exit_code == 0
    assert (out / "regions_significant.parquet").exists()
    res = CliRunner().invoke(export_cmd, [str(out), "--db", db])
    assert res.exit_code == 0, res.output
    assert not (out / "regions_significant.parquet").exists()  # a view: not this export's
    assert (out / "regions.parquet").exists() and (out / "notes.parquet").exists()
    assert not list(out.glob("*.part"))
    missing = CliRunner().invoke(export_cmd, [str(tmp_path / "new"), "--db",
                                              str(tmp_path / "nope.duckdb")])  # fmt: skip
    assert missing.exit_code != 0 and not (tmp_path / "new").exists()
