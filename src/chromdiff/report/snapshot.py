"""One comparison's ``regions_unfiltered`` computed once while a report reads many views of it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

#: The order of ``rank`` in view ``regions_ranked`` (sql/views/regions_ranked.sql). The top-N
#: export and the report's top table take the first rows with a Top-N instead of ranking every
#: region (tests/test_exports.py checks both give the same rows and ranks).
RANK_ORDER = "qvalue asc nulls last, abs(effect) desc nulls last, chrom, start, stop, region_id"


@contextmanager
def one_comparison(
    con: duckdb.DuckDBPyConnection, comparison_id: str, top_n: int | None = None
) -> Iterator[None]:
    """Within the block, ``regions_unfiltered`` (and ``regions_top``) hold ``comparison_id`` alone.

    The report reads many views that all start from ``regions_unfiltered``, a join of
    ``regions`` with the parameters, the standard chromosomes and the annotation: at 1M regions
    each reading costs ~0.1-0.5 s (the counts, every ``qc_*`` check, the top table, each export).
    The block computes that view once, for this comparison, into a temporary table of the same
    name. DuckDB resolves names in the ``temp`` schema before ``main``, inside view bodies too, so
    every view built on it (``regions_filtered``, ``regions_significant``, ``regions_ranked``,
    ``sex_chrom_stats``, the ``qc_*`` and ``rpt_*`` views) reads the table, with the views' own
    SQL: the same numbers. With ``top_n``, ``regions_top`` (the first ``top_n`` rows of
    ``regions_ranked``, which ranks every region) is likewise a temporary table made by a Top-N in
    the rank order (:data:`RANK_ORDER`; ``row_number`` as ``rank``: the same rows and ranks).
    Only reads may happen inside the block (the tables are a snapshot); the tables it made are
    dropped at its end. Views of other comparisons read nothing inside the block. Blocks nest:
    inside a block of the same comparison (e.g. one around a whole report) the snapshot is
    reused, and only ``regions_top`` is made if it is missing.

    Raises
    ------
    RuntimeError
        Inside a block of another comparison.
    """
    made: list[str] = []
    try:
        have = {
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() "
                "where database_name = 'temp' and table_name in ('_cd_snapshot', 'regions_top')"
            ).fetchall()
        }
        if "_cd_snapshot" in have:  # an outer block's snapshot: used if it is this comparison's
            ((open_id,),) = con.execute("select comparison_id from temp._cd_snapshot").fetchall()
            if open_id != comparison_id:
                raise RuntimeError(
                    f"a snapshot of comparison {open_id!r} is open, not of {comparison_id!r}"
                )
        else:
            made += ["_cd_snapshot", "regions_unfiltered"]
            con.execute(
                "create temp table _cd_snapshot as select ?::varchar as comparison_id",
                [comparison_id],
            )
            con.execute(
                "create or replace temp table regions_unfiltered as "
                "select * from main.regions_unfiltered where comparison_id = ?",
                [comparison_id],
            )
        if top_n is not None and "regions_top" not in have:
            made.append("regions_top")
            con.execute(
                f"""create or replace temp table regions_top as
                select *, row_number() over (order by {RANK_ORDER}) as rank from (
                    select * from regions_filtered where comparison_id = ?
                    order by {RANK_ORDER} limit {max(int(top_n), 0)} offset 0)""",
                [comparison_id],
            )
        yield
    finally:
        if made:
            con.execute("; ".join(f"drop table if exists temp.{t}" for t in reversed(made)))
