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


def _formats(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Check ``--exports`` while the command line is parsed (before anything runs)."""
    if value is None:
        return None
    from chromdiff.report.exports import parse_formats

    try:
        parse_formats(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    return value


#: ``--exports FORMATS``: formats of the table exports (``report``, ``compare``, ``integrate``).
exports_option = click.option(
    "--exports",
    "export_formats",
    default=None,
    callback=_formats,
    help="Table export formats: auto, csv, parquet or csv,parquet [auto: both; Parquet only "
    "for tables over 100,000 rows].",
)
