"""Put a user's region table on the genome GREAT measures: names renamed, strays counted.

GREAT's genome is the assembled chromosomes of :func:`~chromdiff.regions.chromsizes.
chrom_sizes`. A region file may spell them ``1``/``MT`` (Ensembl), hold regions on contigs or
chrM, or come from another assembly, whose regions can run past a chromosome's end. Such
regions are left out of the test and each kind is counted in a note. A region listed twice is
one region (:func:`merge_duplicates`).
"""

from __future__ import annotations

import duckdb

from chromdiff.annotation.chrnames import chrom_map
from chromdiff.regions.assembly import overrun_sql, overruns, past_end


def place_on_genome(
    con: duckdb.DuckDBPyConnection, table: str, sizes: dict[str, int], genome: str
) -> list[str]:
    """Rename ``table``'s chromosomes to ``sizes``' spelling and delete regions off the genome.

    ``table`` has ``chrom, start, stop``. Deleted: regions on a chromosome that is not in
    ``sizes`` under any spelling (:func:`~chromdiff.annotation.chrnames.candidates`), and
    regions whose end lies past their chromosome's size. Returns the notes (one per kind, none
    when every region is kept).
    """
    counts = dict(con.execute(f"select chrom, count(*) from {table} group by chrom").fetchall())
    total = sum(counts.values())
    mapping = chrom_map(counts, set(sizes), warn=False)
    renames = {k: v for k, v in mapping.items() if k != v}
    if renames:
        con.register("_cd_renames", _frame(renames, "chrom", "to"))
        try:
            con.execute(
                f"""update {table} t set chrom = r."to" from _cd_renames r
                where t.chrom = r.chrom"""
            )
        finally:
            con.unregister("_cd_renames")
    notes = []
    off = {c: n for c, n in counts.items() if c not in mapping}
    if off:
        names = ", ".join(sorted(off)[:6]) + (" …" if len(off) > 6 else "")
        con.register("_cd_keep", _frame({c: 0 for c in sizes}, "chrom", "x"))
        try:
            con.execute(f"delete from {table} where chrom not in (select chrom from _cd_keep)")
        finally:
            con.unregister("_cd_keep")
        notes.append(
            f"{sum(off.values()):,} of {total:,} regions are not on {genome}'s assembled "
            f"chromosomes ({names}) and are left out"
        )
    max_stop = dict(con.execute(f"select chrom, max(stop) from {table} group by chrom").fetchall())
    past = past_end(con, table, max_stop, genome)
    if past:
        con.execute(f"delete from {table} where {overrun_sql(overruns(max_stop, genome))}")
        notes.append(f"{past[1]} They are left out")
    return notes


def merge_duplicates(con: duckdb.DuckDBPyConnection, table: str, what: str) -> str | None:
    """Keep one row per ``chrom, start, stop`` of ``table`` (its first ``region_key``).

    A region listed twice is one region, not two draws: counted twice, it would double ``n``
    and ``k`` of GREAT's binomial test (a file given twice gave p 5e-135 instead of 1.9e-68).
    rGREAT's ``great()`` merges its input the same way (``great_local.R``: ``gr =
    intersect(gr, background)``, whose result is reduced: one range per covered stretch).
    Only identical coordinates are merged here; overlapping regions with other coordinates stay
    separate (rGREAT's reduce would join them too).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection holding ``table``.
    table : str
        Region table (``region_key, chrom, start, stop``), rewritten in place.
    what : str
        What the regions are (``regions``, ``background``): the note's first word.

    Returns
    -------
    str or None
        The note counting the rows merged, or None when every region was listed once.
    """
    n, distinct = con.execute(
        f"select count(*), count(distinct (chrom, start, stop)) from {table}"
    ).fetchall()[0]
    if n == distinct:
        return None
    con.execute(
        f"""create or replace temp table {table} as
        select min(region_key) as region_key, chrom, start, stop from {table}
        group by chrom, start, stop"""
    )
    return (
        f"{what}: {n - distinct:,} of {n:,} regions repeat another region's chrom, start and "
        f"end and are merged: {distinct:,} distinct regions counted"
    )


def _frame(values: dict, key: str, value: str):
    """Return ``values`` as a two-column pandas frame (the caller registers it in DuckDB)."""
    import pandas as pd

    return pd.DataFrame({key: list(values), value: list(values.values())})
