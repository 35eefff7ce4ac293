"""``chromdiff sql``: ad-hoc read-only SQL on the database."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from chromdiff.cli.options import wait_option
from chromdiff.settings import get_settings
from chromdiff.warehouse.db import apply_schema, connect

SCHEMA_SQL = """
    select o.name, o.kind, coalesce(o.comment, d.description) as description
    from (
        select table_name as name, 'table' as kind, comment from duckdb_tables()
        where not internal and schema_name = 'main'
        union all
        select view_name, 'view', comment from duckdb_views()
        where not internal and schema_name = 'main'
    ) o
    left join (select unnest(?::varchar[]) as name, unnest(?::varchar[]) as description) d
        using (name)
    order by o.kind, o.name
"""


def schema_rows(con) -> list[tuple[str, str, str | None]]:
    """Return (name, kind, description) of every table and view (``COMMENT ON``, else its file)."""
    from chromdiff.warehouse.comments import descriptions

    known = descriptions()
    return con.execute(SCHEMA_SQL, [[n for _, n, _ in known], [d for *_, d in known]]).fetchall()


def _tell(message: str) -> None:
    click.echo(message, err=True)


@click.command("sql")
@click.argument("query", required=False)
@click.option("--schema", is_flag=True, help="List every table and view with its description.")
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
def command(
    query: str | None, schema: bool, db_path: str | None, fmt: str, max_rows: int, wait_s: float
) -> None:
    """Run QUERY read-only on the database and print the result (``--schema``: what is in it)."""
    import duckdb

    path = db_path or str(get_settings().db_path)
    if schema and query:
        raise click.UsageError("give either QUERY or --schema")
    if not (schema or query):
        raise click.UsageError("missing QUERY (or --schema)")
    if schema and not Path(path).exists():  # no database yet: the schema it will have
        path = ":memory:"
    with connect(path, read_only=path != ":memory:", wait_s=wait_s, on_wait=_tell) as con:
        if path == ":memory:":
            apply_schema(con)
        if schema:
            rows = schema_rows(con)
            if fmt == "table":
                width = max((len(r[0]) for r in rows), default=4)
                for name, kind, text in rows:
                    click.echo(f"{name:<{width}}  {kind:<5}  {text or '(no description)'}")
                return
            import pyarrow as pa

            cols = ("name", "kind", "description")
            _write(pa.table({c: [r[i] for r in rows] for i, c in enumerate(cols)}), fmt)
            return
        try:
            check_read_only(query)
            rel = con.sql(query)
        except duckdb.Error as exc:
            raise click.ClickException(str(exc).splitlines()[0]) from exc
        if rel is None:
            return
        if fmt == "table":
            rel.show(max_rows=max_rows, max_width=10_000)
            return
        _write(rel.to_arrow_table(), fmt)


#: Statement types ``chromdiff sql`` runs: they read. The database is opened read-only, but
#: COPY ... TO and EXPORT DATABASE write files anyway (a COPY to the database's own path
#: destroys it), and ATTACH / SET / LOAD change the session.
READING = ("SELECT", "EXPLAIN", "PRAGMA", "CALL")
#: The ``EXPLAIN [(options)] [ANALYZE]`` prefix of a statement.
_EXPLAIN = r"^\s*explain\s*(\([^)]*\)\s*)?(analy[sz]e\s+)?"


def check_read_only(query: str) -> None:
    """Refuse ``query`` unless it is one statement of a :data:`READING` type.

    Raises
    ------
    click.ClickException
        Several statements (only the last one's result would be shown), or a statement that is
        not a query (COPY, EXPORT, ATTACH, SET, ...), naming its type.
    """
    import duckdb

    statements = duckdb.extract_statements(query)
    if len(statements) != 1:
        raise click.ClickException(
            f"give one statement at a time (got {len(statements)}): only queries are run"
        )
    kind = statements[0].type.name
    if kind == "EXPLAIN":
        # EXPLAIN ANALYZE runs the statement it wraps (a COPY ... TO would write): check that
        inner = re.sub(_EXPLAIN, "", statements[0].query, count=1, flags=re.IGNORECASE)
        if inner != statements[0].query and inner.strip():
            check_read_only(inner)
            return
    if kind not in READING:
        raise click.ClickException(
            f"chromdiff sql is read-only: it runs queries (SELECT, EXPLAIN, PRAGMA, CALL), "
            f"not {kind}: "
            "use the duckdb CLI or Python on a copy of the database to change or export it "
            "(chromdiff export-parquet writes every table as Parquet)"
        )


def _write(table, fmt: str) -> None:
    """Print an Arrow table as CSV or JSON."""
    if fmt == "csv":
        import pyarrow.csv as pacsv

        pacsv.write_csv(table, sys.stdout.buffer)
    else:
        click.echo(json.dumps(table.to_pylist(), default=str, indent=1))
