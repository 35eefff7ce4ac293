"""All-or-nothing integration runs: compute under a staging id, publish in one transaction.

A run writes every row under ``staged_id(integration_id)`` and renders its report into a hidden
``.<id>.partial`` folder. Only when everything succeeded does :func:`publish` swap both in:

1. the report folder: the previous ``<id>/`` is moved aside (``.<id>.previous``) and the new one
   renamed into place;
2. the database: in one transaction, the previous rows of ``integration_id`` are deleted in every
   table holding an ``integration_id`` column, the staged rows are copied under the real id,
   the staged rows deleted and the integration marked ``done``.

If step 2 fails, the previous report folder is moved back. :func:`discard` removes what a failed
run staged. So a failure at any point leaves the previous rows and report exactly as they were,
and a first run that fails leaves no row (nothing is ever marked ``done`` half-way).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from chromdiff.errors import InputError
from chromdiff.warehouse.db import transaction

#: Staged rows live under this prefix + the integration id (never a valid user id).
STAGE_PREFIX = "~staging~"


def staged_id(integration_id: str) -> str:
    """Return the id a run of ``integration_id`` writes its rows under until it is published."""
    return STAGE_PREFIX + integration_id


def check_user_id(integration_id: str) -> None:
    """Raise :class:`InputError` when ``integration_id`` is reserved for staged rows."""
    if integration_id.startswith(STAGE_PREFIX):
        raise InputError(
            f"--id {integration_id!r}: ids starting with {STAGE_PREFIX!r} are reserved"
        )


def integration_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every base table with an ``integration_id`` column (``integrations`` first)."""
    rows = con.execute(
        """select c.table_name from duckdb_columns() c join duckdb_tables() t
           on t.database_name = c.database_name and t.schema_name = c.schema_name
           and t.table_name = c.table_name
           where c.column_name = 'integration_id' and not t.temporary
           and c.database_name = current_database() and c.schema_name = 'main'
           order by c.table_name <> 'integrations', c.table_name"""
    ).fetchall()
    return [r[0] for r in rows]


def publish_rows(con: duckdb.DuckDBPyConnection, staged: str, integration_id: str) -> None:
    """Replace ``integration_id``'s rows by the staged ones, mark it ``done``: one transaction."""
    with transaction(con):
        for table in integration_tables(con):
            con.execute(f"delete from {table} where integration_id = ?", [integration_id])
            con.execute(
                f"insert into {table} select * replace (?::varchar as integration_id) "
                f"from {table} where integration_id = ?",
                [integration_id, staged],
            )
            con.execute(f"delete from {table} where integration_id = ?", [staged])
        _move_enrichment(con, staged, integration_id)
        con.execute(
            "update integrations set status = 'done', updated_at = current_timestamp "
            "where integration_id = ?",
            [integration_id],
        )


def discard_rows(con: duckdb.DuckDBPyConnection, staged: str) -> None:
    """Delete every staged row of a failed run (one transaction)."""
    with transaction(con):
        for table in integration_tables(con):
            con.execute(f"delete from {table} where integration_id = ?", [staged])
        _move_enrichment(con, staged, None)


def _move_enrichment(
    con: duckdb.DuckDBPyConnection, staged: str, integration_id: str | None
) -> None:
    """Give the staged run's enrichment rows (run ``integration:<staged>``) the real id.

    The enrichment tables are keyed by ``run_id``, not ``integration_id``. The previous rows of
    ``integration_id`` are replaced; with ``integration_id=None`` the staged rows are dropped.
    """
    old, new = f"integration:{staged}", f"integration:{integration_id}"
    for table in ("enrichment_results", "enrichment_notes"):
        if integration_id is not None:
            con.execute(f"delete from {table} where run_id = ?", [new])
            con.execute(f"update {table} set run_id = ? where run_id = ?", [new, old])
        con.execute(f"delete from {table} where run_id = ?", [old])
    if integration_id is not None:
        con.execute(
            "update enrichment_results set scope_id = ? where run_id = ? and scope_id = ?",
            [integration_id, new, staged],
        )


def report_dirs(out_dir: str | Path, integration_id: str) -> tuple[Path, Path, Path]:
    """Return the (final, partial, previous) report folders of ``integration_id``."""
    final = Path(out_dir) / integration_id
    return (
        final,
        final.with_name(f".{integration_id}.partial"),
        final.with_name(f".{integration_id}.previous"),
    )


def swap_in_report(out_dir: str | Path, integration_id: str) -> Path | None:
    """Move the partial report into place; return where the previous one was moved (or None)."""
    final, partial, previous = report_dirs(out_dir, integration_id)
    if previous.exists():
        shutil.rmtree(previous)
    moved = None
    if final.exists():
        final.rename(previous)
        moved = previous
    partial.rename(final)
    return moved


def restore_report(out_dir: str | Path, integration_id: str, moved: Path | None) -> None:
    """Undo :func:`swap_in_report`: the new report goes back to partial, the previous returns."""
    final, partial, _ = report_dirs(out_dir, integration_id)
    if partial.exists():
        shutil.rmtree(partial)
    if final.exists():
        final.rename(partial)
    if moved is not None:
        moved.rename(final)


def discard_report(out_dir: str | Path, integration_id: str) -> None:
    """Remove the partial report folder of a failed run (the published one is untouched)."""
    _, partial, _ = report_dirs(out_dir, integration_id)
    if partial.exists():
        shutil.rmtree(partial)
