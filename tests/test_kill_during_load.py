"""A process SIGKILLed in the middle of a load never leaves a partial comparison in the database.

The child parses a generated 2025-format diffbind BED and calls ``warehouse.load_result`` (one
DuckDB transaction) on its connection, wrapped so that it prints ``WRITTEN`` and stops just
before ``commit``, when every new row has been written; the parent kills it with SIGKILL there,
reopens the file and checks that the comparison still holds exactly what the previous, completed
load put there (DuckDB's WAL replays only committed transactions).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bench.gen_diffbind import ids, write_bed
from chromdiff.design.comparison import ComparisonSpec, register
from chromdiff.parsing.result import parse_result
from chromdiff.warehouse import db
from chromdiff.warehouse.load import load_result

ROOT = Path(__file__).resolve().parents[1]
CID = "kill_test"

CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from bench.gen_diffbind import ids
    from chromdiff.warehouse import db
    from chromdiff.parsing.result import parse_result
    from chromdiff.warehouse.load import load_result

    class PauseBeforeCommit:
        # the real connection; stops (until killed) when the load is about to commit, i.e.
        # after every row of the new load has been written inside the open transaction
        def __init__(self, con):
            self.con = con
        def execute(self, sql, *args):
            if sql.strip().lower() == "commit":
                print("WRITTEN", flush=True)
                time.sleep(120)
            return self.con.execute(sql, *args)
        def __getattr__(self, name):
            return getattr(self.con, name)

    a, b = ids()
    parsed = parse_result(Path(sys.argv[1]), "diffbind", a, b)
    with db.connect(sys.argv[2]) as con:
        load_result(PauseBeforeCommit(con), "kill_test", parsed)
    print("DONE", flush=True)
    """
)


def _snapshot(path: Path) -> tuple:
    with db.connect(path, read_only=True) as con:
        return con.execute(
            """select (select count(*) from regions where comparison_id = ?),
                      (select count(*) from region_counts where comparison_id = ?),
                      (select sum(start) from regions where comparison_id = ?),
                      (select status from comparisons where comparison_id = ?),
                      (select n_regions from comparisons where comparison_id = ?)""",
            [CID] * 5,
        ).fetchall()[0]


@pytest.mark.slow
def test_sigkill_during_load_leaves_previous_comparison_intact(tmp_path: Path) -> None:
    a, b = ids()
    small = write_bed(tmp_path / "small.bed", 2_000, seed=3)
    big = write_bed(tmp_path / "big.bed", 400_000, seed=4)
    path = tmp_path / "kill.duckdb"
    with db.writer(path) as con:
        register(con, CID, ComparisonSpec(a, b, title="kill simulated").validated(),
                 base_url="http://127.0.0.1/", simulated=True)  # fmt: skip
        load_result(con, CID, parse_result(small, "diffbind", a, b))
    before = _snapshot(path)
    assert before[:2] == (2_000, 32_000) and before[3] == "loaded"

    env = os.environ | {"PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(big), str(path)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = child.stdout.readline()
        assert line.strip() == "WRITTEN", child.stderr.read()
        assert child.poll() is None
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.stderr.close()

    assert _snapshot(path) == before
    with db.connect(path) as con:  # the file is writable again and loads cleanly afterwards
        load_result(con, CID, parse_result(small, "diffbind", a, b))
    assert _snapshot(path) == before
