"""The floor of any DuckDB load of a result BED: what is left when every check is taken out.

Not chromdiff's load (nothing is validated: a bad value aborts with DuckDB's error, duplicates,
legacy values and signs go unnoticed); it is the least work that still leaves the same rows in
the same tables of a DuckDB file. Two steps, each timed:

* **read**: DuckDB's typed ``read_csv`` of the file (both cores) into a temporary table, the
  count strings split into ``DOUBLE[]`` lists (region ids = the table's row ids, which follow
  the file; a ``row_number()`` window would cost as much again);
* **write**: insert the regions (with the group means) and the count lists into ``regions`` /
  ``region_count_vectors`` of a DuckDB file and commit (DuckDB compresses on write).

Its ratio to the pandas baseline bounds the ratio any validated load can reach on the machine.
``warehouse.load_bed`` has the same two steps (its read casts text columns with ``try_cast`` next
to one per-row check flag, then a duplicate probe and the legacy/sign tests; the inserts are
these), so the gap between the two is what the checks cost.
"""

from __future__ import annotations

import time
from pathlib import Path

from chromdiff.parsing.rawbed import MAX_LINE_BYTES
from chromdiff.warehouse import db

_COLS = (
    "{'chrom': 'VARCHAR', 'start': 'BIGINT', 'stop': 'BIGINT', 'ca': 'VARCHAR', "
    "'cb': 'VARCHAR', 'logfc': 'DOUBLE', 'pvalue': 'DOUBLE', 'qvalue': 'DOUBLE'}"
)


def floor_load(bed: Path, db_path: Path, comparison_id: str) -> dict:
    """Load ``bed`` into ``db_path`` with no checks; return ``read_s``, ``write_s``, rows."""
    literal = str(bed).replace("'", "''")
    with db.connect(db_path) as con:
        t0 = time.perf_counter()
        con.execute(
            f"""create or replace temp table _floor as
            select chrom, start, stop, logfc, pvalue, qvalue,
                   string_split(ca, ',')::double[] as counts_a,
                   string_split(cb, ',')::double[] as counts_b
            from read_csv('{literal}', delim = '\t', header = false, columns = {_COLS},
                          quote = '', escape = '', auto_detect = false, nullstr = ['NA'],
                          max_line_size = {MAX_LINE_BYTES})"""
        )
        t1 = time.perf_counter()
        con.execute("begin")
        for table in ("regions", "region_count_vectors"):
            con.execute(f"delete from {table} where comparison_id = ?", [comparison_id])
        n = con.execute(
            """insert into regions by name
            select ?::varchar as comparison_id, (rowid + 1)::integer as region_id, chrom, start,
                   stop, logfc, pvalue, qvalue, list_avg(counts_a) as mean_count_a,
                   list_avg(counts_b) as mean_count_b
            from _floor""",
            [comparison_id],
        ).fetchall()[0][0]
        con.execute(
            """insert into region_count_vectors
            select ?::varchar, (rowid + 1)::integer, counts_a, counts_b from _floor""",
            [comparison_id],
        )
        con.execute("commit")
        t2 = time.perf_counter()
        con.execute("drop table _floor")
    return {"read_s": t1 - t0, "write_s": t2 - t1, "n_regions": n}
