"""Peak files into DuckDB, and their union as ``bedtools multiinter`` makes it.

DA builds the regions with ``bedtools multiinter -names ... -i <peak files>`` and keeps
chrom, start, end, naming row N ``peak_N`` (``DA:467-497``). multiinter reports, for every
stretch of the genome covered by at least one file, the maximal runs over which the *set* of
files covering it does not change: overlapping or book-ended peaks of one file do not split a
region, a boundary of any other file's coverage does (checked against bedtools 2.30 in
``tests/test_local_peaks.py``). :func:`union_regions` does the same in SQL: each file's peaks
are merged (islands), every merged start/end is an event, a running sum of per-file bits gives
the covering set after each position, and consecutive pieces with the same non-empty set are
joined. A zero-length peak counts as the two bases around it, as bedtools reads it. Regions
are ordered by chromosome (byte order, as ``sort -k1,1``) and start.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from chromdiff.errors import InputError
from chromdiff.regions.coords import int_sql

_WORD = 62  # files per bigint word of the covering-set bitmask
#: Header lines of BED files (bedtools skips them too).
_HEADER = "(f[1] like 'track%' or f[1] like 'browser%' or f[1] like '#%' or trim(f[1]) = '')"


def _compression(path: Path) -> str:
    with path.open("rb") as fh:
        return "gzip" if fh.read(2) == b"\x1f\x8b" else "none"


def load_peaks(con: duckdb.DuckDBPyConnection, files: list[Path]) -> None:
    """Read every peak file (BED/narrowPeak, gzipped or not) into table ``peaks``.

    ``track``/``browser``/``#`` lines are skipped; the first 3 tab-separated fields are used.

    Raises
    ------
    InputError
        An unreadable file, or a line with fewer than 3 fields, a non-integer or negative
        coordinate or end < start (``file:line``).
    """
    con.execute(
        "create or replace temp table peaks (file_idx integer, chrom varchar, start bigint,"
        ' "end" bigint)'
    )
    for idx, path in enumerate(files):
        try:
            con.execute(
                f"""create or replace temp table _lines as
                select row_number() over () as line, string_split(l, chr(9)) as f
                from read_csv(?, columns = {{'l': 'VARCHAR'}}, delim = chr(31), quote = '',
                              escape = '', header = false, compression = '{_compression(path)}',
                              auto_detect = false)""",
                [str(path)],
            )
        except (duckdb.Error, OSError) as exc:
            raise InputError(
                f"{path}: cannot read peak file ({str(exc).splitlines()[0]})"
            ) from None
        # typed as the region reader types coordinates (int_sql): never rounded, unlike
        # DuckDB's own cast ('100.7' -> 101), which bedtools multiinter refuses on the server
        con.execute(
            f"""create or replace temp table _typed as
            select line, f, {int_sql("s")} as s_i, {int_sql("e")} as e_i
            from (select line, f, f[2] as s, f[3] as e from _lines where not {_HEADER})"""
        )
        bad = con.execute(
            """select line, case when len(f) < 3 then 'fewer than 3 tab-separated fields'
                      when s_i is null or e_i is null then 'start/end not integers'
                      when s_i < 0 then 'negative start'
                      else 'end before start' end
            from _typed
            where len(f) < 3 or s_i is null or e_i is null or s_i < 0 or e_i < s_i
            order by line limit 1"""
        ).fetchall()
        if bad:
            raise InputError(f"{path}:{bad[0][0]}: {bad[0][1]} (expected a BED/narrowPeak file)")
        con.execute(f"insert into peaks select {idx}, f[1], s_i, e_i from _typed")
    con.execute("drop table if exists _lines; drop table if exists _typed")


def peak_extent(con: duckdb.DuckDBPyConnection, idx: int) -> dict[str, int]:
    """Return chrom -> largest peak end of file ``idx`` (to check it against its bigWig)."""
    rows = con.execute(
        'select chrom, max("end") from peaks where file_idx = ? group by chrom', [idx]
    ).fetchall()
    return dict(rows)


def union_regions(con: duckdb.DuckDBPyConnection, n_files: int) -> None:
    """Create table ``regions (region_idx, chrom, start, "end")``: multiinter's segments."""
    words = max(1, -(-n_files // _WORD))
    bit = "(case when file_idx // {w} = {k} then (1::bigint << (file_idx % {w})) else 0 end)"
    deltas = ", ".join(f"sum(d * {bit.format(w=_WORD, k=k)}) as w{k}" for k in range(words))
    running = ", ".join(
        f"sum(w{k}) over (partition by chrom order by pos rows unbounded preceding) as m{k}"
        for k in range(words)
    )
    active = " or ".join(f"m{k} <> 0" for k in range(words))
    changed = " or ".join(f"lag(m{k}) over w is distinct from m{k}" for k in range(words))
    con.execute(
        f"""create or replace temp table regions as
        with widened as (  -- bedtools reads a zero-length [s, s) as [s - 1, s + 1)
            -- a file's repeated rows (MACS --call-summits, ENCODE narrowPeak) once: twins tie in
            -- both windows below, which may order them differently and misplace an island start
            select distinct file_idx, chrom,
                   case when "end" = start then greatest(start - 1, 0) else start end as start,
                   case when "end" = start then "end" + 1 else "end" end as "end"
            from peaks),
        ordered as (
            select file_idx, chrom, start, "end",
                   max("end") over (partition by file_idx, chrom order by start, "end"
                                    rows between unbounded preceding and 1 preceding) as prev_end
            from widened),
        islands as (
            select *, sum(case when prev_end is null or start > prev_end then 1 else 0 end)
                      over (partition by file_idx, chrom order by start, "end"
                            rows unbounded preceding) as island
            from ordered),
        merged as (
            select file_idx, chrom, min(start) as s, max("end") as e
            from islands group by file_idx, chrom, island),
        events as (
            select chrom, s as pos, file_idx, 1 as d from merged
            union all select chrom, e as pos, file_idx, -1 as d from merged),
        deltas as (select chrom, pos, {deltas} from events group by chrom, pos),
        running as (
            select chrom, pos, lead(pos) over (partition by chrom order by pos) as nxt, {running}
            from deltas),
        pieces as (
            select chrom, pos as start, nxt as "end", ({active}) as active,
                   case when {changed} then 1 else 0 end as brk
            from running where nxt is not null
            window w as (partition by chrom order by pos)),
        runs as (
            select *, sum(brk) over (partition by chrom order by start rows unbounded preceding)
                      as run
            from pieces)
        select row_number() over (order by chrom, min(start)) as region_idx,
               chrom, min(start) as start, max("end") as "end"
        from runs where active group by chrom, run order by chrom, start"""
    )
