"""Parse a ChIP-Atlas main result BED (diffbind 2025, legacy diffbind 2024, dmr) into typed tables.

chipatlas_api.md §4: diffbind has 8 columns (counts A and B comma-joined, logFC, P, Q); the legacy
2024 layout is the same but logFC = log2(B/A) and P/Q are log10 values; dmr (metilene) has 10
columns. The per-experiment counts are in ``sorted()`` order of each group's IDs (string order).
Reading and validation live in :mod:`chromdiff.parsing.stage`; this module pulls the staged rows
out as Arrow tables (to load into the warehouse without re-reading the file, use
:func:`chromdiff.warehouse.load.load_bed`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from chromdiff.parsing.samples import ServerLayout
from chromdiff.parsing.stage import (
    DIFFBIND_2024,
    DIFFBIND_2025,
    DMR,
    N_COLS,
    REGION_COLUMNS,
    SIGN_DISAGREE_FRAC,
    SIGN_MIN_ROWS,
    count_order,
    sql_list,
    stage_result,
    unstage,
)

__all__ = [
    "DIFFBIND_2024", "DIFFBIND_2025", "DMR", "N_COLS", "REGION_COLUMNS", "SIGN_DISAGREE_FRAC",
    "SIGN_MIN_ROWS", "ParsedResult", "count_order", "parse_result",
]  # fmt: skip


@dataclass
class ParsedResult:
    """A parsed result: format name, ``regions`` and per-region ``count_vectors`` Arrow tables.

    ``regions`` has :data:`REGION_COLUMNS`; ``count_vectors`` has ``region_id, counts_a,
    counts_b``: each group's counts as a ``list<double>`` in the server's order, i.e. value
    ``i`` belongs to ``experiment_order[0][i]`` (group A) or ``experiment_order[1][i]``
    (group B), both :func:`count_order` of the submitted IDs. :attr:`counts` gives the
    long form. ``warnings`` lists anything the user should know (e.g. a flipped sign
    convention).
    """

    result_format: str
    regions: pa.Table
    count_vectors: pa.Table
    warnings: list[str] = field(default_factory=list)
    experiment_order: tuple[list[str], list[str]] = ([], [])
    #: How the server used each submitted ID (set by the flow from the log / IGV BED).
    layout: ServerLayout | None = None

    @property
    def counts(self) -> pa.Table:
        """Long-form counts: ``region_id, experiment_id, count`` (region order, then A, then B)."""
        ids = list(self.experiment_order[0]) + list(self.experiment_order[1])
        if not ids or not self.count_vectors.num_rows:
            return _empty_counts()
        con = duckdb.connect(config={"autoinstall_known_extensions": "false"})
        try:
            con.register("_vectors", self.count_vectors)
            return con.sql(
                f"select region_id, unnest({sql_list(ids)}::varchar[]) as experiment_id,"
                " unnest(counts_a || counts_b) as count from _vectors"
            ).to_arrow_table()
        finally:
            con.close()


def _empty_counts() -> pa.Table:
    return pa.table(
        {
            "region_id": pa.array([], pa.int32()),
            "experiment_id": pa.array([], pa.string()),
            "count": pa.array([], pa.float64()),
        }
    )


def _empty_vectors() -> pa.Table:
    return pa.table(
        {
            "region_id": pa.array([], pa.int32()),
            "counts_a": pa.array([], pa.list_(pa.float64())),
            "counts_b": pa.array([], pa.list_(pa.float64())),
        }
    )


def parse_result(
    bed_path: str | Path,
    analysis: str,
    ids_a: list[str],
    ids_b: list[str],
    *,
    server_order: bool = False,
) -> ParsedResult:
    """Parse the main result BED of a comparison.

    Parameters
    ----------
    bed_path : str or Path
        ``wabi_result.bed`` (tab-separated, no header). An empty file gives zero regions.
    analysis : {"diffbind", "dmr"}
        Which layout to expect; diffbind files are checked for the legacy 2024 convention.
    ids_a, ids_b : list of str
        The experiment IDs of each group (any order: counts map to ``sorted(ids)``), or with
        ``server_order`` the server's count columns of each group in the order it wrote them
        (:func:`chromdiff.parsing.samples.resolve_layout`).
    server_order : bool
        Take ``ids_a``/``ids_b`` as the server's column order instead of sorting them.

    Returns
    -------
    ParsedResult
        ``logfc`` is log2(A/B) and ``pvalue``/``qvalue`` raw probabilities in every format.
        ``region_id`` is the 1-based data row of the file. dmr: ``pvalue`` = ``p_ks`` (the p
        its q-value adjusts).

    Raises
    ------
    ParseError
        On the first bad row: one line naming ``file:line`` and the column.
    """
    ids_a, ids_b = list(ids_a), list(ids_b)
    con = duckdb.connect(config={"autoinstall_known_extensions": "false"})
    try:
        staged = stage_result(con, bed_path, analysis, ids_a, ids_b, server_order)
        regions = con.sql(staged.regions_sql).to_arrow_table()
        if staged.counts_sql is None:
            vectors, order = _empty_vectors(), ([], [])
        else:
            vectors = con.sql(staged.counts_sql).to_arrow_table()
            order = (ids_a, ids_b) if server_order else (count_order(ids_a), count_order(ids_b))
        unstage(con)
        return ParsedResult(staged.result_format, regions, vectors, staged.warnings, order)
    finally:
        con.close()
