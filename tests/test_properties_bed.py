"""Hypothesis property tests of the region-BED reader used by annotation (``annotation.bedio``).

Round trip: any valid BED (extra columns, comments, track lines, CRLF) loads exactly the
``chrom, start, stop`` written, keyed by file line. Fuzz: any corruption of one line either loads
or raises ``InputError`` naming the file and that line — never another exception type.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chromdiff.annotation.bedio import read_bed
from chromdiff.errors import InputError

SETTINGS = settings(max_examples=60, deadline=None)

chrom = st.sampled_from(["chr1", "chr2", "chrX", "1", "MT", "chrUn_KI270742v1"])


@st.composite
def regions(draw) -> list[tuple[str, int, int]]:
    out = []
    for _ in range(draw(st.integers(1, 20))):
        s = draw(st.integers(0, 10**10))
        out.append((draw(chrom), s, s + draw(st.integers(1, 10**6))))
    return out


def _write(lines: list[str], newline: str = "\n") -> Path:
    fd = tempfile.NamedTemporaryFile("wb", suffix=".bed", delete=False)
    with fd:
        fd.write("".join(line + newline for line in lines).encode())
    return Path(fd.name)


@SETTINGS
@given(regions(), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_round_trip(data, newline: str, header: bool) -> None:
    lines = ['track name="x"', "# comment"] if header else []
    first = len(lines) + 1
    lines += [f"{c}\t{s}\t{e}\tpeak{i}\t0\t." for i, (c, s, e) in enumerate(data)]
    path = _write(lines, newline)
    con = duckdb.connect()
    try:
        assert read_bed(con, path, "r") == len(data)
        got = con.execute("select region_key, chrom, start, stop from r order by 1").fetchall()
    finally:
        con.close()
        path.unlink()
    assert got == [(first + i, c, s, e) for i, (c, s, e) in enumerate(data)]


@SETTINGS
@given(regions(), st.data())
def test_corruption_loads_or_names_file_and_line(data, draw) -> None:
    lines = [f"{c}\t{s}\t{e}" for c, s, e in data]
    k = draw.draw(st.integers(0, len(lines) - 1))
    fields = lines[k].split("\t")
    j = draw.draw(st.integers(0, 2))
    alphabet = st.characters(blacklist_categories=["Cs"], blacklist_characters="\n\r")
    fields[j] = draw.draw(st.text(alphabet, max_size=8))
    lines[k] = "\t".join(fields)
    path = _write(lines)
    con = duckdb.connect()
    try:
        read_bed(con, path, "r")
    except InputError as exc:
        msg = str(exc)
        assert "\n" not in msg and msg.startswith(str(path)), msg
        assert f"line {k + 1}" in msg or "no regions" in msg, msg
    finally:
        con.close()
        path.unlink()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("chr1\t\u00b2\t5\n", r"line 1, column 2"),
        # Hypothesis found it: read as CSV quoting, the row became two fields (chr1, 0<TAB>1),
        # was taken for a header and the error named no line
        ('chr1\t"0\t1\n', r"line 1, column 2: '\"0' is not an integer"),
    ],
    ids=["superscript_digit", "quote_in_a_field"],
)
def test_a_bad_value_is_a_clear_input_error_by_line_and_column(
    tmp_path: Path, row: str, message: str
) -> None:
    path = tmp_path / "bad.bed"
    path.write_text(row, encoding="utf-8")
    con = duckdb.connect()
    try:
        with pytest.raises(InputError, match=message):
            read_bed(con, path, "r")
    finally:
        con.close()
