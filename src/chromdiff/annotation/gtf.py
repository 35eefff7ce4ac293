"""Load a GENCODE / Ensembl / RefSeq GTF (gzipped or not) into the ``ann_*`` tables.

GTF is 1-based closed: ``start - 1`` gives BED starts. Transcripts, their exons and the genes
are built as a TxDb builds them (see :func:`load_gtf`); ``ann_exons`` holds each gene's exons
merged, ``ann_tx_exons`` each transcript's. UTRs are derived as a TxDb derives them
(``makeTxDbFromGFF``, then ChIPseeker's ``fiveUTRsByTranscript``/``threeUTRsByTranscript``):
the parts of a coding transcript's exons before and after its coding range, the span of its
``CDS`` rows with the ``stop_codon`` merged in (txdbmaker ``.make_splicings``: "Exons with a
CDS part and a stop codon have the latter merged into the former").
``UTR``/``five_prime_utr``/``three_prime_utr`` rows are not read: GENCODE's ``UTR`` rows hold
the stop codon, which ChIPseeker calls exon, and NCBI or UCSC GTFs have no such rows (or name
them ``5UTR``/``3UTR``) but do have CDS rows.
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from chromdiff.annotation.genesql import merge_intervals_sql
from chromdiff.errors import InputError

logger = logging.getLogger(__name__)

#: The rules a GTF build was made with (``annotation_sources.version`` of a GTF build): a build
#: stored by an older chromdiff is loaded again from its file (2: UTRs derived from the CDS;
#: 3: attributes read with any spacing, "#" inside values kept; 4: exons per transcript kept;
#: 5: exons of CDS-only / exon-less transcripts and genes, genes spanning their transcripts,
#: abutting exons kept apart, both-strand and unstranded transcripts dropped; 6: protein-coding
#: genes recorded in ann_coding_genes, for GREAT's domains).
GTF_RULES_VERSION = "gtf-rules-6"

_COLUMNS = (
    "{'chrom':'VARCHAR','source':'VARCHAR','feature':'VARCHAR','gstart':'VARCHAR',"
    "'gend':'VARCHAR','score':'VARCHAR','strand':'VARCHAR','frame':'VARCHAR','attrs':'VARCHAR'}"
)


def _attr(name: str) -> str:
    """Return SQL: the value of attribute ``name`` (quoted or not, any spaces around it)."""
    return f'trim(regexp_extract(attrs, \'(?:^|;)\\s*{name}\\s+"?([^";]*)"?\', 1))'


def read_gtf(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Read ``path`` into temp table ``_gtf`` (chrom, feature, start, stop, strand, ids).

    Raises
    ------
    InputError
        Naming the file and the first bad line when a row is not a valid GTF row.
    """
    if not path.exists():
        raise InputError(f"{path}: GTF file not found")
    with open(path, "rb") as fh:  # gzip by its bytes, not its name
        gz = fh.read(2) == b"\x1f\x8b"
    try:
        # no comment character: a '#' inside an attribute value (gene_name "A#1") would cut the
        # line; comment lines (#, ##, #!) are dropped as rows whose first field starts with '#'.
        # line = the data row's number (read_csv skips blank lines; _file_line maps it back).
        con.execute(
            f"""create or replace temp table _gtf_raw as
            select * exclude (ln), ln as line from (
                select row_number() over () as ln, * from read_csv(?, delim='\t', header=false,
                    quote='', escape='', columns={_COLUMNS}, auto_detect=false,
                    strict_mode=false, null_padding=true,
                    compression='{"gzip" if gz else "none"}'))
            where not starts_with(chrom, '#')""",
            [str(path)],
        )
    except duckdb.Error as exc:
        raise InputError(f"{path}: not a readable GTF ({str(exc).splitlines()[0]})") from exc
    bad = con.execute(
        """select line, case when try_cast(gstart as bigint) is null then 4
                             when try_cast(gend as bigint) is null then 5
                             when strand not in ('+', '-', '.') then 7 else 9 end
           from _gtf_raw where try_cast(gstart as bigint) is null
              or try_cast(gend as bigint) is null or strand not in ('+', '-', '.')
              or attrs is null order by line limit 1"""
    ).fetchall()
    bad = bad[0] if bad else None
    if bad:
        line = _file_line(path, gz, bad[0])
        raise InputError(f"{path}: line {line}, column {bad[1]}: not a valid GTF row")
    con.execute(
        f"""create or replace temp table _gtf as
        select chrom, feature, gstart::bigint - 1 as start, gend::bigint as stop, strand,
               {_attr("gene_id")} as gene_id, nullif({_attr("transcript_id")}, '') as tx_id,
               coalesce(nullif({_attr("gene_name")}, ''), nullif({_attr("gene")}, ''),
                        {_attr("gene_id")}) as symbol,
               line, contains(attrs, 'gene_type') or contains(attrs, 'gene_biotype') as typed
        from _gtf_raw"""
    )
    sql = "select count(*) from _gtf where feature in ('exon', 'CDS')"
    if not con.execute(sql).fetchall()[0][0]:
        _refuse_gff3(con, path)
        raise InputError(f"{path}: no exon or CDS rows; is this a GTF?")
    no_id = con.execute(
        "select count(*) from _gtf where feature = 'exon' and (gene_id is null or gene_id = '')"
    ).fetchall()[0][0]
    if no_id:
        _refuse_gff3(con, path)
        raise InputError(f"{path}: {no_id} exon rows have no gene_id attribute; is this a GTF?")


def _refuse_gff3(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse ``_gtf_raw`` naming GFF3 when its attributes are GFF3's (``ID=...;Parent=...``).

    Asked only once the file has failed as a GTF: two regex scans of every row are not paid on
    every load.
    """
    gff3, gtf = con.execute(
        "select count(*) filter (where regexp_matches(attrs, '(^|;)\\s*(ID|Parent)=')), "
        "count(*) filter (where regexp_matches(attrs, '(^|;)\\s*gene_id\\s')) from _gtf_raw"
    ).fetchall()[0]
    if gff3 and not gtf:
        raise InputError(
            f"{path}: a GFF3 file (attributes written ID=...;Parent=...), not a GTF (gene_id "
            '"..."; transcript_id "..."): convert it first, e.g. with `gffread -T`'
        )


def _file_line(path: Path, gz: bool, row: int) -> int:
    """Return the file line of data row ``row`` (1-based; the CSV reader skips blank lines)."""
    import gzip

    with gzip.open(path, "rt") if gz else open(path) as fh:
        seen = 0
        for number, text in enumerate(fh, start=1):
            seen += bool(text.strip())
            if seen == row:
                return number
    return row


def load_gtf(con: duckdb.DuckDBPyConnection, path: Path, annotation_id: str) -> dict[str, int]:
    """Insert the GTF's genes, transcripts, exons and UTRs under ``annotation_id``.

    As ``txdbmaker::makeTxDbFromGFF`` builds a TxDb (txdbmaker a5a885d,
    ``R/makeTxDbFromGRanges.R``): a transcript without ``exon`` rows takes its ``CDS`` rows as
    exons (the GeneDB case, lines 1334-1347), one with neither a single exon spanning it (the
    miRBase case, ``.add_missing_exons``, 774-792); a gene without any transcript becomes a
    transcript of its own, named by its gene_id (``.infer_transcripts_from_genes``, 970-987);
    a transcript with exons on both strands, or unstranded (``.``), is dropped with a warning
    (1413-1437; ``makeTxDb`` refuses strand ``.``); a gene spans its transcripts
    (``GenomicFeatures::genes``), not its ``gene`` row. Abutting exons stay two exons (ranks
    inferred after ``reduce(min.gapwidth=0)``). Kept where a TxDb drops them, and documented:
    a transcript_id on several chromosomes (a piece per chromosome) and a transcript's
    overlapping exons (merged).

    Raises
    ------
    InputError
        A bad row (see :func:`read_gtf`), or no transcript can be built at all (e.g. exon rows
        without ``transcript_id`` and no ``transcript`` or ``gene`` row): such a GTF would
        annotate nothing.
    """
    read_gtf(con, path)
    aid = annotation_id.replace("'", "''")
    # every transcript's exons: its exon rows, else its CDS rows, else its transcript row, else
    # (a gene with no transcript at all) the gene's own row(s) as one transcript
    con.execute(
        """create or replace temp table _gtf_tx as
        with ex as (select distinct tx_id from _gtf where feature = 'exon' and tx_id is not null),
        cds as (select distinct tx_id from _gtf where feature = 'CDS' and tx_id is not null),
        txs as (select distinct gene_id from _gtf where tx_id is not null
                and feature in ('transcript', 'exon', 'CDS'))
        select tx_id, gene_id, symbol, chrom, start, stop, strand, 'exon' as part from _gtf
        where feature = 'exon' and tx_id is not null
        union all
        select tx_id, gene_id, symbol, chrom, start, stop, strand, 'exon' from _gtf
        where feature = 'CDS' and tx_id not in (from ex)
        union all
        select tx_id, gene_id, symbol, chrom, start, stop, strand, 'exon' from _gtf
        where feature = 'transcript' and tx_id not in (from ex) and tx_id not in (from cds)
        union all
        select gene_id, gene_id, symbol, chrom, start, stop, strand, 'exon' from _gtf
        where feature = 'gene' and gene_id not in (from txs)
        union all
        select tx_id, gene_id, symbol, chrom, start, stop, strand, 'span' from _gtf
        where feature = 'transcript' and tx_id in (from ex union from cds)"""
    )
    _drop_unusable_transcripts(con, path)
    orphans = con.execute(
        "select count(*) from _gtf where feature = 'exon' and tx_id is null"
    ).fetchall()[0][0]
    if not con.execute("select count(*) from _gtf_tx").fetchall()[0][0]:
        # nothing to annotate with: say why in the one error line, not in a warning before it
        why = (
            f"its {orphans:,} exon rows have no transcript_id and no transcript or gene row "
            "names one"
            if orphans
            else "every transcript was left out (see the warnings above)"
        )
        raise InputError(f"{path}: no transcript could be built: {why}")
    if orphans:
        logger.warning("%s: %d exon rows have no transcript_id and are left out", path, orphans)
    con.execute(
        f"""insert into ann_transcripts
        select '{aid}', tx_id, any_value(gene_id), any_value(symbol), chrom,
               min(start), max(stop), any_value(strand)
        from _gtf_tx group by tx_id, chrom"""
    )
    # a gene spans its transcripts on each chromosome and strand (one locus per strand where its
    # transcripts lie on both; the gene-level TSS is its longest locus's, genesql.gene_tss_sql)
    con.execute(
        f"""insert into ann_genes
        with sym as (select gene_id, any_value(symbol) as symbol from _gtf group by gene_id),
        g as (select gene_id, chrom, min(start) as start, max(stop) as stop, strand
              from ann_transcripts where annotation_id = '{aid}' group by gene_id, chrom, strand)
        select '{aid}', gene_id, sym.symbol, chrom, start, stop, strand,
               case when strand = '-' then stop - 1 else start end
        from g left join sym using (gene_id)"""
    )
    exons = "(select * from _gtf_tx where part = 'exon')"
    con.execute(
        f"""insert into ann_exons select '{aid}', gene_id, chrom, start, stop, strand from ({
            merge_intervals_sql(exons, "gene_id, chrom, strand")
        })"""
    )
    # each transcript's exons as given; exons of one transcript that overlap are merged (a TxDb
    # drops such a transcript: its exon ranks cannot be inferred), abutting ones stay two
    con.execute(
        f"""insert into ann_tx_exons select '{aid}', tx_id, gene_id, chrom, start, stop, strand
        from ({
            merge_intervals_sql(exons, "tx_id, chrom", ("gene_id", "strand"), touching=False)
        })"""
    )
    _coding_genes(con, aid)
    con.execute(
        f"""insert into ann_utrs
        with cr as (select tx_id, chrom, min(start) as cs, max(stop) as ce from _gtf
                    where feature in ('CDS', 'stop_codon') and tx_id is not null
                    group by tx_id, chrom),
        ex as (select distinct tx_id, gene_id, chrom, start, stop, strand from _gtf_tx
               where part = 'exon')
        select '{aid}', e.tx_id, e.gene_id, e.chrom, e.start, least(e.stop, c.cs), e.strand,
               case when e.strand = '-' then '3UTR' else '5UTR' end
        from ex e join cr c using (tx_id, chrom) where e.start < c.cs
        union all
        select '{aid}', e.tx_id, e.gene_id, e.chrom, greatest(e.start, c.ce), e.stop, e.strand,
               case when e.strand = '-' then '5UTR' else '3UTR' end
        from ex e join cr c using (tx_id, chrom) where e.stop > c.ce"""
    )
    counts = {}
    for t in ("genes", "transcripts", "exons", "utrs"):
        counts[t] = con.execute(
            f"select count(*) from ann_{t} where annotation_id = ?", [annotation_id]
        ).fetchall()[0][0]
    return counts


def _coding_genes(con: duckdb.DuckDBPyConnection, aid: str) -> None:
    """Insert the build's protein-coding genes into ``ann_coding_genes`` (GREAT's gene set).

    A gene with a ``gene_type`` (GENCODE) or ``gene_biotype`` (Ensembl, NCBI) attribute codes
    when it is ``protein_coding``; it is read from the gene's ``gene`` row, else a transcript
    row, else its first row carrying it (NCBI writes it on ``gene`` rows only). A gene without
    the attribute codes when a transcript of it has ``CDS`` rows (UCSC, GeneDB and other GTFs
    without biotypes). ``aid``: the annotation_id, quotes doubled.
    """
    rank = "case feature when 'gene' then 0 when 'transcript' then 1 else 2 end"
    con.execute(
        f"""insert into ann_coding_genes
        with pick as (select gene_id, arg_min(line, [(not typed)::int, {rank}, line]) as line,
                             bool_or(typed) as typed
                      from _gtf where gene_id is not null and gene_id <> '' group by gene_id),
        t as (select p.gene_id, coalesce(nullif({_attr("gene_type")}, ''),
                                         nullif({_attr("gene_biotype")}, '')) as biotype
              from pick p join _gtf_raw r on r.line = p.line where p.typed),
        cds as (select distinct gene_id from _gtf where feature = 'CDS'),
        g as (select distinct gene_id from ann_genes where annotation_id = '{aid}')
        select '{aid}', g.gene_id,
               case when t.biotype is not null then 'gene_type' else 'CDS' end
        from g left join t using (gene_id)
        where coalesce(t.biotype = 'protein_coding', g.gene_id in (from cds))
        order by g.gene_id"""
    )


def _drop_unusable_transcripts(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Remove from ``_gtf_tx`` the transcripts a TxDb cannot hold, with a warning naming them.

    A transcript (on one chromosome) whose rows lie on both strands has no 5' end and no exon
    ranks (txdbmaker drops it); one without a strand (``.``, e.g. StringTie's single-exon
    transcripts) has no TSS (``makeTxDb`` refuses it).
    """
    bad = con.execute(
        """select tx_id, chrom, bool_or(strand = '.') as unstranded from _gtf_tx
        group by tx_id, chrom having count(distinct strand) > 1 or bool_or(strand = '.')
        order by tx_id, chrom"""
    ).fetchall()
    if not bad:
        return
    con.execute(
        """delete from _gtf_tx where (tx_id, chrom) in (
            select (tx_id, chrom) from _gtf_tx group by tx_id, chrom
            having count(distinct strand) > 1 or bool_or(strand = '.'))"""
    )
    for unstranded, what in ((True, "have no strand ('.')"), (False, "lie on both strands")):
        ids = [f"{t} ({c})" for t, c, u in bad if u == unstranded]
        if ids:
            logger.warning(
                "%s: %d transcripts %s and are left out (no TSS or exon order), e.g. %s",
                path,
                len(ids),
                what,
                ", ".join(ids[:3]),
            )
