"""Scan a region or DE table file with DuckDB's ``read_csv``; read regions into a typed table.

Every column is scanned as text with explicit names (no type sniffing), gzip or not, with a
``_line`` column: the 1-based file line of the row (rows are numbered in file order from the
first data line; DuckDB skips empty lines, so after an empty line in the middle of a file
``_line`` counts non-empty lines — error messages always name the true line). UCSC
``track``/``browser`` lines and ``#`` comments in the middle of a region file are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from chromdiff.duckcore import duckdb
from chromdiff.errors import InputError
from chromdiff.regions.coords import check_line, int_sql, quote
from chromdiff.regions.layout import MAX_LINE_BYTES, layout

_LINE_RE = re.compile(r"CSV Error on Line: (\d+)")
_COLS_RE = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")
_SKIP_ROW_SQL = (
    "starts_with(ltrim({c}), '#') or regexp_matches({c}, '^(track|browser)([ \\t]|$)')"
    " or ({c} is not null and trim({c}) = '' and {rest})"
)


def scan(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    *,
    delim: str,
    skip: int,
    names: list[str],
    select: str | None = None,
    region_file: bool = False,
    quote_char: str = '"',
    line_col: str = "_line",
) -> None:
    """Create temp table ``table`` from text file ``path``, plus a ``_line`` column.

    ``select`` is evaluated over the scanned columns (default: every column, as text).

    ``region_file``: when the strict scan fails (a row with another number of columns, mixed
    line ends), a second, lenient scan reads the file: comment/track/browser lines after the
    first data line are skipped, extra columns dropped and missing ones left NULL (a row
    without chrom, start and end is then reported by
    :func:`~chromdiff.regions.coords.check_regions`). Otherwise such a row is an error naming
    its line. ``quote_char``: the quote character (``""``: none, as in BED files).
    ``line_col``: the name of the ``_line`` column in ``table``.
    """
    cols = "{" + ", ".join(f"'{n.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for n in names) + "}"
    sel = select or ", ".join(quote(n) for n in names)

    q = "'" + quote_char.replace("'", "''") + "'"

    def run(lenient: bool) -> None:
        scan_sql = f"""read_csv(?, delim = ?, header = false, skip = ?, columns = {cols},
                          quote = {q}, escape = {q}, comment = '', strict_mode = {not lenient},
                          null_padding = {lenient}, auto_detect = false, max_line_size = ?,
                          ignore_errors = false)"""
        params = [str(path), delim, skip, MAX_LINE_BYTES]
        line = quote(line_col)
        if not lenient and "rowid" not in {n.lower() for n in names}:
            # every row is kept, so its line is its position: numbered by the table's rowid
            # (a created table keeps the file's order) after a parallel scan, rather than by
            # row_number() over (), which runs the whole scan on one thread (a file column
            # named rowid would hide the pseudo-column: such a file is numbered below)
            raw = f"{table}_scan"
            con.execute(
                f"create or replace temp table {raw} as select {sel} from {scan_sql}", params
            )
            con.execute(
                f"create or replace temp table {table} as "
                f"select *, (rowid + {int(skip) + 1})::bigint as {line} from {raw};"
                f"drop table {raw}"
            )
            return
        where = "true"
        if lenient:
            first = quote(names[0])
            rest = " and ".join(f"{quote(n)} is null" for n in names[1:]) or "true"
            where = "not (" + _SKIP_ROW_SQL.format(c=first, rest=rest) + ")"
        con.execute(
            f"""create or replace temp table {table} as select {sel}, _line as {line}
            from (select *, (row_number() over () + {int(skip)})::bigint as _line
                  from {scan_sql}) where {where}""",
            params,
        )

    try:
        run(False)
        return
    except duckdb.Error as exc:
        msg = str(exc).strip()
        m = _LINE_RE.search(msg)
        line = int(m.group(1)) if m else None
        if not region_file:
            cols_m = _COLS_RE.search(msg)
            if line is not None and cols_m:
                why = f"line {line} has {cols_m.group(2)} columns"
            elif line is not None:
                why = f"line {line}: {msg.splitlines()[0]}"
            else:
                why = msg.splitlines()[0]
            raise InputError(f"{path}: cannot parse as a {len(names)}-column table: {why}") from exc
    try:
        run(True)
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        raise InputError(f"{path}: cannot parse as a {len(names)}-column table: {first}") from exc


@dataclass
class RegionFile:
    """What :func:`read_regions` read: the table, the file's layout and the role mapping."""

    table: str
    source: str
    header: list[str]
    columns: dict[str, str]
    tool: str
    has_header: bool
    base: int
    n_rows: int
    extra: list[str] = field(default_factory=list)
    #: Regions per chromosome name, as spelled in the file.
    chrom_counts: dict[str, int] = field(default_factory=dict)
    #: The largest region end per chromosome name (see :mod:`chromdiff.regions.assembly`).
    chrom_max_stop: dict[str, int] = field(default_factory=dict)


#: The header Galaxy's DiffBind wrapper writes before DiffBind's columns: its report is 0-based
#: (galaxyproject/tools-iuc ``tools/diffbind/diffbind.R``: "Output as 0-based tabular",
#: ``Start=start(resSorted) - 1``), unlike DiffBind's own data frame or GRanges (1-based).
GALAXY_DIFFBIND_BED6 = ("chrom", "start", "end", "name", "score", "strand")


def auto_base(tool: str, header: list[str]) -> int:
    """Return the coordinate base of a region table's starts.

    1 for R GRanges tables (``seqnames`` column), MACS peak tables (``_peaks.xls``: MACS2's
    ``PeakIO.write_to_xls`` writes ``start + 1``; MACS 1.4's ``length`` is end − start + 1) and
    DiffBind reports, except Galaxy's DiffBind tabular output (header
    :data:`GALAXY_DIFFBIND_BED6` before DiffBind's columns), which is 0-based; else 0 (BED,
    narrowPeak).
    """
    names = [h.lower() for h in header]
    if "seqnames" in names or tool == "macs":
        return 1
    if tool == "diffbind":
        return 0 if tuple(names[: len(GALAXY_DIFFBIND_BED6)]) == GALAXY_DIFFBIND_BED6 else 1
    return 0


def read_regions(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    table: str,
    *,
    base: int | str = "auto",
    overrides: dict[str, str] | None = None,
) -> RegionFile:
    """Read a region file into temp table ``table`` (``region_key, chrom, start, stop``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection to scan into (only a temp table is written).
    path : str or Path
        BED3..BED6+ / narrowPeak (headerless), or a table with a header naming the chrom,
        start and end columns (DiffBind report, MACS xls-style table, …); gzipped or not.
    table : str
        Temp table created: ``region_key`` (the row's file line, see the module docstring),
        ``chrom``, ``start``, ``stop`` (0-based half-open).
    base : {"auto", 0, 1}
        Coordinate base of the starts (``auto``: see :func:`auto_base`).
    overrides : dict, optional
        ``role -> column`` mapping that wins over auto-detection (roles chrom, start, stop).

    Raises
    ------
    InputError
        Missing or empty file, an unparseable row or a bad region: one line naming the file,
        the line and the column.
    """
    from chromdiff.integration.columns import detect_columns, guess_tool

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: no regions (the file is empty)")
    delim, skip, names, has_header = layout(path, "peaks")
    columns = detect_columns(names, "peaks", source=str(path), overrides=overrides)
    tool = guess_tool(names, "peaks") if has_header else "bed"
    b = auto_base(tool, names) if base == "auto" else int(base)
    chrom, start, stop = (columns[r] for r in ("chrom", "start", "stop"))
    select = f"{quote(chrom)} as chrom, {int_sql(start)} - {b} as start, {int_sql(stop)} as stop"
    scan(
        con,
        path,
        table,
        delim=delim,
        skip=skip,
        names=names,
        select=select,
        region_file=True,
        quote_char='"' if has_header else "",
        line_col="region_key",
    )
    # one pass: the first bad row (see coords.bad_row_sql), the row count and the regions
    # per chromosome (what the annotation engine checks the names on)
    chroms, counts, bads, stops = con.execute(
        f"""select list(chrom), list(n), list(b), list(m) from (
            select chrom, count(*) as n, max(stop) as m,
                   min(region_key) filter (where chrom is null or trim(chrom) = ''
                                           or start is null or stop is null or start < 0
                                           or stop <= start) as b
            from {table} group by chrom)"""
    ).fetchall()[0]
    bad = min((x for x in bads or [] if x is not None), default=None)
    if bad is not None:
        labels = tuple(
            repr(c) if has_header else str(names.index(c) + 1) for c in (chrom, start, stop)
        )
        positions = (names.index(chrom), names.index(start), names.index(stop))
        check_line(path, bad, skip, delim, positions, labels, b)
    n = sum(counts or [])
    if n == 0:
        raise InputError(f"{path}: no regions")
    by_chrom = dict(zip(chroms or [], counts or [], strict=True))
    return RegionFile(
        table, str(path), names, columns, tool, has_header, b, n, chrom_counts=by_chrom,
        chrom_max_stop=dict(zip(chroms or [], stops or [], strict=True)),
    )  # fmt: skip
