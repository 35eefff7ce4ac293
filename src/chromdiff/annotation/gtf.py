"""Load a GENCODE / Ensembl / RefSeq GTF (gzipped or not) into the ``ann_*`` tables.

GTF is 1-based closed: ``start - 1`` gives BED starts. Genes come from ``gene`` rows (or the
extent of their transcripts), transcripts from ``transcript`` rows (or the extent of their exons),
exons are merged per gene. UTRs are derived as a TxDb derives them (``makeTxDbFromGFF``, then
ChIPseeker's ``fiveUTRsByTranscript``/``threeUTRsByTranscript``): the parts of a coding
transcript's exons before and after its coding range, the span of its ``CDS`` rows with the
``stop_codon`` merged in (txdbmaker ``.make_splicings``: "Exons with a CDS part and a stop codon
have the latter merged into the former"). ``UTR``/``five_prime_utr``/``three_prime_utr`` rows are
not read: GENCODE's ``UTR`` rows hold the stop codon, which ChIPseeker calls exon, and NCBI or
UCSC GTFs have no such rows (or name them ``5UTR``/``3UTR``) but do have CDS rows.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from chromdiff.annotation.genesql import merge_intervals_sql
from chromdiff.errors import InputError

#: The rules a GTF build was made with (``annotation_sources.version`` of a GTF build): a build
#: stored by an older chromdiff is loaded again from its file (2: UTRs derived from the CDS;
#: 3: attributes read with any spacing, "#" inside values kept; 4: exons per transcript kept).
GTF_RULES_VERSION = "gtf-rules-4"

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
                        {_attr("gene_id")}) as symbol
        from _gtf_raw"""
    )
    if con.execute("select count(*) from _gtf where feature = 'exon'").fetchall()[0][0] == 0:
        _refuse_gff3(con, path)
        raise InputError(f"{path}: no exon rows; is this a GTF?")
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
    """Insert the GTF's genes, transcripts, merged exons and UTRs under ``annotation_id``."""
    read_gtf(con, path)
    aid = annotation_id.replace("'", "''")
    con.execute(
        f"""insert into ann_transcripts
        select '{aid}', tx_id, any_value(gene_id), any_value(symbol), chrom,
               min(start), max(stop), any_value(strand)
        from _gtf where tx_id is not null and feature in ('transcript', 'exon')
        group by tx_id, chrom"""
    )
    con.execute(
        f"""insert into ann_genes
        with g as (
            select gene_id, any_value(symbol) as symbol, chrom, min(start) as start,
                   max(stop) as stop, any_value(strand) as strand
            from _gtf where feature in ('gene', 'transcript', 'exon') group by gene_id, chrom)
        select '{aid}', gene_id, symbol, chrom, start, stop, strand,
               case when strand = '-' then stop - 1 else start end from g"""
    )
    con.execute(
        f"""insert into ann_exons select '{aid}', * from ({
            merge_intervals_sql(
                "(select * from _gtf where feature = 'exon')", "gene_id, chrom", ("strand",)
            )
        })"""
    )
    # each transcript's exons as given (overlapping exons of one transcript merged, as a TxDb
    # holds them once): the engine numbers a GTF build's exons and introns per transcript
    con.execute(
        f"""insert into ann_tx_exons select '{aid}', tx_id, gene_id, chrom, start, stop, strand
        from ({
            merge_intervals_sql(
                "(select * from _gtf where feature = 'exon' and tx_id is not null)",
                "tx_id, chrom",
                ("gene_id", "strand"),
            )
        })"""
    )
    con.execute(
        f"""insert into ann_utrs
        with cr as (select tx_id, chrom, min(start) as cs, max(stop) as ce from _gtf
                    where feature in ('CDS', 'stop_codon') and tx_id is not null
                    group by tx_id, chrom),
        ex as (select distinct tx_id, gene_id, chrom, start, stop, strand from _gtf
               where feature = 'exon' and tx_id is not null)
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
