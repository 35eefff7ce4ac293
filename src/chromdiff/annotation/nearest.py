"""Nearest TSS and ChIPseeker's ``distanceToTSS``, set-wise with a DuckDB ASOF join.

Mapping of BED half-open ``[s, e)`` to ChIPseeker's 1-based closed ``[S, E] = [s + 1, e]`` and a
TSS at 0-based base ``t`` (``T = t + 1``):

* the region contains the TSS ⇔ ``S ≤ T ≤ E`` ⇔ ``s ≤ t < e`` → distance 0;
* nearest TSS before the region (``follow``): max ``t < s``, ``d = σ·(S − T) = σ·(s − t)``;
* nearest TSS after it (``precede``): min ``t ≥ e``, ``d = σ·(E − T) = σ·(e − t − 1)``;

with σ = +1 for a ``+`` feature, −1 for ``−``. The candidate with the smaller ``|d|`` wins; a tie
goes to the one before. Several features sharing one TSS base: the smallest ``tx_id`` is kept.

Both candidates come from one ASOF join: the first TSS at or after the region start ``s`` is
either inside the region (contained) or, when it is at or after the stop, exactly the ``precede``
candidate; the TSS just before it on the chromosome is the largest ``t < s``, the ``follow``
candidate. The cached ``tss_keys`` table stores each TSS with its predecessor and one end row per
chromosome (whose predecessor is the last TSS), all on one packed BIGINT key ``cid * SPAN + t``
(see :mod:`chromdiff.annotation.cache`); an ASOF join on one key column is cheaper than on a
(chromosome, position) pair. ``ignore_overlap`` (the ``precede`` search starts at the stop) and
builds whose TSSs do not fit the packed key use two ASOF joins on (cid, tss) instead.

Only integers leave the join (TSS row id, position, strand, distance); :func:`with_genes` adds
the gene's strings for the query that keeps them. :func:`nearest_tss` is the step on its own
(``link_nearest``, the ``bedtools closest`` equivalent), reading the regions straight from the
caller's query and checking them on its result.
"""

from __future__ import annotations

from chromdiff.annotation.cache import SPAN, derived_tables, kid, sql_literal
from chromdiff.annotation.staging import check_regions, regions_select, stage_regions
from chromdiff.duckcore import duckdb


def build_nearest(
    con: duckdb.DuckDBPyConnection,
    annotation_id: str,
    level: str = "transcript",
    *,
    tables: dict[str, str | None] | None = None,
    ignore_upstream: bool = False,
    ignore_downstream: bool = False,
    ignore_overlap: bool = False,
    source: str = "_cd_r",
    ordered: bool = False,
) -> None:
    """Create temp table ``_cd_near`` from ``_cd_r`` (one row per region).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection with ``_cd_r`` (see :func:`~chromdiff.annotation.annotate.stage_regions`).
    annotation_id : str
        Annotation to use.
    level : str
        ``transcript`` (every transcript's TSS) or ``gene`` (one TSS per gene).
    tables : dict, optional
        The :func:`~chromdiff.annotation.cache.derived_tables` mapping when the caller has it.
    ignore_upstream, ignore_downstream, ignore_overlap : bool
        ChIPseeker's options of the same names.
    source : str
        Table or parenthesised query with ``_cd_r``'s columns to read instead of ``_cd_r``.
    ordered : bool
        Store the rows in ``region_key`` order (a sort of these narrow rows): a query whose
        joins probe this table then mostly keeps that order (see
        :func:`chromdiff.annotation.keyorder.in_key_order`).

    Notes
    -----
    Columns: region_key, orig_chrom, r_start, r_stop, tid, tss, tss_minus, distance_to_tss
    (the last four NULL when the chromosome has no TSS), i.e. what ``bedtools closest -D b``
    reports: the TSS, whether its strand is ``-`` (the sign of the distance) and the signed
    distance. ``tid`` points at the TSS's row of the ``tss`` table; :func:`with_genes` adds the
    gene columns where a caller wants them, so their strings are read once, by the query that
    keeps them.
    """
    if tables is None:
        tables = derived_tables(con, annotation_id)
    sql = nearest_sql(
        annotation_id,
        level,
        tables,
        ignore_upstream=ignore_upstream,
        ignore_downstream=ignore_downstream,
        ignore_overlap=ignore_overlap,
        source=source,
    )
    order = " order by region_key" if ordered else ""
    con.execute(f"create or replace temp table _cd_near as {sql}{order}")


def nearest_sql(
    annotation_id: str,
    level: str,
    tables: dict[str, str | None],
    *,
    ignore_upstream: bool = False,
    ignore_downstream: bool = False,
    ignore_overlap: bool = False,
    source: str = "_cd_r",
) -> str:
    """Return the SELECT of :func:`build_nearest`'s ``_cd_near`` rows (same parameters).

    A caller that only writes the rows out (``chromdiff annotate --links nearest``) uses it as
    a CTE of its ``copy`` statement instead of materialising ``_cd_near``.
    """
    if level not in ("transcript", "gene"):
        raise ValueError(f"level must be 'transcript' or 'gene', not {level!r}")
    sel = f"kid = {kid(tables, level)}"  # this build and level (an integer: cheap to filter)
    # j gives each region u (the TSS before the start) and o (the first TSS at or after the
    # start, or after the stop with ignore_overlap) as row ids, signed distances and whether
    # o lies inside the region; d picks one
    sig = "(case when {}neg then -1 else 1 end)"
    if ignore_downstream:  # only the TSS before (none: no gene, as ChIPseeker's Inf distance)
        pick = "true"
    elif ignore_upstream:
        pick = "false"
    else:
        pick = "u_d is not null and (o_d is null or abs(u_d) <= abs(o_d))"
    # r: the regions with their chromosome id (NULL: no annotated chromosome, no TSS)
    r = f"""select r.region_key, coalesce(r.orig_chrom, r.chrom) as orig_chrom, r.start,
                   r.stop, c.cid
            from {source} r left join (select chrom, cid from {tables["chroms"]}
                                    where annotation_id = {sql_literal(annotation_id)}) c
              on c.chrom = r.chrom"""
    if tables["tss_keys"] is not None and not ignore_overlap:
        # starts beyond the last packable position are clamped: every TSS is below it, so
        # the end row is still the match (its key is above every TSS key of the chromosome)
        j = f"""select r.region_key, r.orig_chrom, r.start, r.stop, o.p_tid as u_tid,
                       o.tid as o_tid, o.p_tss as u_tss, o.tss as o_tss, o.p_neg as u_neg,
                       o.neg as o_neg, {sig.format("o.p_")} * (r.start - o.p_tss) as u_d,
                       {sig.format("o.")} * (r.stop - o.tss - 1) as o_d, o.tss < r.stop as ins,
                       r.cid
                from r asof left join
                     (select key, tid, tss, neg, p_tid, p_tss, p_neg from {tables["tss_keys"]}
                      where {sel}) o
                  on r.cid * {SPAN} + least(r.start, {SPAN - 1}) <= o.key"""
    else:
        # with ignore_overlap the ASOF must skip TSSs inside the region: search from the stop
        o_on = "r.stop <= o.tss" if ignore_overlap else "r.start <= o.tss"
        ins = "false" if ignore_overlap else "o.tss < r.stop"
        j = f"""with k as (select cid, tss, tid, neg from {tables["tss"]} where {sel})
                select r.region_key, r.orig_chrom, r.start, r.stop, u.tid as u_tid,
                       o.tid as o_tid, u.tss as u_tss, o.tss as o_tss, u.neg as u_neg,
                       o.neg as o_neg, {sig.format("u.")} * (r.start - u.tss) as u_d,
                       {sig.format("o.")} * (r.stop - o.tss - 1) as o_d, {ins} as ins, r.cid
                from r
                asof left join k u on r.cid = u.cid and r.start > u.tss
                asof left join k o on r.cid = o.cid and {o_on}"""
    # only integers leave the ASOF join: the gene's strings are joined by whoever keeps them
    # (with_genes), which halves the cost of this step at 10k regions
    up = f"ins is not true and ({pick})"
    # one side only: a region with no TSS on that side has none (NULL), but its chromosome is
    # annotated (cid), so its features are still found
    cid = ", cid" if ignore_upstream or ignore_downstream else ""
    return f"""with r as ({r}),
        j as ({j})
        select region_key, orig_chrom, start as r_start, stop as r_stop,
               case when {up} then u_tid else o_tid end as tid,
               case when {up} then u_tss else o_tss end as tss,
               case when {up} then u_neg else o_neg end as tss_minus,
               case when ins then 0 when {pick} then u_d else o_d end as distance_to_tss{cid}
        from j"""


def with_genes(near: str, level: str, tables: dict[str, str | None]) -> str:
    """Return SQL: the rows of ``near`` (a :func:`build_nearest` table) with the gene columns.

    Adds ``tx_id, gene_id, symbol, gene_strand, gene_start, gene_stop`` of the nearest TSS's
    feature (NULL where there is none) by its ``tid``.
    """
    sel = f"kid = {kid(tables, level)}"
    return f"""select n.*, g.tx_id, g.gene_id, g.symbol, g.strand as gene_strand,
                   g.start as gene_start, g.stop as gene_stop
            from {near} n left join (select tid, tx_id, gene_id, symbol, strand, start, stop
                                     from {tables["tss"]} where {sel}) g on g.tid = n.tid"""


def nearest_tss(
    con: duckdb.DuckDBPyConnection,
    regions_sql: str,
    annotation_id: str,
    level: str = "transcript",
    *,
    tables: dict[str, str | None] | None = None,
    checked: bool = False,
    **options: bool,
) -> None:
    """Create temp table ``_cd_near`` (see :func:`build_nearest`) straight from ``regions_sql``.

    The nearest TSS alone, as ``bedtools closest -D b`` gives it, with the regions checked as
    :func:`~chromdiff.annotation.staging.stage_regions` checks them, but on the result rather
    than on a staged copy: one statement reads the regions and finds their TSS, one checks
    them. Regions whose chromosome names need renaming (``1`` vs ``chr1``) are staged and
    searched again the general way. ``options``: ``ignore_upstream``, ``ignore_downstream``,
    ``ignore_overlap`` as in :func:`build_nearest`. ``checked``: the regions were read by
    :func:`chromdiff.regions.reader.read_regions` (see
    :func:`~chromdiff.annotation.staging.check_regions`). Drop ``_cd_near`` when done.

    Raises
    ------
    InputError
        As :func:`~chromdiff.annotation.staging.check_regions` (``_cd_near`` is dropped).
    """
    if tables is None:
        tables = derived_tables(con, annotation_id)
    src = f"({regions_select(regions_sql)})"
    build_nearest(con, annotation_id, level, tables=tables, source=src, **options)
    try:
        renamed = check_regions(
            con,
            "_cd_near",
            annotation_id,
            tables,
            cols=("orig_chrom", "r_start", "r_stop"),
            checked=checked,
        )
    except BaseException:
        con.execute("drop table if exists _cd_near")
        raise
    if renamed:
        # check_regions has warned about these regions already
        stage_regions(con, regions_sql, annotation_id, tables=tables, warn=False)
        build_nearest(con, annotation_id, level, tables=tables, **options)
        con.execute("drop table if exists _cd_r")
