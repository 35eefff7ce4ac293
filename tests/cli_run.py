"""Run the ``chromdiff`` CLI in-process for tests: exit code, stdout, stderr."""

from __future__ import annotations

import os
from pathlib import Path

from chromdiff.cli.main import main


def subprocess_env(tmp_path: Path) -> dict[str, str]:
    """Environment of a ``python -m chromdiff`` child: fast polling, its own Prefect home and
    temporary server (no ``PREFECT_API_URL``), no telemetry."""
    env = os.environ | {
        "CHROMDIFF_POLL_INTERVAL_S": "0.2",
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    return env


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    """Call ``main(args)``; return (exit code, captured stdout, captured stderr)."""
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    cap = capsys.readouterr()
    return code, cap.out, cap.err
