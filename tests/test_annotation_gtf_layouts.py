"""GTF files as they come: loose spacing, '#' in a value, gzip without '.gz', GFF3 by mistake.

The reference is the same model written the usual way (one space, quoted values, plain text):
each variant must give its exact annotation, or be refused naming the file. rtracklayer (which
``makeTxDbFromGFF`` uses) reads the spacing and gzip variants and refuses none of them.
"""

from __future__ import annotations

import gzip
import re

import pytest

from chromdiff.annotation import annotate_regions, ensure_annotation
from chromdiff.errors import InputError
from chromdiff.warehouse.db import apply_schema, connect

# gene gA (+): exons [1000,2000) [3000,5000); gene gB (-): exons [8000,9000) [10000,12000)
ROWS = [
    ("gene", 1001, 5000, "+", "gA", None), ("transcript", 1001, 5000, "+", "gA", "tA"),
    ("exon", 1001, 2000, "+", "gA", "tA"), ("exon", 3001, 5000, "+", "gA", "tA"),
    ("gene", 8001, 12000, "-", "gB", None), ("transcript", 8001, 12000, "-", "gB", "tB"),
    ("exon", 8001, 9000, "-", "gB", "tB"), ("exon", 10001, 12000, "-", "gB", "tB"),
]  # fmt: skip
REGIONS = [(999, 1000), (1500, 1510), (2500, 2510), (4500, 4510), (6000, 6010), (8500, 8510),
           (11990, 12000)]  # fmt: skip


def _gtf(rows, attrs='gene_id "{g}"; transcript_id "{t}"; gene_name "{n}";', name=None) -> str:
    """The GTF of ``rows`` with attributes written as ``attrs`` (gene rows: no transcript_id)."""
    gene_attrs = re.sub(r'transcript_id\s+"?\{t\}"?\s*;\s*', "", attrs)
    lines = ["#!genome-build test", "##description: hand-written"]
    for feature, s, e, strand, g, t in rows:
        a = (gene_attrs if t is None else attrs).format(g=g, t=t, n=name or g.upper())
        lines.append(f"chr1\tTEST\t{feature}\t{s}\t{e}\t.\t{strand}\t.\t{a}")
    return "\n".join(lines) + "\n"


def _annotate(path) -> list[tuple]:
    with connect() as con:
        apply_schema(con)
        aid = ensure_annotation(con, gtf=path)
        con.execute("create table rr (region_key bigint, chrom varchar, start bigint, stop bigint)")
        con.executemany("insert into rr values (?, 'chr1', ?, ?)",
                        [(i, s, e) for i, (s, e) in enumerate(REGIONS)])  # fmt: skip
        annotate_regions(con, "select * from rr", aid, "out")
        return con.execute(
            "select feature, annotation, gene_id, symbol, tx_id, distance_to_tss from out "
            "order by region_key"
        ).fetchall()


@pytest.fixture
def reference(tmp_path):
    path = tmp_path / "ref.gtf"
    path.write_text(_gtf(ROWS))
    got = _annotate(path)
    # by hand: TSSs 1000 (gA, +) and 11999 (gB, -); promoter within 3 kb wins over the exons
    assert [g[0] for g in got] == ["Promoter", "Promoter", "Promoter", "Exon", "Downstream",
                                   "Exon", "Promoter"]  # fmt: skip
    assert {g[2] for g in got} == {"gA", "gB"}
    return got


def test_two_spaces_before_a_value_read_as_one(tmp_path, reference):
    """`gene_id  "gA"` made every ID a single space: one gene, labels 'Exon ( / , ...)'."""
    path = tmp_path / "spaces.gtf"
    path.write_text(_gtf(ROWS, 'gene_id  "{g}";  transcript_id  "{t}";  gene_name  "{n}";'))
    assert _annotate(path) == reference


def test_unquoted_values_lose_the_space_before_the_semicolon(tmp_path, reference):
    path = tmp_path / "bare.gtf"
    path.write_text(_gtf(ROWS, "gene_id {g} ; transcript_id {t} ; gene_name {n} ;"))
    assert _annotate(path) == reference


def test_gzip_is_told_by_its_bytes_not_its_name(tmp_path, reference):
    path = tmp_path / "annotation.gtf"  # gzipped, but named .gtf
    path.write_bytes(gzip.compress(_gtf(ROWS).encode()))
    assert _annotate(path) == reference


def test_a_hash_inside_a_value_is_kept(tmp_path):
    """DuckDB's comment='#' cut the line at the '#': symbol 'GENE' for gene_name "GENE#A"."""
    path = tmp_path / "hash.gtf"
    path.write_text(_gtf(ROWS, name="GENE#A"))
    assert {g[3] for g in _annotate(path)} == {"GENE#A"}


def test_gff3_is_refused_naming_the_format(tmp_path):
    """GFF3's ID=/Parent= attributes gave one gene '' and 'no annotation' for every region."""
    path = tmp_path / "genes.gff3"
    path.write_text(
        "##gff-version 3\n"
        "chr1\tT\tgene\t1001\t5000\t.\t+\t.\tID=gA;Name=GA\n"
        "chr1\tT\tmRNA\t1001\t5000\t.\t+\t.\tID=tA;Parent=gA\n"
        "chr1\tT\texon\t1001\t2000\t.\t+\t.\tParent=tA\n"
    )
    with pytest.raises(InputError, match=r"genes\.gff3: a GFF3 file .*not a GTF"):
        _annotate(path)


def test_a_bad_row_is_named_by_its_line_in_the_file(tmp_path):
    """The line counted data rows only: a track line under two header lines was 'line 1'."""
    path = tmp_path / "track.gtf"
    head = "##description: hand-written\n"
    path.write_text(_gtf(ROWS).replace(head, head + "\ntrack name=x\n"))  # a blank line too
    with pytest.raises(InputError, match=r"track\.gtf: line 4, column 4: not a valid GTF row"):
        _annotate(path)
