"""Corrections of the embedded build for known faults of its public sources.

:mod:`chromdiff.annotation.build` joins UCSC refGene transcript spans (BETA 1.0.7) to Rsubread's
RefSeq exons. Both sources carry faults that must not reach the build (their README lists the
first ones; ``docs/annotation.md`` "Embedded annotations" gives the numbers for each rule):

* **Small-RNA split alignments.** refGene aligns some microRNA, snoRNA, snRNA, ... transcripts
  (a few hundred bases) in pieces over up to 945 kb; :func:`small_rna_sql` names them, and the
  build leaves out such a transcript spanning more than :data:`SMALL_RNA_MAX_SPAN`.
* **Split alignments of duplicated genes** (:func:`clip_split_alignments`): a refGene span
  reaching far past its gene's own exons over other genes (hg19 NBPF8: 2.32 Mb).
* **Implausible exons** (:func:`fix_implausible_exons`): hg19 Rsubread lists a 99.9-kb exon for
  the 99-nt MIR1184-1 across F8's introns.
* **chrM** (:func:`add_mito_transcripts`): Rsubread has the mitochondrial genes, refGene no chrM
  transcript, so chrM regions had a gene but no feature or TSS.

Every function works on temp tables of the build's connection (0-based half-open coordinates)
and keeps the build deterministic (set-based SQL, no order-dependent choice).
"""

from __future__ import annotations

import re

import duckdb

from chromdiff.annotation.chrnames import MITO_NAMES

__all__ = [
    "IMPLAUSIBLE_EXON_EXCESS",
    "SMALL_RNA_HOST",
    "SMALL_RNA_MAX_SPAN",
    "SMALL_RNA_SYMBOL",
    "SPLIT_MIN_EXONS",
    "SPLIT_MIN_GENES",
    "SPLIT_MIN_STRETCH",
    "add_mito_transcripts",
    "clip_split_alignments",
    "fix_implausible_exons",
    "is_small_rna",
    "small_rna_sql",
]

#: A microRNA, snoRNA, scaRNA, U snRNA, Y RNA, 7SK/7SL or BC1 transcript is a few hundred bases
#: (mm10 refGene: 90% of miRNA spans <= 119 bp); refGene also holds split alignments of some
#: over up to 945 kb (mm10 NR_039557 Mir5098: 479 kb across Itga6, whose gene TSS it moved
#: 372 kb; hg19 NR_106755 MIR548AZ: 508 kb over ESR2, whose TSS it moved 122 kb). Such a
#: transcript spanning more than this many bases is left out.
SMALL_RNA_MAX_SPAN = 5_000

#: Symbols of small-RNA genes (HGNC/MGI families, any suffix: MIR548AZ, MIR548F3, Mir669a-10,
#: MIRLET7A1, SNORD115-21, RNU6-71P, RNU5F-1, RNVU1-18, RNY1, RN7SK, Bc1). Host genes of such
#: RNAs end in ``HG`` (MIR17HG, MIR4435-2HG, Mir99ahg) and are not small: :data:`SMALL_RNA_HOST`.
SMALL_RNA_SYMBOL = (
    r"^(?i)(mir(let)?\d+[0-9a-z]*(-[0-9a-z]+)*|snor[ad]\d+[0-9a-z]*(-[0-9a-z]+)*"
    r"|scarna\d+[0-9a-z]*|rnv?u\d+[0-9a-z]*(-[0-9a-z]+)*|rny\d[0-9a-z]*"
    r"|rn7s[kl][0-9a-z]*(-[0-9a-z]+)*|bc1)$"
)
#: A host gene of small RNAs (a long transcript; HGNC/MGI name them ``<RNA>HG``).
SMALL_RNA_HOST = r"(?i)hg$"

#: A refGene span reaching at least this far past the last (or before the first) exon its gene
#: has in the span, over the genes of a duplicated region, is a split alignment (see
#: :func:`clip_split_alignments`).
SPLIT_MIN_STRETCH = 50_000
#: ... over at least this many other genes with :data:`SPLIT_MIN_EXONS` or more exons inside it.
SPLIT_MIN_GENES = 3
#: Exons a gene needs inside the stretch to count towards :data:`SPLIT_MIN_GENES` (a multi-exon
#: gene: nested single-exon genes such as mouse Krtap clusters do not mark a split alignment).
SPLIT_MIN_EXONS = 2

#: An exon longer than every refGene transcript of its gene there by more than this many bases
#: is not an exon of them (see :func:`fix_implausible_exons`).
IMPLAUSIBLE_EXON_EXCESS = 10_000


_SMALL = re.compile(SMALL_RNA_SYMBOL.replace("(?i)", ""), re.IGNORECASE)
_HOST = re.compile(SMALL_RNA_HOST.replace("(?i)", ""), re.IGNORECASE)


def small_rna_sql(column: str) -> str:
    """Return a SQL boolean: ``column`` names a small-RNA gene (false for NULL).

    Parameters
    ----------
    column : str
        SQL expression of a gene symbol.

    Returns
    -------
    str
        :data:`SMALL_RNA_SYMBOL` matches and :data:`SMALL_RNA_HOST` does not.
    """
    return (
        f"(coalesce(regexp_matches({column}, '{SMALL_RNA_SYMBOL}'), false)"
        f" and not coalesce(regexp_matches({column}, '{SMALL_RNA_HOST}'), false))"
    )


def is_small_rna(symbol: str | None) -> bool:
    """Return True when ``symbol`` names a small-RNA gene (as :func:`small_rna_sql`)."""
    return bool(symbol) and bool(_SMALL.match(symbol)) and not _HOST.search(symbol)


def fix_implausible_exons(con: duckdb.DuckDBPyConnection, exons: str, tx: str, out: str) -> int:
    """Write ``exons`` to temp table ``out`` with implausible exons replaced; return how many.

    An exon is implausible when its gene has refGene transcripts overlapping it (same
    chromosome and strand) and it is longer than the longest of them by more than
    :data:`IMPLAUSIBLE_EXON_EXCESS`: an exon is part of a transcript. It is replaced by the
    extent of those transcripts. The only one in the three builds: hg19 Rsubread's
    ``100302111 chrX 154115733 154215635 -`` (99,903 bp) for the 99-nt MIR1184-1, whose refGene
    NR_036049 spans 154,115,635-154,115,733 (1-based) and whose hg38 Rsubread exon is 99 bp;
    the bogus row made F8's introns "Exon (MIR1184-1)".

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The build's connection.
    exons : str
        Table ``gene_id, chrom, start, stop, strand``.
    tx : str
        Table of the transcripts with their gene: ``gene_id, chrom, start, stop, strand``.
    out : str
        Temp table written (same columns as ``exons``).
    """
    con.execute(
        f"""create or replace temp table {out} as
        with hit as (
            select e.gene_id, e.chrom, e.start, e.stop, e.strand,
                   min(t.start) as ts, max(t.stop) as te, max(t.stop - t.start) as longest
            from {exons} e join {tx} t
              on t.gene_id = e.gene_id and t.chrom = e.chrom and t.strand = e.strand
             and t.start < e.stop and e.start < t.stop
            group by all),
        bad as (select * from hit where stop - start > longest + {IMPLAUSIBLE_EXON_EXCESS})
        select distinct e.gene_id, e.chrom, coalesce(b.ts, e.start) as start,
               coalesce(b.te, e.stop) as stop, e.strand
        from {exons} e left join bad b using (gene_id, chrom, start, stop, strand)"""
    )
    return con.execute(
        f"""select count(*) from {exons} e where exists (
            select 1 from {tx} t where t.gene_id = e.gene_id and t.chrom = e.chrom
              and t.strand = e.strand and t.start < e.stop and e.start < t.stop
            having e.stop - e.start > max(t.stop - t.start) + {IMPLAUSIBLE_EXON_EXCESS})"""
    ).fetchall()[0][0]


def clip_split_alignments(con: duckdb.DuckDBPyConnection, tx: str, exons: str, out: str) -> int:
    """Write ``tx`` to temp table ``out`` with split-alignment spans clipped; return how many.

    UCSC refGene places each RefSeq mRNA by BLAT and writes one span per alignment, so an mRNA
    of a duplicated gene family can be chained across the copies: hg19 NM_001278267 (NBPF8)
    spans chr1:144,146,810-146,467,744, over 1q21's segmental duplications, where NCBI's
    exons of its gene (Entrez 728841, Rsubread) span 144,146,787-144,224,264 only (the hg38
    build has NBPF8 at 51 kb). The 2.24 Mb beyond became "Intron (NBPF8, exons unknown here)"
    over the introns of ~34 genes (SEC22B among them). Rsubread's RefSeq release also just
    lacks some exons of newer transcripts (hg19 LRRC4C, 1.35 Mb, has Rsubread exons over its
    first 180 kb only), so a span past the gene's exons is kept unless its unknown stretch has
    the mark of a chained alignment.

    Rule, for each end of a transcript with a gene: the *unknown stretch* runs from the
    transcript's end to the nearest exon its gene has in the span (same chromosome and strand).
    It is cut off (the span ends at that exon) when it is at least :data:`SPLIT_MIN_STRETCH`
    long and either

    * at least :data:`SPLIT_MIN_GENES` other genes have two or more exons on the same strand
      inside it (a stretch where the transcript has no exon of its own yet runs over several
      multi-exon genes of its strand; NBPF8's holds 21, mouse Tspear's 200 kb over its nested
      single-exon Krtap genes none), or
    * refGene places the accession at more than one locus (a paralog family's mRNA: hg19
      NR_104217 aligns to NBPF10, NBPF20 and a third locus, and spans 748 kb past NBPF20's
      exons).

    Checked against an independent oracle, the hg38 build (a newer RefSeq release, whose exons
    cover these genes): of the 1,129 ends of hg19 transcripts reaching 20 kb or more past their
    gene's exons, 905 belong to genes hg38 confirms (their exons there span >= 80% of the hg19
    transcript: LRRC4C, LINGO2, CDH18, ...) and 2 of them are cut (RGPD2, GUSBP3); 114 are
    split alignments by hg38 (the gene spans < 50% of it there) and 31 of them are cut; 6 cut
    ends have no hg38 counterpart (GAGE copies). The rule is conservative: most split ends it
    leaves lack both marks (ZMYM3 NR_001568, MRC1 NM_002438).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The build's connection.
    tx : str
        Table ``rid, tx_id, gene_id, chrom, start, stop, strand`` (gene_id may be NULL).
    exons : str
        Table ``gene_id, chrom, start, stop, strand``.
    out : str
        Temp table written (the columns of ``tx``).
    """
    con.execute(
        f"""create or replace temp table _split_ends as
        with own as (
            select t.rid, min(e.start) as es, max(e.stop) as ee
            from {tx} t join {exons} e
              on e.gene_id = t.gene_id and e.chrom = t.chrom and e.strand = t.strand
             and e.start < t.stop and t.start < e.stop
            group by t.rid),
        multi as (select tx_id from {tx} group by tx_id having count(*) > 1),
        stretch as (
            select t.rid, t.tx_id, t.gene_id, t.chrom, t.strand, o.es, o.ee, 'lo' as side,
                   t.start as a, o.es as b
            from {tx} t join own o using (rid) where o.es - t.start >= {SPLIT_MIN_STRETCH}
            union all
            select t.rid, t.tx_id, t.gene_id, t.chrom, t.strand, o.es, o.ee, 'hi', o.ee, t.stop
            from {tx} t join own o using (rid) where t.stop - o.ee >= {SPLIT_MIN_STRETCH}),
        inside as (
            select s.rid, s.side, e.gene_id
            from stretch s join {exons} e
              on e.chrom = s.chrom and e.strand = s.strand and e.gene_id <> s.gene_id
             and s.a <= e.start and e.stop <= s.b
            group by s.rid, s.side, e.gene_id having count(*) >= {SPLIT_MIN_EXONS}),
        crowd as (select rid, side, count(*) as n from inside group by rid, side)
        select s.rid, s.side, s.es, s.ee, s.b - s.a as stretch, coalesce(c.n, 0) as n_genes,
               s.tx_id in (from multi) as multi
        from stretch s left join crowd c using (rid, side)
        where coalesce(c.n, 0) >= {SPLIT_MIN_GENES} or s.tx_id in (from multi)"""
    )
    # the span of a cut end ends at the gene's nearest exon (es, ee: one value per transcript)
    con.execute(
        f"""create or replace temp table {out} as
        with cut as (select rid, bool_or(side = 'lo') as lo, bool_or(side = 'hi') as hi,
                            min(es) as es, min(ee) as ee
                     from _split_ends group by rid)
        select t.* replace (case when c.lo then c.es else t.start end as start,
                            case when c.hi then c.ee else t.stop end as stop)
        from {tx} t left join cut c using (rid)"""
    )
    return con.execute("select count(distinct rid) from _split_ends").fetchall()[0][0]


def add_mito_transcripts(con: duckdb.DuckDBPyConnection, tx: str, exons: str, symbols: str) -> int:
    """Insert one transcript per mitochondrial gene into ``tx``; return how many.

    refGene (BETA 1.0.7) has no chrM transcript in any of the three genomes, while Rsubread has
    the mitochondrial genes (hg38: 37, hg19 and mm10: 15), so chrM regions got a gene from the
    exons but no feature or TSS. As GENCODE and UCSC knownGene do for chrM, each gene is one
    transcript spanning its exons (its TSS is its 5' end); no RefSeq accession exists, so its
    ``tx_id`` is ``GeneID:<Entrez ID>``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The build's connection.
    tx : str
        Transcript table ``tx_id, gene_id, symbol, chrom, start, stop, strand`` (appended to).
    exons : str
        Table ``gene_id, chrom, start, stop, strand``.
    symbols : str
        Table ``gene_id, symbol``.
    """
    chroms = ", ".join(f"'{c}'" for c in MITO_NAMES)
    before = con.execute(f"select count(*) from {tx}").fetchall()[0][0]
    con.execute(
        f"""insert into {tx}
        select 'GeneID:' || e.gene_id, e.gene_id, s.symbol, e.chrom, min(e.start), max(e.stop),
               e.strand
        from {exons} e left join {symbols} s using (gene_id)
        where e.chrom in ({chroms}) and not exists (
            select 1 from {tx} t where t.gene_id = e.gene_id and t.chrom = e.chrom)
        group by e.gene_id, s.symbol, e.chrom, e.strand"""
    )
    return con.execute(f"select count(*) from {tx}").fetchall()[0][0] - before
