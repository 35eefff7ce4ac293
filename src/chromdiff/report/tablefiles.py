"""Write a query's rows as CSV and/or Parquet files, in the formats a user asked for.

The formats are those of :func:`chromdiff.report.exports.parse_formats`: ``csv``, ``parquet``,
both, or ``auto`` (both, except that a table of more than
:data:`AUTO_CSV_MAX_ROWS` rows is written as Parquet only). Rows
wanted in two files, or counted for ``auto``, are computed once into a temporary table. Each
file is written under a temporary name and renamed, so an interrupted run never leaves a
half-written file behind.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from chromdiff.warehouse.filewrite import copy_to

#: ``auto`` writes CSV too for tables up to this many rows.
AUTO_CSV_MAX_ROWS = 100_000
_TMP = "_cd_table_file"


def auto_formats(n_rows: int) -> tuple[str, ...]:
    """Return the formats ``auto`` writes for a table of ``n_rows`` rows."""
    return ("csv", "parquet") if n_rows <= AUTO_CSV_MAX_ROWS else ("parquet",)


def write_table(
    con: duckdb.DuckDBPyConnection,
    select: str,
    stem: Path,
    formats: tuple[str, ...],
    *,
    csv_options: str = "format csv, header true",
    csv_select: str = "select * from {}",
) -> dict[str, Path]:
    """Write the rows of ``select`` as ``<stem>.csv`` and/or ``<stem>.parquet``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection that can read ``select`` (it creates and drops one temporary table).
    select : str
        The query (no parameters).
    stem : Path
        Output path without its extension.
    formats : tuple of str
        ``("auto",)`` or a non-empty subset of ``("csv", "parquet")`` (as parsed by
        :func:`chromdiff.report.exports.parse_formats`).
    csv_options : str
        ``copy`` options of the CSV file.
    csv_select : str
        The SELECT the CSV file is written from, ``{}`` standing for the rows (e.g. to spell
        booleans as the comparison exports do).

    Returns
    -------
    dict of str to Path
        ``file name -> path`` of the files written.
    """
    written: dict[str, Path] = {}
    source = f"({select})"
    try:
        if formats == ("auto",) or len(formats) > 1:
            con.execute(f"create or replace temp table {_TMP} as {select}")
            source = _TMP
            if formats == ("auto",):
                formats = auto_formats(con.execute(f"select count(*) from {_TMP}").fetchone()[0])
        if "csv" in formats:
            path = stem.with_name(stem.name + ".csv")
            copy_to(con, path, csv_select.format(source), csv_options)
            written[path.name] = path
        if "parquet" in formats:
            path = stem.with_name(stem.name + ".parquet")
            copy_to(con, path, f"select * from {source}", "format parquet")
            written[path.name] = path
    finally:
        con.execute(f"drop table if exists {_TMP}")
    return written
