"""Derived, sorted annotation tables built once per annotation build (not once per call).

The engine needs the same derived tables on every call: one TSS per (chrom, base) for each
``level``, exons numbered within their gene locus, gene spans, exons/spans/UTRs cut into
``(chrom, bin)`` rows for the overlap joins, and transcript ends for the Downstream rule.
Each exon and intron row carries its ChIPseeker label (``Exon (SYMBOL/GENEID, exon k of n)``),
so a call copies the label of a hit instead of building the string per region (~0.1 s CPU per
1M regions).
For a build registered in ``annotation_sources`` (everything :func:`ensure_annotation` loads,
whose ``annotation_id`` names immutable content), they are stored once in schema
``annotation_cache`` (kept out of ``main``, so whole-warehouse exports skip it), keyed by
``annotation_id`` and validated by :data:`CACHE_VERSION` and the build's ``loaded_at``.
``tss_keys`` packs (chromosome id, TSS) into one BIGINT (see :data:`SPAN`) so that the nearest
TSS is one ASOF join on a single key (see :mod:`chromdiff.annotation.nearest`).
``ann_*`` rows inserted by hand (no ``annotation_sources`` row) are derived per call into temp
tables instead, so an edit to them is always seen.
"""

from __future__ import annotations

from chromdiff.annotation.genesql import gene_tss_sql, merge_intervals_sql
from chromdiff.duckcore import duckdb

#: Bin size (bp) of the overlap equi-joins on ``(chrom, bin)``. Each region meets every exon or
#: intron of its bins before the interval filter: at 100 kb that was ~13 exons a region; 20 kb
#: cuts the feature joins' CPU by about a third (0.80 -> 0.55 s per 1M regions) for ~15% more
#: bin rows of introns.
BIN = 20_000

#: Schema of the persistent derived tables.
SCHEMA = "annotation_cache"

#: Bump when the derived tables change shape or meaning: old caches are then rebuilt.
CACHE_VERSION = 15

#: ``tss_keys.key = cid * SPAN + tss``: positions below 2^40 (1.1 Tb) and chromosome ids below
#: 2^23 keep every key inside a signed BIGINT, and keys sort by (cid, tss). A build with a TSS
#: outside ``[0, SPAN - 1)`` or a larger cid is not "packed" and uses the general two-ASOF path.
SPAN = 1 << 40

#: Chromosome ids must stay below this for packed keys (``MAX_CID * SPAN`` = 2^63).
MAX_CID = 1 << 23


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
    "tss_keys",
)


def _derived_sql(aid: str, prefix: str, bid: int) -> dict[str, str]:
    """Return ``name -> select`` of every derived table of annotation ``aid`` (SQL literal).

    ``prefix`` names the already built derived tables (``annotation_cache.`` or ``_cd_p_``);
    ``bid`` is the build's number in the ``kid`` column of ``tss`` and ``tss_keys`` (see
    :func:`kid`).
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
    # Each exon's locus: the start of the smallest-start ann_genes row of its gene, chromosome
    # and strand that contains it (NULL if none). Exons are numbered and introns drawn only
    # within one locus, so a gene listed at several loci never gets an intron between them.
    loci = f"""
        select x.gene_id, x.chrom, x.strand, x.start, x.stop, min(g.start) as locus
        from ann_exons x join ann_genes g
          on g.gene_id = x.gene_id and g.chrom = x.chrom and g.strand = x.strand
         and g.start <= x.start and x.stop <= g.stop
        where x.annotation_id = {aid} and g.annotation_id = {aid}
        group by all"""
    # Whether the build is a GTF's (the exons and introns below take a branch per kind).
    # A GTF build numbers exons per transcript, as ChIPseeker (exon_rank of exonsBy(TxDb, "tx")):
    # each transcript is a "locus" of its own (its rank among the build's transcripts). The
    # embedded builds have only exons merged per gene, numbered within the gene's locus.
    is_gtf = f"""(select count(*) > 0 from annotation_sources
                  where annotation_id = {aid} and kind = 'gtf')"""
    # A GTF exon also carries its transcript's place in a TxDb's order (strand, start, end,
    # name: makeFeatureIds) and its rank from the 5' end: ChIPseeker takes the first overlapping
    # exon / intron in exonsBy / intronsByTranscript order (getFirstHitIndex).
    exons = f"""
        select e.gene_id, e.chrom, e.start, e.stop, e.strand, l.locus,
               row_number() over w as i,
               count(*) over (partition by e.gene_id, e.chrom, e.strand, l.locus) as n,
               s.symbol, null::varchar as tx_id, null::varchar as tx_strand,
               null::bigint as tx_start, null::bigint as tx_stop
        from ann_exons e left join {symbols} s using (gene_id)
        left join ({loci}) l using (gene_id, chrom, strand, start, stop)
        where e.annotation_id = {aid} and not {is_gtf}
        window w as (partition by e.gene_id, e.chrom, e.strand, l.locus order by e.start)
        union all
        select e.gene_id, e.chrom, e.start, e.stop, e.strand,
               dense_rank() over (order by e.tx_id, e.chrom) as locus,
               row_number() over t as i, count(*) over t as n, s.symbol, e.tx_id,
               e.strand as tx_strand, min(e.start) over t as tx_start,
               max(e.stop) over t as tx_stop
        from ann_tx_exons e left join {symbols} s using (gene_id)
        where e.annotation_id = {aid} and {is_gtf}
        window t as (partition by e.tx_id, e.chrom order by e.start
                     rows between unbounded preceding and unbounded following)"""
    # each gene's transcript spans, merged where they overlap or touch (the introns' cover)
    tx_spans = merge_intervals_sql(
        f"""(select t.gene_id, c.cid, t.strand, t.start, t.stop
             from ann_transcripts t join {t("chroms")} c on c.chrom = t.chrom
             where t.annotation_id = {aid} and t.gene_id is not null)""",
        "gene_id, cid, strand",
    )
    # every ann_genes locus with its gene key (gene_id, the symbol the exons carry, strand)
    all_loci = f"""(select g.gene_id, s.symbol, c.cid, g.strand, g.start, g.stop
                    from (select * from ann_genes where annotation_id = {aid}) g
                    join {t("chroms")} c on c.chrom = g.chrom
                    left join {symbols} s using (gene_id))"""
    return {
        # tx: the chromosome has transcripts (region chromosome names are matched to these)
        "chroms": f"""
            select {aid} as annotation_id, chrom,
                   (row_number() over (order by chrom))::integer as cid, bool_or(tx) as tx
            from (select chrom, true as tx from ann_transcripts where annotation_id = {aid}
                  union all select chrom, false from ann_exons where annotation_id = {aid}
                  union all select chrom, false from ann_genes where annotation_id = {aid}
                  union all select chrom, false from ann_utrs where annotation_id = {aid})
            group by chrom""",
        "exons": f"""
            select {aid} as annotation_id,
                   (row_number() over (order by e.chrom, e.tx_strand, e.tx_start, e.tx_stop,
                                                e.tx_id, (case when e.tx_id is null then null
                                                               when e.strand = '-' then -e.i
                                                               else e.i end),
                                                e.start, e.gene_id))::integer as xid,
                   (dense_rank() over (order by e.gene_id, e.symbol, e.strand))::integer as gid,
                   c.cid, e.gene_id, e.symbol, e.strand, e.locus, e.start, e.stop, e.i, e.n,
                   e.tx_strand, e.tx_start, e.tx_stop, e.tx_id,
                   'Exon (' || coalesce(e.symbol, '?') || '/' || e.gene_id || ', exon '
                       || (case when e.strand = '-' then e.n - e.i + 1 else e.i end)
                       || ' of ' || e.n || ')' as label
            from ({exons}) e
            join {t("chroms")} c on c.chrom = e.chrom
            order by xid""",
        # the exons' genes, then (numbered after them) genes with a locus but no exon: an
        # embedded build's refGene transcript whose gene Rsubread lists no exon for
        "genes": f"""
            with x as (select distinct annotation_id, gid, gene_id, symbol, strand
                       from {t("exons")}),
            more as (select distinct gene_id, symbol, strand from {all_loci} l
                     where not exists (select 1 from x where x.gene_id = l.gene_id
                                       and x.symbol is not distinct from l.symbol
                                       and x.strand = l.strand))
            select * from x
            union all
            select {aid}, ((select coalesce(max(gid), 0) from x)
                           + dense_rank() over (order by gene_id, symbol, strand))::integer,
                   gene_id, symbol, strand from more
            order by gid""",
        "exon_bins": f"""select * from ({
            binned_sql(t("exons"), "annotation_id, cid, start, stop, xid")
        }) order by cid, bin""",
        # the gaps between a locus's merged exons; a GTF build keeps only their parts inside
        # a transcript of the gene (ChIPseeker's introns are intronsByTranscript: between two
        # transcripts of a gene that do not overlap there is no intron). The embedded builds'
        # loci are already cut where no transcript covers them (see build.py).
        "introns": f"""
            with gaps as (
                select * from (
                    select first_value(gid) over w as gid, cid, gene_id, symbol, strand,
                           stop as start, lead(start) over w as stop,
                           min(start) over w as gene_start, i, n, locus, tx_strand,
                           tx_start, tx_stop, tx_id
                    from {t("exons")}
                    window w as (partition by gene_id, cid, strand, locus order by start))
                where stop > start),
            tx as ({tx_spans}),
            -- Embedded builds: a locus's stretch inside a refGene transcript but beyond the
            -- first or last of the gene's Rsubread exons (an older RefSeq release: hg19 ACTL8's
            -- first exon at 18.08 Mb is missing, its exons start at 18.15 Mb), or a whole locus
            -- of a gene Rsubread lists no exon for, lies in a transcript whose exons there are
            -- unknown: intron (i, n NULL), not intergenic. ChIPseeker, on a TxDb with the exons,
            -- calls such a region Intron unless it hits an exon.
            known as (select gene_id, cid, strand, locus, min(start) as first,
                             max(stop) as last, any_value(gid) as gid
                      from {t("exons")} where locus is not null group by all),
            ends as (
                select k.gid, l.cid, l.gene_id, l.symbol, l.strand, l.start,
                       k.first as stop, l.start as gene_start
                from {all_loci} l join known k on k.gene_id = l.gene_id and k.cid = l.cid
                 and k.strand = l.strand and k.locus = l.start
                where l.start < k.first
                union all
                select k.gid, l.cid, l.gene_id, l.symbol, l.strand, k.last, l.stop, l.start
                from {all_loci} l join known k on k.gene_id = l.gene_id and k.cid = l.cid
                 and k.strand = l.strand and k.locus = l.start
                where k.last < l.stop
                union all
                select g.gid, l.cid, l.gene_id, l.symbol, l.strand, l.start, l.stop, l.start
                from {all_loci} l
                join {t("genes")} g on g.gene_id = l.gene_id
                 and g.symbol is not distinct from l.symbol and g.strand = l.strand
                where not exists (select 1 from known k where k.gene_id = l.gene_id
                                  and k.cid = l.cid and k.strand = l.strand
                                  and k.locus = l.start)),
            unknown as (select gid, cid, gene_id, symbol, strand, start, stop, gene_start,
                               null::bigint as i, null::bigint as n, gene_start as locus,
                               null::varchar as tx_strand, null::bigint as tx_start,
                               null::bigint as tx_stop, null::varchar as tx_id
                        from ends),
            pieces as (
                select g.gid, g.cid, g.gene_id, g.symbol, g.strand,
                       greatest(g.start, x.start) as start, least(g.stop, x.stop) as stop,
                       g.gene_start, g.i, g.n, g.locus, g.tx_strand, g.tx_start, g.tx_stop,
                       g.tx_id
                from gaps g join tx x on x.gene_id = g.gene_id and x.cid = g.cid
                 and x.strand = g.strand and x.start < g.stop and g.start < x.stop
                where {is_gtf}
                union all
                select gid, cid, gene_id, symbol, strand, start, stop, gene_start, i, n, locus,
                       tx_strand, tx_start, tx_stop, tx_id
                from gaps where not {is_gtf}
                union all
                select * from unknown where not {is_gtf})
            select {aid} as annotation_id,
                   (row_number() over (order by cid, tx_strand, tx_start, tx_stop, tx_id,
                                                gene_start, gene_id, start, locus))::integer
                       as nid, gid, cid, start, stop, i, n,
                   'Intron (' || coalesce(symbol, '?') || '/' || gene_id || ', '
                       || coalesce('intron ' || (case when strand = '-' then n - i else i end)
                                   || ' of ' || (n - 1), 'exons unknown here') || ')' as label
            from pieces
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
            from (select chrom, stop,
                         arg_min(struct_pack(start, strand),
                                 struct_pack(k := coalesce(tx_id, ''), start, strand)) as f
                  from {tx} group by chrom, stop) x
            join {t("chroms")} c on c.chrom = x.chrom
            order by c.cid, x.stop""",
        # level 'gene': one TSS per gene and chromosome, its longest locus's (gene_tss_sql),
        # not a stray copy of an exon listed as a locus of its own
        "tss": f"""
            select {aid} as annotation_id, level, {bid} * 2 + (level = 'gene')::integer as kid,
                   c.cid, tss, f.strand = '-' as neg,
                   (row_number() over (order by level, c.cid, tss))::integer as tid,
                   x.chrom, f.tx_id, f.gene_id, f.symbol, f.strand, f.start, f.stop from (
                select level, chrom, tss,
                       arg_min(struct_pack(tx_id, gene_id, symbol, strand, start, stop),
                               [coalesce(tx_id, ''), coalesce(gene_id, '')]) as f
                from (select 'transcript' as level, tx_id, gene_id, symbol, chrom, start, stop,
                             strand, case when strand = '-' then stop - 1 else start end as tss
                      from {tx}
                      union all
                      select 'gene', null::varchar, gene_id, symbol, chrom, start, stop,
                             strand, tss
                      from ({gene_tss_sql(aid)}))
                group by level, chrom, tss) x
            join {t("chroms")} c on c.chrom = x.chrom
            order by level, c.cid, tss""",
        # One row per TSS (0 <= tss < SPAN - 1) with the TSS before it on its chromosome
        # (p_*), plus one end row per chromosome and level (key cid * SPAN + SPAN - 1, no TSS of
        # its own, p_* = the chromosome's last TSS). An ASOF join on ``key`` for a region start
        # s then finds the first TSS >= s (or the end row), and p_* is the last TSS < s.
        "tss_keys": f"""
            with t as (select kid, cid, tss, tid, neg from {t("tss")} where tss is not null),
            p as (select kid, cid, tss, tid, neg, lag(tid) over w as p_tid,
                         lag(tss) over w as p_tss, lag(neg) over w as p_neg
                  from t window w as (partition by kid, cid order by tss)),
            e as (select kid, cid, arg_max(tid, tss) as tid, max(tss) as tss,
                         arg_max(neg, tss) as neg
                  from t group by kid, cid),
            c as (select cid, unnest([{bid} * 2, {bid} * 2 + 1]) as kid from {t("chroms")}
                  where cid < {MAX_CID})
            select {aid} as annotation_id, kid, cid::bigint * {SPAN} + tss as key, tid, tss,
                   neg, p_tid, p_tss, p_neg
            from p where tss >= 0 and tss < {SPAN - 1} and cid < {MAX_CID}
            union all
            select {aid}, c.kid, c.cid::bigint * {SPAN} + {SPAN - 1}, null, null, null,
                   e.tid, e.tss, e.neg
            from c left join e on e.kid = c.kid and e.cid = c.cid
            order by kid, key""",
    }


def scratch_derived() -> tuple[str, ...]:
    """Names of the per-call temp tables made for an unregistered annotation."""
    return tuple(f"_cd_p_{name}" for name in DERIVED)


def sql_literal(value: str) -> str:
    """Return ``value`` as a quoted SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def kid(tables: dict[str, str | None], level: str) -> int:
    """Return the ``kid`` of one build and TSS level in ``tss`` and ``tss_keys``.

    ``kid = 2 * bid + (level = 'gene')``, ``bid`` being the build's number (``tables["bid"]``,
    0 for per-call tables). The engine filters these two tables on this integer rather than on
    ``annotation_id`` and ``level``: string filters cost a few ms per call on an in-memory
    database, whose tables are not compressed.
    """
    return 2 * int(tables["bid"] or 0) + (level == "gene")


def _ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""create schema if not exists {SCHEMA};
        create table if not exists {SCHEMA}.meta (
            annotation_id varchar primary key, version integer not null,
            loaded_at timestamp, n_utrs bigint not null, packed boolean not null,
            bid integer not null)"""
    )


def _stats_sql(prefix: str, aid: str) -> str:
    """Return SQL: (UTR rows, whether ``tss_keys`` is complete) of one build."""
    return f"""select (select count(*) from {prefix}utrs where annotation_id = {aid}),
                      (select count(*) = 0 from {prefix}tss where annotation_id = {aid}
                       and (tss < 0 or tss >= {SPAN - 1}))
                      and (select coalesce(max(cid), 0) < {MAX_CID} from {prefix}chroms
                           where annotation_id = {aid})"""


def derived_tables(con: duckdb.DuckDBPyConnection, annotation_id: str) -> dict[str, str | None]:
    """Return ``name -> table`` of the derived tables of ``annotation_id``, building if needed.

    Registered builds use (and on first use fill) the persistent ``annotation_cache`` tables;
    unregistered ones get per-call temp tables ``_cd_p_<name>``. Every table has an
    ``annotation_id`` column; the ``utrs`` entry is None when the build has no UTRs, the
    ``tss_keys`` entry when the build's TSSs do not fit packed keys (see :data:`SPAN`). Entry
    ``bid`` is the build's number (see :func:`kid`), as a string.
    """
    aid = sql_literal(annotation_id)
    # one round trip: the build's registration, and whether the cache schema exists (checked
    # in duckdb_schemas(), cheaper than duckdb_tables(); the schema is only ever created
    # together with its meta table). Not try/except: a failed statement would abort the
    # caller's transaction.
    loaded_at, registered, has_schema = con.execute(
        f"""select max(loaded_at), count(*),
                   exists (select 1 from duckdb_schemas() where schema_name = '{SCHEMA}'
                           and database_name = current_database())
            from annotation_sources where annotation_id = {aid}"""
    ).fetchall()[0]
    if not registered:
        for name, sql in _derived_sql(aid, "_cd_p_", 0).items():
            con.execute(f"create or replace temp table _cd_p_{name} as {sql}")
        n_utrs, packed = con.execute(_stats_sql("_cd_p_", aid)).fetchall()[0]
        names: dict[str, str | None] = {n: f"_cd_p_{n}" for n in DERIVED}
        bid = 0
    else:
        row = None
        if has_schema:
            row = con.execute(f"select * from {SCHEMA}.meta where annotation_id = {aid}").fetchall()
            # a meta table of an older layout has fewer columns: rebuilt below
            row = row[0] if row and len(row[0]) == 6 else None
        if row is None or row[1] != CACHE_VERSION or row[2] != loaded_at:
            n_utrs, packed, bid = build_cache(con, annotation_id, loaded_at)
        else:
            n_utrs, packed, bid = row[3:6]
        names = {n: f"{SCHEMA}.{n}" for n in DERIVED}
    return with_stats(names, n_utrs, packed, bid)


def with_stats(
    names: dict[str, str | None], n_utrs: int, packed: bool, bid: int
) -> dict[str, str | None]:
    """Complete a ``name -> table`` mapping as :func:`derived_tables` returns it.

    ``utrs`` and ``utr_bins`` become None when the build has no UTRs (``n_utrs`` 0),
    ``tss_keys`` when its TSSs do not fit packed keys; entry ``bid`` is added.
    """
    if not n_utrs:
        names["utrs"] = names["utr_bins"] = None
    if not packed:
        names["tss_keys"] = None
    names["bid"] = str(bid)
    return names


def build_cache(
    con: duckdb.DuckDBPyConnection, annotation_id: str, loaded_at: object
) -> tuple[int, bool, int]:
    """(Re)build the persistent derived tables of one registered build.

    Returns its UTR rows, whether its ``tss_keys`` are complete and its ``bid``. Runs in the
    caller's transaction, if any. The ``meta`` row is written last, so a build interrupted half
    way is redone on the next call.
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
    # a bid above every one in use, even by rows of an interrupted build (never reused while
    # rows carry it, so filtering on kid alone is exact)
    used = [f"select max(bid) as b from {SCHEMA}.meta"] + [
        f"select max(kid) // 2 from {SCHEMA}.{t}" for t in ("tss", "tss_keys") if t in exists
    ]
    bid = con.execute(
        f"select coalesce(max(b), 0) + 1 from ({' union all '.join(used)})"
    ).fetchall()[0][0]
    for name, sql in _derived_sql(aid, f"{SCHEMA}.", bid).items():
        if name in exists:
            others = con.execute(
                f"select count(*) from {SCHEMA}.{name} where annotation_id <> {aid}"
            ).fetchall()[0][0]
            if others:  # keep the other builds' rows, replace this one's
                con.execute(f"delete from {SCHEMA}.{name} where annotation_id = {aid}")
                con.execute(f"insert into {SCHEMA}.{name} {sql}")
                continue
        con.execute(f"create or replace table {SCHEMA}.{name} as {sql}")
    n_utrs, packed = con.execute(_stats_sql(f"{SCHEMA}.", aid)).fetchall()[0]
    con.execute(
        f"insert into {SCHEMA}.meta values (?, ?, ?, ?, ?, ?)",
        [annotation_id, CACHE_VERSION, loaded_at, n_utrs, packed, bid],
    )
    return n_utrs, packed, bid
