"""Process-wide environment defaults that must be set before Prefect is imported.

Prefect reads its settings from the environment when it is first imported, so these defaults are
applied when :mod:`chromdiff` itself is imported. Every value is a default only: a variable the
user already set is never overwritten.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Repository root when running from a source checkout (``None`` for an installed wheel).
REPO_ROOT: Path | None = next(
    (
        p
        for p in Path(__file__).resolve().parents
        if (p / "pyproject.toml").is_file() and (p / "sql").is_dir()
    ),
    None,
)

_DEFAULTS = {
    # No telemetry, no analytics: the machines here have no internet (stack_notes.md §2).
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # A fresh ephemeral server runs migrations for ~20 s on 2 cores; the 20 s default flakes.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
}


def configure_environment() -> None:
    """Set chromdiff's environment defaults (telemetry off, project-local ``PREFECT_HOME``)."""
    for key, value in _DEFAULTS.items():
        os.environ.setdefault(key, value)
    if "PREFECT_HOME" not in os.environ:
        home = (REPO_ROOT / ".prefect") if REPO_ROOT else (Path.home() / ".chromdiff" / "prefect")
        os.environ["PREFECT_HOME"] = str(home)
