"""``annotate_regions``: ChIPseeker-like annotation of any table of regions, in DuckDB."""

from __future__ import annotations

import duckdb

from chromdiff.annotation.cache import derived_tables, scratch_derived, sql_literal
from chromdiff.annotation.chrnames import chrom_map
from chromdiff.annotation.features import (
    DEFAULT_PRIORITY,
    build_downstream,
    build_hits,
    category_sql,
)
from chromdiff.annotation.nearest import build_nearest
from chromdiff.errors import InputError

#: Columns of the ``out_table`` written by :func:`annotate_regions`, in order.
OUTPUT_COLUMNS = (
    "region_key",
    "chrom",
    "start",
    "stop",
    "feature",
    "annotation",
    "gene_id",
    "symbol",
    "tx_id",
    "gene_strand",
    "gene_start",
    "gene_stop",
    "tss",
    "distance_to_tss",
    "genic_gene_id",
    "genic_symbol",
    "nearest_label",
    "annotation_id",
)


def stage_regions(
    con: duckdb.DuckDBPyConnection,
    regions_sql: str,
    annotation_id: str,
    *,
    tables: dict[str, str | None] | None = None,
) -> None:
    """Create temp table ``_cd_r`` (region_key, chrom, start, stop, orig_chrom).

    ``chrom`` is in the annotation's spelling; ``orig_chrom`` is the regions' own spelling
    where it differs, else NULL (so the common case stores one string column, not two). Raises
    InputError on duplicate keys or bad coordinates. ``tables`` is the
    :func:`~chromdiff.annotation.cache.derived_tables` mapping when the caller has it (its
    ``chroms`` table is cheaper to read than ``ann_transcripts``).
    """
    aid = sql_literal(annotation_id)
    if tables is None:  # no derived tables made just for this (links.py stages regions too)
        ann_sql = f"select distinct chrom from ann_transcripts where annotation_id = {aid}"
    else:
        ann_sql = f"select chrom from {tables['chroms']} where annotation_id = {aid} and tx"
    con.execute(
        f"""create or replace temp table _cd_r as
        select region_key, chrom::varchar as chrom, start::bigint as start, stop::bigint as stop,
               null::varchar as orig_chrom
        from ({regions_sql})"""
    )
    # one scan for the checks and the per-chromosome counts (min(b) over the groups is the
    # min over all bad rows); count(region_key) of the distinct keys ignores NULL keys, as
    # count(distinct region_key) does
    n, n_keys, bad, chroms, counts, ann = con.execute(
        f"""with g as (select chrom, count(*) as n,
                              min(region_key) filter (where start < 0 or stop <= start
                                                      or chrom is null) as b
                       from _cd_r group by chrom)
        select coalesce(sum(n), 0),
               (select count(region_key) from (select distinct region_key from _cd_r)),
               min(b), list(chrom) filter (where chrom is not null),
               list(n) filter (where chrom is not null), (select list(chrom) from ({ann_sql}))
        from g"""
    ).fetchall()[0]
    if n != n_keys:
        raise InputError(f"regions: region_key is not unique ({n} rows, {n_keys} keys)")
    if bad is not None:
        raise InputError(f"regions: region_key {bad}: need a chrom and 0 <= start < stop")
    mapping = chrom_map(dict(zip(chroms or [], counts or [], strict=True)), set(ann or []))
    renamed = {k: v for k, v in mapping.items() if k != v}
    if renamed:  # e.g. regions say "1", the annotation "chr1"
        # SET expressions see the row before the update: orig_chrom gets the old chrom
        con.execute(
            """update _cd_r set orig_chrom = _cd_r.chrom, chrom = m.ann_chrom
            from (select unnest(?::varchar[]) as chrom, unnest(?::varchar[]) as ann_chrom) m
            where _cd_r.chrom = m.chrom""",
            [list(renamed), list(renamed.values())],
        )


#: Scratch temp tables of one call (``_cd_<name>``).
_SCRATCH = ("r", "near", "rb", "exon", "intron", "utr5", "utr3", "down")


def drop_scratch(
    con: duckdb.DuckDBPyConnection,
    tables: dict[str, str | None] | None = None,
    names: tuple[str, ...] = _SCRATCH,
) -> None:
    """Drop the scratch tables of :func:`annotate_regions` (one round trip).

    With ``tables`` (the :func:`~chromdiff.annotation.cache.derived_tables` mapping of the
    call) the per-call derived tables are dropped only if the call made them. ``names``: the
    ``_cd_<name>`` tables to drop (default all; e.g. ``("r", "near")`` after the nearest step
    alone).
    """
    stmts = [f"drop table if exists _cd_{t}" for t in names]
    if tables is None or tables["chroms"] in scratch_derived():
        stmts += [f"drop table if exists {t}" for t in scratch_derived()]
    con.execute(";\n".join(stmts))


def label_sql(flank: int) -> str:
    """Return SQL for ``nearest_label`` (``GENE`` or ``GENE (+2.1kb)`` within ``flank``)."""
    dist = (
        "(case when n.distance_to_tss > 0 then '+' else '-' end) || "
        "(case when abs(n.distance_to_tss) < 1000 then abs(n.distance_to_tss) || 'bp' "
        "else printf('%.1f', abs(n.distance_to_tss) / 1000.0) || 'kb' end)"
    )
    return f"""case
        when n.tss is not null and (n.distance_to_tss = 0
             or (n.gene_start < n.r_stop and n.r_start < n.gene_stop))
             then coalesce(n.symbol, n.gene_id)
        when coalesce(ex.h.gene_id, it.gene_id) is not null
             then coalesce(ex.h.symbol, it.symbol, ex.h.gene_id, it.gene_id)
        when abs(n.distance_to_tss) <= {int(flank)}
             then coalesce(n.symbol, n.gene_id) || ' (' || {dist} || ')'
        end"""


def annotate_regions(
    con: duckdb.DuckDBPyConnection,
    regions_sql: str,
    annotation_id: str,
    out_table: str,
    *,
    tss_region: tuple[int, int] = (-3000, 3000),
    priority: tuple[str, ...] = DEFAULT_PRIORITY,
    level: str = "transcript",
    downstream: str = "chipseeker",
    downstream_distance: int = 3000,
    flank: int = 5000,
    ignore_upstream: bool = False,
    ignore_downstream: bool = False,
    ignore_overlap: bool = False,
) -> int:
    """Annotate every region like ChIPseeker's ``annotatePeak``; write ``out_table``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection holding the ``ann_*`` tables (see :func:`ensure_annotation`).
    regions_sql : str
        A query selecting at least ``region_key, chrom, start, stop`` (0-based half-open).
    annotation_id : str
        Annotation to use.
    out_table : str
        Table created (or replaced) with :data:`OUTPUT_COLUMNS`, one row per region.
    tss_region : tuple of int
        Promoter window on the signed ``distance_to_tss`` (inclusive), default (−3000, 3000).
    priority : tuple of str
        Order of Promoter, 5UTR, 3UTR, Exon, Intron (Downstream and Intergenic only fill blanks,
        as in ChIPseeker).
    level : str
        ``transcript`` (every transcript's TSS, ChIPseeker's default) or ``gene``.
    downstream : str
        ``chipseeker`` (reproduce its one-sided search) or ``both`` (corrected rule).
    downstream_distance : int
        Downstream window (ChIPseeker.downstreamDistance), default 3000.
    flank : int
        ``nearest_label`` shows a distance only within this many bp.
    ignore_upstream, ignore_downstream, ignore_overlap : bool
        ChIPseeker's options of the same names.

    Returns
    -------
    int
        Number of rows written.
    """
    tables = derived_tables(con, annotation_id)
    stage_regions(con, regions_sql, annotation_id, tables=tables)
    build_nearest(
        con,
        annotation_id,
        level,
        tables=tables,
        ignore_upstream=ignore_upstream,
        ignore_downstream=ignore_downstream,
        ignore_overlap=ignore_overlap,
    )
    build_hits(con, annotation_id, tables=tables)
    build_downstream(con, annotation_id, downstream, downstream_distance, tables=tables)
    con.execute(
        f"""create or replace table {out_table} as
        select n.region_key, n.orig_chrom as chrom, n.r_start as start, n.r_stop as stop,
               {category_sql(tuple(priority), tuple(tss_region), downstream_distance)},
               n.gene_id, n.symbol, n.tx_id, n.gene_strand, n.gene_start, n.gene_stop, n.tss,
               n.distance_to_tss,
               coalesce(ex.h.gene_id, it.gene_id) as genic_gene_id,
               coalesce(ex.h.symbol, it.symbol) as genic_symbol,
               {label_sql(flank)} as nearest_label,
               ?::varchar as annotation_id
        from _cd_near n
        left join _cd_exon ex using (region_key)
        left join _cd_intron it using (region_key)
        left join _cd_utr5 u5 using (region_key)
        left join _cd_utr3 u3 using (region_key)
        left join _cd_down dw using (region_key)""",
        [annotation_id],
    )
    drop_scratch(con, tables)
    return con.execute(f"select count(*) from {out_table}").fetchall()[0][0]
