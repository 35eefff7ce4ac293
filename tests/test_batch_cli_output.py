"""``chromdiff batch`` with a failed comparison ends with its result table, not with 40 lines of
DuckDB-binding leak reports (nanobind) printed at exit.

A failed compare subflow's state kept its exception's traceback, whose frames held DuckDB
objects; Python's exit then reported them as leaks after the table.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from chromdiff.design.examples import get_example
from chromdiff.fakeapi import FakeChipAtlas
from tests.cli_run import subprocess_env

ROOT = Path(__file__).resolve().parents[1]
EX = get_example("tp53_molm13_vs_k562")


@pytest.mark.slow
def test_a_failed_comparison_leaves_no_leak_report_after_the_table(tmp_path: Path) -> None:
    a_fail, a_ok, b = ", ".join(EX.ids_a), ", ".join(EX.ids_a[:3]), ", ".join(EX.ids_b)
    (tmp_path / "b.yaml").write_text(
        "comparisons:\n"
        f"  - {{name: jobfail, ids_a: [{a_fail}], ids_b: [{b}], title: leak x simulated}}\n"
        f"  - {{name: good, ids_a: [{a_ok}], ids_b: [{b}], title: leak y simulated}}\n"
    )
    with FakeChipAtlas(n_regions=300, error_ids=("SRX5865982",)) as fake:
        done = subprocess.run(
            [sys.executable, "-m", "chromdiff", "batch", str(tmp_path / "b.yaml"),
             "--db", str(tmp_path / "b.duckdb"), "--output", str(tmp_path / "out"),
             "--base-url", fake.base_url],
            cwd=ROOT, env=subprocess_env(tmp_path), capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    assert done.returncode == 1, done.stderr[-3000:]
    rows = [line.split("\t")[:2] for line in done.stdout.splitlines()[1:]]
    assert rows == [["jobfail", "failed"], ["good", "loaded"]], done.stdout
    assert "leaked" not in done.stderr and "nanobind" not in done.stderr, done.stderr[-3000:]
