"""A fan-out batch stopped while its job runs is resumed by any runner, never submitted twice.

The fan-out used to submit on the task runner and keep the request ID only in
``<output>/<id>/request.json``: the database row stayed ``created``, so the default sequential
rerun (which never read that file) submitted the same job a second time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chromdiff.design.examples import get_example
from chromdiff.fakeapi import FakeChipAtlas
from chromdiff.warehouse import db
from tests.cli_run import subprocess_env

ROOT = Path(__file__).resolve().parents[1]
EX = get_example("tp53_molm13_vs_k562")


def _batch(tmp_path: Path, base_url: str, runner: str, log: Path) -> subprocess.Popen:
    env = subprocess_env(tmp_path)
    argv = [
        sys.executable, "-m", "chromdiff", "batch", str(tmp_path / "b.yaml"),
        "--db", str(tmp_path / "b.duckdb"), "--output", str(tmp_path / "out"),
        "--base-url", base_url, "--runner", runner,
    ]  # fmt: skip
    with log.open("w") as err:
        return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True)  # fmt: skip


def _posts(fake: FakeChipAtlas) -> int:
    return [r["method"] for r in fake.journal].count("POST")


def _state(tmp_path: Path) -> tuple:
    with db.connect(tmp_path / "b.duckdb", read_only=True, wait_s=30) as con:
        return con.execute("select status, request_id from comparisons").fetchall()[0]


@pytest.mark.slow
def test_interrupted_threads_batch_is_resumed_by_a_sequential_rerun(tmp_path: Path) -> None:
    a, b = ", ".join(EX.ids_a), ", ".join(EX.ids_b)
    (tmp_path / "b.yaml").write_text(
        f"comparisons:\n  - {{name: one, ids_a: [{a}], ids_b: [{b}], title: fan stop simulated}}\n"
    )
    log = tmp_path / "stderr.txt"
    with FakeChipAtlas(never_finish=True, n_regions=300) as fake:
        proc = _batch(tmp_path, fake.base_url, "threads", log)
        try:
            end = time.monotonic() + 240
            while "(poll 2)" not in log.read_text():  # the job is out and being polled
                assert proc.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < end, log.read_text()[-3000:]
                time.sleep(0.2)
            os.killpg(proc.pid, signal.SIGTERM)
            # stops at once: the thread pool used to wait for its polling thread (3 h deadline)
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        text = log.read_text()
        status, rid = _state(tmp_path)
        assert _posts(fake) == 1 and rid and rid in text  # the request ID is stored and logged
        assert "comparison one: job " in text  # fan-out progress names its comparison
        assert status in ("submitted", "running")
        fake.state.scenario.never_finish = False
        proc = _batch(tmp_path, fake.base_url, "sequential", log)
        assert proc.wait(timeout=300) == 0, log.read_text()[-3000:]
        assert _posts(fake) == 1 and _state(tmp_path) == ("loaded", rid)


def test_request_file_of_an_earlier_version_is_adopted_once(tmp_path: Path) -> None:
    """A fan-out of an earlier version left the request ID in ``request.json`` alone: whichever
    runner comes next resumes that request (the row gets it) and the file is then gone."""
    from chromdiff.batch.fanout import spec_of
    from chromdiff.batch.request_file import adopt_request_file
    from chromdiff.batch.spec import BatchItem
    from chromdiff.design.comparison import get_state, plan, register
    from chromdiff.warehouse.db import writer

    item = BatchItem("old", list(EX.ids_a), list(EX.ids_b), title="fan old simulated")
    spec, path, out = spec_of(item), str(tmp_path / "o.duckdb"), tmp_path / "out" / "old"
    rid = "wabi_chipatlas_2026-1202-0957-38-100-123456"
    with writer(path) as con:
        register(con, "old", spec, base_url="http://127.0.0.1:9/")
    out.mkdir(parents=True)
    (out / "request.json").write_text(json.dumps({"request_id": rid,
                                                  "input_hash": spec.input_hash()}))  # fmt: skip
    adopt_request_file(path, "old", out, spec.input_hash(), force=False)
    with writer(path) as con:
        state = get_state(con, "old")
    assert (state["status"], state["request_id"]) == ("submitted", rid)
    assert plan(state, spec.input_hash(), False) == "resume"
    assert not (out / "request.json").exists()
