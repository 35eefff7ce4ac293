"""Genomic feature categories (ChIPseeker's getGenomicAnnotation), set-wise in DuckDB.

Overlaps use binned equi-joins on (chrom, bin) with an interval filter (bins of
:data:`BIN` bp), so DuckDB runs a hash join instead of a per-chromosome cross product.
Exons are merged per gene; introns are the gaps between a gene's merged exons.
"""

from __future__ import annotations

import duckdb

BIN = 100_000

DEFAULT_PRIORITY = ("Promoter", "5UTR", "3UTR", "Exon", "Intron", "Downstream", "Intergenic")
_GENIC = ("Promoter", "5UTR", "3UTR", "Exon", "Intron")


def _binned(table: str, cols: str, where: str = "true") -> str:
    return f"""select {cols}, unnest(range(start // {BIN}, (stop - 1) // {BIN} + 1)) as bin
               from {table} where {where}"""


def _first_overlap(target: str, cols: str, order: str, regions: str = "_cd_rb") -> str:
    """Return SQL: per region of ``_cd_r``, the first overlapping ``target`` row by ``order``."""
    return f"""
        select r.region_key, arg_min(struct_pack({cols}), {order}) as h
        from {regions} r
        join ({_binned(target, "*")}) x on x.chrom = r.chrom and x.bin = r.bin
        where x.start < r.stop and r.start < x.stop
        group by r.region_key"""


def build_hits(con: duckdb.DuckDBPyConnection, annotation_id: str) -> None:
    """Create temp tables ``_cd_exon``, ``_cd_intron``, ``_cd_utr5``, ``_cd_utr3``."""
    con.execute(
        """create or replace temp table _cd_ex as
        select e.gene_id, e.chrom, e.start, e.stop, e.strand,
               row_number() over w as i, count(*) over (partition by e.gene_id, e.chrom) as n,
               s.symbol
        from ann_exons e left join (
            select gene_id, any_value(symbol) as symbol from (
                select gene_id, symbol from ann_genes where annotation_id = $aid
                union all select gene_id, symbol from ann_transcripts where annotation_id = $aid)
            where symbol is not null group by gene_id) s using (gene_id)
        where e.annotation_id = $aid
        window w as (partition by e.gene_id, e.chrom order by e.start)""",
        {"aid": annotation_id},
    )
    con.execute(
        f"create or replace temp table _cd_rb as "
        f"{_binned('_cd_r', 'region_key, chrom, start, stop')}"
    )
    con.execute(
        f"""create or replace temp table _cd_exon as {
            _first_overlap(
                "_cd_ex", "x.gene_id, x.symbol, x.strand, x.i, x.n", "row(x.start, x.gene_id)"
            )
        }"""
    )
    con.execute(
        """create or replace temp table _cd_span as
        select gene_id, chrom, min(start) as start, max(stop) as stop, any_value(strand) as strand,
               any_value(symbol) as symbol, count(*) as n
        from _cd_ex group by gene_id, chrom having count(*) > 1"""
    )
    con.execute(
        f"""create or replace temp table _cd_intron as
        with g as ({
            _first_overlap(
                "_cd_span",
                "x.gene_id, x.symbol, x.strand, x.chrom, x.n",
                "row(x.start, x.gene_id)",
                "(select * from _cd_rb anti join _cd_exon using (region_key))",
            )
        })
        select g.region_key, g.h.gene_id, g.h.symbol, g.h.strand, g.h.n,
               coalesce(e.i, 1) as i
        from g join _cd_r r using (region_key)
        asof left join _cd_ex e
          on e.gene_id = g.h.gene_id and e.chrom = g.h.chrom and r.start >= e.stop"""
    )
    has_utr = con.execute(
        "select count(*) from (select 1 from ann_utrs where annotation_id = ? limit 1)",
        [annotation_id],
    ).fetchall()[0][0]
    for kind in ("5UTR", "3UTR"):
        if not has_utr:
            con.execute(
                f"create or replace temp table _cd_utr{kind[0]} (region_key bigint, h integer)"
            )
            continue
        con.execute(
            f"""create or replace temp table _cd_utr{kind[0]} as {
                _first_overlap(
                    f"(select * from ann_utrs where annotation_id = '{annotation_id}'"
                    f" and kind = '{kind}')",
                    "x.tx_id, x.gene_id",
                    "row(x.start, x.tx_id)",
                )
            }"""
        )


def build_downstream(
    con: duckdb.DuckDBPyConnection, annotation_id: str, rule: str, distance: int
) -> None:
    """Create temp table ``_cd_down`` (region_key, gap) of regions downstream of a transcript.

    ``rule='chipseeker'`` reproduces ChIPseeker: only the transcript ending nearest before the
    region (any strand) is examined, gap = S − txEnd for ``+``, E − txStart for ``−``
    (1-based). ``rule='both'`` is the corrected rule: the region starts within ``distance``
    past the 3′ end of a ``+`` transcript, or ends within ``distance`` before the 3′ end (start)
    of a ``−`` transcript.
    """
    params = {"aid": annotation_id, "dist": distance}
    if rule == "chipseeker":
        con.execute(
            """create or replace temp table _cd_down as
            with t as (select chrom, stop, arg_min(struct_pack(start, strand), tx_id) as f
                       from ann_transcripts where annotation_id = $aid group by chrom, stop),
            j as (select r.region_key,
                         case when t.f.strand = '-' then r.stop - (t.f.start + 1)
                              else r.start + 1 - t.stop end as gap
                  from _cd_r r asof join t on r.chrom = t.chrom and r.start >= t.stop)
            select * from j where abs(gap) between 1 and $dist""",
            params,
        )
    elif rule == "both":
        con.execute(
            """create or replace temp table _cd_down as
            with p as (select distinct chrom, stop from ann_transcripts
                       where annotation_id = $aid and strand = '+'),
            m as (select distinct chrom, start from ann_transcripts
                  where annotation_id = $aid and strand = '-'),
            a as (select r.region_key, r.start + 1 - p.stop as gap
                  from _cd_r r asof join p on r.chrom = p.chrom and r.start >= p.stop),
            b as (select r.region_key, m.start + 1 - r.stop as gap
                  from _cd_r r asof join m on r.chrom = m.chrom and r.stop <= m.start)
            select region_key, min(gap) as gap from (from a union all from b)
            where gap between 1 and $dist group by region_key""",
            params,
        )
    else:
        raise ValueError(f"downstream rule must be 'chipseeker' or 'both', not {rule!r}")


def bins_sql(value: str, prefix: str, limit: int, lt: bool) -> str:
    """Return SQL labelling ``|value|`` in 1-kb bins up to ``limit`` (ChIPseeker's labels)."""
    parts = []
    for k in range(1, max(1, -(-limit // 1000)) + 1):
        lab = (f"<{k}kb" if lt else f"<={k}kb") if k == 1 else f"{k - 1}-{k}kb"
        parts.append(f"when abs({value}) <= {k * 1000} then '{prefix} ({lab})'")
    return "case " + " ".join(parts) + f" else '{prefix}' end"


def category_sql(priority: tuple[str, ...], tss_region: tuple[int, int], down_dist: int) -> str:
    """Return SQL selecting ``feature`` and ``annotation`` from the joined hit columns (aliases)."""
    lo, hi = tss_region
    order = [c for c in priority if c in _GENIC] + [c for c in _GENIC if c not in priority]
    promo = (
        bins_sql("n.distance_to_tss", "Promoter", max(abs(lo), abs(hi)), lt=False)
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
            "'Exon (' || coalesce(ex.h.symbol, '?') || '/' || ex.h.gene_id || ', exon ' || "
            "(case when ex.h.strand = '-' then ex.h.n - ex.h.i + 1 else ex.h.i end) || "
            "' of ' || ex.h.n || ')'",
        ),
        "Intron": (
            "it.region_key is not null",
            "'Intron'",
            "'Intron (' || coalesce(it.symbol, '?') || '/' || it.gene_id || ', intron ' || "
            "(case when it.strand = '-' then it.n - it.i else it.i end) || ' of ' || "
            "(it.n - 1) || ')'",
        ),
    }
    feat = " ".join(f"when {cases[c][0]} then {cases[c][1]}" for c in order)
    ann = " ".join(f"when {cases[c][0]} then {cases[c][2]}" for c in order)
    down = bins_sql("dw.gap", "Downstream", down_dist, lt=True)
    return f"""case when n.tss is null then null {feat}
                    when dw.region_key is not null then 'Downstream'
                    else 'Distal Intergenic' end as feature,
               case when n.tss is null then null {ann}
                    when dw.region_key is not null then {down}
                    else 'Distal Intergenic' end as annotation"""
