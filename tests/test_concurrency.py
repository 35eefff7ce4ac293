"""Two processes on one DuckDB file: the second writer waits or fails clearly, nothing corrupts.

DuckDB allows one read-write process per file (and a writer blocks read-only opens from other
processes too). ``chromdiff.warehouse.db.open_db(wait_s=...)`` retries while the lock is held
and then
raises ``DatabaseBusyError`` naming the holder's PID; ``chromdiff sql --wait`` does the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bench.gen_diffbind import ids, write_bed
from chromdiff.errors import DatabaseBusyError
from chromdiff.warehouse import db

ROOT = Path(__file__).resolve().parents[1]
ENV = os.environ | {"PYTHONPATH": str(ROOT)}

HOLDER = textwrap.dedent(
    """
    import sys, time
    from chromdiff.warehouse import db
    with db.writer(sys.argv[1]) as con:
        con.execute("begin transaction")
        con.execute("insert into run_log (comparison_id, event, message, level) "
                    "values ('holder', 'hold', 'holding', 'info')")
        print("HOLDING", flush=True)
        time.sleep(float(sys.argv[2]))
        con.execute("commit")
    print("RELEASED", flush=True)
    """
)

LOADER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from bench.gen_diffbind import ids
    from chromdiff.warehouse import db
    from chromdiff.design.comparison import ComparisonSpec, register
    from chromdiff.parsing.result import parse_result
    from chromdiff.warehouse.load import load_result
    bed, path, cid = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    a, b = ids()
    parsed = parse_result(bed, "diffbind", a, b)
    spec = ComparisonSpec(a, b, title=cid + " simulated").validated()
    with db.writer(path, wait_s=60) as con:
        register(con, cid, spec, base_url="http://127.0.0.1/", simulated=True)
        load_result(con, cid, parsed)
    print("LOADED", cid, flush=True)
    """
)


def _start(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.fixture
def held_db(tmp_path: Path):
    """A database whose write lock is held by another process for a few seconds."""
    path = tmp_path / "busy.duckdb"
    with db.writer(path):
        pass
    proc = _start(HOLDER, str(path), "4")
    assert proc.stdout.readline().strip() == "HOLDING", proc.stderr.read()
    yield path, proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()


def test_second_writer_fails_clearly_naming_the_holder(held_db) -> None:
    path, proc = held_db
    with pytest.raises(DatabaseBusyError, match=rf"locked by process {proc.pid}\b"):
        db.open_db(path, wait_s=0.5)
    with pytest.raises(DatabaseBusyError):
        db.open_db(path, read_only=True, wait_s=0.5)


def test_second_writer_waits_for_the_lock_then_sees_committed_data(held_db) -> None:
    path, proc = held_db
    with db.connect(path, wait_s=30) as con:  # blocks until the holder commits and exits
        assert proc.poll() is not None
        rows = con.execute("select event from run_log where comparison_id = 'holder'").fetchall()
    assert rows == [("hold",)]


def test_sql_command_during_a_write_waits_or_explains(held_db) -> None:
    path, proc = held_db
    cli = [sys.executable, "-c", "from chromdiff.cli.main import main; main()", "sql"]
    query = "select count(*) as n from run_log where comparison_id = 'holder'"
    run = {"cwd": ROOT, "env": ENV, "capture_output": True, "text": True, "timeout": 120}
    busy = subprocess.run([*cli, query, "--db", str(path), "--wait", "0.3"], **run)
    assert busy.returncode != 0
    err = busy.stderr.strip().splitlines()
    # one line saying what it waits for (process, command, since when), one final error line
    assert len(err) == 2 and err[0].startswith("waiting up to 0 s"), busy.stderr
    assert f"locked by process {proc.pid} (python" in err[0] and "running since" in err[0]
    assert err[1].startswith("error: ") and f"locked by process {proc.pid}" in err[1]
    ok = subprocess.run([*cli, query, "--db", str(path), "--wait", "30", "--format", "csv"], **run)
    assert ok.returncode == 0, ok.stderr
    assert [c.strip('"') for c in ok.stdout.split()] == ["n", "1"]


@pytest.mark.slow
def test_two_concurrent_loads_both_complete_without_corruption(tmp_path: Path) -> None:
    path = tmp_path / "two.duckdb"
    beds = [write_bed(tmp_path / f"r{i}.bed", 60_000, seed=10 + i) for i in (1, 2)]
    procs = [_start(LOADER, str(bed), str(path), f"cmp{i}") for i, bed in enumerate(beds, 1)]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert out.startswith("LOADED")
    a, b = ids()
    with db.connect(path, read_only=True) as con:
        rows = con.execute(
            """select c.comparison_id, c.status, c.n_regions, count(distinct r.region_id),
                      (select count(*) from region_counts k where k.comparison_id = c.comparison_id)
               from comparisons c join regions r using (comparison_id)
               group by all order by 1"""
        ).fetchall()
    n_exp = len(a) + len(b)
    assert rows == [
        ("cmp1", "loaded", 60_000, 60_000, 60_000 * n_exp),
        ("cmp2", "loaded", 60_000, 60_000, 60_000 * n_exp),
    ]
