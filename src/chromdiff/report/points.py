"""Point-chart data (volcano, MA) read from a view and thinned inside DuckDB.

:func:`chromdiff.charts.builders.thin_points` bins the not-significant points and merges close
significant ones in pandas, after every region has been read into Python (1M regions: ~1.5 s of
reading and ~0.6 s of pandas work per chart). :func:`point_data` does the same arithmetic in SQL
on the view's rows, so only what is drawn leaves the database: the same cells (``(v - lo) /
(hi - lo) * n`` in doubles, truncated, clipped), the same first-in-``region_id``-order mark per
merge cell and group, the same row order. ``tests/test_chart_points_sql.py`` checks it equals
``thin_points`` on the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from chromdiff.charts import builders as b


@dataclass
class PointData:
    """What a point chart draws: ``points`` (x, y, category, group) and background ``bins``."""

    points: pd.DataFrame
    bins: pd.DataFrame | None
    n_regions: int

    def __len__(self) -> int:
        """Return the marks drawn (points + background cells)."""
        return len(self.points) + (0 if self.bins is None else len(self.bins))


def _cell_sql(col: str, n: int) -> str:
    """Return SQL of ``_cells``: ``((v - lo) / (hi - lo) * n)`` as int64, clipped to [0, n - 1].

    ``lo``/``hi`` are the bound DOUBLE parameters ``${col}lo``/``${col}hi`` (exact values, no
    decimal literal); v >= lo, so truncation is numpy's cast.
    """
    return (
        f"least(greatest(trunc(({col} - ${col}lo) / (${col}hi - ${col}lo) * {n})::bigint, 0), "
        f"{n - 1})"
    )


def point_data(
    con: duckdb.DuckDBPyConnection,
    view: str,
    comparison_id: str,
    x: str,
    y: str,
    label_a: str,
    label_b: str,
) -> PointData:
    """Read ``x``, ``y`` and ``category`` of ``view`` for one comparison, thinned as the charts do.

    ``view`` and the column names are written by chromdiff (``rpt_volcano``, ``rpt_ma``), never
    user input. ``group`` is ``label_a`` / ``label_b`` / :data:`~chromdiff.charts.builders.NOT_SIG`
    as ``_with_group`` makes it.
    """
    con.execute(
        f"""create or replace temp table _cd_pts as
        select region_id, {x} as x, {y} as y, category,
               case category when 'A-enriched' then $la when 'B-enriched' then $lb
                    else $ns end as grp
        from {view} where comparison_id = $cid and isfinite({x}) and isfinite({y})""",
        {"la": label_a, "lb": label_b, "ns": b.NOT_SIG, "cid": comparison_id},
    )
    try:
        return _thin(con, x, y)
    finally:
        con.execute("drop table if exists _cd_pts")


def _frame(
    con: duckdb.DuckDBPyConnection, sql: str, x: str, y: str, params: dict | None = None
) -> pd.DataFrame:
    params = ({"ns": b.NOT_SIG} if "$ns" in sql else {}) | (params or {})
    df = con.execute(sql, params).df()
    return df.rename(columns={"x": x, "y": y, "grp": "group"})[[x, y, "category", "group"]]


def _thin(con: duckdb.DuckDBPyConnection, x: str, y: str) -> PointData:
    n_bg, n_sig, x_min, x_max, y_min, y_max = con.execute(
        "select count(*) filter (grp = $ns), count(*) filter (grp <> $ns), min(x), max(x), "
        "min(y), max(y) from _cd_pts",
        {"ns": b.NOT_SIG},
    ).fetchall()[0]
    n = n_bg + n_sig
    if n_bg <= b.MAX_POINTS and n_sig <= b.MAX_POINTS:
        return PointData(_frame(con, "select * from _cd_pts order by region_id", x, y), None, n)
    (x_lo, x_hi), (y_lo, y_hi) = (
        b._extent(np.array([x_min, x_max])),
        b._extent(np.array([y_min, y_max])),
    )
    lims = {"xlo": float(x_lo), "xhi": float(x_hi), "ylo": float(y_lo), "yhi": float(y_hi)}
    bins, bg_sql = None, "select 0 as part, * from _cd_pts where grp = $ns"
    if n_bg > b.MAX_POINTS:
        nx, ny = b.BINS
        flat = con.execute(
            f"""select c, count(*) as n from (
                    select {_cell_sql("x", nx)} * {ny} + {_cell_sql("y", ny)} as c
                    from _cd_pts where grp = $ns)
                group by c order by c""",
            {"ns": b.NOT_SIG} | lims,
        ).fetchnumpy()
        c, counts = flat["c"].astype(np.int64), flat["n"].astype(np.int64)
        bins = b.bin_frame(c, counts, (x_lo, x_hi), (y_lo, y_hi))
        bg_sql = "select 0 as part, * from _cd_pts where false"
    sig_sql = "select 1 as part, * from _cd_pts where grp <> $ns"
    if n_sig > b.MAX_POINTS:  # one mark per MERGE_PX cell and group: the first by region_id
        px, py = _cell_sql("x", b._WIDTH // b.MERGE_PX), _cell_sql("y", b._HEIGHT // b.MERGE_PX)
        sig_sql = f"""select 1 as part, * exclude (px, py) from (
                select *, {px} as px, {py} as py from _cd_pts where grp <> $ns)
            qualify row_number() over (partition by grp, px, py order by region_id) = 1"""
    sql = f"select * from ({bg_sql} union all {sig_sql}) order by part, region_id"
    points = _frame(con, sql, x, y, lims if n_sig > b.MAX_POINTS else {})
    return PointData(points, bins, n)
