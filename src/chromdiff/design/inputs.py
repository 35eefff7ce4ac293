"""Read and validate the experiment IDs of the two groups of a comparison.

IDs come from a Python list, a text file (one or more per line, ``#`` comments) or a CSV/TSV
with an ID column (chipatlas_api.md §9.3). Invalid IDs are an error naming ``file:line``;
duplicates are dropped with a warning, keeping the first occurrence (order preserved).
A text-list line whose first field is a URL (or, for ``--local``, a path) is a user-data line:
bigWig, peak BED and read length, tab-separated, kept whole (:mod:`chromdiff.design.userdata`).
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from chromdiff.design.userdata import is_user_line, parse_user_line
from chromdiff.errors import InputError, path_tried

logger = logging.getLogger(__name__)

#: Accepted experiment IDs (the server's own pattern, ``^(GSM|[EDS]RX)[0-9]+$``).
ID_RE = re.compile(r"^(SRX|ERX|DRX|GSM)\d+$")
#: Assemblies the server accepts.
GENOMES = ("hg38", "hg19", "mm10", "mm9", "rn6", "dm6", "dm3", "ce11", "ce10", "sacCer3")
ANALYSES = ("diffbind", "dmr")
#: ``threshold`` values DA runs with, per analysis. DA accepts ``50 100 200 500 bs 999`` for any
#: method and ends the queued job otherwise (inutano/chip-atlas script/update_2025/DA/DA:94,
#: validate_arguments :64-81, handle_error :77); WABI binds the field as an int >= 0, so ``bs``
#: cannot be sent (oogasawa/wabi_chipatlas-java ChipatlasRequest.java:96-99). For diffbind it is
#: the MACS2 peak set ``Bed<threshold/10>`` (DA:167, :193); 999 names no peak set. dmr never reads
#: it (only diffbind uses the peak files, DA:388-392), so any accepted value gives the same job;
#: the site sends 999 (public/js/pj/diff_analysis.js:156-160).
THRESHOLDS = {"diffbind": (50, 100, 200, 500), "dmr": (50, 100, 200, 500, 999)}
#: What the site sends when the user does not choose (diff_analysis.js:156-160).
DEFAULT_THRESHOLD = {"diffbind": 50, "dmr": 999}
#: Column names tried, in order, to find the ID column of a CSV/TSV (§9.3).
ID_COLUMNS = ("experiment_id", "srx", "srx_id", "SRX", "accession", "sample_id", "id", "ID")
#: Characters the server accepts in title and descriptions.
LABEL_RE = re.compile(r"^[A-Za-z0-9_ .-]+$")
#: Longest line accepted in an ID file (a longer one is not an ID list).
MAX_LINE_CHARS = 10_000
_SPLIT_RE = re.compile(r"[,;\s]+")


def _dedupe(items: Iterable[tuple[str, str]], source: str) -> list[str]:
    """Return IDs in first-seen order; warn about each duplicate (``items`` are (id, where))."""
    seen: dict[str, str] = {}
    for value, where in items:
        if value in seen:
            logger.warning("%s: duplicate ID %s (first at %s) ignored", where, value, seen[value])
            continue
        seen[value] = where
    if not seen:
        raise InputError(f"{source}: no experiment IDs found")
    return list(seen)


def _check(value: str, where: str, analysis: str = "diffbind") -> tuple[str, str]:
    if is_user_line(value):
        parse_user_line(value, where, analysis)
        return value.strip(), where
    if not ID_RE.match(value):
        raise InputError(
            f"{where}: invalid experiment ID {value!r} "
            "(expected SRX/ERX/DRX/GSM followed by digits)"
        )
    return value, where


def validate_ids(
    ids: Sequence[str], source: str = "<list>", analysis: str = "diffbind"
) -> list[str]:
    """Validate and de-duplicate a list of IDs (whitespace stripped, order preserved).

    User-data lines (:func:`chromdiff.design.userdata.parse_user_line`) are checked and kept.

    Raises
    ------
    InputError
        On an invalid or empty ID (the message gives its 1-based position) or an empty list.
    """
    if isinstance(ids, str):
        ids = [ids]
    items = [_check(str(v).strip(), f"{source}: item {i}", analysis) for i, v in enumerate(ids, 1)]
    return _dedupe(items, source)


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path_tried(path)}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a file of IDs") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not UTF-8 text") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_line_lengths(path: Path, lines: list[str]) -> None:
    for n, line in enumerate(lines, 1):
        if len(line) > MAX_LINE_CHARS:
            raise InputError(f"{path}:{n}: line longer than {MAX_LINE_CHARS} characters")


def _absolute(path: Path, line: str) -> str:
    """Resolve the relative local paths of a user-data line against ``path``'s folder."""
    fields = line.strip().split("\t")
    for i, f in enumerate(fields[:2]):
        if f.startswith(("./", "../")):
            fields[i] = str((path.parent / f).resolve())
        elif f.startswith("~"):
            fields[i] = str(Path(f).expanduser())
    return "\t".join(fields)


def _read_txt(path: Path, lines: list[str], analysis: str = "diffbind") -> list[str]:
    items = []
    for n, line in enumerate(lines, 1):
        if is_user_line(line):  # kept whole: URLs may hold '#', ',' or ';'
            parse_user_line(line, f"{path}:{n}", analysis)
            items.append((_absolute(path, line), f"{path}:{n}"))
            continue
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        for col, token in enumerate(t for t in _SPLIT_RE.split(body) if t):
            items.append(_check(token, f"{path}:{n}:{col + 1}" if col else f"{path}:{n}"))
    return _dedupe(items, str(path))


def _read_table(path: Path, text: str, delimiter: str, id_column: str | None) -> list[str]:
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise InputError(f"{path}: empty file")
    header = [h.strip() for h in rows[0]]
    if id_column is not None:
        if id_column not in header:
            raise InputError(f"{path}:1: no column {id_column!r} (columns: {', '.join(header)})")
        col = header.index(id_column)
    else:
        col = next((header.index(c) for c in ID_COLUMNS if c in header), None)
        if col is None:  # no known name: the first column whose values are all IDs, if any
            col = next((k for k in range(len(header)) if _all_ids(rows[1:], k)), 0)
        logger.info("%s: ID column %r", path, header[col])
    items = []
    for n, row in enumerate(rows[1:], 2):
        if col >= len(row):
            if any(c.strip() for c in row):
                raise InputError(f"{path}:{n}: missing column {header[col]!r}")
            continue
        value = row[col].strip()
        if value and value.lower() != "nan":
            try:
                items.append(_check(value, f"{path}:{n}:{col + 1}"))
            except InputError as exc:
                if id_column is not None:
                    raise
                raise InputError(
                    f"{exc} (read from column {header[col]!r}: no column is named "
                    f"{', '.join(ID_COLUMNS[:4])}, ...; pick one with --id-column)"
                ) from None
    return _dedupe(items, str(path))


def _all_ids(rows: list[list[str]], col: int) -> bool:
    """Return True when column ``col`` of ``rows`` holds experiment IDs only (and some)."""
    values = [r[col].strip() for r in rows if col < len(r) and r[col].strip()]
    return bool(values) and all(ID_RE.match(v) for v in values)


def read_ids(
    path: str | Path, id_column: str | None = None, analysis: str = "diffbind"
) -> list[str]:
    """Read the IDs of one group from a file.

    ``.csv`` / ``.tsv`` / ``.tab`` files have a header; the ID column is ``id_column`` or the first
    of :data:`ID_COLUMNS` present, else the first column. Any other file is a text list: one or
    more IDs per line (comma, semicolon or whitespace separated), ``#`` starts a comment. BOM
    and CRLF line ends are tolerated.

    Raises
    ------
    InputError
        Missing file, invalid ID (``file:line[:column]``), no IDs, over-long line.
    """
    path = Path(path)
    text = _read_text(path)
    _check_line_lengths(path, text.split("\n"))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_table(path, text, ",", id_column)
    if suffix in (".tsv", ".tab"):
        return _read_table(path, text, "\t", id_column)
    return _read_txt(path, text.split("\n"), analysis)


def check_groups(ids_a: Sequence[str], ids_b: Sequence[str]) -> None:
    """Raise :class:`InputError` if an ID is in both groups (the message lists them)."""
    both = [i for i in ids_a if i in set(ids_b)]
    if both:
        raise InputError(f"IDs in both groups A and B: {', '.join(both)}")


def check_genome(genome: str) -> str:
    """Return ``genome`` if the server supports it, else raise :class:`InputError`."""
    if genome not in GENOMES:
        raise InputError(f"unknown genome {genome!r}; choose one of {', '.join(GENOMES)}")
    return genome


def check_analysis(analysis: str) -> str:
    """Return ``analysis`` if it is ``diffbind`` or ``dmr``, else raise :class:`InputError`."""
    if analysis not in ANALYSES:
        raise InputError(f"unknown analysis {analysis!r}; choose one of {', '.join(ANALYSES)}")
    return analysis


def check_threshold(analysis: str, threshold: int | None) -> int:
    """Return the threshold sent for ``analysis`` (the site's default when ``None``).

    Raises
    ------
    InputError
        If DA would refuse it (:data:`THRESHOLDS`): the job would be queued, then fail.
    """
    value = DEFAULT_THRESHOLD[analysis] if threshold is None else int(threshold)
    allowed = THRESHOLDS[analysis]
    if value not in allowed:
        meaning = (
            "MACS2 peak threshold, -log10 Q x 10" if analysis == "diffbind" else "unused by dmr"
        )
        raise InputError(
            f"threshold {value} invalid for {analysis}; choose one of "
            f"{', '.join(map(str, allowed))} ({meaning}; the server's DA script fails the job "
            "otherwise)"
        )
    return value


def check_label(value: str, what: str) -> str:
    """Return ``value`` if the server accepts it as title/description (``[A-Za-z0-9_ .-]+``)."""
    if not LABEL_RE.match(value or ""):
        bad = sorted({c for c in value if not re.match(r"[A-Za-z0-9_ .-]", c)}) if value else []
        shown = " ".join(repr(c) for c in bad) if bad else "(empty)"
        raise InputError(
            f"{what} {value!r} has characters the server refuses: {shown} "
            "(allowed: letters, digits, space, _ . -)"
        )
    return value
