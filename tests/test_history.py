"""Run history: rows in flow_runs for completed and failed runs, queryable by SQL."""

from __future__ import annotations

import json

import duckdb
import pytest

import chromdiff
from chromdiff.warehouse.db import connect
from chromdiff.warehouse.history import record_run


def test_completed_run_records_parameters_versions_and_timing(tmp_path):
    db = str(tmp_path / "h.duckdb")
    params = {"ids_a": ["SRX1", "SRX2"], "genome": "hg38", "fdr": 0.05}
    with record_run(db, "compare", params, run_id="r1") as run:
        run.update(result_format="diffbind_2025", annotation_id="hg38", comparison_id="c1")
    with connect(db, read_only=True) as con:
        row = con.execute(
            "select flow_name, parameters, chromdiff_version, duckdb_version, prefect_version, "
            "state, result_format, annotation_id, comparison_id, duration_s >= 0, "
            "finished_at >= started_at, parameters->>'$.genome' from flow_runs where run_id = 'r1'"
        ).fetchone()
    assert row[0] == "compare"
    assert json.loads(row[1]) == params
    assert row[2] == chromdiff.__version__
    assert row[3] == duckdb.__version__
    assert row[4] is not None
    assert row[5:9] == ("completed", "diffbind_2025", "hg38", "c1")
    assert row[9] is True and row[10] is True
    assert row[11] == "hg38"


def test_failed_run_keeps_one_line_error_and_reraises(tmp_path):
    db = str(tmp_path / "h.duckdb")
    with pytest.raises(RuntimeError, match="boom"):
        with record_run(db, "batch", {"n": 2}, run_id="r2"):
            raise RuntimeError("boom\nsecond line")
    with connect(db, read_only=True) as con:
        state, error = con.execute(
            "select state, error from flow_runs where run_id = 'r2'"
        ).fetchone()
    assert (state, error) == ("failed", "boom")


def test_unknown_field_rejected(tmp_path):
    with pytest.raises(ValueError, match="unknown run fields"):
        with record_run(str(tmp_path / "h.duckdb"), "x", {}, run_id="r3") as run:
            run.update(colour="red")


def test_interrupted_run_is_cancelled(tmp_path):
    db = str(tmp_path / "h.duckdb")
    with pytest.raises(KeyboardInterrupt):
        with record_run(db, "compare", {}, run_id="r4"):
            raise KeyboardInterrupt
    with connect(db, read_only=True) as con:
        assert con.execute("select state from flow_runs").fetchall() == [("cancelled",)]


def test_rows_of_killed_processes_are_marked_crashed_by_the_next_run(tmp_path):
    """``kill -9`` leaves a ``running`` row; the next run closes it (not rows of live runs)."""
    import os
    import signal
    import subprocess
    import sys

    from chromdiff.warehouse.history import start_run

    db = str(tmp_path / "h.duckdb")
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom chromdiff.warehouse.history import start_run\n"
         f"start_run({db!r}, 'compare', {{}}, run_id='killed')\nprint('started', flush=True)\n"
         "time.sleep(120)\n"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stdout.readline().strip() == "started"
        start_run(db, "compare", {}, run_id="alive")  # the child still runs: left alone
        with connect(db, read_only=True) as con:
            assert (
                con.execute("select count(*) from flow_runs where state = 'running'").fetchall()[0][
                    0
                ]
                == 2
            )
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        child.kill()
        child.stdout.close()
    start_run(db, "compare", {}, run_id="next")
    with connect(db, read_only=True) as con:
        rows = dict(con.execute("select run_id, state from flow_runs").fetchall())
        error = con.execute("select error from flow_runs where run_id = 'killed'").fetchall()
    assert rows == {"killed": "crashed", "alive": "running", "next": "running"}
    assert f"process {child.pid} ended" in error[0][0]


def _reader(db: str, seconds: float):
    """Start a process holding ``db`` read-only (a notebook) for ``seconds``; return it once it
    holds the file."""
    import subprocess
    import sys

    child = subprocess.Popen(
        [sys.executable, "-c",
         "import time, duckdb\n"
         f"con = duckdb.connect({db!r}, read_only=True)\nprint('holding', flush=True)\n"
         f"time.sleep({seconds})\n"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert child.stdout.readline().strip() == "holding"
    return child


@pytest.fixture
def short_db_wait(monkeypatch):
    """Writes wait 0.5 s for the database (CHROMDIFF_DB_WAIT_S), settings re-read around it."""
    from chromdiff.settings import get_settings

    monkeypatch.setenv("CHROMDIFF_DB_WAIT_S", "0.5")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_writers_wait_as_long_as_the_db_wait_setting(tmp_path, short_db_wait):
    """A run's writes waited 30 s, fixed: a notebook holding the file longer failed a finished
    comparison. The wait is the db_wait_s setting (default 600 s)."""
    from chromdiff.errors import DatabaseBusyError
    from chromdiff.settings import Settings
    from chromdiff.warehouse.db import writer

    assert Settings.model_construct().db_wait_s == 600.0
    db = str(tmp_path / "w.duckdb")
    with writer(db):
        pass
    child = _reader(db, 5)
    try:
        with pytest.raises(DatabaseBusyError, match="is locked by"), writer(db):
            pass  # 0.5 s, not the 30 s that outlasted the reader
    finally:
        child.kill()
        child.wait()
        child.stdout.close()


def test_a_row_the_busy_db_could_not_close_gets_its_true_end_from_the_next_run(
    tmp_path, monkeypatch, short_db_wait
):
    """Closing the row raised inside record_run's except: the run's own error was replaced by
    DatabaseBusyError and the row stayed ``running``, later called ``crashed ... (killed?)``."""
    from functools import partial

    from chromdiff.warehouse import db as warehouse_db
    from chromdiff.warehouse import history

    # (also for a version whose writer ignored CHROMDIFF_DB_WAIT_S)
    monkeypatch.setattr(history, "writer", partial(warehouse_db.writer, wait_s=0.5))
    db = str(tmp_path / "h.duckdb")
    with pytest.raises(ValueError, match="the job failed"):
        with record_run(db, "compare", {}, run_id="busy") as run:
            run.update(comparison_id="c1")
            child = _reader(db, 2)
            raise ValueError("the job failed")
    child.wait(timeout=30)
    child.stdout.close()
    assert list(history.closings_dir(db).glob("*.json"))
    history.start_run(db, "compare", {}, run_id="next")
    with connect(db, read_only=True) as con:
        row = con.execute(
            "select state, error, comparison_id, finished_at is not null from flow_runs"
            " where run_id = 'busy'"
        ).fetchone()
    assert row == ("failed", "the job failed", "c1", True)
    assert not list(history.closings_dir(db).glob("*.json"))
