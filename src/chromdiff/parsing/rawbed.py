"""Read a result BED with DuckDB as text columns, then find the first bad value (file:line:column).

Every column is read as VARCHAR so that a bad value does not abort the scan with an opaque error:
validation is one SQL query over the text, and only the error path touches Python line by line.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from chromdiff.errors import ParseError

#: Longest line accepted (DuckDB's ``max_line_size``); a longer one is a corrupt or wrong file.
MAX_LINE_BYTES = 1 << 20
_LINE_RE = re.compile(r"line:?\s*(\d+)", re.IGNORECASE)


def num(col: str) -> str:
    """Return SQL casting text column ``col`` to DOUBLE (``NA``/``NaN``/empty → NULL)."""
    return (
        f"case when upper(trim({col})) in ('NA', 'NAN', '') then null "
        f"else try_cast({col} as double) end"
    )


def bad_num(col: str) -> str:
    """Return an SQL predicate: ``col`` holds text that is neither a number nor ``NA``."""
    return (
        f"({col} is not null and upper(trim({col})) not in ('NA', 'NAN') "
        f"and try_cast({col} as double) is null)"
    )


def read_text_columns(con: duckdb.DuckDBPyConnection, path: Path, n_cols: int) -> pa.Table:
    """Read ``path`` (tab-separated, no header) into ``c1..c{n_cols+1}`` text columns plus ``ln``.

    ``ln`` is the 1-based data row number (blank lines are skipped by the reader; see
    :func:`file_line`). Lines starting with ``track``, ``browser`` or ``#`` are dropped.
    The extra column ``c{n_cols+1}`` is non-NULL only on rows with too many columns.
    """
    if not path.is_file():
        raise ParseError(f"{path}: file not found")
    if path.stat().st_size == 0:
        return pa.table(
            {"ln": pa.array([], pa.int64())}
            | {f"c{i}": pa.array([], pa.string()) for i in range(1, n_cols + 2)}
        )
    cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, n_cols + 2))
    literal = str(path).replace("'", "''")
    try:
        tbl = con.sql(
            f"select * from read_csv('{literal}', delim = '\t', header = false,"
            f" columns = {{{cols}}}, quote = '', escape = '', null_padding = true,"
            f" auto_detect = false, max_line_size = {MAX_LINE_BYTES})"
        ).to_arrow_table()
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        m = _LINE_RE.search(str(exc))
        where = f"{path}:{m.group(1)}" if m else str(path)
        raise ParseError(f"{where}: cannot read as a tab-separated BED ({first})") from None
    tbl = tbl.add_column(0, "ln", pa.array(np.arange(1, tbl.num_rows + 1, dtype=np.int64)))
    return tbl


def file_line(path: Path, row: int) -> int:
    """Return the 1-based file line of the ``row``-th non-blank line (for error messages)."""
    seen = 0
    with path.open("rb") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                seen += 1
                if seen == row:
                    return n
    return row


def raise_first_error(
    con: duckdb.DuckDBPyConnection, path: Path, checks: list[tuple[str, str]]
) -> None:
    """Raise :class:`ParseError` for the first row failing any check (first check wins on a row).

    ``checks`` are ``(sql_predicate_true_when_bad, message_sql_expression)`` pairs evaluated on
    the registered relation ``raw``; the message expression may use the row's columns.
    """
    if not checks:
        return
    union = " union all ".join(
        f"select ln, {k} as k, {msg} as msg from raw where {pred}"
        for k, (pred, msg) in enumerate(checks)
    )
    rows = con.execute(f"select ln, msg from ({union}) order by ln, k limit 1").fetchall()
    if rows:
        ln, msg = rows[0]
        raise ParseError(f"{path}:{file_line(path, int(ln))}: {msg}")
