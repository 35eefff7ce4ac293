"""Genomic feature categories (ChIPseeker's getGenomicAnnotation), set-wise in DuckDB.

Overlaps use binned equi-joins on (chrom, bin) with an interval filter (bins of
:data:`BIN` bp), so DuckDB runs a hash join instead of a per-chromosome cross product.
Exons are merged per gene; introns are the gaps between a gene's merged exons.
"""

from __future__ import annotations

from chromdiff.annotation.cache import BIN as BIN
from chromdiff.annotation.cache import derived_tables, sql_literal
from chromdiff.duckcore import duckdb

DEFAULT_PRIORITY = ("Promoter", "5UTR", "3UTR", "Exon", "Intron", "Downstream", "Intergenic")
_GENIC = ("Promoter", "5UTR", "3UTR", "Exon", "Intron")


def _first_hit(bins: str, aid: str, key: str, regions: str = "_cd_rb", where: str = "true") -> str:
    """Return SQL: per region of ``regions``, the smallest row id ``key`` overlapping it.

    ``bins`` is a narrow pre-binned derived table (``cid, bin, start, stop, <key>``) whose row
    ids follow the tie-break order, so the smallest id is the first hit.
    """
    return f"""
        select r.region_key, min(x.{key}) as {key}
        from {regions} r
        join (select cid, bin, start, stop, {key} from {bins}
              where annotation_id = {aid} and {where}) x
          on x.cid = r.cid and x.bin = r.bin
        where x.start < r.stop and r.start < x.stop
        group by r.region_key"""


def build_hits(
    con: duckdb.DuckDBPyConnection,
    annotation_id: str,
    *,
    tables: dict[str, str | None] | None = None,
    source: str = "_cd_r",
) -> None:
    """Create temp tables ``_cd_exon``, ``_cd_intron``, ``_cd_utr5``, ``_cd_utr3``.

    The regions are read from ``source`` (a table or parenthesised query with ``_cd_r``'s
    columns, default ``_cd_r``).

    Exons come numbered within their gene, introns as the gaps between a gene's consecutive
    merged exons (numbered after the exon before them), both pre-binned (see
    :mod:`chromdiff.annotation.cache`). A region that overlaps no exon but a gene's span lies
    inside exactly one of its introns, so the first overlapping intron by (gene start, gene_id)
    is the first overlapping gene span, as in ChIPseeker.
    """
    if tables is None:
        tables = derived_tables(con, annotation_id)
    aid = sql_literal(annotation_id)
    con.execute(
        f"""create or replace temp table _cd_rb as
        select r.region_key, c.cid, r.start, r.stop,
               unnest(range(r.start // {BIN}, (r.stop - 1) // {BIN} + 1)) as bin
        from {source} r join (select chrom, cid from {tables["chroms"]}
                           where annotation_id = {aid}) c on c.chrom = r.chrom"""
    )
    con.execute(
        f"""create or replace temp table _cd_exon as
        with h as ({_first_hit(tables["exon_bins"], aid, "xid")})
        select h.region_key, g.gene_id, g.symbol, e.label
        from h
        join (select xid, gid, label from {tables["exons"]} where annotation_id = {aid}) e
          on e.xid = h.xid
        join (select gid, gene_id, symbol from {tables["genes"]}
              where annotation_id = {aid}) g on g.gid = e.gid"""
    )
    con.execute(
        f"""create or replace temp table _cd_intron as
        with h as ({
            _first_hit(
                tables["intron_bins"],
                aid,
                "nid",
                "(select * from _cd_rb anti join _cd_exon using (region_key))",
            )
        })
        select h.region_key, g.gene_id, g.symbol, e.label
        from h
        join (select nid, gid, label from {tables["introns"]} where annotation_id = {aid}) e
          on e.nid = h.nid
        join (select gid, gene_id, symbol from {tables["genes"]}
              where annotation_id = {aid}) g on g.gid = e.gid"""
    )
    for kind in ("5UTR", "3UTR"):
        if tables["utr_bins"] is None:
            con.execute(
                f"create or replace temp table _cd_utr{kind[0]} (region_key bigint, h integer)"
            )
            continue
        con.execute(
            f"""create or replace temp table _cd_utr{kind[0]} as
            select region_key, uid as h from ({
                _first_hit(tables["utr_bins"], aid, "uid", where=f"kind = '{kind}'")
            })"""
        )


def build_downstream(
    con: duckdb.DuckDBPyConnection,
    annotation_id: str,
    rule: str,
    distance: int,
    *,
    tables: dict[str, str | None] | None = None,
    source: str = "_cd_r",
) -> None:
    """Create temp table ``_cd_down`` (region_key, gap) of regions downstream of a transcript.

    ``rule='chipseeker'`` reproduces ChIPseeker: only the transcript ending nearest before the
    region (any strand) is examined, gap = S − txEnd for ``+``, E − txStart for ``−``
    (1-based). Only a transcript end within ``distance`` + 1 bp before the region can give
    ``1 <= |gap| <= distance``, so the nearest end is searched in that window with a binned
    equi-join on the pre-binned transcript ends instead of an ASOF join over all of them
    (``tx_ends`` holds one row per chromosome and end position, so the nearest end is one row
    and ``arg_max`` computes its gap alone: no struct of candidates is carried).
    ``rule='both'`` is the corrected rule: the region starts within ``distance``
    past the 3′ end of a ``+`` transcript, or ends within ``distance`` before the 3′ end (start)
    of a ``−`` transcript. ``source``: where the regions are read (see :func:`build_hits`).
    """
    params = {"aid": annotation_id, "dist": distance}
    if rule == "chipseeker":
        if tables is None:
            tables = derived_tables(con, annotation_id)
        d, b, aid = int(distance), BIN, sql_literal(annotation_id)
        con.execute(
            f"""create or replace temp table _cd_down as
            with r as (select r.region_key, c.cid, r.start, r.stop,
                              unnest(range((r.start - {d} - 1) // {b}, r.start // {b} + 1))
                                  as bin
                       from {source} r join (select chrom, cid from {tables["chroms"]}
                                          where annotation_id = {aid}) c
                         on c.chrom = r.chrom),
            j as (select r.region_key,
                         arg_max(case when t.strand = '-' then r.stop - (t.start + 1)
                                      else r.start + 1 - t.stop end, t.stop) as gap
                  from r join (select cid, bin, start, stop, strand from {tables["tx_ends"]}
                               where annotation_id = {aid}) t
                    on t.cid = r.cid and t.bin = r.bin
                  where t.stop <= r.start and t.stop >= r.start - {d} - 1
                  group by r.region_key)
            select * from j where abs(gap) between 1 and {d}"""
        )
    elif rule == "both":
        con.execute(
            f"""create or replace temp table _cd_down as
            with p as (select distinct chrom, stop from ann_transcripts
                       where annotation_id = $aid and strand = '+'),
            m as (select distinct chrom, start from ann_transcripts
                  where annotation_id = $aid and strand = '-'),
            a as (select r.region_key, r.start + 1 - p.stop as gap
                  from {source} r asof join p on r.chrom = p.chrom and r.start >= p.stop),
            b as (select r.region_key, m.start + 1 - r.stop as gap
                  from {source} r asof join m on r.chrom = m.chrom and r.stop <= m.start)
            select region_key, min(gap) as gap from (from a union all from b)
            where gap between 1 and $dist group by region_key""",
            params,
        )
    else:
        raise ValueError(f"downstream rule must be 'chipseeker' or 'both', not {rule!r}")


def bins_sql(value: str, prefix: str, limit: int) -> str:
    """Return SQL labelling ``|value|`` in 1-kb bins up to ``limit`` (ChIPseeker's Promoter)."""
    parts = []
    for k in range(1, max(1, -(-limit // 1000)) + 1):
        lab = "<=1kb" if k == 1 else f"{k - 1}-{k}kb"
        parts.append(f"when abs({value}) <= {k * 1000} then '{prefix} ({lab})'")
    return "case " + " ".join(parts) + f" else '{prefix}' end"


def downstream_label_sql(gap: str, distance: int) -> str:
    """Return SQL of ChIPseeker's Downstream label of a region ``|gap|`` bp past a transcript end.

    As ``getGenomicAnnotation.R`` (ChIPseeker 85fd5f7, lines 177-202) labels them for
    ``downstreamDistance`` ``dsd``: ``Downstream (<=<dsd>bp)`` when ``dsd / 1000 <= 1``; else
    ``<1kb``, ``1-2kb``, ... for each whole kb of ``1:(dsd/1000)``, and what is left up to
    ``dsd`` ``Downstream (<dsd/1000>kb-<dsd>bp)`` (e.g. ``2.5kb-2500bp``).
    """
    if distance / 1000 <= 1:
        return f"'Downstream (<={int(distance)}bp)'"
    parts = []
    for k in range(1, int(distance // 1000) + 1):  # R's 1:(dsd/1000)
        lab = "<1kb" if k == 1 else f"{k - 1}-{k}kb"
        parts.append(f"when abs({gap}) <= {k * 1000} then 'Downstream ({lab})'")
    rest = f"Downstream ({'%.7g' % (distance / 1000)}kb-{int(distance)}bp)"
    return "case " + " ".join(parts) + f" else '{rest}' end"


def category_sql(
    priority: tuple[str, ...],
    tss_region: tuple[int, int],
    down_dist: int,
    annotated: str = "n.tss is not null",
) -> str:
    """Return SQL selecting ``feature`` and ``annotation`` from the joined hit columns (aliases).

    ``annotated``: SQL true when the region's chromosome has annotation (else both are NULL).
    """
    lo, hi = tss_region
    order = [c for c in priority if c in _GENIC] + [c for c in _GENIC if c not in priority]
    promo = (
        bins_sql("n.distance_to_tss", "Promoter", max(abs(lo), abs(hi)))
        if max(abs(lo), abs(hi)) >= 2000
        else "'Promoter'"
    )
    cases = {
        "Promoter": (f"n.distance_to_tss between {lo} and {hi}", "'Promoter'", promo),
        "5UTR": ("u5.region_key is not null", "'5'' UTR'", "'5'' UTR'"),
        "3UTR": ("u3.region_key is not null", "'3'' UTR'", "'3'' UTR'"),
        "Exon": (
            "ex.region_key is not null",
            "'Exon'",
            "ex.label",
        ),
        "Intron": (
            "it.region_key is not null",
            "'Intron'",
            "it.label",
        ),
    }
    feat = " ".join(f"when {cases[c][0]} then {cases[c][1]}" for c in order)
    ann = " ".join(f"when {cases[c][0]} then {cases[c][2]}" for c in order)
    down = downstream_label_sql("dw.gap", down_dist)
    return f"""case when not ({annotated}) then null {feat}
                    when dw.region_key is not null then 'Downstream'
                    else 'Distal Intergenic' end as feature,
               case when not ({annotated}) then null {ann}
                    when dw.region_key is not null then {down}
                    else 'Distal Intergenic' end as annotation"""
