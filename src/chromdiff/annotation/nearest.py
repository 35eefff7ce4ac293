"""Nearest TSS and ChIPseeker's ``distanceToTSS``, set-wise with DuckDB ASOF joins.

Mapping of BED half-open ``[s, e)`` to ChIPseeker's 1-based closed ``[S, E] = [s + 1, e]`` and a
TSS at 0-based base ``t`` (``T = t + 1``):

* the region contains the TSS ⇔ ``S ≤ T ≤ E`` ⇔ ``s ≤ t < e`` → distance 0;
* nearest TSS before the region (``follow``): max ``t < s``, ``d = σ·(S − T) = σ·(s − t)``;
* nearest TSS after it (``precede``): min ``t ≥ e``, ``d = σ·(E − T) = σ·(e − t − 1)``;

with σ = +1 for a ``+`` feature, −1 for ``−``. The candidate with the smaller ``|d|`` wins; a tie
goes to the one before. Several features sharing one TSS base: the smallest ``tx_id`` is kept.
"""

from __future__ import annotations

import duckdb

from chromdiff.annotation.cache import derived_tables, sql_literal


def build_tss(
    con: duckdb.DuckDBPyConnection,
    annotation_id: str,
    level: str,
    *,
    tables: dict[str, str | None] | None = None,
) -> None:
    """Create temp views ``_cd_tss`` (one row per TSS base) and ``_cd_chr`` (chrom ids).

    ``_cd_tss`` holds one row per (chrom, tss) with the feature kept for it, from the derived
    ``tss`` table of :mod:`chromdiff.annotation.cache` (built once per registered build);
    ``_cd_chr`` maps the annotation's chromosome names to integer ids. ``tables`` is the
    :func:`~chromdiff.annotation.cache.derived_tables` mapping when the caller has it.
    """
    if level not in ("transcript", "gene"):
        raise ValueError(f"level must be 'transcript' or 'gene', not {level!r}")
    if tables is None:
        tables = derived_tables(con, annotation_id)
    aid = sql_literal(annotation_id)
    con.execute(
        f"""create or replace temp view _cd_tss as
        select cid, tss, neg, tid, chrom, tx_id, gene_id, symbol, strand, start, stop
        from {tables["tss"]} where annotation_id = {aid} and level = '{level}';
        create or replace temp view _cd_chr as
        select chrom, cid from {tables["chroms"]} where annotation_id = {aid}"""
    )


def build_nearest(
    con: duckdb.DuckDBPyConnection,
    *,
    ignore_upstream: bool = False,
    ignore_downstream: bool = False,
    ignore_overlap: bool = False,
) -> None:
    """Create temp table ``_cd_near`` from ``_cd_r`` and ``_cd_tss`` (one row per region).

    Columns: region_key, tx_id, gene_id, symbol, gene_strand, gene_start, gene_stop, tss,
    distance_to_tss (NULL when the chromosome has no TSS).
    """
    # The first TSS at or after the region start is either inside the region (contained) or,
    # when it is at or after the stop, exactly the nearest TSS after the region. The ASOF joins
    # run on narrow integer keys (chromosome id, TSS, row id, strand); the chosen TSS's gene
    # columns are fetched by row id afterwards, for one row per region.
    sig = "case when {a}_neg then -1 else 1 end"
    d_up = f"{sig.format(a='u')} * (start - u_tss)"
    d_dn = f"{sig.format(a='o')} * (stop - o_tss - 1)"
    contained = "false" if ignore_overlap else "o_tss < stop"
    if ignore_downstream:
        pick = "u_tss is not null"
    elif ignore_upstream:
        pick = "false"
    else:
        pick = f"u_tss is not null and (o_tss is null or abs({d_up}) <= abs({d_dn}))"
    # with ignore_overlap the ASOF must skip TSSs inside the region: search from the stop
    o_on = "r.stop <= o.tss" if ignore_overlap else "r.start <= o.tss"
    con.execute(
        f"""create or replace temp table _cd_near as
        with r as (select r.region_key, r.orig_chrom, r.start, r.stop, c.cid
                   from _cd_r r left join _cd_chr c on c.chrom = r.chrom),
        k as (select cid, tss, tid, neg from _cd_tss),
        j as (select r.*, u.tss as u_tss, u.tid as u_tid, u.neg as u_neg,
                     o.tss as o_tss, o.tid as o_tid, o.neg as o_neg
              from r
              asof left join k u on r.cid = u.cid and r.start > u.tss
              asof left join k o on r.cid = o.cid and {o_on}),
        d as (select region_key, orig_chrom, start, stop,
                     case when {contained} then o_tid when {pick} then u_tid else o_tid end
                         as tid,
                     case when {contained} then 0 when {pick} then {d_up} else {d_dn} end
                         as distance_to_tss
              from j)
        select d.region_key, d.orig_chrom, d.start as r_start, d.stop as r_stop, p.tx_id,
               p.gene_id, p.symbol, p.strand as gene_strand, p.start as gene_start,
               p.stop as gene_stop, p.tss, d.distance_to_tss
        from d left join _cd_tss p on p.tid = d.tid"""
    )
