"""Write a query's rows to a file so that a reader never sees it half-written."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb


def copy_to(con: duckdb.DuckDBPyConnection, path: Path, select: str, options: str) -> None:
    """Write ``select`` to ``path`` with DuckDB's ``copy`` via a temporary file renamed in place.

    ``options``: the ``copy`` options, naming the format (the temporary name has no extension
    DuckDB could infer it from).
    """
    tmp = path.with_name(path.name + ".part")
    literal = str(tmp).replace("'", "''")
    try:
        con.execute(f"copy ({select}) to '{literal}' ({options})")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
