"""Read a DE table or a peak table (TSV/CSV/BED/Parquet, gzipped or not) into a DuckDB temp table.

The file is scanned by DuckDB as text (every column ``VARCHAR``) with a ``_line`` column holding
the 1-based line of the file, so that every later check can name the file, line and column.
Headers are cleaned (BOM, quotes, a leading ``#``; an empty first name, as R's ``write.csv``
leaves for row names, becomes ``row_name``). Headerless BED files get BED column names.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from chromdiff.errors import InputError
from chromdiff.integration.columns import detect_columns, guess_tool

#: Names given to the columns of a headerless BED file.
BED_NAMES = ("chrom", "start", "end", "name", "score", "strand")
#: Longest line accepted (a longer one is not a table row).
MAX_LINE_BYTES = 1_000_000
_SKIP_PREFIXES = ("track ", "track\t", "browser ", "browser\t", "##")


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


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of the file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _open_text(path: Path):
    with open(path, "rb") as fh:
        magic = fh.read(2)
    raw = gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")
    return raw


def _head_lines(path: Path, n: int = 200) -> list[str]:
    """First ``n`` lines, decoded (BOM dropped, line ends stripped)."""
    out: list[str] = []
    try:
        with _open_text(path) as fh:
            for i, raw in enumerate(fh):
                if len(raw) > MAX_LINE_BYTES:
                    raise InputError(f"{path}: line {i + 1} is longer than {MAX_LINE_BYTES} bytes")
                text = raw.decode("utf-8-sig" if i == 0 else "utf-8")
                out.append(text.rstrip("\r\n"))
                if len(out) >= n:
                    break
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: line {len(out) + 1} is not UTF-8 text ({exc.reason})") from exc
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from exc
    return out


def _is_int(text: str) -> bool:
    return text.strip().lstrip("-").isdigit()


def _clean_header(names: list[str]) -> list[str]:
    out: list[str] = []
    for i, name in enumerate(names):
        name = name.strip().strip('"').strip()
        if i == 0:
            name = name.lstrip("\ufeff").lstrip("#").strip()
        if not name:
            name = "row_name" if i == 0 else f"column{i + 1}"
        base, k = name, 2
        while name in out:
            name, k = f"{base}_{k}", k + 1
        out.append(name)
    return out


def _layout(path: Path, side: str) -> tuple[str, int, list[str], bool]:
    """Return (delimiter, lines before the data, column names, has_header)."""
    lines = _head_lines(path)
    skip = 0
    while skip < len(lines) and (
        not lines[skip].strip() or lines[skip].lower().startswith(_SKIP_PREFIXES)
    ):
        skip += 1
    # several '#' lines: comments, except the last one, which may be the header
    while skip + 1 < len(lines) and lines[skip].startswith("#") and lines[skip + 1].startswith("#"):
        skip += 1
    if skip >= len(lines):
        raise InputError(f"{path}: no rows (the file is empty)")
    first = lines[skip]
    delim = "\t" if "\t" in first else ("," if "," in first else None)
    if delim is None:
        raise InputError(
            f"{path}: line {skip + 1}: cannot tell the column separator (expected tab or comma)"
        )
    fields = next(csv.reader([first], delimiter=delim))
    if side == "peaks" and len(fields) in (1, 2) and _is_int(fields[-1]):
        raise InputError(
            f"{path}: line {skip + 1}: a BED row needs at least 3 columns (chrom, start, end), "
            f"found {len(fields)}"
        )
    is_bed_row = len(fields) >= 3 and _is_int(fields[1]) and _is_int(fields[2])
    if side == "peaks" and is_bed_row and not first.startswith("#"):
        names = [
            BED_NAMES[i] if i < len(BED_NAMES) else f"column{i + 1}" for i in range(len(fields))
        ]
        return delim, skip, names, False
    if len(fields) < 2:
        raise InputError(f"{path}: line {skip + 1}: expected a header with at least 2 columns")
    if skip + 1 < len(lines):  # R's write.table(row.names = TRUE): header one field short
        n_data = len(next(csv.reader([lines[skip + 1]], delimiter=delim)))
        if n_data == len(fields) + 1:
            fields = ["", *fields]
    return delim, skip + 1, _clean_header(fields), True


def _scan_text(con: duckdb.DuckDBPyConnection, path: Path, table: str, side: str) -> tuple:
    delim, skip, names, has_header = _layout(path, side)
    cols = "{" + ", ".join(f"'{n.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for n in names) + "}"
    sel = ", ".join(f'"{n}"' for n in names)
    try:
        con.execute(
            f"""create or replace temp table {table} as
            select {sel}, (row_number() over () + ?)::bigint as _line
            from read_csv(?, delim = ?, header = false, skip = ?, columns = {cols},
                          quote = '"', escape = '"', comment = '', strict_mode = true,
                          null_padding = false, auto_detect = false, max_line_size = ?,
                          ignore_errors = false)""",
            [skip, str(path), delim, skip, MAX_LINE_BYTES],
        )
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        raise InputError(f"{path}: cannot parse as a {len(names)}-column table: {first}") from exc
    return names, has_header


def _scan_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> tuple:
    try:
        names = [
            r[0]
            for r in con.execute("describe select * from read_parquet(?)", [str(path)]).fetchall()
        ]
    except duckdb.Error as exc:
        msg = str(exc).splitlines()[0]
        raise InputError(f"{path}: not a readable Parquet file ({msg})") from exc
    clean = _clean_header(names)
    sel = ", ".join(f'"{o}"::varchar as "{n}"' for o, n in zip(names, clean, strict=True))
    con.execute(
        f"""create or replace temp table {table} as
        select {sel}, (row_number() over ())::bigint as _line from read_parquet(?)""",
        [str(path)],
    )
    return clean, True


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
        header, has_header = _scan_parquet(con, path, table)
    else:
        header, has_header = _scan_text(con, path, table, side)
    n_rows = con.execute(f"select count(*) from {table}").fetchall()[0][0]
    if n_rows == 0:
        raise InputError(f"{path}: no data rows")
    columns = detect_columns(header, side, source=str(path), overrides=overrides)
    tool = guess_tool(header, side) if has_header else "bed"
    if tool == "macs" and "padj" in columns and "padj" not in (overrides or {}):
        columns.pop("padj")  # MACS's FDR column is a percentage, not a q-value
    return TableInfo(table, str(path), header, columns, tool, sha256_of(path), n_rows, has_header)
