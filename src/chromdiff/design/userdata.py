"""User-data lines of an ID list: a bigWig, a peak BED and a read length, as ChIP-Atlas takes them.

The 2025 DA script treats any A/B line whose first field starts with ``http`` as user data
(inutano/chip-atlas ``script/update_2025/DA/DA:229-233``), names it ``URL_A1``, ``URL_A2``, …
per group in order of appearance (``DA:230``), downloads field 2 (bigWig) and field 3 (peak
BED) with ``wget`` (``DA:236-246``) and reads the read length as the 4th **tab**-separated
field of ``<name> TAB <line>`` (``DA:443-447``, ``awk -F"<TAB>"``), with a scale factor of 1 (the
bigWig must hold raw, integer coverage: ``DA:540-551``). A space-separated line would leave
the read length empty and the server's count step would divide by zero, so lines must be
tab-separated. The line is sent to the service exactly as written.

``chromdiff compare --local`` also takes ``file://`` URLs and local paths (relative paths are
resolved against the ID file's folder); those lines are refused for the service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

from chromdiff.errors import InputError

#: First-field prefixes that make a line user data. ``http`` is the server's own rule.
_LOCAL_PREFIXES = ("file://", "/", "./", "../", "~")
_READ_LENGTH_RE = re.compile(r"^[1-9][0-9]*$")


@dataclass(frozen=True)
class UserData:
    """One user-data line, validated."""

    bigwig: str
    peaks: str
    read_length: int
    line: str

    @property
    def remote(self) -> bool:
        """True when both files are http(s) URLs (what the service can fetch)."""
        return all(_is_http(u) for u in (self.bigwig, self.peaks))


def _is_http(value: str) -> bool:
    return value.startswith("http")


def is_user_line(text: str) -> bool:
    """Return True when ``text`` is a user-data line (first field a URL or a local path)."""
    first = text.strip().split(None, 1)[0] if text.strip() else ""
    return first.startswith("http") or first.startswith(_LOCAL_PREFIXES)


def _check_location(value: str, what: str, where: str) -> None:
    if _is_http(value):
        url = urlparse(value)
        if url.scheme not in ("http", "https") or not url.netloc:
            raise InputError(f"{where}: {what} {value!r} is not an http(s) URL with a host")
        return
    if value.startswith("file://"):
        if not urlparse(value).path:
            raise InputError(f"{where}: {what} {value!r} has no path")
        return
    if not value.startswith(_LOCAL_PREFIXES):
        raise InputError(
            f"{where}: {what} {value!r} is neither an http(s) URL nor a local path "
            "(file://, /, ./ or ../)"
        )


def parse_user_line(line: str, where: str, analysis: str = "diffbind") -> UserData:
    """Validate one user-data line offline and return its fields.

    Parameters
    ----------
    line : str
        The line as written (surrounding whitespace is ignored).
    where : str
        ``file:line`` (or ``group A: item 3``) for error messages.
    analysis : {"diffbind", "dmr"}
        diffbind needs bigWig, peak BED and read length; dmr needs only the methylation bigWig.

    Raises
    ------
    InputError
        Wrong number of fields, space- instead of tab-separated fields, a location that is not
        a URL/path, or a read length that is not a positive integer.
    """
    text = line.strip()
    fields = line.rstrip("\r\n").strip(" ").split("\t")  # keep an empty last field
    while len(fields) > 3 and not fields[-1].strip():
        fields.pop()
    if analysis == "dmr":
        if not fields[0] or " " in fields[0]:
            raise InputError(f"{where}: user-data line needs the methylation bigWig URL first")
        _check_location(fields[0], "bigWig", where)
        return UserData(fields[0], "", 0, text)
    if len(fields) != 3:
        loose = text.split()
        hint = (
            " separated by spaces; use tabs (the server reads the read length as a tab field)"
            if len(loose) == 3
            else ""
        )
        raise InputError(
            f"{where}: user-data line needs 3 tab-separated fields (bigWig URL, peak-BED URL, "
            f"read length), found {len(fields)}{hint}"
        )
    bigwig, peaks, read_length = (f.strip() for f in fields)
    _check_location(bigwig, "bigWig", where)
    _check_location(peaks, "peak BED", where)
    if not _READ_LENGTH_RE.match(read_length):
        raise InputError(
            f"{where}: read length {read_length!r} is not a positive integer (reads of the "
            "bigWig's coverage, e.g. 50)"
        )
    return UserData(bigwig, peaks, int(read_length), text)


def experiment_names(entries: list[str], grp: str) -> list[str]:
    """Return the experiment name of each entry: IDs unchanged, user lines ``URL_<grp><k>``."""
    names, k = [], 0
    for entry in entries:
        if is_user_line(entry):
            k += 1
            names.append(f"URL_{grp}{k}")
        else:
            names.append(entry)
    return names
