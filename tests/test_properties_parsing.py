"""Hypothesis property tests of the result-BED parser (``chromdiff.parsing.parse_result``).

Round trip: any well-formed 2025 diffbind file parses to exactly the values written (coordinates,
logFC, P, FDR, per-experiment counts mapped to ``sorted(ids)``, group means). Fuzz: any
corruption of a valid file either parses or raises ``ParseError`` naming ``file:line`` — never
another exception type.
"""

from __future__ import annotations

import math
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chromdiff.errors import ParseError
from chromdiff.parsing.result import parse_result

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
IDS_A = ["SRX30", "SRX4", "SRX100"]  # deliberately not in sorted order
IDS_B = ["ERX2", "DRX9"]

chroms = st.sampled_from(["chr1", "chr2", "chrX", "chrM", "chrUn_KI270742v1", "chr10"])
counts = st.lists(st.integers(0, 10_000_000).map(lambda c: c / 100), min_size=1, max_size=1).map(
    lambda x: x[0]
)
prob = st.floats(0, 1, allow_nan=False)
finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)


@st.composite
def rows(draw) -> list[tuple]:
    n = draw(st.integers(1, 30))
    out, seen = [], set()
    for _ in range(n):
        chrom = draw(chroms)
        start = draw(st.integers(0, 10**9))
        stop = start + draw(st.integers(0, 100_000))
        if (chrom, start, stop) in seen:
            continue
        seen.add((chrom, start, stop))
        ca = [draw(counts) for _ in IDS_A]
        cb = [draw(counts) for _ in IDS_B]
        # logFC sign follows the counts, as edgeR's does (otherwise the parser's documented
        # sign cross-check would flip a mostly-inverted file, chipatlas_api.md §4.2)
        diff = sum(ca) / len(ca) - sum(cb) / len(cb)
        lfc = math.copysign(abs(draw(finite)), diff) if diff else 0.0
        out.append((chrom, start, stop, ca, cb, lfc, draw(prob), draw(prob)))
    return out


def _line(r: tuple) -> str:
    chrom, start, stop, ca, cb, lfc, p, q = r
    fmt = ",".join
    return (
        f"{chrom}\t{start}\t{stop}\t{fmt(f'{c:.2f}' for c in ca)}\t{fmt(f'{c:.2f}' for c in cb)}"
        f"\t{lfc!r}\t{p!r}\t{q!r}"
    )


def _write(text: str, newline: str = "\n") -> Path:
    fd = tempfile.NamedTemporaryFile("wb", suffix=".bed", delete=False)
    with fd:
        fd.write(text.replace("\n", newline).encode())
    return Path(fd.name)


@SETTINGS
@given(rows())
def test_round_trip_values(data: list[tuple]) -> None:
    path = _write("".join(_line(r) + "\n" for r in data))
    try:
        parsed = parse_result(path, "diffbind", IDS_A, IDS_B)
    finally:
        path.unlink()
    reg = parsed.regions.to_pylist()
    assert len(reg) == len(data)
    for got, (chrom, start, stop, ca, cb, lfc, p, q) in zip(reg, data, strict=True):
        assert (got["chrom"], got["start"], got["stop"]) == (chrom, start, stop)
        assert (got["logfc"], got["pvalue"], got["qvalue"]) == (lfc, p, q)
        assert math.isclose(got["mean_count_a"], sum(ca) / len(ca), rel_tol=1e-9, abs_tol=1e-9)
        assert math.isclose(got["mean_count_b"], sum(cb) / len(cb), rel_tol=1e-9, abs_tol=1e-9)
    # value i of a group's comma list belongs to sorted(ids)[i] (chipatlas_api.md §4)
    order = sorted(IDS_A) + sorted(IDS_B)
    expected = {
        (i, e): c for i, r in enumerate(data, 1) for e, c in zip(order, r[3] + r[4], strict=True)
    }
    got_counts = {
        (row["region_id"], row["experiment_id"]): row["count"] for row in parsed.counts.to_pylist()
    }
    assert got_counts.keys() == expected.keys()
    assert all(math.isclose(got_counts[k], v, abs_tol=1e-9) for k, v in expected.items())


@SETTINGS
@given(rows(), st.sampled_from(["\n", "\r\n"]))
def test_line_endings_do_not_change_values(data: list[tuple], newline: str) -> None:
    text = "".join(_line(r) + "\n" for r in data)
    path = _write(text, newline)
    try:
        parsed = parse_result(path, "diffbind", IDS_A, IDS_B)
    finally:
        path.unlink()
    assert parsed.regions.column("chrom").to_pylist() == [r[0] for r in data]
    assert parsed.regions.column("qvalue").to_pylist() == [r[7] for r in data]


_WHERE = re.compile(r"^.+\.bed:(\d+): \S")


@SETTINGS
@given(
    rows(),
    st.data(),
    st.sampled_from(["replace_field", "drop_field", "add_field", "insert_text", "truncate"]),
)
def test_corrupted_file_parses_or_names_file_and_line(data, draw, how: str) -> None:
    lines = [_line(r) for r in data]
    k = draw.draw(st.integers(0, len(lines) - 1))
    fields = lines[k].split("\t")
    j = draw.draw(st.integers(0, len(fields) - 1))
    junk = draw.draw(st.text(st.characters(blacklist_categories=["Cs"]), max_size=12))
    if how == "replace_field":
        fields[j] = junk
    elif how == "drop_field":
        del fields[j]
    elif how == "add_field":
        fields.insert(j, junk)
    elif how == "insert_text":
        fields[j] = fields[j][:1] + junk + fields[j][1:]
    else:
        fields = "\t".join(fields)[: draw.draw(st.integers(0, len(lines[k])))].split("\t")
    lines[k] = "\t".join(fields)
    path = _write("\n".join(lines) + "\n")
    try:
        parse_result(path, "diffbind", IDS_A, IDS_B)
    except ParseError as exc:
        msg = str(exc)
        assert "\n" not in msg
        m = _WHERE.match(msg)
        assert m and str(path) in msg, msg
        assert 1 <= int(m.group(1)) <= len(lines) + 1
    finally:
        path.unlink()
