"""Derived, sorted annotation tables built once per annotation build (not once per call).

The engine needs the same derived tables on every call: one TSS per (chrom, base) for each
``level``, exons numbered within their gene, gene spans, exons/spans/UTRs cut into
``(chrom, bin)`` rows for the overlap joins, and transcript ends for the Downstream rule.
For a build registered in ``annotation_sources`` (everything :func:`ensure_annotation` loads,
whose ``annotation_id`` names immutable content), they are stored once in schema
``annotation_cache`` (kept out of ``main``, so whole-warehouse exports skip it), keyed by
``annotation_id`` and validated by :data:`CACHE_VERSION` and the build's ``loaded_at``.
``ann_*`` rows inserted by hand (no ``annotation_sources`` row) are derived per call into temp
tables instead, so an edit to them is always seen.
"""

from __future__ import annotations

import duckdb

#: Bin size (bp) of the overlap equi-joins on ``(chrom, bin)``.
BIN = 100_000

#: Schema of the persistent derived tables.
SCHEMA = "annotation_cache"

#: Bump when the derived tables change shape or meaning: old caches are then rebuilt.
CACHE_VERSION = 5


def binned_sql(table: str, cols: str, where: str = "true") -> str:
    """Return SQL: ``cols`` of ``table`` rows, one row per :data:`BIN` bin each touches."""
    return f"""select {cols}, unnest(range(start // {BIN}, (stop - 1) // {BIN} + 1)) as bin
               from {table} where {where}"""


#: Derived tables, in build order (later ones read earlier ones).
DERIVED = (
    "chroms",
    "exons",
    "genes",
    "exon_bins",
    "introns",
    "intron_bins",
    "utrs",
    "utr_bins",
    "tx_ends",
    "tss",
)


def _derived_sql(aid: str, prefix: str) -> dict[str, str]:
    """Return ``name -> select`` of every derived table of annotation ``aid`` (SQL literal).

    ``prefix`` names the already built derived tables (``annotation_cache.`` or ``_cd_p_``).
    The overlap tables are narrow and numeric (chromosome id ``cid``, ``bin``, interval, row
    id): the joins scan integers only and fetch gene names for the hits alone. Row ids follow
    the tie-break order of the hit (exons: chrom, start, gene_id; introns: chrom, gene start,
    gene_id; UTRs: kind, chrom, start, tx_id), so ``min(id)`` is the first hit.
    """

    def t(name: str) -> str:
        return f"(select * from {prefix}{name} where annotation_id = {aid})"

    tx = f"(select * from ann_transcripts where annotation_id = {aid})"
    # one symbol per gene, chosen deterministically: the gene table's, else a transcript's
    symbols = f"""(select gene_id, arg_min(symbol, (src, symbol)) as symbol from (
                select gene_id, symbol, 0 as src from ann_genes where annotation_id = {aid}
                union all select gene_id, symbol, 1 from ann_transcripts
                where annotation_id = {aid})
            where symbol is not null group by gene_id)"""
    exons = f"""
        select e.gene_id, e.chrom, e.start, e.stop, e.strand,
               row_number() over w as i, count(*) over (partition by e.gene_id, e.chrom) as n,
               s.symbol
        from ann_exons e left join {symbols} s using (gene_id)
        where e.annotation_id = {aid}
        window w as (partition by e.gene_id, e.chrom order by e.start)"""
    return {
        "chroms": f"""
            select {aid} as annotation_id, chrom,
                   (row_number() over (order by chrom))::integer as cid
            from (select chrom from ann_transcripts where annotation_id = {aid}
                  union select chrom from ann_exons where annotation_id = {aid}
                  union select chrom from ann_genes where annotation_id = {aid}
                  union select chrom from ann_utrs where annotation_id = {aid})""",
        "exons": f"""
            select {aid} as annotation_id,
                   (row_number() over (order by e.chrom, e.start, e.gene_id))::integer as xid,
                   (dense_rank() over (order by e.gene_id, e.symbol, e.strand))::integer as gid,
                   c.cid, e.gene_id, e.symbol, e.strand, e.start, e.stop, e.i, e.n
            from ({exons}) e
            join {t("chroms")} c on c.chrom = e.chrom
            order by xid""",
        "genes": f"""
            select distinct annotation_id, gid, gene_id, symbol, strand from {t("exons")}
            order by gid""",
        "exon_bins": f"""select * from ({
            binned_sql(t("exons"), "annotation_id, cid, start, stop, xid")
        }) order by cid, bin""",
        "introns": f"""
            select {aid} as annotation_id,
                   (row_number() over (order by cid, gene_start, gene_id, start))::integer
                       as nid, gid, cid, start, stop, i, n
            from (select first_value(gid) over w as gid, cid, gene_id, stop as start,
                         lead(start) over w as stop, min(start) over w as gene_start, i, n
                  from {t("exons")} window w as (partition by gene_id, cid order by start))
            where stop > start
            order by nid""",
        "intron_bins": f"""select * from ({
            binned_sql(t("introns"), "annotation_id, cid, start, stop, nid")
        }) order by cid, bin""",
        "utrs": f"""
            select {aid} as annotation_id,
                   (row_number() over (order by u.kind, u.chrom, u.start, u.tx_id))::integer
                       as uid, u.kind, c.cid, u.start, u.stop, u.tx_id, u.gene_id
            from ann_utrs u join {t("chroms")} c on c.chrom = u.chrom
            where u.annotation_id = {aid}
            order by uid""",
        "utr_bins": f"""select * from ({
            binned_sql(t("utrs"), "annotation_id, kind, cid, start, stop, uid")
        }) order by kind, cid, bin""",
        "tx_ends": f"""
            select {aid} as annotation_id, c.cid, x.stop // {BIN} as bin, x.stop, x.f.start,
                   x.f.strand
            from (select chrom, stop, arg_min(struct_pack(start, strand), tx_id) as f
                  from {tx} group by chrom, stop) x
            join {t("chroms")} c on c.chrom = x.chrom
            order by c.cid, x.stop""",
        "tss": f"""
            select {aid} as annotation_id, level, c.cid, tss, f.strand = '-' as neg,
                   (row_number() over (order by level, c.cid, tss))::integer as tid,
                   x.chrom, f.tx_id, f.gene_id, f.symbol, f.strand, f.start, f.stop from (
                select level, chrom, tss,
                       arg_min(struct_pack(tx_id, gene_id, symbol, strand, start, stop),
                               [coalesce(tx_id, ''), coalesce(gene_id, '')]) as f
                from (select 'transcript' as level, tx_id, gene_id, symbol, chrom, start, stop,
                             strand, case when strand = '-' then stop - 1 else start end as tss
                      from {tx}
                      union all
                      select 'gene', null::varchar, gene_id, symbol, chrom, start, stop, strand,
                             tss
                      from ann_genes where annotation_id = {aid})
                group by level, chrom, tss) x
            join {t("chroms")} c on c.chrom = x.chrom
            order by level, c.cid, tss""",
    }


def scratch_derived() -> tuple[str, ...]:
    """Names of the per-call temp tables made for an unregistered annotation."""
    return tuple(f"_cd_p_{name}" for name in DERIVED)


def sql_literal(value: str) -> str:
    """Return ``value`` as a quoted SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""create schema if not exists {SCHEMA};
        create table if not exists {SCHEMA}.meta (
            annotation_id varchar primary key, version integer not null,
            loaded_at timestamp, n_utrs bigint not null)"""
    )


def derived_tables(con: duckdb.DuckDBPyConnection, annotation_id: str) -> dict[str, str]:
    """Return ``name -> table`` of the derived tables of ``annotation_id``, building if needed.

    Registered builds use (and on first use fill) the persistent ``annotation_cache`` tables;
    unregistered ones get per-call temp tables ``_cd_p_<name>``. Every table has an
    ``annotation_id`` column; the ``utrs`` entry is None when the build has no UTRs.
    """
    aid = sql_literal(annotation_id)
    state = con.execute(
        f"""select (select max(loaded_at) from annotation_sources where annotation_id = $aid),
                   (select count(*) from annotation_sources where annotation_id = $aid),
                   exists (select 1 from duckdb_tables()
                           where schema_name = '{SCHEMA}' and table_name = 'meta'
                             and database_name = current_database())""",
        {"aid": annotation_id},
    ).fetchall()[0]
    loaded_at, registered, has_meta = state
    if not registered:
        for name, sql in _derived_sql(aid, "_cd_p_").items():
            con.execute(f"create or replace temp table _cd_p_{name} as {sql}")
        n_utrs = con.execute("select count(*) from _cd_p_utrs").fetchall()[0][0]
        names = {n: f"_cd_p_{n}" for n in DERIVED}
    else:
        row = None
        if has_meta:
            row = con.execute(
                f"select version, loaded_at, n_utrs from {SCHEMA}.meta where annotation_id = ?",
                [annotation_id],
            ).fetchall()
            row = row[0] if row else None
        if row is None or row[0] != CACHE_VERSION or row[1] != loaded_at:
            n_utrs = build_cache(con, annotation_id, loaded_at)
        else:
            n_utrs = row[2]
        names = {n: f"{SCHEMA}.{n}" for n in DERIVED}
    if not n_utrs:
        names["utrs"] = names["utr_bins"] = None
    return names


def build_cache(con: duckdb.DuckDBPyConnection, annotation_id: str, loaded_at: object) -> int:
    """(Re)build the persistent derived tables of one registered build; return its UTR rows.

    Runs in the caller's transaction, if any. The ``meta`` row is written last, so a build
    interrupted half way is redone on the next call.
    """
    aid = sql_literal(annotation_id)
    _ensure_schema(con)
    old = con.execute(
        f"select count(*) from {SCHEMA}.meta where version <> ?", [CACHE_VERSION]
    ).fetchall()[0][0]
    if old:  # tables of an older layout: start afresh
        con.execute(f"drop schema {SCHEMA} cascade")
        _ensure_schema(con)
    con.execute(f"delete from {SCHEMA}.meta where annotation_id = ?", [annotation_id])
    exists = {
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = ? "
            "and database_name = current_database()",
            [SCHEMA],
        ).fetchall()
    }
    for name, sql in _derived_sql(aid, f"{SCHEMA}.").items():
        if name in exists:
            others = con.execute(
                f"select count(*) from {SCHEMA}.{name} where annotation_id <> {aid}"
            ).fetchall()[0][0]
            if others:  # keep the other builds' rows, replace this one's
                con.execute(f"delete from {SCHEMA}.{name} where annotation_id = {aid}")
                con.execute(f"insert into {SCHEMA}.{name} {sql}")
                continue
        con.execute(f"create or replace table {SCHEMA}.{name} as {sql}")
    n_utrs = con.execute(
        f"select count(*) from {SCHEMA}.utrs where annotation_id = {aid}"
    ).fetchall()[0][0]
    con.execute(
        f"insert into {SCHEMA}.meta values (?, ?, ?, ?)",
        [annotation_id, CACHE_VERSION, loaded_at, n_utrs],
    )
    return n_utrs
