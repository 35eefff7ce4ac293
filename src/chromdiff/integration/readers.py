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
    if side == "rna" and "gene" not in (overrides or {}):
        columns = _skip_row_numbers(con, table, header, columns, str(path), overrides)
    tool = guess_tool(header, side) if has_header else "bed"
    if tool == "macs" and "padj" in columns and "padj" not in (overrides or {}):
        columns.pop("padj")  # MACS's FDR column is a percentage, not a q-value
    return TableInfo(
        table, str(path), header, columns, tool, sha256_of(path), n_rows, has_header, delim, skip
    )


def _skip_row_numbers(
    con: duckdb.DuckDBPyConnection,
    table: str,
    header: list[str],
    columns: dict,
    source: str,
    overrides: dict[str, str] | None,
) -> dict:
    """Do not take an unnamed first column of whole numbers as the gene ID when another is named.

    R's ``write.csv`` (``row.names = TRUE``) and pandas' ``to_csv`` write row names or the index
    as an unnamed first column (``row_name``): the gene ID when the row names were IDs, but just
    1, 2, 3, ... (0, 1, ... for pandas) when the IDs were a column, and those numbers would match
    Entrez IDs of unrelated genes. An all-integer ``row_name`` yields the gene role to a named
    ID column; without one, a column of consecutive row numbers is an error.
    """
    if columns.get("gene") != "row_name":
        return columns
    col = '"row_name"'
    ints, lo, hi, n = con.execute(
        f"""select count(try_cast(trim({col}) as bigint)), min(v - rn), max(v - rn), count(*)
        from (select {col}, try_cast(trim({col}) as bigint) as v,
                     row_number() over (order by _line) as rn from {table})"""
    ).fetchall()[0]
    if ints < n:
        return columns
    rest = [h for h in header if h != "row_name"]
    try:
        # a named ID column only: an Entrez or symbol column does not displace the row names
        others = detect_columns(rest, "rna", source=source, overrides=overrides,
                                id_fallback=False)  # fmt: skip
    except InputError:  # no other gene ID column
        others = {}
    if "gene" in others:
        return others
    if lo == hi and lo in (-1, 0):
        raise InputError(
            f"{source}: the unnamed first column holds the row numbers {lo + 1}, {lo + 2}, ... "
            "(as write.csv or pandas write them), not gene IDs, and no other column is named as "
            "a gene ID; name it with --rna-columns gene=COLUMN"
        )
    return columns
