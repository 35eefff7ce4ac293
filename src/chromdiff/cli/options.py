"""Click options shared by several commands (not a command: no ``cmd_`` prefix)."""

from __future__ import annotations

import click

#: ``--wait SECONDS``: how long a reader waits while a writer holds the DuckDB file. The default
#: outlasts an ordinary load (a 1M-region load holds the file ~18 s; BENCHMARKS.md).
wait_option = click.option(
    "--wait",
    "wait_s",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds to wait if a writer holds the database (says which process it waits for).",
)
