"""The one line a flow-running command prints when Prefect must start a temporary server."""

from __future__ import annotations

import os

import click

#: Printed (to stderr) once per command when ``PREFECT_API_URL`` is not set.
HINT = (
    "note: PREFECT_API_URL is not set, so Prefect starts a temporary server for this run "
    "(about 5-10 s). To skip it, keep one running: `prefect server start` "
    "in another shell, then `export PREFECT_API_URL=http://127.0.0.1:4200/api` "
    "(docs/operations.md)."
)

_shown = False


def prefect_hint() -> None:
    """Say once how to avoid the temporary Prefect server, unless a server is configured."""
    global _shown
    if _shown or os.environ.get("PREFECT_API_URL"):
        return
    _shown = True
    click.echo(HINT, err=True)
