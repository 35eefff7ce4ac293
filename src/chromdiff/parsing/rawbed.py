"""Read a result BED with DuckDB as text columns, then find the first bad value (file:line:column).

Every column is read as VARCHAR into a temporary table of the caller's connection, so that a bad
value does not abort the scan with an opaque error and nothing crosses into Python: validation is
one set-wise SQL query over the text, and only the error path looks for the first bad line.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from chromdiff.errors import ParseError

#: Longest line accepted (DuckDB's ``max_line_size``); a longer one is a corrupt or wrong file.
MAX_LINE_BYTES = 1 << 20
_LINE_RE = re.compile(r"line:?\s*(\d+)", re.IGNORECASE)
#: True on the lines :func:`read_text_table` drops (track, browser, comment); never NULL, so
#: that a line with an empty first column is kept (and rejected by the checks), not dropped.
COMMENT = "((c1 like 'track%' or c1 like 'browser%' or c1 like '#%') is true)"


def num(col: str) -> str:
    """Return SQL casting validated text column ``col`` to DOUBLE (``NA``/``NaN``/empty → NULL).

    Only for values that passed :func:`bad_num`: ``NA`` and empty fail the cast, and NaN
    equals NaN in DuckDB, so ``nullif`` turns ``NaN`` (any case) into NULL.
    """
    return f"nullif(try_cast({col} as double), 'NaN'::double)"


def bad_num(col: str) -> str:
    """Return an SQL predicate: ``col`` holds text that is neither a number nor ``NA``.

    Never NULL. The cast is tried first so that the text is only looked at when it fails
    (DuckDB does not short-circuit ``and`` outside a filter).
    """
    return (
        f"(case when try_cast({col} as double) is null then {col} is not null"
        f" and upper(trim({col})) not in ('NA', 'NAN') else false end)"
    )


def text_scan(path: Path, n_cols: int) -> str:
    """Return the ``read_csv(...)`` table function reading ``path`` as text columns.

    Columns ``c1..c{n_cols+1}``, all VARCHAR (an empty field is NULL); the extra column is
    non-NULL only on rows with too many columns. Blank lines are skipped (see :func:`file_line`).
    """
    cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, n_cols + 2))
    literal = str(path).replace("'", "''")
    return (
        f"read_csv('{literal}', delim = '\t', header = false, columns = {{{cols}}}, quote = '',"
        f" escape = '', null_padding = true, auto_detect = false, max_line_size = {MAX_LINE_BYTES})"
    )


def read_text_table(con: duckdb.DuckDBPyConnection, path: Path, n_cols: int, name: str) -> None:
    """Read ``path`` (tab-separated, no header) into temp table ``{name}_all`` and view ``name``.

    The table has text columns ``c1..c{n_cols+1}``; the extra column is non-NULL only on rows
    with too many columns. The view adds ``ln``, the 1-based data row number (blank lines are
    skipped by the reader; see :func:`file_line`), and drops lines starting with ``track``,
    ``browser`` or ``#``.
    """
    if not path.is_file():
        raise ParseError(f"{path}: file not found")
    if path.stat().st_size == 0:
        decl = ", ".join(f"c{i} varchar" for i in range(1, n_cols + 2))
        con.execute(f"create or replace temp table {name}_all ({decl})")
    else:
        try:
            scan = text_scan(path, n_cols)
            con.execute(f"create or replace temp table {name}_all as select * from {scan}")
        except duckdb.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            m = _LINE_RE.search(str(exc))
            line = m.group(1) if m else _first_odd_line(path)
            where = f"{path}:{line}" if line else str(path)
            raise ParseError(f"{where}: cannot read as a tab-separated BED ({first})") from None
    # rowid follows the file's row order (the table is written with insertion order preserved).
    con.execute(
        f"create or replace temp view {name} as select rowid + 1 as ln, * from {name}_all"
        f" where not {COMMENT}"
    )


def _first_odd_line(path: Path) -> int | None:
    """Return the first line holding a stray carriage return, a NUL byte or invalid UTF-8."""
    with path.open("rb") as fh:
        for n, line in enumerate(fh, 1):
            body = line.rstrip(b"\n")
            body = body[:-1] if body.endswith(b"\r") else body
            if b"\r" in body or b"\x00" in body:
                return n
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                return n
    return None


def drop_text_table(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop what :func:`read_text_table` created (no error when absent)."""
    con.execute(f"drop view if exists {name}")
    con.execute(f"drop table if exists {name}_all")


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
    con: duckdb.DuckDBPyConnection,
    path: Path,
    checks: list[tuple[str, str]],
    rel: str,
    quick: list[str] | None = None,
) -> None:
    """Raise :class:`ParseError` for the first row failing any check (first check wins on a row).

    ``checks`` are ``(sql_predicate_true_when_bad, message_sql_expression)`` pairs evaluated on
    relation ``rel``; the message expression may use the row's columns. ``quick`` optionally
    lists cheaper predicates that are together true on exactly the rows some check flags: one
    set-wise pass over them decides whether anything is wrong, and only then are the ordered
    checks run to find the first bad line.
    """
    if not checks:
        return
    preds = quick if quick is not None else [pred for pred, _ in checks]
    anybad = " or ".join(f"({p})" for p in preds)
    if not con.execute(f"select 1 from {rel} where {anybad} limit 1").fetchall():
        return
    union = " union all ".join(
        f"select ln, {k} as k, {msg} as msg from {rel} where {pred}"
        for k, (pred, msg) in enumerate(checks)
    )
    rows = con.execute(f"select ln, msg from ({union}) order by ln, k limit 1").fetchall()
    if rows:
        ln, msg = rows[0]
        raise ParseError(f"{path}:{file_line(path, int(ln))}: {msg}")
