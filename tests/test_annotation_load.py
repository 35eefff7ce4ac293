"""Embedded builds, GTF loading (real GENCODE / Ensembl subsets) and annotate_comparison."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import duckdb
import pytest

from chromdiff.annotation import (
    annotate_comparison,
    annotate_regions,
    ensure_annotation,
)
from chromdiff.errors import InputError
from chromdiff.warehouse.db import apply_schema
from tests.logcheck import logs_warning
from tests.realdata import ANNOTATION

FIX = ANNOTATION


@pytest.fixture
def con():
    c = duckdb.connect()
    apply_schema(c)
    return c


def parse_gtf(path: Path) -> list[list[str]]:
    with gzip.open(path, "rt") as fh:
        return [line.rstrip("\n").split("\t") for line in fh if not line.startswith("#")]


def test_embedded_hg38_loaded_once_with_provenance(con):
    aid = ensure_annotation(con, "hg38")
    assert ensure_annotation(con, "hg38") == aid == "embedded:hg38"
    src = con.execute(
        "select kind, licence, n_genes, n_transcripts from annotation_sources"
    ).fetchall()
    assert len(src) == 1 and src[0][0] == "embedded" and src[0][1]
    # TP53: Entrez 7157, minus strand, chr17; TSS is the gene end - 1.
    tp53 = con.execute(
        "select chrom, strand, stop - 1 = tss, symbol from ann_genes where gene_id = '7157'"
    ).fetchall()
    assert tp53 == [("chr17", "-", True, "TP53")]
    tx = con.execute(
        "select count(*), count(gene_id) from ann_transcripts where symbol = 'TP53'"
    ).fetchall()[0]
    assert tx[0] >= 5 and tx[0] == tx[1]


def test_unknown_genome_warns_and_returns_none(con, caplog):
    with logs_warning(caplog, "mm9"):
        assert ensure_annotation(con, "mm9") is None


def test_gencode_gtf(con):
    path = FIX / "pyranges_gencode_v29_chr1_subset.gtf.gz"
    rows = parse_gtf(path)
    gene_ids = {re.search(r'gene_id "([^"]+)"', r[8]).group(1) for r in rows}
    tx_ids = {m.group(1) for r in rows if (m := re.search(r'transcript_id "([^"]+)"', r[8]))}
    aid = ensure_annotation(con, gtf=path)
    assert aid.startswith("gtf:")
    n = con.execute(
        "select count(distinct gene_id), count(distinct tx_id) from ann_transcripts "
        "where annotation_id = ?",
        [aid],
    ).fetchall()[0]
    assert n == (
        len(
            {
                g
                for r in rows
                if r[2] == "transcript"
                for g in re.findall(r'gene_id "([^"]+)"', r[8])
            }
        ),
        len(tx_ids),
    )
    assert con.execute("select count(*) from ann_genes where annotation_id = ?", [aid]).fetchall()[
        0
    ][0] == len(gene_ids)
    ddx = con.execute(
        "select start, stop, strand, tss from ann_genes where symbol = 'DDX11L1'"
    ).fetchall()
    assert ddx == [(11868, 14409, "+", 11868)]
    # merged exons never overlap within a gene
    overl = con.execute(
        """select count(*) from (select start, lag(stop) over (partition by gene_id order by start)
           as p from ann_exons where annotation_id = ?) where start <= p""",
        [aid],
    ).fetchall()
    assert overl[0][0] == 0
    kinds = dict(con.execute("select kind, count(*) from ann_utrs group by 1").fetchall())
    assert kinds.get("5UTR", 0) > 0 and kinds.get("3UTR", 0) > 0
    # a UTR region is labelled as such when the promoter window does not cover it
    utr = con.execute(
        "select chrom, start, stop, kind from ann_utrs where kind = '3UTR' "
        "order by stop - start desc limit 1"
    ).fetchall()[0]
    con.execute(
        "create table rr as select 1 as region_key, ?::varchar as chrom, "
        "?::bigint + 1 as start, ?::bigint + 2 as stop",
        [utr[0], utr[1], utr[1]],
    )
    annotate_regions(
        con,
        "select * from rr",
        aid,
        "out",
        tss_region=(-1, 1),
        priority=("3UTR", "5UTR", "Promoter", "Exon", "Intron"),
    )
    assert con.execute("select feature from out").fetchall() == [("3' UTR",)]


def test_ensembl_gtf_without_chr_prefix(con):
    path = FIX / "pyranges_ensembl_human_subset.gtf.gz"
    aid = ensure_annotation(con, gtf=path)
    chroms = {c for (c,) in con.execute("select distinct chrom from ann_genes").fetchall()}
    assert "1" in chroms and "chr1" not in chroms
    start = con.execute("select tss from ann_genes where symbol = 'DDX11L1'").fetchall()[0][0]
    con.execute(
        "create table rr as select 1 as region_key, 'chr1' as chrom, "
        "?::bigint - 10 as start, ?::bigint + 10 as stop",
        [start, start],
    )
    annotate_regions(con, "select * from rr", aid, "out")
    assert con.execute("select chrom, symbol, distance_to_tss from out").fetchall() == [
        ("chr1", "DDX11L1", 0)
    ]


def test_bad_gtf_names_line_and_writes_nothing(con, tmp_path):
    bad = tmp_path / "bad.gtf"
    bad.write_text(
        'chr1\tx\texon\t10\t20\t.\t+\t.\tgene_id "A"; transcript_id "T";\n'
        'chr1\tx\texon\tTEN\t20\t.\t+\t.\tgene_id "A";\n'
    )
    with pytest.raises(InputError, match=r"bad\.gtf: line 2, column 4: not a valid GTF row"):
        ensure_annotation(con, gtf=bad)
    assert con.execute("select count(*) from ann_transcripts").fetchall()[0][0] == 0
    assert con.execute("select count(*) from annotation_sources").fetchall()[0][0] == 0


def _comparison(con, genome):
    con.execute(
        "insert into comparisons (comparison_id, title, analysis, genome, description_a, "
        "description_b, threshold, n_a, n_b, input_hash, base_url, status) values "
        "(?, 't', 'diffbind', ?, 'a', 'b', 50, 2, 2, 'h', 'u', 'loaded')",
        ["c1", genome],
    )
    # hg38 refGene: TP53 (-) TSS base 7687549; WRAP53 (+) TSSs 7686070, 7687439, 7688348.
    con.execute(
        "insert into regions (comparison_id, region_id, chrom, start, stop) values "
        "('c1', 1, 'chr17', 7687500, 7687560), ('c1', 2, 'chr17', 7685000, 7685100), "
        "('c1', 3, 'chr17', 7687400, 7687600)"
    )


def test_annotate_comparison_labels(con):
    _comparison(con, "hg38")
    assert annotate_comparison(con, "c1") == 3
    rows = con.execute(
        "select region_id, symbol, distance_to_tss, nearest_label, feature, "
        "genic_symbol from region_annotation order by 1"
    ).fetchall()
    assert rows[0][:5] == (1, "TP53", 0, "TP53", "Promoter")
    # 7685100 - 7686070 - 1 = -971 upstream of WRAP53; the region lies in a TP53 intron,
    # so the label names the overlapping gene.
    assert rows[1] == (2, "WRAP53", -971, "TP53", "Promoter", "TP53")
    # two TSSs inside: the leftmost (WRAP53 7687439) wins, as bedtools -t first would
    assert rows[2][:3] == (3, "WRAP53", 0)
    assert annotate_comparison(con, "c1") == 3  # idempotent: replaces
    assert con.execute("select count(*) from region_annotation").fetchall()[0][0] == 3


def test_annotate_comparison_unknown_genome(con, caplog):
    _comparison(con, "rn6")
    with logs_warning(caplog, "no embedded annotation for genome 'rn6'"):
        assert annotate_comparison(con, "c1") == 0
    assert con.execute("select count(*) from region_annotation").fetchall()[0][0] == 0


def test_prefect_task_body_on_a_db_file(tmp_path):
    from chromdiff.warehouse.db import writer
    from tasks.annotate import annotate_comparison_task

    db = tmp_path / "t.duckdb"
    with writer(db) as c:
        _comparison(c, "hg38")
    assert annotate_comparison_task.fn(str(db), "c1") == 3
    with writer(db) as c:
        labels = c.execute("select nearest_label from region_annotation order by region_id")
        assert [r[0] for r in labels.fetchall()][:2] == ["TP53", "TP53"]
