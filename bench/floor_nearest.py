"""Floor: the least a DuckDB command does for ``annotate --links nearest`` (no chromdiff code).

Usage:
  python -m bench.floor_nearest --prepare TSS.bed DB   (once, untimed)
  python bench/floor_nearest.py DB REGIONS.bed OUT.tsv  (timed)

``--prepare`` stores the TSS BED (chrom, t, t+1, ., 0, strand) in DuckDB file ``DB`` the way a
tool with a pre-built annotation would: each TSS on one packed key (chromosome number * 2^40 +
position) beside its predecessor on the chromosome, plus one end row per chromosome. A timed
run opens ``DB`` read-only with DuckDB's compiled module and runs one statement: read the
unsorted BED with typed columns, number the rows, one ASOF join for the first TSS at or after
each start (its predecessor is the TSS before), keep the nearer of the two, write region
number, TSS and unsigned distance as TSV in input order. No check of the input, no gene
columns, no strand sign: every command doing this job in Python on DuckDB costs at least this.
"""

from __future__ import annotations

import sys

SPAN = 1 << 40


def prepare(tss_bed: str, db: str) -> None:
    """Build ``db`` from ``tss_bed`` (untimed set-up)."""
    import duckdb

    con = duckdb.connect(db)
    con.execute(
        f"""create or replace table chroms as
        select chrom, row_number() over (order by chrom) as cid
        from (select distinct column0 as chrom from read_csv('{tss_bed}', header = false,
              delim = '\t', auto_detect = true));
        create or replace table tss as
        with t as (select distinct c.cid, b.column1 as tss from read_csv('{tss_bed}',
                   header = false, delim = '\t', auto_detect = true) b
                   join chroms c on c.chrom = b.column0),
        e as (select cid, tss from t union all
              select cid, {SPAN - 1} as tss from (select distinct cid from t))
        select cid * {SPAN} + tss as key, nullif(tss, {SPAN - 1}) as tss,
               lag(tss) over (partition by cid order by tss) as p_tss
        from e order by key"""
    )
    con.close()


def run(db: str, bed: str, out: str) -> None:
    """The timed command (see the module docstring)."""
    import _duckdb

    con = _duckdb.connect(db, read_only=True)
    # DuckDB runs an ASOF join as a nested loop when it expects few left rows (64 by default):
    # a file scan's estimate can be that low
    con.execute("set asof_loop_join_threshold = 0")
    con.execute(
        f"""copy (
        with r as (select row_number() over () as n, chrom, start, stop from read_csv('{bed}',
                   delim = '\t', header = false, quote = '', escape = '', comment = '',
                   auto_detect = false, columns = {{'chrom': 'VARCHAR', 'start': 'BIGINT',
                   'stop': 'BIGINT', 'name': 'VARCHAR'}})),
        k as (select r.n, c.cid * {SPAN} + r.start as key, r.start, r.stop
              from r join chroms c on c.chrom = r.chrom)
        select k.n, case when t.tss is null or (t.p_tss is not null and t.tss >= k.stop
                             and k.start - t.p_tss <= t.tss - k.stop + 1) then t.p_tss
                        else t.tss end as tss,
               case when t.tss < k.stop then 0
                    else least(k.start - t.p_tss, t.tss - k.stop + 1) end as distance
        from k asof left join tss t on k.key <= t.key order by k.n
        ) to '{out}' (header true, delimiter '\t')"""
    )


if __name__ == "__main__":
    if sys.argv[1] == "--prepare":
        prepare(sys.argv[2], sys.argv[3])
    else:
        run(*sys.argv[1:4])
