"""``annotate_regions``: ChIPseeker-like annotation of any table of regions, in DuckDB."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from chromdiff.annotation.cache import derived_tables, sql_literal
from chromdiff.annotation.features import (
    DEFAULT_PRIORITY,
    build_downstream,
    build_hits,
    category_sql,
)
from chromdiff.annotation.nearest import build_nearest, with_genes
from chromdiff.annotation.staging import (
    create_sql,
    drop_scratch,
    regions_select,
    stage_regions,
    table_name,
)
from chromdiff.duckcore import duckdb

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
        when coalesce(ex.gene_id, it.gene_id) is not null
             then coalesce(ex.symbol, it.symbol, ex.gene_id, it.gene_id)
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
    sql = annotation_select(
        con,
        regions_sql,
        annotation_id,
        tables=tables,
        tss_region=tss_region,
        priority=priority,
        level=level,
        downstream=downstream,
        downstream_distance=downstream_distance,
        flank=flank,
        ignore_upstream=ignore_upstream,
        ignore_downstream=ignore_downstream,
        ignore_overlap=ignore_overlap,
    )
    con.execute(f"{create_sql(out_table)} as {sql}")
    drop_scratch(con, tables)
    return con.execute(f"select count(*) from {table_name(out_table)}").fetchall()[0][0]


def annotation_select(
    con: duckdb.DuckDBPyConnection,
    regions_sql: str,
    annotation_id: str,
    *,
    tables: dict[str, str | None],
    renames: dict[str, str] | None = None,
    tss_region: tuple[int, int] = (-3000, 3000),
    priority: tuple[str, ...] = DEFAULT_PRIORITY,
    level: str = "transcript",
    downstream: str = "chipseeker",
    downstream_distance: int = 3000,
    flank: int = 5000,
    ignore_upstream: bool = False,
    ignore_downstream: bool = False,
    ignore_overlap: bool = False,
    ordered: bool = False,
) -> str:
    """Build the scratch tables of :func:`annotate_regions`; return its result's SELECT.

    The SELECT gives :data:`OUTPUT_COLUMNS`, unordered; a caller may write it straight to a
    file (``copy (...) to``), then drops the scratch tables
    (:func:`~chromdiff.annotation.staging.drop_scratch`). Parameters as in
    :func:`annotate_regions`, plus ``tables`` (the
    :func:`~chromdiff.annotation.cache.derived_tables` mapping) and ``renames``: ``None`` to
    check and stage the regions (:func:`~chromdiff.annotation.staging.stage_regions`), or the
    chromosome renames of regions already checked (by
    :func:`chromdiff.regions.reader.read_regions` and
    :func:`~chromdiff.annotation.staging.check_regions`): when there are none, every step reads
    ``regions_sql`` itself and no staged copy is made. ``ordered``: the SELECT's rows come out
    mostly in ``region_key`` order, not guaranteed (see
    :func:`~chromdiff.annotation.nearest.build_nearest`).
    """
    if renames is None or renames:
        stage_regions(con, regions_sql, annotation_id, tables=tables, warn=renames is None)
        source = "_cd_r"
    else:
        source = f"({regions_select(regions_sql)})"
    build_nearest(
        con,
        annotation_id,
        level,
        tables=tables,
        ignore_upstream=ignore_upstream,
        ignore_downstream=ignore_downstream,
        ignore_overlap=ignore_overlap,
        source=source,
        ordered=ordered,
    )
    build_hits(con, annotation_id, tables=tables, source=source)
    build_downstream(
        con, annotation_id, downstream, downstream_distance, tables=tables, source=source
    )
    # with one side ignored a region may have no TSS on an annotated chromosome (n.cid)
    one_side = ignore_upstream or ignore_downstream
    annotated = "n.cid is not null" if one_side else "n.tss is not null"
    return f"""select n.region_key, n.orig_chrom as chrom, n.r_start as start, n.r_stop as stop,
               {category_sql(tuple(priority), tuple(tss_region), downstream_distance, annotated)},
               n.gene_id, n.symbol, n.tx_id, n.gene_strand, n.gene_start, n.gene_stop, n.tss,
               n.distance_to_tss,
               coalesce(ex.gene_id, it.gene_id) as genic_gene_id,
               coalesce(ex.symbol, it.symbol) as genic_symbol,
               {label_sql(flank)} as nearest_label,
               {sql_literal(annotation_id)}::varchar as annotation_id
        from ({with_genes("_cd_near", level, tables)}) n
        left join _cd_exon ex using (region_key)
        left join _cd_intron it using (region_key)
        left join _cd_utr5 u5 using (region_key)
        left join _cd_utr3 u3 using (region_key)
        left join _cd_down dw using (region_key)"""


@contextmanager
def annotated(
    con: duckdb.DuckDBPyConnection,
    regions_sql: str,
    annotation_id: str,
    *,
    tables: dict[str, str | None] | None = None,
    **options,
) -> Iterator[str]:
    """Yield the SELECT of :func:`annotate_regions`' rows (:data:`OUTPUT_COLUMNS`).

    The engine's scratch tables are built on entry (:func:`annotation_select`, regions staged
    and checked) and dropped when the block ends without an error; the block runs the SELECT
    where it wants the rows (``annotate_comparison`` inserts them straight into
    ``region_annotation``, with no table in between). ``options`` as :func:`annotate_regions`.
    """
    if tables is None:
        tables = derived_tables(con, annotation_id)
    yield annotation_select(con, regions_sql, annotation_id, tables=tables, **options)
    # not in a finally: after an error the caller's transaction may be aborted (no statement
    # runs); temp tables die with the connection
    drop_scratch(con, tables)
