"""``chromdiff sql``: ad-hoc read-only SQL on the database."""

from __future__ import annotations

import json
import sys

import click

from chromdiff.cli.options import wait_option
from chromdiff.settings import get_settings
from chromdiff.warehouse.db import connect


def _tell(message: str) -> None:
    click.echo(message, err=True)


@click.command("sql")
@click.argument("query")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="DuckDB file.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option("--max-rows", type=int, default=100, show_default=True, help="Rows shown as a table.")
@wait_option
def command(query: str, db_path: str | None, fmt: str, max_rows: int, wait_s: float) -> None:
    """Run QUERY read-only on the database and print the result."""
    import duckdb

    path = db_path or str(get_settings().db_path)
    with connect(path, read_only=True, wait_s=wait_s, on_wait=_tell) as con:
        try:
            rel = con.sql(query)
        except duckdb.Error as exc:
            raise click.ClickException(str(exc).splitlines()[0]) from exc
        if rel is None:
            return
        if fmt == "table":
            rel.show(max_rows=max_rows, max_width=10_000)
            return
        table = rel.to_arrow_table()
        if fmt == "csv":
            import pyarrow.csv as pacsv

            pacsv.write_csv(table, sys.stdout.buffer)
        else:
            click.echo(json.dumps(table.to_pylist(), default=str, indent=1))
