"""Unusual GTF models built as a TxDb builds them (txdbmaker ``makeTxDbFromGFF``).

``tests/data/annotation/txdb_edge_cases.gtf`` holds one case per gene (see tests/data/README.md).
The expected answers are ChIPseeker 85fd5f7's ``annotatePeak`` (transcript level) on a TxDb made
from that file by ``makeTxDbFromGFF`` (GenomicFeatures 1.50.4, Debian), run once by hand; the
live check below compares the stored gene models with that TxDb on every run where R has
GenomicFeatures (CI installs it). chromdiff names an exon or intron ``SYMBOL/GENE_ID`` where
ChIPseeker writes ``TX_ID/GENE_ID`` (docs/annotation.md); the ranks are the same.
"""

from __future__ import annotations

import logging
import shutil
import subprocess

import pytest

from chromdiff.annotation import annotate_regions, ensure_annotation
from chromdiff.annotation.links import link_within_distance
from chromdiff.warehouse.db import apply_schema, connect
from tests.realdata import DATA

GTF = DATA / "annotation" / "txdb_edge_cases.gtf"

# (chrom, 0-based start, stop) -> ChIPseeker's annotation and distanceToTSS on the TxDb
CHIPSEEKER = {
    ("chr1", 102000, 102100): ("Promoter (1-2kb)", 2000),  # BOTH.1, the + transcript
    ("chr1", 215000, 215100): ("Exon (BOTH/BOTH, exon 1 of 2)", 4900),  # BOTH.2, the - one
    ("chrY", 612000, 612100): ("Exon (GP_PAR_Y/GP_PAR_Y, exon 2 of 2)", 12000),
    ("chr2", 1312000, 1312100): ("Exon (REUSE/REUSE, exon 1 of 2)", 7900),  # gene on 2 chroms
    # CDS rows but no exon rows: the CDSs are its exons (makeTxDbFromGRanges.R:1334-1347)
    ("chr1", 625000, 625100): ("Exon (CDSONLY/CDSONLY, exon 2 of 2)", 25000),
    ("chr1", 610000, 610100): ("Intron (CDSONLY/CDSONLY, intron 1 of 1)", 10000),
    # a transcript row alone: one exon spanning it (.add_missing_exons, 774-792)
    ("chr1", 705000, 705100): ("Exon (TXONLY/TXONLY, exon 1 of 1)", 14900),
    # abutting exons [1000000,1005000) [1005000,1008000) stay two (reduce(min.gapwidth=0))
    ("chr1", 1006000, 1006100): ("Exon (ADJ/ADJ, exon 2 of 3)", 6000),
    # the gene row starts 50 kb before its only transcript: the TSS is the transcript's
    ("chr1", 1162000, 1162100): ("Exon (WIDE/WIDE, exon 2 of 2)", 12000),
}


def _annotate(regions, columns, within: int | None = None, **opts):
    """Annotate ``regions`` (or link them to the genes ``within`` bp); ``columns`` of each."""
    with connect() as con:
        apply_schema(con)
        aid = ensure_annotation(con, gtf=GTF)
        con.execute("create table rr (region_key bigint, chrom varchar, start bigint, stop bigint)")
        con.executemany("insert into rr values (?, ?, ?, ?)",
                        [(i, *r) for i, r in enumerate(regions)])  # fmt: skip
        if within is None:
            annotate_regions(con, "select * from rr", aid, "out", **opts)
        else:
            link_within_distance(con, "select * from rr", aid, "out", within)
        return con.execute(f"select {columns} from out order by region_key").fetchall()


def test_features_and_distances_are_chipseekers_on_the_txdb():
    got = _annotate(list(CHIPSEEKER), "annotation, distance_to_tss")
    assert dict(zip(CHIPSEEKER, got, strict=True)) == CHIPSEEKER


def test_a_gene_without_transcripts_becomes_one_as_txdbmaker_infers_it():
    # txdbmaker a5a885d .infer_transcripts_from_genes (makeTxDbFromGRanges.R:970-987, called at
    # 1390-1402): GENEONLY [800000, 820000) + is a transcript named GENEONLY with one exon
    got = _annotate([("chr1", 810000, 810100)], "annotation, tx_id, distance_to_tss")
    assert got == [("Exon (GENEONLY/GENEONLY, exon 1 of 1)", "GENEONLY", 10000)]


def test_gene_level_tss_is_its_transcripts_not_its_gene_row():
    # genes() is the range of a gene's transcripts (GenomicFeatures transcripts.R:261-289):
    # WIDE's TSS is 1150000 (its transcript), not 1100000 (its gene row); BOTH's transcripts
    # lie on both strands: its longest locus (the - one, 20 kb) gives the gene TSS, 219999
    got = _annotate([("chr1", 1149000, 1149100), ("chr1", 220500, 220600)],
                    "gene_id, tss", within=5000)  # fmt: skip
    assert got == [("WIDE", 1150000), ("BOTH", 219999)]


def test_a_transcript_on_both_strands_is_left_out_with_a_warning(caplog):
    # MIXS.1: exons on + and - (a TxDb drops it: "exon ranks could not be inferred")
    with caplog.at_level(logging.WARNING):
        got = _annotate([("chr1", 325000, 325100)], "feature, tx_id")
    assert got[0][0] == "Distal Intergenic" and got[0][1] != "MIXS.1"
    assert "1 transcripts lie on both strands" in caplog.text and "MIXS.1" in caplog.text


def test_unstranded_transcripts_are_left_out_with_a_warning(tmp_path, caplog):
    # makeTxDb refuses strand '.'; a TSS needs a strand
    gtf = tmp_path / "u.gtf"
    attrs = 'gene_id "{0}"; transcript_id "{0}.1";'
    gtf.write_text(
        f"chr3\tst\texon\t10001\t20000\t.\t.\t.\t{attrs.format('U')}\n"
        f"chr3\tst\texon\t40001\t42000\t.\t+\t.\t{attrs.format('S')}\n"
    )
    with connect() as con, caplog.at_level(logging.WARNING):
        apply_schema(con)
        aid = ensure_annotation(con, gtf=gtf)
        txs = con.execute("select tx_id from ann_transcripts where annotation_id = ?", [aid])
        assert txs.fetchall() == [("S.1",)]
    assert "1 transcripts have no strand ('.')" in caplog.text and "U.1 (chr3)" in caplog.text


def test_kept_where_a_txdb_drops_them_as_documented():
    # DUPTX.1 is on chrX and chrY (a PAR-style copy): a piece per chromosome, each annotated
    got = _annotate([("chrX", 512000, 512100), ("chrY", 512000, 512100)], "annotation")
    assert got == [("Exon (DUPTX/DUPTX, exon 2 of 2)",)] * 2


def _have_genomicfeatures() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = "suppressPackageStartupMessages(library(GenomicFeatures))"
    return subprocess.run(["Rscript", "-e", probe], capture_output=True).returncode == 0


R_TXDB = """suppressPackageStartupMessages(library(GenomicFeatures))
txdb <- suppressWarnings(makeTxDbFromGFF("{gtf}", format = "gtf"))
tx <- as.data.frame(transcripts(txdb, columns = "tx_name"))
write.table(tx[, c("tx_name", "seqnames", "start", "end", "strand")], "{out}/tx.tsv",
            sep = "\\t", quote = FALSE, row.names = FALSE)
ex <- as.data.frame(exonsBy(txdb, "tx", use.names = TRUE))
write.table(ex[, c("group_name", "seqnames", "start", "end", "exon_rank")], "{out}/ex.tsv",
            sep = "\\t", quote = FALSE, row.names = FALSE)
g <- as.data.frame(suppressMessages(genes(txdb)))
write.table(g[, c("gene_id", "seqnames", "start", "end", "strand")], "{out}/genes.tsv",
            sep = "\\t", quote = FALSE, row.names = FALSE)
"""


def _rows(path):
    lines = path.read_text().splitlines()[1:]
    return {tuple(int(v) if v.isdigit() else v for v in line.split("\t")) for line in lines}


@pytest.mark.skipif(not _have_genomicfeatures(), reason="needs Rscript with GenomicFeatures")
def test_gene_models_equal_the_txdbs(tmp_path):
    """Every transcript, exon rank and gene the TxDb holds is stored alike (1-based there)."""
    script = R_TXDB.format(gtf=GTF, out=tmp_path)
    subprocess.run(["Rscript", "-e", script], check=True, capture_output=True)
    with connect() as con:
        apply_schema(con)
        aid = ensure_annotation(con, gtf=GTF)
        q = lambda sql: set(con.execute(sql, [aid]).fetchall())  # noqa: E731
        txs = q("select tx_id, chrom, start + 1, stop, strand from ann_transcripts "
                "where annotation_id = ?")  # fmt: skip
        exons = q("""select tx_id, chrom, start + 1, stop,
                            row_number() over (partition by tx_id, chrom order by
                                               case when strand = '-' then -start else start end)
                     from ann_tx_exons where annotation_id = ?""")
        genes = q("select gene_id, chrom, start + 1, stop, strand from ann_genes "
                  "where annotation_id = ?")  # fmt: skip
    # dropped by the TxDb, kept here (docs/annotation.md): a transcript_id on two chromosomes
    # (DUPTX.1, MIXC.1), overlapping exons merged (OVL.1); GENEONLY: GenomicFeatures 1.50.4
    # predates txdbmaker's transcript inferred from a gene row
    extra = {"DUPTX.1", "MIXC.1", "OVL.1", "GENEONLY"}
    assert {r for r in txs if r[0] not in extra} == _rows(tmp_path / "tx.tsv")
    assert {r for r in exons if r[0] not in extra} == _rows(tmp_path / "ex.tsv")
    # genes() leaves out genes on both strands or several chromosomes (single.strand.genes.only)
    kept = _rows(tmp_path / "genes.tsv")
    assert {r for r in genes if r[0] in {k[0] for k in kept}} == kept
