"""Click options shared by several commands (not a command: no ``cmd_`` prefix)."""

from __future__ import annotations

import click

#: ``--wait SECONDS``: how long a reader waits while a writer holds the DuckDB file.
wait_option = click.option(
    "--wait",
    "wait_s",
    type=float,
    default=5.0,
    show_default=True,
    help="Seconds to wait if a writer holds the database.",
)
