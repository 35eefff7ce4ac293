"""The README quickstart is exactly two commands, and CI runs the README's test command."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def quickstart_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the Quickstart section needs one sh code block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def test_quickstart_is_two_commands_demo_then_test():
    commands = quickstart_commands()
    assert len(commands) == 2
    assert "demo" in commands[0]
    assert "test" in commands[1]


def test_ci_runs_the_readme_test_command():
    test_command = quickstart_commands()[1]
    ci_lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert test_command in ci_lines
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
    assert os.access(ROOT / "run", os.X_OK)


@pytest.mark.slow
def test_quickstart_demo_runs(tmp_path):
    """The first quickstart command, run as a user would (fresh PREFECT_HOME, temp output)."""
    demo = quickstart_commands()[0].split()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)
    out = tmp_path / "demo"
    proc = subprocess.run(
        [*demo, "--output", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert str(out) in proc.stdout
    assert (out / "chromdiff.duckdb").is_file()
    reports = list(out.rglob("report.html"))
    assert reports, "the demo must end with an HTML report"
    # every comparison of the demo is simulated, and says so (the local one was stored as real)
    import duckdb

    with duckdb.connect(str(out / "chromdiff.duckdb"), read_only=True) as con:
        flags = dict(con.execute("select comparison_id, simulated from comparisons").fetchall())
    assert len(flags) == 2 and all(flags.values()), flags
    local = (out / "local_demo_simulated" / "summary_report.md").read_text()
    assert "SIMULATED" in local.splitlines()[0]
