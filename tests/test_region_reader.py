"""The one region reader (``chromdiff.regions``) on every real peak file, and its error lines.

``chromdiff annotate --regions`` and ``chromdiff integrate`` read region files the same way:
headerless BED3/BED5 (GEO, BETA), a MACS xls-style table with a header (1-based starts) and
Galaxy's DiffBind report (0-based, header) — issue 14 §3: `annotate` rejected the last two.
Each file's base is checked against its own evidence in ``test_region_base_conventions.py``.
"""

from __future__ import annotations

import gzip
import re

import duckdb
import pytest
from click.testing import CliRunner

from chromdiff.cli.cmd_annotate import command
from chromdiff.errors import InputError
from chromdiff.integration.readers import read_table
from chromdiff.integration.validate import type_peaks
from chromdiff.regions.reader import read_regions
from tests.realdata import REAL

# file, header lines, tool, coordinate base, first region as the file writes it
FILES = [
    ("beta_AR_LNCaP_hg19/3656_peaks.bed.gz", 0, "bed", 0, ("chr1", 1208689, 1209509)),
    (
        "chipseeker_geo_peaks_hg19/GSM1174480_ARmo_0M_peaks.bed.gz",
        0,
        "bed",
        0,
        ("chrX", 61728296, 61728780),
    ),
    (
        "chipseeker_geo_peaks_hg19/GSM1174481_ARmo_1nM_peaks.bed.gz",
        0,
        "bed",
        0,
        ("chr11", 114049845, 114050445),
    ),
    (
        "chipseeker_geo_peaks_hg19/GSM1174482_ARmo_100nM_peaks.bed.gz",
        0,
        "bed",
        0,
        ("chr11", 114049934, 114050346),
    ),
    (
        "chipseeker_geo_peaks_hg19/GSM1295076_CBX6_BF_ChipSeq_mergedReps_peaks.bed.gz",
        0,
        "bed",
        0,
        ("chr1", 815092, 817883),
    ),
    (
        "chipseeker_geo_peaks_hg19/GSM1295077_CBX7_BF_ChipSeq_mergedReps_peaks.bed.gz",
        0,
        "bed",
        0,
        ("chr1", 815462, 817741),
    ),
    (
        "chipseeker_geo_peaks_hg19/sample_peaks.txt.gz",
        1,
        "macs",
        1,
        ("chr10", 105137980, 105138593),
    ),
    ("diffbind_galaxy_hg19/diffbind_out_diffbind.tab", 1, "diffbind", 0, ("chr18", 394599, 396513)),
]


def _lines(path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as fh:
        return [ln.rstrip("\r\n") for ln in fh]


@pytest.fixture
def con():
    c = duckdb.connect()
    yield c
    c.close()


@pytest.mark.parametrize(("rel", "n_header", "tool", "base", "first"), FILES)
def test_every_real_file(con, rel, n_header, tool, base, first):
    path = REAL / rel
    lines = _lines(path)
    info = read_regions(con, path, "r")
    assert (info.tool, info.base, info.has_header) == (tool, base, n_header == 1)
    assert info.n_rows == len(lines) - n_header
    rows = con.execute("select region_key, chrom, start, stop from r order by 1").fetchall()
    # every row, key = file line, coordinates as written (starts made 0-based)
    want = []
    for i, ln in enumerate(lines[n_header:], n_header + 1):
        f = ln.split("\t")
        want.append((i, f[0], int(f[1]) - base, int(f[2])))
    assert rows == want
    assert rows[0][1:] == (first[0], first[1] - base, first[2])


@pytest.mark.parametrize(("rel", "n_header", "tool", "base", "first"), FILES)
def test_integrate_reads_the_same_regions(con, rel, n_header, tool, base, first):
    path = REAL / rel
    read_regions(con, path, "r")
    info = read_table(con, path, "peaks", "_p")
    type_peaks(con, info, base=base)
    ours = con.execute("select chrom, start, stop from r order by region_key").fetchall()
    theirs = con.execute("select chrom, start, stop from _int_peaks order by peak_id").fetchall()
    assert ours == theirs


@pytest.mark.parametrize(
    "rel",
    [
        "diffbind_galaxy_hg19/diffbind_out_diffbind.tab",
        "chipseeker_geo_peaks_hg19/sample_peaks.txt.gz",
    ],
)
def test_annotate_cli_reads_tables_with_a_header(tmp_path, rel):
    out = tmp_path / "ann.tsv"
    res = CliRunner().invoke(
        command, ["--regions", str(REAL / rel), "--genome", "hg19", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    n = len(_lines(REAL / rel)) - 1
    rows = duckdb.sql(f"select region_key, start from read_csv('{out}', delim='\t')").fetchall()
    assert len(rows) == n and rows[0][0] == 2


def _write(tmp_path, text: str, name: str = "x.bed"):
    p = tmp_path / name
    p.write_bytes(text.encode())
    return p


@pytest.mark.parametrize(
    ("text", "match"),
    [
        # DuckDB's own cast would round 10.5 to 11 and read 0x10 as 16: both are errors here
        ("chr1\t5\t20\nchr1\t10.5\t20\n", r"line 2, column 2: '10.5' is not an integer"),
        ("chr1\t5\t20\nchr1\t0x10\t20\n", r"line 2, column 2: '0x10' is not an integer"),
        ("chr1\t5\t20\nchr1\t30\t20\n", r"line 2: start 30 is not before end 20"),
        ("chr1\t-5\t20\n", r"line 1, column 2: negative start -5"),
        ("chr1\t5\t20\nchr1\t7\n", r"line 2: expected >= 3 columns \(chrom, start, end\), found 2"),
        ("chr1\t5\t20\n\n\nchr1\t9\tx\n", r"line 4, column 3: 'x' is not an integer"),
        ("chr1\t5\t20\n\t7\t9\n", r"line 2, column 1: the chromosome is empty"),
        ("Chrom\tStart\tEnd\nchr1\t1.5\t20\n", r"line 2, column 'Start': '1.5' is not an integer"),
        ("Chrom\tStart\tEnd\n", r"no regions"),
        ("", r"no regions \(the file is empty\)"),
    ],
)
def test_bad_rows_name_file_line_and_column(con, tmp_path, text, match):
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match=match) as err:
        read_regions(con, path, "r")
    assert str(err.value).startswith(str(path)) and "\n" not in str(err.value)


def test_track_lines_comments_and_r_numbers(con, tmp_path):
    text = (
        'track name="a"\n# made by hand\nchr1\t5\t20\tp1\n'
        "chr1\t1e+05\t200000\tp2\r\n"  # R's write.table prints 100000 as 1e+05
        'track name="b"\nchr2\t7\t9\tp3\textra\n'
    )
    path = _write(tmp_path, text)
    info = read_regions(con, path, "r")
    assert info.n_rows == 3
    got = con.execute("select region_key, chrom, start, stop from r order by 1").fetchall()
    assert got == [(3, "chr1", 5, 20), (4, "chr1", 100000, 200000), (6, "chr2", 7, 9)]


@pytest.mark.parametrize("header", ["gene\trowid\tlogFC", "gene\tscore\tlogFC"])
def test_scan_numbers_lines_even_with_a_rowid_column(tmp_path, header):
    """Lines are numbered by position, also when a column is called rowid (which would hide
    DuckDB's row id pseudo-column)."""
    from chromdiff.regions.reader import scan

    path = tmp_path / "de.tsv"
    path.write_text(header + "\nA\t7\t1.5\nB\t3\t-2\nC\t9\t0.1\n")
    con = duckdb.connect()
    names = header.split("\t")
    scan(con, path, "t", delim="\t", skip=1, names=names)
    got = con.execute(f'select "{names[0]}", "{names[1]}", _line from t').fetchall()
    assert got == [("A", "7", 2), ("B", "3", 3), ("C", "9", 4)]


def _int_oracle(text: str) -> int | None:
    """The coordinate rule in Python (regions.coords docstring): plain digits are the integer they
    spell; otherwise a number (sign, decimals, exponent; white space around it) that is whole and
    below 1e18, read through a double like R's ``1e+05``."""
    t = text.strip()
    if re.fullmatch(r"[0-9]{1,18}", text):
        return int(text)
    if re.fullmatch(r"-[0-9]{1,17}", text) and abs(int(text)) < 2**53:
        return int(text)
    if not re.fullmatch(r"[-+]?[0-9]*[.]?[0-9]*([eE][-+]?[0-9]+)?", t):
        return None
    try:
        v = float(t)
    except ValueError:
        return None
    return int(v) if v == int(v) and abs(v) < 1e18 else None


def test_int_sql_types_exactly_the_integers_the_rule_names(con):
    """DuckDB's cast reads 0x10, 0b11, 1_000, .5 and 10.5 as integers; the rule does not."""
    from chromdiff.regions.coords import int_sql

    texts = ["0", "007", "5", " 5", "5 ", "-5", "+5", "-0", "10.0", "5.", "1e+05", "1E5", "",
             " ", "10.5", ".5", "0x10", "0b11", "1_000", "1e-1", "inf", "nan", "\u0663", "12a",
             "--5", "1,000", "999999999999999999", "1000000000000000000",
             "9223372036854775807", "\u00a05"]  # fmt: skip
    con.execute("create temp table _t (v varchar)")
    con.executemany("insert into _t values (?)", [[t] for t in texts])
    got = dict(con.execute(f"select v, {int_sql('v')} from _t").fetchall())
    assert got == {t: _int_oracle(t) for t in texts}
    assert got["0x10"] is got["1_000"] is got["10.5"] is None and got["1e+05"] == 100000
