"""Tell a table file's layout from its first lines: separator, lines before the data, header.

Only the head of the file is read (gzip detected from the bytes); DuckDB reads the rest.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

from chromdiff.errors import InputError

#: Names given to the columns of a headerless BED file.
BED_NAMES = ("chrom", "start", "end", "name", "score", "strand")
#: Longest line accepted (a longer one is not a table row).
MAX_LINE_BYTES = 1_000_000
#: Lines skipped before the data (UCSC track/browser lines, ``##`` comments).
SKIP_PREFIXES = ("track ", "track\t", "browser ", "browser\t", "##")


def open_bytes(path: Path):
    """Open ``path`` for reading bytes, decompressing gzip (told from the magic bytes)."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def head_lines(path: Path, n: int = 200) -> list[str]:
    """First ``n`` lines, decoded (BOM dropped, line ends stripped)."""
    out: list[str] = []
    try:
        with open_bytes(path) as fh:
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


def is_int(text: str) -> bool:
    """Whether ``text`` is an integer written in ASCII digits (sign and blanks allowed)."""
    t = text.strip().lstrip("-")
    return t.isascii() and t.isdigit()


def clean_header(names: list[str]) -> list[str]:
    """Drop quotes, a BOM and a leading ``#``; name empty columns; make names unique."""
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


def bed_names(n: int) -> list[str]:
    """Column names of a headerless ``n``-column BED file."""
    return [BED_NAMES[i] if i < len(BED_NAMES) else f"column{i + 1}" for i in range(n)]


def _looks_like_region_header(fields: list[str]) -> bool:
    """Whether a ``#`` line names the chrom, start and end columns (else it is a comment)."""
    from chromdiff.integration.columns import PEAK_ROLES, norm

    names = {norm(f.lstrip("#")) for f in fields}
    return all(any(norm(c) in names for c in PEAK_ROLES[r]) for r in ("chrom", "start", "stop"))


def _header_like(fields: list[str]) -> bool:
    """Whether a region file's first line is a header.

    It is when it names the chrom, start and end columns, or when neither its 2nd nor its 3rd
    field is an integer.
    """
    if _looks_like_region_header(fields):
        return True
    return (
        len(fields) >= 2 and not is_int(fields[1]) and not (len(fields) > 2 and is_int(fields[2]))
    )


def layout(path: Path, side: str) -> tuple[str, int, list[str], bool]:
    """Return (delimiter, lines before the data, column names, has_header).

    ``side`` is ``peaks`` (a region file: a first line whose 2nd and 3rd fields are integers
    is data, not a header, and a ``#`` line is a header only when it names chrom, start and
    end) or ``rna`` (a DE table: the first line is its header).
    """
    lines = head_lines(path)
    skip = 0
    while skip < len(lines) and (
        not lines[skip].strip() or lines[skip].lower().startswith(SKIP_PREFIXES)
    ):
        skip += 1
    # several '#' lines: comments, except the last one, which may be the header; a '#' line
    # before an empty line is a comment too (MACS2's _peaks.xls leaves empty lines inside and
    # after its '#' block, before the header)
    while skip + 1 < len(lines) and lines[skip].startswith("#"):
        nxt = lines[skip + 1]
        if not (nxt.startswith("#") or not nxt.strip()):
            break
        skip += 1
        while skip < len(lines) and not lines[skip].strip():
            skip += 1
    if skip >= len(lines):
        raise InputError(f"{path}: no rows (the file is empty)")
    first = lines[skip]
    delim = "\t" if "\t" in first else ("," if "," in first else None)
    if delim is None and side == "peaks" and skip + 1 < len(lines) and first.startswith("#"):
        delim = "\t" if "\t" in lines[skip + 1] else ("," if "," in lines[skip + 1] else None)
    if delim is None:
        raise InputError(
            f"{path}: line {skip + 1}: cannot tell the column separator (expected tab or comma)"
        )
    fields = next(csv.reader([first], delimiter=delim))
    if side == "peaks":
        if first.startswith("#") and not _header_like(fields):
            if skip + 1 >= len(lines):
                raise InputError(f"{path}: no regions")
            skip += 1  # a comment line, not a header
            first = lines[skip]
            fields = next(csv.reader([first], delimiter=delim))
        plain = first.split(delim)
        if len(fields) < 3 <= len(plain) and not _header_like(plain):
            fields = plain  # a quote inside a BED row is a character, not CSV quoting
        if len(fields) in (1, 2) and is_int(fields[-1]):
            raise InputError(
                f"{path}: line {skip + 1}: a BED row needs at least 3 columns (chrom, start, end), "
                f"found {len(fields)}"
            )
        if len(fields) >= 3 and not _header_like(fields):
            # data (a bad value in it is reported by line and column when typed)
            return delim, skip, bed_names(len(fields)), False
    if len(fields) < 2:
        raise InputError(f"{path}: line {skip + 1}: expected a header with at least 2 columns")
    if skip + 1 < len(lines):  # R's write.table(row.names = TRUE): header one field short
        n_data = len(next(csv.reader([lines[skip + 1]], delimiter=delim)))
        if n_data == len(fields) + 1:
            fields = ["", *fields]
    return delim, skip + 1, clean_header(fields), True
