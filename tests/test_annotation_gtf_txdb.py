"""GTF gene models as a TxDb holds them (``makeTxDbFromGFF``), the source of ChIPseeker's features.

Hand-written GTFs in the three styles users bring, each with its expected ChIPseeker answer
worked out from the TxDb rules (1-based GTF -> 0-based BED):

* introns are intronsByTranscript: a stretch of a gene that none of its transcripts spans (two
  transcripts of one gene that do not overlap) is no intron.
* UTRs are the parts of a coding transcript's exons outside its coding range, and the coding
  range has the stop codon merged in (txdbmaker ``.make_splicings``: "Exons with a CDS part and
  a stop codon have the latter merged into the former"); ChIPseeker reads them with
  ``fiveUTRsByTranscript``/``threeUTRsByTranscript``. GENCODE's ``UTR`` rows include the stop
  codon; NCBI GTFs have CDS but no UTR rows; UCSC's name them ``5UTR``/``3UTR``.
"""

from __future__ import annotations

import pytest

from chromdiff.annotation import annotate_regions, ensure_annotation
from chromdiff.warehouse.db import apply_schema, connect

ATTR = 'gene_id "{g}"; transcript_id "{t}"; gene_name "{g}";'

# GENCODE style, minus strand: exons [50000,60000) [64000,70000); CDS 55004-60000 and
# 64001-66000; stop codon 55001-55003 -> coding range [55000, 66000); UTR rows include the stop
GENCODE = [
    ("gene", 50001, 70000, "-", "gV", None), ("transcript", 50001, 70000, "-", "gV", "tV"),
    ("exon", 50001, 60000, "-", "gV", "tV"), ("exon", 64001, 70000, "-", "gV", "tV"),
    ("CDS", 55004, 60000, "-", "gV", "tV"), ("CDS", 64001, 66000, "-", "gV", "tV"),
    ("UTR", 50001, 55003, "-", "gV", "tV"), ("UTR", 66001, 70000, "-", "gV", "tV"),
    ("stop_codon", 55001, 55003, "-", "gV", "tV"), ("start_codon", 65998, 66000, "-", "gV", "tV"),
]  # fmt: skip
# NCBI style, plus strand, no UTR rows: exons [10000,16000) [20000,30000); CDS 15001-16000 and
# 20001-24997, stop codon 24998-25000 -> coding range [15000, 25000)
NCBI = [
    ("gene", 10001, 30000, "+", "gU", None), ("transcript", 10001, 30000, "+", "gU", "tU"),
    ("exon", 10001, 16000, "+", "gU", "tU"), ("exon", 20001, 30000, "+", "gU", "tU"),
    ("CDS", 15001, 16000, "+", "gU", "tU"), ("CDS", 20001, 24997, "+", "gU", "tU"),
    ("start_codon", 15001, 15003, "+", "gU", "tU"), ("stop_codon", 24998, 25000, "+", "gU", "tU"),
]  # fmt: skip
# one gene, two transcripts that do not overlap: tN1 [60000,61000), tN2 [80000,81000) [88000,89000)
SPLIT = [
    ("gene", 60001, 89000, "+", "gN", None),
    ("exon", 60001, 61000, "+", "gN", "tN1"),
    ("exon", 80001, 81000, "+", "gN", "tN2"), ("exon", 88001, 89000, "+", "gN", "tN2"),
]  # fmt: skip
# UCSC genePredToGtf -utr style: the same model as NCBI's with 5UTR/3UTR rows
UCSC = [*NCBI, ("5UTR", 10001, 15000, "+", "gU", "tU"), ("3UTR", 25001, 30000, "+", "gU", "tU")]


def _write(path, rows):
    lines = []
    for feature, s, e, strand, g, t in rows:
        attrs = ATTR.format(g=g, t=t) if t else f'gene_id "{g}"; gene_name "{g}";'
        lines.append(f"chr1\tTEST\t{feature}\t{s}\t{e}\t.\t{strand}\t.\t{attrs}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _annotate(tmp_path, rows, regions, columns="feature", **opts):
    """Annotate chr1 ``regions`` (start, stop) with GTF ``rows``; ``columns`` of each, in order."""
    with connect() as con:
        apply_schema(con)
        aid = ensure_annotation(con, gtf=_write(tmp_path / "a.gtf", rows))
        con.execute("create table rr (region_key bigint, chrom varchar, start bigint, stop bigint)")
        con.executemany("insert into rr values (?, 'chr1', ?, ?)",
                        [(i, s, e) for i, (s, e) in enumerate(regions)])  # fmt: skip
        annotate_regions(con, "select * from rr", aid, "out", **opts)
        got = con.execute(f"select {columns} from out order by region_key").fetchall()
    return [r[0] if len(r) == 1 else r for r in got]


def _features(tmp_path, rows, regions):
    return _annotate(tmp_path, rows, regions)


def test_gencode_stop_codon_is_exon_not_utr(tmp_path):
    # TSS at 0-based 69999 (minus strand): every region below is > 3 kb away (not Promoter)
    got = _features(tmp_path, GENCODE, [(55000, 55003), (54990, 55001), (54000, 54100),
                                        (66500, 66600), (58000, 58100)])  # fmt: skip
    # the stop codon: exon; straddling the UTR and the stop codon: 3' UTR (its priority);
    # below the coding range (minus strand): 3' UTR; above it: 5' UTR; inside the CDS: exon
    assert got == ["Exon", "3' UTR", "3' UTR", "5' UTR", "Exon"]


@pytest.mark.parametrize("rows", [NCBI, UCSC], ids=["ncbi_no_utr_rows", "ucsc_5utr_3utr_rows"])
def test_utrs_are_derived_from_cds_when_the_gtf_has_no_utr_rows(tmp_path, rows):
    # TSS at 0-based 10000 (plus strand): 14000 is 4 kb downstream of it (not Promoter)
    got = _features(tmp_path, rows, [(14000, 14001), (14999, 15000), (15000, 15001),
                                     (24997, 25000), (25000, 25001), (26999, 27000)])  # fmt: skip
    assert got == ["5' UTR", "5' UTR", "Exon", "Exon", "3' UTR", "3' UTR"]


def test_a_build_stored_with_older_rules_is_loaded_again(tmp_path):
    gtf = _write(tmp_path / "a.gtf", NCBI)
    with connect() as con:
        apply_schema(con)
        aid = ensure_annotation(con, gtf=gtf)
        # as an older chromdiff stored it: no version, no UTRs (it read no UTR rows)
        con.execute("delete from ann_utrs where annotation_id = ?", [aid])
        con.execute("update annotation_sources set version = null where annotation_id = ?", [aid])
        assert ensure_annotation(con, gtf=gtf) == aid
        kinds = con.execute("select kind, start, stop from ann_utrs order by start").fetchall()
        assert kinds == [("5UTR", 10000, 15000), ("3UTR", 25000, 30000)]
        con.execute("create table rr as select 0::bigint as region_key, 'chr1' as chrom,"
                    " 14000::bigint as start, 14001::bigint as stop")  # fmt: skip
        annotate_regions(con, "select * from rr", aid, "out")  # the derived tables follow
        assert con.execute("select feature from out").fetchall() == [("5' UTR",)]


def test_no_intron_where_no_transcript_of_the_gene_runs(tmp_path):
    # 63500: 3.5 kb past tN1's TSS (not Promoter), in no transcript; the nearest transcript end
    # before it is tN1's at 61000: gap S - end = 63501 - 61000 = 2501 -> Downstream (2-3kb);
    # 70000: gap 9001 -> Distal Intergenic; 85000: inside tN2's intron, 5 kb past its TSS
    got = _features(tmp_path, SPLIT, [(63500, 63501), (70000, 70001), (85000, 85001)])
    assert got == ["Downstream", "Distal Intergenic", "Intron"]


# one + transcript, exons [10000,12000) [18000,20000): its 3' end is 20000 (1-based 20000)
PLUS = [
    ("exon", 10001, 12000, "+", "gP", "tP"), ("exon", 18001, 20000, "+", "gP", "tP"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("distance", "labels"),
    [
        # getGenomicAnnotation.R:177-202 (ChIPseeker 85fd5f7): dsd/1000 <= 1 -> "<=dsd bp";
        # else 1-kb bins for 1:(dsd/1000), then "(dsd/1000)kb-dsd bp" up to dsd
        (1000, ["Downstream (<=1000bp)", "Distal Intergenic", "Distal Intergenic"]),
        (2500, ["Downstream (<1kb)", "Downstream (2.5kb-2500bp)", "Distal Intergenic"]),
        (3000, ["Downstream (<1kb)", "Downstream (2-3kb)", "Distal Intergenic"]),
        (5000, ["Downstream (<1kb)", "Downstream (2-3kb)", "Downstream (3-4kb)"]),
    ],
)
def test_downstream_labels_follow_chipseeker_for_any_distance(tmp_path, distance, labels):
    # gaps S - txEnd (1-based): 20501 - 20000 = 501, 22201 - 20000 = 2201, 23601 - 20000 = 3601
    got = _annotate(tmp_path, PLUS, [(20500, 20501), (22200, 22201), (23600, 23601)],
                    "annotation", downstream_distance=distance, tss_region=(-100, 100))  # fmt: skip
    assert got == labels


def test_one_side_ignored_with_no_tss_on_that_side(tmp_path):
    """getNearestFeatureIndicesAndDistances.R (85fd5f7): with ignoreDownstream only the TSS
    before the peak (follow), with ignoreUpstream only the one after (precede); none there ->
    the dummy feature, distance Inf, no gene, and the genomic features still found."""
    # 7000: before the only TSS (10000); 22200: past it, 2201 bp after tP's 3' end
    rows, cols = [], "feature, annotation, gene_id, distance_to_tss"
    for opt in ("ignore_downstream", "ignore_upstream"):
        rows += _annotate(tmp_path, PLUS, [(7000, 7001), (22200, 22201)], cols, **{opt: True})
    assert rows == [
        ("Distal Intergenic", "Distal Intergenic", None, None),  # no TSS before: not the one after
        ("Downstream", "Downstream (2-3kb)", "gP", 12200),
        ("Promoter", "Promoter (2-3kb)", "gP", -3000),
        ("Downstream", "Downstream (2-3kb)", None, None),  # no TSS after: still Downstream
    ]


def test_gtf_exon_and_intron_ranks_are_the_transcripts_as_chipseeker():
    """ChIPseeker numbers introns within the transcript hit (intron_rank of intronsByTranscript,
    getGenomicAnnotation.R:215-266). On the real GENCODE v29 subset, chr1:418,417 lies in intron
    1 of ENST00000455207.5 (exons 485040-485208, 379769-379870, 373182-373323, minus strand);
    the gene's merged exons numbered it "intron 17 of 21", a rank no transcript of the gene has
    (none has more than 6 exons), so the summary counted it as "Other Intron"."""
    from tests.realdata import ANNOTATION

    with connect() as con:
        apply_schema(con)
        aid = ensure_annotation(con, gtf=ANNOTATION / "pyranges_gencode_v29_chr1_subset.gtf.gz")
        annotate_regions(con, "select 1 as region_key, 'chr1' as chrom, 418416 as start, "
                              "418417 as stop", aid, "out")  # fmt: skip
        got = con.execute("select feature, annotation from out").fetchall()
    assert got == [("Intron", "Intron (AL732372.2/ENSG00000237094.12, intron 1 of 2)")]


def test_gtf_ranks_count_from_each_transcripts_5_prime_end(tmp_path):
    """Two transcripts of one + gene: tL has 3 exons, tS skips the first. The first transcript
    in a TxDb's order (strand, start, end) whose exon or intron holds the region names the rank,
    out of its own exon or intron count."""
    rows = [
        ("gene", 10001, 40000, "+", "gR", None),
        ("exon", 10001, 11000, "+", "gR", "tL"), ("exon", 20001, 21000, "+", "gR", "tL"),
        ("exon", 39001, 40000, "+", "gR", "tL"),
        ("exon", 20001, 21000, "+", "gR", "tS"), ("exon", 39001, 40000, "+", "gR", "tS"),
    ]  # fmt: skip
    got = _annotate(tmp_path, rows, [(15000, 15010), (39500, 39510), (30000, 30010)],
                    columns="annotation")  # fmt: skip
    assert got == [
        "Intron (gR/gR, intron 1 of 2)",  # only in tL
        "Exon (gR/gR, exon 3 of 3)",  # tL (starts first) holds it as its exon 3 (tS: 2 of 2)
        "Intron (gR/gR, intron 2 of 2)",  # tL's second intron (tS's first)
    ]
