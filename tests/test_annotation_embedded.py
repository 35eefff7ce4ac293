"""Invariants of the committed embedded builds (hg38, hg19, mm10) against independent facts.

Issue 14 §1/§2: Rsubread lists multi-copy genes at several loci (GeneID 100126512: six 74-bp
copies across chr1:16.5-149.6 Mb) and the old builder joined them into giant "introns"; the old
transcript -> gene ranking let a symbol-less gene win (hg19 CAMTA1 -> 100505935). Reference
coordinates are NCBI Gene / UCSC refGene (1-based closed, as the browsers print them).
"""

from __future__ import annotations

import random

import duckdb
import pytest

from chromdiff.annotation import annotate_regions, ensure_annotation
from chromdiff.annotation.embedded import DATA_DIR, GENOMES
from chromdiff.warehouse.db import apply_schema

#: No human or mouse transcript is longer than this (DMD ~2.2 Mb, CNTNAP2 ~2.3 Mb, mouse Ptprd).
MAX_SPAN = 2_500_000


@pytest.fixture(scope="module")
def builds():
    con = duckdb.connect()
    for g in GENOMES:
        for t in ("genes", "transcripts", "exons"):
            con.execute(
                f"create view {g}_{t} as select * from read_parquet('{DATA_DIR}/{g}_{t}.parquet')"
            )
        # each exon's locus (the gene row of its gene, chromosome and strand containing it) and
        # the introns: gaps between consecutive exons of one locus
        con.execute(
            f"""create table {g}_loc as
            select e.*, g.start as gs, g.stop as ge, count(*) over (partition by e.gene_id,
                   e.chrom, e.strand, e.start) as n_loci
            from {g}_exons e join {g}_genes g
              on g.gene_id = e.gene_id and g.chrom = e.chrom and g.strand = e.strand
             and g.start <= e.start and e.stop <= g.stop"""
        )
        con.execute(
            f"""create table {g}_introns as
            select gene_id, chrom, strand, stop as start, lead(start) over w as stop
            from {g}_loc window w as (partition by gene_id, chrom, strand, gs order by start)
            qualify lead(start) over w > stop"""
        )
    return con


def one(con, sql):
    return con.execute(sql).fetchall()[0]


@pytest.mark.parametrize("g", GENOMES)
def test_every_exon_lies_in_exactly_one_locus_of_its_gene(builds, g):
    n_exons = one(builds, f"select count(*) from {g}_exons")[0]
    n_in, most = one(builds, f"select count(*), max(n_loci) from {g}_loc")
    assert n_in == n_exons and most == 1


@pytest.mark.parametrize("g", GENOMES)
def test_every_intron_lies_inside_one_transcript_of_its_gene(builds, g):
    n, outside, too_long = one(
        builds,
        f"""select count(*),
                   count(*) filter (where not exists (
                       select 1 from {g}_transcripts t where t.gene_id = i.gene_id
                       and t.chrom = i.chrom and t.strand = i.strand
                       and t.start <= i.start and i.stop <= t.stop)),
                   count(*) filter (where i.stop - i.start > coalesce(
                       (select max(t.stop - t.start) from {g}_transcripts t
                        where t.gene_id = i.gene_id), 0))
            from {g}_introns i""",
    )
    assert n > 150_000  # tens of thousands of multi-exon genes
    assert outside == 0 and too_long == 0


@pytest.mark.parametrize("g", GENOMES)
def test_gene_spans_are_transcript_loci_never_giant(builds, g):
    """A locus is its gene's transcripts (and exons) chained by overlap, else one exon."""
    biggest, without_tx_multi = one(
        builds,
        f"""select max(stop - start),
                   count(*) filter (where not exists (
                       select 1 from {g}_transcripts t where t.gene_id = g.gene_id
                       and t.chrom = g.chrom and t.strand = g.strand
                       and t.start < g.stop and g.start < t.stop)
                     and (select count(*) from {g}_loc l where l.gene_id = g.gene_id
                          and l.chrom = g.chrom and l.strand = g.strand and l.gs = g.start) > 1)
            from {g}_genes g""",
    )
    assert biggest <= MAX_SPAN
    assert without_tx_multi == 0  # no transcript: a single-exon locus, never an intron
    # a locus is no longer than the chain of its own transcripts and exons: no gap inside it
    # is covered by neither (the old builds spanned min..max of every copy)
    gaps = one(
        builds,
        f"""with iv as (
                select g.start as gs, g.stop as ge, g.gene_id, g.chrom, g.strand, t.start, t.stop
                from {g}_genes g join {g}_transcripts t on t.gene_id = g.gene_id
                 and t.chrom = g.chrom and t.strand = g.strand
                 and t.start < g.stop and g.start < t.stop
                union all select gs, ge, gene_id, chrom, strand, start, stop from {g}_loc),
            o as (select *, max(stop) over (partition by gene_id, chrom, strand, gs
                      order by start, stop rows between unbounded preceding and 1 preceding)
                      as pm
                  from iv)
            select count(*) from o where pm is not null and start > pm""",
    )[0]
    assert gaps == 0


@pytest.mark.parametrize(
    ("g", "gene_id", "symbol", "chrom", "strand", "start1", "end"),
    [
        # NCBI Gene / UCSC refGene extents (1-based)
        ("hg38", "7157", "TP53", "chr17", "-", 7_668_402, 7_687_550),
        ("hg38", "672", "BRCA1", "chr17", "-", 43_044_295, 43_125_483),
        ("hg38", "1756", "DMD", "chrX", "-", 31_119_219, 33_339_609),
        ("hg38", "26047", "CNTNAP2", "chr7", "+", 146_116_361, 148_420_998),
        ("hg19", "7157", "TP53", "chr17", "-", 7_571_720, 7_590_868),
        ("hg19", "23261", "CAMTA1", "chr1", "+", 6_845_384, 7_829_766),
        ("hg19", "51741", "WWOX", "chr16", "+", 78_133_310, 79_246_564),
        ("hg19", "1756", "DMD", "chrX", "-", 31_137_345, 33_357_726),
        ("mm10", "22059", "Trp53", "chr11", "+", 69_580_360, 69_591_873),
    ],
)
def test_well_known_genes_have_their_published_span(
    builds, g, gene_id, symbol, chrom, strand, start1, end
):
    rows = builds.execute(
        f"""select symbol, start + 1, stop, tss from {g}_genes
            where gene_id = ? and chrom = ? and strand = ?""",
        [gene_id, chrom, strand],
    ).fetchall()
    assert len(rows) == 1
    sym, s, e, tss = rows[0]
    assert sym == symbol
    assert abs(s - start1) <= 2_000 and abs(e - end) <= 2_000
    assert tss == (e - 1 if strand == "-" else s - 1)


@pytest.mark.parametrize("g", GENOMES)
def test_longest_gene_is_a_known_long_gene(builds, g):
    longest = builds.execute(
        f"""select symbol from {g}_genes where chrom not like '%\\_%' escape '\\'
            order by stop - start desc limit 3"""
    ).fetchall()
    # (hg19's NBPF8/NBPF10 were longest only through split alignments over 1q21: not genes)
    known = {"CNTNAP2", "DMD", "CSMD1", "Ptprd", "Dmd", "Cntnap2", "Csmd1", "Lrp1b"}
    assert {s for (s,) in longest} & known


def test_multicopy_gene_100126512_is_six_separate_copies(builds):
    rows = builds.execute(
        """select chrom, stop - start, strand from hg38_genes where gene_id = '100126512'"""
    ).fetchall()
    assert len(rows) == 6
    assert all(c == "chr1" and n <= 100 for c, n, _ in rows)
    assert {s for *_, s in rows} == {"+", "-"}
    assert one(builds, "select count(*) from hg38_introns where gene_id = '100126512'")[0] == 0


@pytest.mark.parametrize(("symbol", "gene_id"), [("CAMTA1", "23261"), ("WWOX", "51741")])
def test_hg19_transcripts_carry_ncbi_gene_ids(builds, symbol, gene_id):
    """NCBI Gene: CAMTA1 is 23261, WWOX 51741 (not the symbol-less 100505935 / 100506307)."""
    ids = builds.execute(
        "select distinct gene_id from hg19_transcripts where symbol = ?", [symbol]
    ).fetchall()
    assert ids == [(gene_id,)]


@pytest.mark.parametrize("g", GENOMES)
def test_a_symbol_less_gene_never_wins_over_a_same_symbol_gene(builds, g):
    """Root cause of §2: for every transcript overlapping the exons of a gene with its symbol,
    the gene it got carries that symbol."""
    bad = one(
        builds,
        f"""select count(*) from {g}_transcripts t
            where exists (select 1 from {g}_exons e join {g}_genes s
                            on s.gene_id = e.gene_id and s.chrom = e.chrom
                           and s.strand = e.strand and s.start <= e.start and e.stop <= s.stop
                          where e.chrom = t.chrom and e.strand = t.strand
                            and e.start < t.stop and t.start < e.stop and s.symbol = t.symbol)
              and (t.gene_id is null or not exists (
                   select 1 from {g}_genes s where s.gene_id = t.gene_id
                   and s.symbol = t.symbol))""",
    )[0]
    assert bad == 0


@pytest.mark.parametrize("g", GENOMES)
def test_symbols_wherever_a_transcript_has_one(builds, g):
    """Genes with a refGene transcript have a symbol, unless org.Hs.eg.db gives it to another
    gene (a Rsubread ID it no longer lists: a few hundred in hg19, a handful in hg38); every
    transcript carries its gene's symbol."""
    no_sym, differs = one(
        builds,
        f"""select count(*) filter (where g.symbol is null),
                   count(*) filter (where t.symbol is distinct from g.symbol)
            from {g}_transcripts t join {g}_genes g on g.gene_id = t.gene_id
             and g.chrom = t.chrom and g.strand = t.strand
             and g.start <= t.start and t.stop <= g.stop""",
    )
    assert no_sym <= {"hg19": 300, "hg38": 10, "mm10": 0}[g] and differs == 0


@pytest.mark.parametrize(
    ("g", "symbol", "gene_id", "retired"),
    [("hg19", "RABGAP1L", "9910", "100506087"), ("hg38", "MIA2", "4253", "117153")],
)
def test_a_symbol_names_the_gene_org_hs_eg_db_gives_it(builds, g, symbol, gene_id, retired):
    """org.Hs.eg.db 3.16: RABGAP1L is Entrez 9910, MIA2 4253. The Rsubread IDs 100506087 and
    117153 (not in org.Hs.eg.db) carried the same refGene symbol, so a DE table keyed by symbol
    was matched to the retired ID's locus (RABGAP1L's 805 kb downstream)."""
    rows = builds.execute(
        f"select distinct gene_id from {g}_genes where upper(symbol) = ?", [symbol]
    ).fetchall()
    assert rows == [(gene_id,)]
    assert builds.execute(
        f"select distinct symbol from {g}_genes where gene_id = ?", [retired]
    ).fetchall() == [(None,)]


def test_org_hs_eg_db_symbol_wins_over_older_refgene_symbol(builds):
    """refGene (BETA) still names Entrez 64123 ELTD1; NCBI renamed it ADGRL4."""
    assert builds.execute(
        "select distinct symbol from hg38_transcripts where gene_id = '64123'"
    ).fetchall() == [("ADGRL4",)]


def test_far_from_genes_on_chr1_is_distal_intergenic():
    """Regression (issue 14 §1): chr1:16.5-149.5 Mb, >100 kb from any gene: no "Intron"."""
    con = duckdb.connect()
    apply_schema(con)
    aid = ensure_annotation(con, "hg38")
    rng = random.Random(14)
    starts = [rng.randrange(16_500_000, 149_499_000) for _ in range(4000)]
    con.execute("create table cand (region_key bigint, chrom varchar, start bigint, stop bigint)")
    con.executemany(
        "insert into cand values (?, 'chr1', ?, ?)",
        [(i, s, s + 1000) for i, s in enumerate(starts)],
    )
    con.execute(
        f"""create table far as select * from cand r where not exists (
              select 1 from (select chrom, start, stop from '{DATA_DIR}/hg38_genes.parquet'
                             union all select chrom, start, stop
                             from '{DATA_DIR}/hg38_transcripts.parquet'
                             union all select chrom, start, stop
                             from '{DATA_DIR}/hg38_exons.parquet') o
              where o.chrom = 'chr1' and o.start < r.stop + 100000 and r.start - 100000 < o.stop)"""
    )
    n = one(con, "select count(*) from far")[0]
    assert n >= 100
    annotate_regions(con, "select * from far", aid, "out")
    features = con.execute("select feature, count(*) from out group by 1").fetchall()
    assert features == [("Distal Intergenic", n)]
    assert one(con, "select count(*) from out where annotation like '%100126512%'")[0] == 0


def test_a_database_holding_an_older_embedded_build_is_upgraded():
    """A warehouse first annotated by an older chromdiff (the giant 100126512 span, issue 14 §1)
    gets the corrected build on its next ensure_annotation, under the same annotation_id."""
    from chromdiff.annotation.cache import build_cache

    con = duckdb.connect()
    apply_schema(con)
    aid = ensure_annotation(con, "hg38")
    version = one(con, "select version from annotation_sources")[0]
    region = "select 1 as region_key, 'chr1' as chrom, 130000000 as start, 130001000 as stop"
    # the old build: one min..max row for the minus-strand copies of 100126512, older version
    con.execute("delete from ann_genes where gene_id = '100126512'")
    con.execute(
        "insert into ann_genes values (?, '100126512', null, 'chr1', 16520584, 149558493, '-', "
        "149558492)",
        [aid],
    )
    con.execute("update annotation_sources set version = 'BETA-1.0.7/Rsubread-2.12.2'")
    build_cache(con, aid, one(con, "select loaded_at from annotation_sources")[0])
    annotate_regions(con, region, aid, "before")
    assert one(con, "select annotation from before")[0].startswith("Intron (?/100126512")

    assert ensure_annotation(con, "hg38") == aid
    assert one(con, "select count(*), max(version) from annotation_sources") == (1, version)
    n = one(con, f"select count(*) from '{DATA_DIR}/hg38_genes.parquet'")[0]
    assert one(con, "select count(*) from ann_genes") == (n,)
    annotate_regions(con, region, aid, "after")
    assert one(con, "select annotation from after") == ("Distal Intergenic",)


@pytest.mark.parametrize("g", GENOMES)
def test_inside_a_transcript_of_a_known_gene_is_never_intergenic(g):
    """ChIPseeker calls a region inside a transcript genic (Exon or Intron unless a promoter wins).

    The embedded exons (Rsubread, an older RefSeq) miss some of the refGene transcripts' exons
    (hg19 ACTL8 NM_030812 spans chr1:18,081,807-18,153,558 but its Rsubread exons start at
    18,149,476), and list none for some genes, or for contigs under their UCSC names: the middle
    of 1,119 hg19 transcripts over 20 kb was 'Distal Intergenic'. Truth here: the refGene spans
    (BETA's table, shipped as the transcripts file): a 1-bp region at the middle of every
    transcript over 20 kb of a gene.
    """
    con = duckdb.connect()
    apply_schema(con)
    aid = ensure_annotation(con, g)
    con.execute(
        f"""create table mid as
        select row_number() over (order by chrom, start, tx_id) as region_key, chrom,
               (start + stop) // 2 as start, (start + stop) // 2 + 1 as stop
        from '{DATA_DIR}/{g}_transcripts.parquet'
        where gene_id is not null and stop - start > 20000"""
    )
    annotate_regions(con, "select * from mid", aid, "out")
    features = dict(con.execute("select feature, count(*) from out group by 1").fetchall())
    assert sum(features.values()) > 15_000
    assert set(features) <= {"Exon", "Intron", "Promoter"}, features


def test_hg19_actl8_first_intron_missing_from_the_exons_is_an_intron():
    con = duckdb.connect()
    apply_schema(con)
    aid = ensure_annotation(con, "hg19")
    annotate_regions(con, "select 1 as region_key, 'chr1' as chrom, 18100000 as start, "
                          "18100500 as stop", aid, "out")  # fmt: skip
    assert con.execute("select feature, annotation, genic_symbol from out").fetchall() == [
        ("Intron", "Intron (ACTL8/81569, exons unknown here)", "ACTL8")
    ]


def test_embedded_exon_hit_is_the_first_by_start_whatever_the_strand():
    """hg19 chr1:33,146,864-33,147,901 lies on exons of RBBP4 (+, exon from 33,145,240) and SYNC
    (-, from 33,145,506): the documented rule (first hit by genomic start, then gene_id) names
    RBBP4. A GTF-only ordering term leaked into the embedded builds and sent such regions to
    the minus-strand gene (9 of the 7,059 AR peaks)."""
    con = duckdb.connect()
    apply_schema(con)
    aid = ensure_annotation(con, "hg19")
    annotate_regions(con, "select 1 as region_key, 'chr1' as chrom, 33146863 as start, "
                          "33147901 as stop", aid, "out")  # fmt: skip
    feature, genic = con.execute("select feature, genic_symbol from out").fetchall()[0]
    assert (feature, genic) == ("Exon", "RBBP4")
