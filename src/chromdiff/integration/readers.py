"""Read a DE table or a peak table (TSV/CSV/BED/Parquet, gzipped or not) into a DuckDB temp table.

The file is scanned by DuckDB as text (every column ``VARCHAR``) with a ``_line`` column holding
the 1-based line of the file, so that every later check can name the file, line and column.
Headers are cleaned (BOM, quotes, a leading ``#``; an empty first name, as R's ``write.csv``
leaves for row names, becomes ``row_name``). Headerless BED files get BED column names. Layout
detection and the scan are the region reader's (:mod:`chromdiff.regions`): a peak table is read
exactly as ``chromdiff annotate --regions`` reads it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from chromdiff.errors import InputError
from chromdiff.integration.columns import detect_columns, guess_tool
from chromdiff.regions.layout import BED_NAMES, MAX_LINE_BYTES, clean_header, layout
from chromdiff.regions.reader import scan

__all__ = ["BED_NAMES", "MAX_LINE_BYTES", "TableInfo", "read_table", "sha256_of"]


@dataclass
class TableInfo:
    """What :func:`read_table` found: the temp table, its header and the role mapping."""

    table: str
    source: str
    header: list[str]
    columns: dict[str, str]
    tool: str
    sha256: str
    n_rows: int
    has_header: bool
    delim: str | None = None
    skip: int = 0


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of the file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _scan_text(con: duckdb.DuckDBPyConnection, path: Path, table: str, side: str) -> tuple:
    delim, skip, names, has_header = layout(path, side)
    peaks = side == "peaks"
    q = "" if peaks and not has_header else '"'  # BED files never quote
    scan(con, path, table, delim=delim, skip=skip, names=names, region_file=peaks, quote_char=q)
    return names, has_header, delim, skip


def _scan_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> tuple:
    try:
        names = [
            r[0]
            for r in con.execute("describe select * from read_parquet(?)", [str(path)]).fetchall()
        ]
    except duckdb.Error as exc:
        msg = str(exc).splitlines()[0]
        raise InputError(f"{path}: not a readable Parquet file ({msg})") from exc
    clean = clean_header(names)
    sel = ", ".join(f'"{o}"::varchar as "{n}"' for o, n in zip(names, clean, strict=True))
    con.execute(
        f"""create or replace temp table {table} as
        select {sel}, (row_number() over ())::bigint as _line from read_parquet(?)""",
        [str(path)],
    )
    return clean, True, None, 0


def read_table(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    side: str,
    table: str,
    *,
    overrides: dict[str, str] | None = None,
) -> TableInfo:
    """Scan ``path`` into temp table ``table`` and detect its columns.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection to scan into (only a temp table is written).
    path : str or Path
        TSV/CSV/BED (``.gz`` or not, detected from the bytes) or Parquet.
    side : str
        ``rna`` or ``peaks``.
    table : str
        Temp table created: every input column as VARCHAR plus ``_line``.
    overrides : dict, optional
        ``role -> column`` mapping that wins over auto-detection.

    Raises
    ------
    InputError
        Missing or unreadable file, unparseable rows, missing required columns.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: no rows (the file is empty)")
    with open(path, "rb") as fh:
        is_parquet = fh.read(4) == b"PAR1"
    if is_parquet:
        header, has_header, delim, skip = _scan_parquet(con, path, table)
    else:
        header, has_header, delim, skip = _scan_text(con, path, table, side)
    n_rows = con.execute(f"select count(*) from {table}").fetchall()[0][0]
    if n_rows == 0:
        raise InputError(f"{path}: no data rows")
    columns = detect_columns(header, side, source=str(path), overrides=overrides)
    tool = guess_tool(header, side) if has_header else "bed"
    if tool == "macs" and "padj" in columns and "padj" not in (overrides or {}):
        columns.pop("padj")  # MACS's FDR column is a percentage, not a q-value
    return TableInfo(
        table, str(path), header, columns, tool, sha256_of(path), n_rows, has_header, delim, skip
    )
