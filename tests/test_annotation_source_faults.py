"""The committed embedded builds correct the known faults of their public sources.

Each test annotates real positions with the committed build and checks the answer against a
fact from outside the build's own rows (coordinates 1-based as NCBI and the UCSC browser print
them; the engine's are 0-based half-open):

* 1 (small-RNA split alignments), NCBI Gene / RefSeq (GRCh37): ESR2 (Entrez 2100, minus strand)
  starts at 64,805,268 on every NM_ transcript; MIR548AZ (NR_106755) is a ~70-nt microRNA, not
  a 508-kb transcript; TGFB2 ends at 218,617,961 and the next gene, LYPLAL1, starts at
  219,347,xxx (a gene desert between).
* 2 (split alignments of duplicated genes): SEC22B (9554) exon 1 ends at 145,096,621 and exon 2
  starts at 145,103,908; NBPF8 (728841) has exons over 144,146,787-144,224,264 only; the hg38
  build (a newer RefSeq release, where the NBPF genes' exons are complete) has NBPF8 at 51 kb,
  NBPF9 37 kb, NBPF10 78 kb, NBPF20 116 kb.
* 3 (an implausible exon): F8 (2157) spans 154,064,064-154,250,998 and the 99-nt MIR1184-1
  154,115,635-154,115,733.
* 4 (chrM): the mitochondrial genome (rCRS, NC_012920; the same coordinates in GRCh37's MT and
  hg38's chrM): MT-ND1 3,307-4,262 (+), MT-CO1 5,904-7,445 (+), MT-ND6 14,149-14,673 (-); NCBI
  symbols ND1, COX1, ND6 (org.Hs.eg.db). Mouse (NC_005089): mt-Nd1 2,751-3,707 (+).
"""

from __future__ import annotations

import duckdb
import pytest

from chromdiff.annotation import annotate_regions, ensure_annotation, link_great
from chromdiff.annotation.embedded import DATA_DIR
from chromdiff.annotation.sourcefaults import SMALL_RNA_MAX_SPAN, is_small_rna
from chromdiff.warehouse.db import apply_schema
from tests.logcheck import logs_warning


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    apply_schema(c)
    for g in ("hg38", "hg19", "mm10"):
        ensure_annotation(c, g)
    return c


def annotate(con, genome, chrom, start, stop, table="out"):
    region = f"select 1 as region_key, '{chrom}' as chrom, {start} as start, {stop} as stop"
    annotate_regions(con, region, f"embedded:{genome}", table)
    return con.execute(
        f"select feature, annotation, gene_id, symbol, tss, genic_symbol from {table}"
    ).fetchone()


# --- 1. small-RNA split alignments: any microRNA name, and U snRNAs ----------------------------


@pytest.mark.parametrize(
    ("symbol", "small"),
    [
        # HGNC/MGI microRNA, snoRNA and snRNA names with every suffix form
        ("MIR548AZ", True), ("MIR548F3", True), ("MIR548H4", True), ("MIR1184-1", True),
        ("MIRLET7A1", True), ("Mir669a-10", True), ("SNORD115-21", True), ("RNU6-71P", True),
        ("RNU5F-1", True), ("RNVU1-18", True), ("RN7SK", True), ("Bc1", True),
        # host genes (long transcripts) and genes that only start like one
        ("MIR17HG", False), ("MIR4435-2HG", False), ("MIRLET7BHG", False), ("Mir99ahg", False),
        ("Mirg", False), ("Mirt1", False), ("SNHG1", False), ("TRNAU1AP", False), ("ESR2", False),
    ],
)  # fmt: skip
def test_small_rna_names(symbol, small):
    assert is_small_rna(symbol) is small


@pytest.mark.parametrize("genome", ["hg38", "hg19", "mm10"])
def test_no_small_rna_transcript_spans_kilobases(genome):
    """hg19 kept 26 microRNA split alignments (MIR548F3 670 kb, MIR548AZ 508 kb, ...) and 14 of
    U6/U5 snRNAs (RNU6-71P 477 kb), hg38 4: the old pattern missed letter+digit suffixes."""
    rows = duckdb.sql(
        f"select symbol, stop - start from '{DATA_DIR}/{genome}_transcripts.parquet'"
    ).fetchall()
    assert not [(s, n) for s, n in rows if is_small_rna(s) and n > SMALL_RNA_MAX_SPAN]
    assert sum(1 for s, _ in rows if is_small_rna(s)) > 1000  # the pattern does match


def test_hg19_esr2_tss_is_its_own(con):
    """NR_106755 (MIR548AZ, chr14:64,419,068-64,927,439 -) was ESR2's: its TSS 122 kb upstream
    of every ESR2 NM_ transcript's, and a region there was "Promoter (<=1kb)" of ESR2."""
    assert con.execute(
        "select tss from ann_genes where annotation_id = 'embedded:hg19' and gene_id = '2100'"
    ).fetchall() == [(64_805_267,)]
    feature, _ann, gene, _sym, _tss, genic = annotate(con, "hg19", "chr14", 64_927_000, 64_927_500)
    assert gene != "2100" and genic != "ESR2" and feature != "Promoter"
    _f, _a, gene, _s, tss, _g = annotate(con, "hg19", "chr14", 64_805_000, 64_805_500)
    assert (gene, tss) == ("2100", 64_805_267)


def test_hg19_esr2_promoter_links_to_esr2_in_great(con):
    """GREAT: ESR2's basal domain (TSS 64,805,267, minus strand: -1 kb/+5 kb) holds a region
    centred 17 bp downstream of it; with the 508-kb alignment the gene TSS sat elsewhere."""
    region = "select 1 as region_key, 'chr14' as chrom, 64805000 as start, 64805500 as stop"
    link_great(con, region, "embedded:hg19", "g")
    assert con.execute("select distance from g where gene_id = '2100'").fetchall() == [(17,)]


@pytest.mark.parametrize(("genome", "start"), [("hg19", 218_900_000), ("hg38", 218_726_658)])
def test_tgfb2_gene_desert_is_intergenic(con, genome, start):
    """Between TGFB2 (ends 218,617,961 in hg19) and LYPLAL1 (219.35 Mb) lies no gene; MIR548F3's
    670-kb alignment (NR_031644) made it "Intron (TGFB2, exons unknown here)". hg38 is the same
    place (hg19 - 173,342 bp on this stretch of chr1)."""
    feature, ann, *_ = annotate(con, genome, "chr1", start, start + 500)
    assert (feature, ann) == ("Distal Intergenic", "Distal Intergenic")


# --- 2. split alignments of duplicated genes -----------------------------------------------------


def test_hg19_sec22b_intron_is_sec22b_not_nbpf8(con):
    """NM_001278267 (NBPF8) spans 144,146,810-146,467,744 in refGene, over 1q21's segmental
    duplications; the 2.24 Mb past NBPF8's exons was "Intron (NBPF8, exons unknown here)" and
    won over SEC22B's first intron (145,096,622-145,103,907)."""
    feature, ann, _g, _s, _t, genic = annotate(con, "hg19", "chr1", 145_100_000, 145_100_500)
    assert (feature, genic) == ("Intron", "SEC22B")
    assert ann.startswith("Intron (SEC22B/9554, intron 1 of ")


def test_hg19_nbpf_loci_are_their_genes_not_megabases(con):
    spans = dict(
        con.execute(
            """select symbol, max(stop - start) from ann_genes
            where annotation_id = 'embedded:hg19' and symbol in ('NBPF8', 'NBPF9', 'NBPF10',
                                                                 'NBPF20')
            group by symbol"""
        ).fetchall()
    )
    # hg38 build: 51, 37, 78, 116 kb; hg19 was 2,321, 755, 1,176 and 1,535 kb
    assert set(spans) == {"NBPF8", "NBPF9", "NBPF10", "NBPF20"}
    assert max(spans.values()) < 250_000, spans
    assert con.execute(
        """select start + 1, stop from ann_genes
        where annotation_id = 'embedded:hg19' and gene_id = '728841'"""
    ).fetchall() == [(144_146_787, 144_224_264)]


@pytest.mark.parametrize(
    ("symbol", "span"),
    # NCBI (and the hg38 build): LRRC4C 1.35 Mb, LINGO2 1.26 Mb, CDH18 1.10 Mb, ACTL8 72 kb
    [("LRRC4C", 1_345_436), ("LINGO2", 1_264_915), ("CDH18", 1_102_828), ("ACTL8", 71_751)],
)
def test_hg19_long_genes_with_exons_missing_from_rsubread_keep_their_span(con, symbol, span):
    """Rsubread's older RefSeq lacks exons of these long transcripts (LRRC4C: its first 180 kb
    only), so a span past the known exons alone is not a split alignment."""
    got = con.execute(
        """select max(stop - start) from ann_transcripts
        where annotation_id = 'embedded:hg19' and symbol = ?""",
        [symbol],
    ).fetchone()[0]
    assert got == span


# --- 3. an exon longer than every transcript of its gene -----------------------------------------


@pytest.mark.parametrize("start", [154_150_000, 154_200_000])
def test_hg19_f8_introns_are_f8_introns(con, start):
    """Rsubread's hg19 row ``100302111 chrX 154115733 154215635 -`` (99.9 kb for the 99-nt
    MIR1184-1) made both F8 introns "Exon (MIR1184-1, exon 1 of 1)"."""
    feature, ann, _g, _s, _t, genic = annotate(con, "hg19", "chrX", start, start + 400)
    assert (feature, genic) == ("Intron", "F8")
    assert ann.startswith("Intron (F8/2157, intron ")
    assert con.execute(
        """select start + 1, stop from ann_exons
        where annotation_id = 'embedded:hg19' and gene_id = '100302111'"""
    ).fetchall() == [(154_115_635, 154_115_733)]


# --- 4. chrM has transcripts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("genome", "start", "gene_id", "symbol", "tss"),
    [
        ("hg38", 3_400, "4535", "ND1", 3_306),
        ("hg38", 6_000, "4512", "COX1", 5_903),
        ("hg38", 14_200, "4541", "ND6", 14_672),
        ("hg19", 3_400, "4535", "ND1", 3_306),
        ("mm10", 2_800, "17716", "mt-Nd1", 2_750),
    ],
)
def test_chrm_regions_get_a_feature_and_their_gene(con, caplog, genome, start, gene_id, symbol,
                                                   tss):  # fmt: skip
    """refGene has no chrM transcript: chrM regions had feature NULL (and a warning that chrM
    has no annotation) while genic_gene_id named a gene. Each mitochondrial gene is now one
    transcript over its exons, as in GENCODE and UCSC knownGene."""
    with logs_warning(caplog, "no annotation", count=0):
        feature, _ann, gene, sym, got_tss, genic = annotate(con, genome, "chrM", start, start + 100)
    assert (gene, sym, got_tss, genic) == (gene_id, symbol, tss, symbol)
    assert feature == "Promoter"  # within 3 kb of the TSS: Promoter wins, as in ChIPseeker


@pytest.mark.parametrize(("genome", "n"), [("hg38", 37), ("hg19", 15), ("mm10", 15)])
def test_every_mitochondrial_gene_is_one_transcript(con, genome, n):
    rows = con.execute(
        """select count(*), count(distinct t.gene_id), count(*) filter (where t.start = g.start
                  and t.stop = g.stop and t.strand = g.strand)
        from ann_transcripts t join ann_genes g using (annotation_id, gene_id, chrom)
        where annotation_id = ? and chrom = 'chrM'""",
        [f"embedded:{genome}"],
    ).fetchall()
    assert rows == [(n, n, n)]
