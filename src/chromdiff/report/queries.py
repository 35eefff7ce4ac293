"""Read a named SQL view for one comparison (bound parameter, never string-formatted IDs)."""

from __future__ import annotations

import re

import duckdb
import pandas as pd

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def view_frame(
    con: duckdb.DuckDBPyConnection,
    view: str,
    comparison_id: str,
    order_by: str | None = None,
    *,
    max_background: int | None = None,
    columns: str = "* exclude (comparison_id)",
) -> pd.DataFrame:
    """Return the rows of ``view`` for ``comparison_id`` as a DataFrame.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Open connection with the schema and views applied.
    view : str
        Name of a view (``sql/views``, ``sql/qc`` or ``sql/reports``); must be a plain identifier.
    comparison_id : str
        Comparison whose rows are returned.
    order_by : str, optional
        ``order by`` clause body (column list written by chromdiff, not user input).
    max_background : int, optional
        For point charts: keep every ``significant`` row but at most this many others (a
        deterministic hash sample), so a million-region chart stays renderable.
    columns : str, optional
        SELECT list (column names written by chromdiff, not user input); default every column
        but ``comparison_id``.
    """
    if not _NAME.match(view):
        raise ValueError(f"not a view name: {view!r}")
    sql = f"select {columns} from {view} where comparison_id = ?"
    if max_background is not None:
        sql += (
            " qualify significant or row_number() over (partition by significant "
            f"order by hash(region_id)) <= {int(max_background)}"
        )
    if order_by:
        sql += f" order by {order_by}"
    return con.sql(sql, params=[comparison_id]).to_arrow_table().to_pandas()
