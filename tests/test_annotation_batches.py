"""Annotation in batches (``annotate --regions``) writes exactly what one call writes."""

from __future__ import annotations

import os

import duckdb
import pytest

from chromdiff.annotation import annotate_regions, ensure_annotation
from chromdiff.annotation.batches import annotate_to_file
from chromdiff.regions.reader import read_regions
from tests.realdata import REAL

PEAKS = REAL / "chipseeker_geo_peaks_hg19" / "GSM1174481_ARmo_1nM_peaks.bed.gz"


@pytest.mark.parametrize("checked", [False, True])
@pytest.mark.parametrize("suffix", [".tsv", ".csv", ".parquet"])
def test_batches_equal_one_call(tmp_path, suffix, checked):
    """checked: the reader's chromosome counts are passed (names checked once, no staging)."""
    con = duckdb.connect()
    aid = ensure_annotation(con, genome="hg19")
    read = read_regions(con, PEAKS, "r")
    n = read.n_rows
    assert n == 2296
    out = tmp_path / f"ann{suffix}"
    counts = read.chrom_counts if checked else None
    assert annotate_to_file(con, "r", aid, out, batch_rows=500, counts=counts) == n  # 5 batches
    annotate_regions(con, "select region_key, chrom, start, stop from r", aid, "one")
    reader = "read_parquet" if suffix == ".parquet" else "read_csv"
    got = duckdb.sql(f"select * from {reader}('{out}')").fetchall()
    cols = duckdb.sql(f"select * from {reader}('{out}') limit 0").columns
    want = con.execute('select * rename (stop as "end") from one order by region_key').fetchall()
    assert cols[:4] == ["region_key", "chrom", "start", "end"] and len(got) == n

    # text files hold text: compare as the file spells each value
    def norm(rows):
        return [tuple("" if v is None else str(v) for v in r) for r in rows]

    assert norm(got) == norm(want)
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no part left behind


def test_checked_batches_with_renamed_chromosomes(tmp_path):
    """Regions spelled ``1`` (not ``chr1``) through the checked path: same rows as one call."""
    con = duckdb.connect()
    aid = ensure_annotation(con, genome="hg19")
    read = read_regions(con, PEAKS, "r")
    con.execute(
        "create table r1 as select region_key, substr(chrom, 4) as chrom, start, stop from r"
    )
    counts = {k.removeprefix("chr"): v for k, v in read.chrom_counts.items()}
    out = tmp_path / "ann.tsv"
    assert annotate_to_file(con, "r1", aid, out, batch_rows=700, counts=counts) == read.n_rows
    annotate_regions(con, "select region_key, chrom, start, stop from r1", aid, "one")
    q = "select region_key, chrom::varchar, gene_id::varchar, annotation from {}"
    rows = con.execute(q.format(f"read_csv('{out}')")).fetchall()
    assert rows == con.execute(q.format("one order by 1")).fetchall()
    assert rows[0][1] in {str(i) for i in range(1, 23)} | {"X", "Y"}
    assert sum(r[2] is not None for r in rows) > 2000  # the renamed names found their genes


def test_batches_joined_without_copy_file_range(tmp_path, monkeypatch):
    """Where the kernel cannot copy (no copy_file_range, or it fails), Python copies the parts.

    (CSV: tab-separated batches go through the writer thread, without parts.)
    """
    con = duckdb.connect()
    aid = ensure_annotation(con, genome="hg19")
    read = read_regions(con, PEAKS, "r")
    want = tmp_path / "kernel.csv"
    annotate_to_file(con, "r", aid, want, batch_rows=600, counts=read.chrom_counts)
    calls = []

    def fail(src, dst, count, *args):
        calls.append(count)
        if len(calls) == 1:  # a partial copy, then an error: the partial bytes must not stay
            return _real(src, dst, min(count, 1000), *args)
        raise OSError(18, "Invalid cross-device link")

    _real = os.copy_file_range
    monkeypatch.setattr(os, "copy_file_range", fail)
    got = tmp_path / "python.csv"
    annotate_to_file(con, "r", aid, got, batch_rows=600, counts=read.chrom_counts)
    assert calls and got.read_bytes() == want.read_bytes()


def test_batched_tsv_is_byte_identical_to_one_duckdb_copy(tmp_path):
    """Several batches written by the writer thread == one batch written by DuckDB's COPY."""
    con = duckdb.connect()
    aid = ensure_annotation(con, genome="hg19")
    read = read_regions(con, PEAKS, "r")
    one, many = tmp_path / "one.tsv", tmp_path / "many.tsv"
    annotate_to_file(con, "r", aid, one, counts=read.chrom_counts)  # one batch: DuckDB COPY
    annotate_to_file(con, "r", aid, many, batch_rows=400, counts=read.chrom_counts)
    assert many.read_bytes() == one.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.tsv", "one.tsv"]


def test_error_in_a_batch_leaves_no_file_and_no_thread(tmp_path, monkeypatch):
    """A failure while the writer thread runs: the error surfaces, nothing is left behind."""
    import threading

    from chromdiff.annotation import batches

    con = duckdb.connect()
    aid = ensure_annotation(con, genome="hg19")
    read = read_regions(con, PEAKS, "r")
    real = batches.annotation_select
    calls = []

    def third_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("batch 3 failed")
        return real(*args, **kwargs)

    monkeypatch.setattr(batches, "annotation_select", third_fails)
    for suffix in (".tsv", ".parquet"):
        calls.clear()
        out = tmp_path / f"ann{suffix}"
        with pytest.raises(RuntimeError, match="batch 3 failed"):
            annotate_to_file(con, "r", aid, out, batch_rows=500, counts=read.chrom_counts)
        assert list(tmp_path.iterdir()) == []
        assert not [t for t in threading.enumerate() if t.name == "chromdiff-writer"]


def test_batched_tsv_with_strings_duckdb_quotes(tmp_path):
    """A batch holding a chromosome name DuckDB quotes (``"``) is still DuckDB's bytes."""
    con = duckdb.connect()
    aid = ensure_annotation(con, genome="hg19")
    read_regions(con, PEAKS, "r0")
    con.execute(
        """create table r as select region_key, case when region_key % 700 = 0
                  then 'scaffold"' || region_key else chrom end as chrom, start, stop
           from r0 order by region_key"""
    )
    one, many = tmp_path / "one.tsv", tmp_path / "many.tsv"
    annotate_to_file(con, "r", aid, one)  # one batch: DuckDB COPY
    annotate_to_file(con, "r", aid, many, batch_rows=400)
    text = many.read_bytes()
    assert text == one.read_bytes() and b'"scaffold""700"' in text


def test_large_batches_in_thread_blocks_equal_one_duckdb_copy(tmp_path, monkeypatch):
    """Batches over several row groups (DuckDB's threads each join some of them): the rows
    are put back in order (keyorder) and the file equals one ``order by`` COPY, for unsorted
    regions (generated: 260,000 uniform positions over hg19 chr1-22, widths 50-2,000 bp).
    """
    import numpy as np

    from chromdiff.annotation import batches, keyorder

    rng = np.random.default_rng(17)
    n = 260_000
    chroms = rng.integers(1, 23, n)
    starts = rng.integers(0, 50_000_000, n)
    ends = starts + rng.integers(50, 2_000, n)
    bed = tmp_path / "r.bed"
    bed.write_text(
        "".join(f"chr{c}\t{s}\t{e}\n" for c, s, e in zip(chroms, starts, ends, strict=True))
    )
    con = duckdb.connect()
    aid = ensure_annotation(con, genome="hg19")
    read = read_regions(con, bed, "r")
    seen = []

    def spy(table, key="region_key"):
        k = table.column(key).to_numpy()
        seen.append(int((k[1:] < k[:-1]).sum()))  # descents as DuckDB returned the rows
        return real(table, key)

    real = keyorder.in_key_order
    monkeypatch.setattr(keyorder, "in_key_order", spy)
    one, many = tmp_path / "one.tsv", tmp_path / "many.tsv"
    annotate_to_file(con, "r", aid, one, counts=read.chrom_counts)  # one batch: DuckDB COPY
    annotate_to_file(con, "r", aid, many, batch_rows=130_000, counts=read.chrom_counts)
    assert len(seen) == 2 and batches.BATCH_ROWS >= n  # both batches went through keyorder
    assert many.read_bytes() == one.read_bytes()


@pytest.mark.parametrize("suffix", [".tsv", ".csv"])
def test_progress_is_reported_after_each_of_several_batches(tmp_path, suffix):
    """Writer-thread (TSV) and DuckDB-copy (CSV) paths; one batch reports nothing."""
    con = duckdb.connect()
    aid = ensure_annotation(con, genome="hg19")
    read = read_regions(con, PEAKS, "r")
    calls = []
    out = tmp_path / f"ann{suffix}"
    annotate_to_file(con, "r", aid, out, batch_rows=1000, counts=read.chrom_counts,
                     progress=lambda done, total: calls.append((done, total)))  # fmt: skip
    assert calls == [(1000, 2296), (2000, 2296), (2296, 2296)]
    calls.clear()
    annotate_to_file(con, "r", aid, out, counts=read.chrom_counts,
                     progress=lambda done, total: calls.append((done, total)))  # fmt: skip
    assert calls == []


def test_cli_reports_progress_on_stderr_only(tmp_path, monkeypatch):
    """``chromdiff annotate --regions`` of several batches: progress lines on stderr, the
    summary alone on stdout (what a script reads)."""
    from click.testing import CliRunner

    from chromdiff.cli.cmd_annotate import command

    monkeypatch.setitem(annotate_to_file.__kwdefaults__, "batch_rows", 1000)
    out = tmp_path / "ann.tsv"
    res = CliRunner().invoke(
        command, ["--regions", str(PEAKS), "--genome", "hg19", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines() == [f"2296 regions annotated with embedded:hg19 -> {out}"]
    progress = [line.strip() for line in res.stderr.splitlines() if "annotated" in line]
    assert progress == [
        "annotated 1,000 of 2,296 regions",
        "annotated 2,000 of 2,296 regions",
        "annotated 2,296 of 2,296 regions",
    ]
    assert len(out.read_text().splitlines()) == 2296 + 1
