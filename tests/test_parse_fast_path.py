"""The one-pass diffbind read (``stage._read_flagged``) agrees with the checked text path.

A diffbind result is first read once into typed columns with a per-row flag; only a file with a
flagged row, a comment line or a possible duplicate goes through the text table and the ordered
checks. These tests pin that the fast path never accepts a file the checked path rejects, and
that when it accepts one both paths give the same rows, format and warnings.
"""

from __future__ import annotations

import itertools
import math
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chromdiff.errors import ParseError
from chromdiff.parsing import parse_result, stage

DATA = Path(__file__).parent / "data" / "parsing"
A = ["SRX999", "SRX1000", "SRX1001"]
B = ["SRX6", "SRX5"]
ROW = "chr1\t{s}\t{e}\t1.00,2.00,3.00\t8.00,10.00\t-2.5\t0.0004\t0.03"


def _staged(path: Path, ids_a, ids_b, checked: bool):
    """Return (format, warnings, regions, counts) from one path, or the ParseError message."""
    con = duckdb.connect()
    try:
        stage_fn = stage._stage_diffbind_checked if checked else stage._stage_diffbind
        try:
            s = stage_fn(con, path, list(ids_a), list(ids_b))
        except ParseError as exc:
            return str(exc)
        regions = con.execute(s.regions_sql + " order by region_id").fetchall()
        counts = con.execute(s.counts_sql + " order by region_id").fetchall()
        return s.result_format, s.warnings, _nan_safe(regions), _nan_safe(counts)
    finally:
        stage.unstage(con)
        con.close()


def _nan_safe(rows):
    def norm(v):
        if isinstance(v, float) and math.isnan(v):
            return "nan"
        if isinstance(v, list):
            return [norm(x) for x in v]
        return v

    return [tuple(norm(v) for v in r) for r in rows]


def _fast_decides(path: Path, ids_a=A, ids_b=B) -> bool:
    con = duckdb.connect()
    try:
        return stage._read_flagged(con, path, list(ids_a), list(ids_b)) is not None
    finally:
        stage.unstage(con)
        con.close()


@pytest.mark.parametrize("name", ["diffbind_2025.bed", "diffbind_2024.bed"])
def test_fast_path_equals_checked_path_on_real_format_files(name):
    path = DATA / name
    assert _fast_decides(path)
    fast, checked = _staged(path, A, B, False), _staged(path, A, B, True)
    assert not isinstance(fast, str) and fast == checked


def test_blank_lines_crlf_and_bom_take_the_fast_path_with_the_same_ids(tmp_path):
    p = tmp_path / "b.bed"
    rows = [ROW.format(s=i * 100, e=i * 100 + 50) for i in range(1, 5)]
    p.write_bytes(
        b"\xef\xbb\xbf" + "\r\n".join([rows[0], "", rows[1], rows[2], "", "", rows[3]]).encode()
    )
    assert _fast_decides(p)
    fast, checked = _staged(p, A, B, False), _staged(p, A, B, True)
    assert fast == checked and [r[0] for r in fast[2]] == [1, 2, 3, 4]


def test_comment_lines_are_skipped_and_counted_in_region_ids(tmp_path):
    """track/browser/# lines are skipped; region ids and error lines still count them."""
    p = tmp_path / "c.bed"
    p.write_text(
        'track name="x"\n# a comment\n'
        + "\n".join(ROW.format(s=i * 100, e=i * 100 + 50) for i in range(1, 4))
        + "\nbrowser position chr1:1-2\n"
        + ROW.format(s=900, e=950)
        + "\n"
    )
    assert not _fast_decides(p)  # comments: the checked path decides
    r = parse_result(p, "diffbind", A, B)
    assert [x["region_id"] for x in r.regions.to_pylist()] == [3, 4, 5, 7]
    assert [x["start"] for x in r.regions.to_pylist()] == [100, 200, 300, 900]
    p.write_text(p.read_text() + "chr1\t5\t1\t1,2,3\t1,2\t1\t0.5\t0.5\n")
    with pytest.raises(ParseError, match=r"c\.bed:8: column 3 \(stop\): reversed"):
        parse_result(p, "diffbind", A, B)


def test_possible_duplicates_go_to_the_checked_path(tmp_path):
    """Leading zeros: same typed region, different text; the text decides (today: distinct)."""
    p = tmp_path / "z.bed"
    p.write_text(ROW.format(s="0100", e=150) + "\n" + ROW.format(s=100, e=150) + "\n")
    assert not _fast_decides(p)
    assert len(parse_result(p, "diffbind", A, B).regions) == 2
    p.write_text(ROW.format(s=100, e=150) + "\n" + ROW.format(s=100, e=150) + "\n")
    with pytest.raises(ParseError, match=r"z\.bed:2: duplicated region chr1:100-150"):
        parse_result(p, "diffbind", A, B)


def _cast_but_not_number(con, strings: list[str]) -> list[str]:
    """The strings DuckDB casts to DOUBLE, holding none of CAST_EXTRAS, that _NUM_RE rejects."""
    con.execute("create or replace temp table s as select unnest(?::varchar[]) as s", [strings])
    extras = " and ".join(f"not contains(s, chr({ord(ch)}))" for ch in stage.CAST_EXTRAS)
    return [
        r[0]
        for r in con.execute(
            f"select s from s where try_cast(s as double) is not null and {extras}"
            f" and not regexp_full_match(s, '{stage._NUM_RE}') limit 5"
        ).fetchall()
    ]


def test_cast_without_extras_accepts_only_numbers():
    """The claim behind stage.counts_cast_is_enough, on every short string of number symbols."""
    con = duckdb.connect()
    strings = ["".join(t) for k in range(1, 8) for t in itertools.product("01.eE-", repeat=k)]
    strings += ["".join(t) for t in itertools.product("1.e-", repeat=8)]
    assert _cast_but_not_number(con, strings) == []
    # each extra is needed: with it, the cast accepts a text the regex refuses
    odd = [" 1", "1 ", "+1", "1_0", "inf", "-Infinity", "nan", "NAN", "\v1", "1\f"]
    got = con.execute(
        "select list(s) from (select unnest(?::varchar[]) as s)"
        f" where try_cast(s as double) is not null and not regexp_full_match(s, '{stage._NUM_RE}')",
        [odd],
    ).fetchall()[0][0]
    assert sorted(got) == sorted(odd)
    assert all(any(ch in s for ch in stage.CAST_EXTRAS) for s in odd)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text("0123456789.eE-+_ naifINty\v\fx,\u0661\u00b2", max_size=10), max_size=300))
def test_cast_without_extras_accepts_only_numbers_fuzz(strings):
    con = duckdb.connect()
    try:
        assert _cast_but_not_number(con, [s for s in strings if "," not in s]) == []
    finally:
        con.close()


# --- property: random valid and corrupted files --------------------------------------------

SETTINGS = settings(max_examples=60, deadline=None)
_NUMS = st.sampled_from(
    ["0", "1", "12.5", "1e-300", "3.2E+05", "-0.5", ".5", "5.", "NA", "NaN", "Inf", "-Inf",
     "007", "1.5e", "+1", " 1", "1_0", "inf", "nan", "", "x", "1,2", "-"]
)  # fmt: skip
_INTS = st.sampled_from(["0", "5", "100", "0100", "-5", "+5", " 5", "5.0", "1e3", "", "x"])


@st.composite
def _files(draw) -> tuple[str, bool]:
    """Return a file's text and whether it is clean (no corrupt value, no repeated region)."""
    lines, clean, seen = [], True, set()
    for i in range(draw(st.integers(1, 12))):
        start = draw(st.integers(0, 50)) * 10
        fields = [
            draw(st.sampled_from(["chr1", "chr2", "chrX"])),
            str(start),
            str(start + draw(st.integers(0, 30))),
            ",".join(str(draw(st.integers(0, 99))) + ".00" for _ in A),
            ",".join(str(draw(st.integers(0, 99))) + ".00" for _ in B),
            repr(draw(st.floats(-8, 8))),
            repr(draw(st.floats(0, 1))),
            repr(draw(st.floats(0, 1))),
        ]
        clean = clean and (fields[0], start, fields[2]) not in seen
        seen.add((fields[0], start, fields[2]))
        if draw(st.integers(0, 3)) == 0:  # corrupt one field of this row
            clean = False
            j = draw(st.integers(0, 7))
            if j in (1, 2):
                fields[j] = draw(_INTS)
            elif j in (3, 4):
                vals = fields[j].split(",")
                vals[draw(st.integers(0, len(vals) - 1))] = draw(_NUMS)
                fields[j] = ",".join(vals)
            else:
                fields[j] = draw(_NUMS)
        lines.append("\t".join(fields))
        if i == 0 and draw(st.booleans()):
            lines.append(lines[-1])  # an exact duplicate
            clean = False
    return "\n".join(lines) + "\n", clean


@SETTINGS
@given(_files())
def test_fast_path_never_accepts_what_the_checked_path_rejects(file):
    text, clean = file
    fd = tempfile.NamedTemporaryFile("w", suffix=".bed", delete=False)
    with fd:
        fd.write(text)
    path = Path(fd.name)
    try:
        fast, checked = _staged(path, A, B, False), _staged(path, A, B, True)
        assert fast == checked
        assert _fast_decides(path) or not clean  # a clean file takes the fast path
    finally:
        path.unlink()
