"""Stage a table of regions for the annotation engine: checks and chromosome names.

Every engine call starts from any query selecting ``region_key, chrom, start, stop``. The
regions must have unique keys, a chromosome and ``0 <= start < stop``; their chromosome names
are matched to the annotation's (``1`` → ``chr1``, ``MT`` → ``chrM``, see
:mod:`chromdiff.annotation.chrnames`), with a warning counting the regions on chromosomes the
annotation lacks. :func:`check_regions` does this for a table already holding the regions, so
that :func:`~chromdiff.annotation.nearest.nearest_tss` can check its own result instead of
staging a copy first.
"""

from __future__ import annotations

from chromdiff.annotation.cache import scratch_derived, sql_literal
from chromdiff.annotation.chrnames import chrom_map
from chromdiff.duckcore import duckdb
from chromdiff.errors import InputError

#: Scratch temp tables of one call (``_cd_<name>``).
_SCRATCH = ("r", "near", "rb", "exon", "intron", "utr5", "utr3", "down")


def regions_select(regions_sql: str) -> str:
    """Return SQL: ``regions_sql``'s regions typed as the engine reads them, ``orig_chrom`` NULL.

    Columns ``region_key, chrom, start, stop, orig_chrom`` (VARCHAR, BIGINT, BIGINT, VARCHAR).
    """
    return f"""select region_key, chrom::varchar as chrom, start::bigint as start,
                   stop::bigint as stop, null::varchar as orig_chrom
            from ({regions_sql})"""


def chrom_renames(
    con: duckdb.DuckDBPyConnection,
    annotation_id: str,
    counts: dict[str, int],
    tables: dict[str, str | None] | None = None,
    *,
    warn: bool = True,
) -> dict[str, str]:
    """Return the chromosome renames regions with these per-chromosome ``counts`` need.

    ``region chromosome -> annotation chromosome`` for the names that differ (empty in the
    common case; :func:`~chromdiff.annotation.chrnames.chrom_map`). A logged warning counts
    regions on chromosomes with no annotation (unless ``warn`` is false). ``tables``: the
    :func:`~chromdiff.annotation.cache.derived_tables` mapping when the caller has it (its
    ``chroms`` table is cheaper to read than ``ann_transcripts``).
    """
    aid = sql_literal(annotation_id)
    if tables is None:  # no derived tables made just for this (links.py stages regions too)
        ann_sql = f"select distinct chrom from ann_transcripts where annotation_id = {aid}"
    else:
        ann_sql = f"select chrom from {tables['chroms']} where annotation_id = {aid} and tx"
    ann = con.execute(f"select list(chrom) from ({ann_sql})").fetchall()[0][0]
    mapping = chrom_map(counts, set(ann or []), warn=warn)
    return {k: v for k, v in mapping.items() if k != v}


def check_regions(
    con: duckdb.DuckDBPyConnection,
    table: str,
    annotation_id: str,
    tables: dict[str, str | None] | None = None,
    *,
    cols: tuple[str, str, str] = ("chrom", "start", "stop"),
    checked: bool = False,
    warn: bool = True,
) -> dict[str, str]:
    """Check the regions in ``table``; return the chromosome renames they need.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection holding ``table`` and the annotation.
    table : str
        Table with ``region_key`` and the ``cols`` (chromosome, start, stop).
    annotation_id : str
        Annotation whose chromosome names the regions must use.
    tables : dict, optional
        As :func:`chrom_renames`.
    cols : tuple of str
        Names of the chromosome, start and stop columns of ``table``.
    checked : bool
        The regions come from :func:`chromdiff.regions.reader.read_regions`, which already
        checked their coordinates and numbered them by file line (unique keys): only the
        chromosome names are looked at (a caller holding the reader's
        :attr:`~chromdiff.regions.reader.RegionFile.chrom_counts` calls :func:`chrom_renames`).
    warn : bool
        Log a warning counting regions on chromosomes with no annotation.

    Returns
    -------
    dict of str to str
        As :func:`chrom_renames`.

    Raises
    ------
    InputError
        Duplicate ``region_key``, or a region without a chromosome or with bad coordinates.
    """
    chrom, start, stop = cols
    if checked:
        rows = con.execute(f"select {chrom}, count(*) from {table} group by {chrom}").fetchall()
        return chrom_renames(con, annotation_id, dict(rows), tables, warn=warn)
    # one scan for the checks and the per-chromosome counts (min(b) over the groups is the
    # min over all bad rows); count(region_key) of the distinct keys ignores NULL keys, as
    # count(distinct region_key) does
    n, n_keys, bad, chroms, counts = con.execute(
        f"""with g as (select {chrom} as chrom, count(*) as n,
                              min(region_key) filter (where {start} < 0 or {stop} <= {start}
                                                      or {chrom} is null) as b
                       from {table} group by {chrom})
        select coalesce(sum(n), 0),
               (select count(region_key) from (select distinct region_key from {table})),
               min(b), list(chrom) filter (where chrom is not null),
               list(n) filter (where chrom is not null)
        from g"""
    ).fetchall()[0]
    if n != n_keys:
        raise InputError(f"regions: region_key is not unique ({n} rows, {n_keys} keys)")
    if bad is not None:
        raise InputError(f"regions: region_key {bad}: need a chrom and 0 <= start < stop")
    counts = dict(zip(chroms or [], counts or [], strict=True))
    return chrom_renames(con, annotation_id, counts, tables, warn=warn)


def create_sql(out_table: str) -> str:
    """Return ``create or replace [temp] table NAME`` for an output table.

    ``temp.NAME`` asks for a temporary table (what a read-only connection, such as the cached
    embedded build of :mod:`chromdiff.annotation.filecache`, can write).
    """
    if out_table.startswith("temp."):
        return f"create or replace temp table {out_table.removeprefix('temp.')}"
    return f"create or replace table {out_table}"


def table_name(out_table: str) -> str:
    """Return the name by which an output table is read (``temp.`` dropped)."""
    return out_table.removeprefix("temp.")


def stage_regions(
    con: duckdb.DuckDBPyConnection,
    regions_sql: str,
    annotation_id: str,
    *,
    tables: dict[str, str | None] | None = None,
    warn: bool = True,
) -> None:
    """Create temp table ``_cd_r`` (region_key, chrom, start, stop, orig_chrom).

    ``chrom`` is in the annotation's spelling; ``orig_chrom`` is the regions' own spelling
    where it differs, else NULL (so the common case stores one string column, not two). Raises
    InputError on duplicate keys or bad coordinates (see :func:`check_regions`). ``tables`` is
    the :func:`~chromdiff.annotation.cache.derived_tables` mapping when the caller has it.
    """
    con.execute(f"create or replace temp table _cd_r as {regions_select(regions_sql)}")
    renamed = check_regions(con, "_cd_r", annotation_id, tables, warn=warn)
    if renamed:  # e.g. regions say "1", the annotation "chr1"
        # SET expressions see the row before the update: orig_chrom gets the old chrom
        con.execute(
            """update _cd_r set orig_chrom = _cd_r.chrom, chrom = m.ann_chrom
            from (select unnest(?::varchar[]) as chrom, unnest(?::varchar[]) as ann_chrom) m
            where _cd_r.chrom = m.chrom""",
            [list(renamed), list(renamed.values())],
        )


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
