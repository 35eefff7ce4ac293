"""Ctrl-C and SIGTERM while a real ``chromdiff compare`` process polls (issue 18 §5).

The CLI runs in its own session against a local fake server whose job never finishes. Ctrl-C is
simulated as a terminal sends it: SIGINT to the whole process group (which used to kill Prefect's
temporary server first, and the flow then spent ~150 s retrying its reports). The run must stop
within seconds with one clear last line, keep the request resumable (not ``failed``), close its
``flow_runs`` row, leave no Prefect server behind, and a rerun must resume the same request.
``kill -9`` cannot be handled; the next run closes the dead run's row as ``crashed``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from chromdiff.design.examples import get_example
from chromdiff.fakeapi import FakeChipAtlas
from chromdiff.warehouse import db
from tests.cli_run import subprocess_env

ROOT = Path(__file__).resolve().parents[1]
EX = get_example("tp53_molm13_vs_k562")


def start_compare(tmp_path: Path, base_url: str, log: Path) -> subprocess.Popen:
    env = subprocess_env(tmp_path)
    argv = [
        sys.executable, "-m", "chromdiff", "compare", "--example", EX.name,
        "--db", str(tmp_path / "c.duckdb"), "--output", str(tmp_path / "out"),
        "--comparison-id", "sig", "--title", "signal simulated", "--base-url", base_url,
    ]  # fmt: skip
    with log.open("w") as err:
        return subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err,
            start_new_session=True,
        )  # fmt: skip


def wait_for(log: Path, text: str, proc: subprocess.Popen, timeout: float = 240) -> None:
    end = time.monotonic() + timeout
    while text not in log.read_text():
        assert proc.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < end, f"no {text!r} after {timeout} s"
        time.sleep(0.2)


def state(tmp_path: Path) -> tuple:
    with db.connect(tmp_path / "c.duckdb", read_only=True, wait_s=30) as con:
        comparison = con.execute("select status, request_id, error from comparisons").fetchall()
        runs = con.execute("select state, error from flow_runs order by started_at").fetchall()
    return comparison[0], runs


@pytest.mark.slow
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_signal_while_polling_stops_fast_and_stays_resumable(tmp_path: Path, how: str) -> None:
    log = tmp_path / "stderr.txt"
    with FakeChipAtlas(never_finish=True, n_regions=300) as fake:
        proc = start_compare(tmp_path, fake.base_url, log)
        try:
            wait_for(log, "(poll 3)", proc)
            children = psutil.Process(proc.pid).children(recursive=True)
            assert children, "no Prefect server subprocess found"
            t0 = time.monotonic()
            if how == "ctrl-c":
                os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole group
            else:
                proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=120)
            stop_s = time.monotonic() - t0
            print(f"{how}: stopped {stop_s:.1f} s after the signal")
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        name = "SIGINT" if how == "ctrl-c" else "SIGTERM"
        lines = log.read_text().splitlines()
        assert stop_s < 15, f"took {stop_s:.0f} s to stop"
        assert code == 128 + signal.Signals[name].value
        assert lines[-1].startswith(f"error: interrupted by {name}"), lines[-5:]
        assert "Traceback" not in log.read_text()
        _, alive = psutil.wait_procs(children, timeout=15)
        assert not alive, "the Prefect server outlived the run"
        (status, rid, error), runs = state(tmp_path)
        assert status == "running" and rid.startswith("wabi_chipatlas_")
        assert error == f"interrupted by {name}"
        assert runs == [("cancelled", runs[0][1])]
        if how == "sigterm":
            return
        # the rerun resumes the same request: no second POST, the job's result is loaded
        fake.state.scenario.never_finish = False
        proc = start_compare(tmp_path, fake.base_url, log)
        assert proc.wait(timeout=300) == 0, log.read_text()[-3000:]
        (status, rid2, _), runs = state(tmp_path)
        assert (status, rid2) == ("loaded", rid)
        assert [r["method"] for r in fake.journal].count("POST") == 1
        assert [r[0] for r in runs] == ["cancelled", "completed"]


@pytest.mark.slow
def test_kill_9_while_polling_leaves_a_resumable_request_and_a_crashed_run(tmp_path: Path) -> None:
    """``kill -9`` cannot be handled: the Prefect server still goes (Linux: parent-death
    signal), the request stays resumable, and the next run marks the dead run ``crashed``."""
    log = tmp_path / "stderr.txt"
    with FakeChipAtlas(never_finish=True, n_regions=300) as fake:
        proc = start_compare(tmp_path, fake.base_url, log)
        try:
            wait_for(log, "(poll 3)", proc)
            children = psutil.Process(proc.pid).children(recursive=True)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        if sys.platform.startswith("linux"):
            _, alive = psutil.wait_procs(children, timeout=15)
            assert not alive, "the Prefect server outlived a killed run"
        for child in children:  # elsewhere: clean up
            if child.is_running():
                child.kill()
        (status, rid, _), runs = state(tmp_path)
        assert status == "running" and runs == [("running", None)]
        fake.state.scenario.never_finish = False
        proc = start_compare(tmp_path, fake.base_url, log)
        assert proc.wait(timeout=300) == 0, log.read_text()[-3000:]
        (status, rid2, _), runs = state(tmp_path)
        assert (status, rid2) == ("loaded", rid)
        assert [r["method"] for r in fake.journal].count("POST") == 1
        assert runs[0][0] == "crashed" and "ended without closing the run" in runs[0][1]
        assert runs[1] == ("completed", None)
