"""Bad input: each case is one clear line naming the file and line, exit code 1, nothing written."""

from pathlib import Path

import pytest

from chromdiff.cli.main import main
from chromdiff.errors import ParseError
from chromdiff.parsing import parse_result

DATA = Path(__file__).parent / "data" / "parsing"
ROW = "chr1\t{s}\t{e}\t1.00,2.00\t3.00\t0.5\t0.01\t0.02"


def run_cli(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    err = capsys.readouterr().err.strip()
    return exc.value.code, err


def test_windows_line_endings_and_bom(tmp_path):
    p = tmp_path / "crlf.bed"
    body = "\r\n".join(ROW.format(s=i * 10, e=i * 10 + 5) for i in range(1, 4)) + "\r\n"
    p.write_bytes(b"\xef\xbb\xbf" + body.encode())
    r = parse_result(p, "diffbind", ["SRX1", "SRX2"], ["SRX3"])
    reg = r.regions.to_pylist()
    assert [x["chrom"] for x in reg] == ["chr1"] * 3
    assert reg[0]["qvalue"] == 0.02 and reg[2]["start"] == 30


def test_crlf_errors_keep_line_numbers(tmp_path):
    p = tmp_path / "crlf.bed"
    p.write_bytes(("\r\n".join([ROW.format(s=1, e=5), ROW.format(s=9, e=2)]) + "\r\n").encode())
    with pytest.raises(ParseError, match=r"crlf\.bed:2: column 3 \(stop\): reversed"):
        parse_result(p, "diffbind", ["SRX1", "SRX2"], ["SRX3"])


def test_huge_line(tmp_path):
    p = tmp_path / "huge.bed"
    p.write_text(ROW.format(s=1, e=5) + "\n" + "chr1\t" + "9" * (2 << 20) + "\n")
    with pytest.raises(ParseError, match=r"huge\.bed.*cannot read"):
        parse_result(p, "diffbind", ["SRX1", "SRX2"], ["SRX3"])


def test_binary_garbage(tmp_path):
    p = tmp_path / "bin.bed"
    p.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ParseError, match=r"bin\.bed"):
        parse_result(p, "diffbind", ["SRX1", "SRX2"], ["SRX3"])


def test_dmr_fewer_columns_and_bad_cpgs(tmp_path):
    p = tmp_path / "d.bed"
    p.write_text("chr1\t1\t9\t0.1\t0.2\t3\t0.1\t0.1\t0.5\n")
    with pytest.raises(ParseError, match=r"d\.bed:1: expected 10"):
        parse_result(p, "dmr", ["SRX1"], ["SRX2"])
    p.write_text("chr1\t1\t9\t0.1\t0.2\t3.5\t0.1\t0.1\t0.5\t0.3\n")
    with pytest.raises(ParseError, match=r"d\.bed:1: column 6 \(#CpGs\)"):
        parse_result(p, "dmr", ["SRX1"], ["SRX2"])


@pytest.mark.parametrize(
    ("a_text", "b_text", "extra", "match"),
    [
        ("SRX1\nSRR2\n", "SRX3\n", [], r"A\.txt:2: invalid experiment ID 'SRR2'"),
        ("SRX1\nSRX2\n", "SRX2\n", [], r"IDs in both groups A and B: SRX2"),
        ("SRX1\n", "SRX3\n", ["--title", "bad:title"], r"title 'bad:title' .* ':'"),
        ("SRX1\n", "SRX3\n", ["--genome", "hg18"], r"^error: unknown genome 'hg18'"),
        ("SRX1\n", "SRX3\n", ["--analysis", "chip"], r"^error: unknown analysis 'chip'"),
        ("\ufeffSRX1\r\nSRX1\r\n\x00\r\n", "SRX3\n", [], r"A\.txt:3: invalid"),
    ],
)
def test_cli_bad_inputs_one_line_nothing_written(tmp_path, capsys, a_text, b_text, extra, match):
    a, b, db = tmp_path / "A.txt", tmp_path / "B.txt", tmp_path / "x.duckdb"
    a.write_text(a_text, encoding="utf-8")
    b.write_text(b_text)
    args = ["compare", "--a", str(a), "--b", str(b), "--db", str(db), "--output", str(tmp_path)]
    code, err = run_cli(args + extra, capsys)
    assert code != 0
    assert len(err.splitlines()) == 1, err
    import re

    assert re.search(match, err), err
    assert not db.exists()
    assert not list(tmp_path.glob("hg38_*"))


def test_cli_missing_file(tmp_path, capsys):
    b = tmp_path / "B.txt"
    b.write_text("SRX3\n")
    code, err = run_cli(["compare", "--a", str(tmp_path / "nope.txt"), "--b", str(b)], capsys)
    assert code == 1 and err == f"error: {tmp_path / 'nope.txt'}: file not found"
