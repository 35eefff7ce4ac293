"""Point-chart thinning in DuckDB (``report.points``) equals ``charts.thin_points`` (pandas)."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from chromdiff.charts import builders
from chromdiff.charts.builders import _with_group, thin_points
from chromdiff.report.points import point_data


def _view(n_bg: int, n_sig: int, seed: int) -> pd.DataFrame:
    """Rows as ``rpt_volcano``/``rpt_ma`` give them, shuffled ids, some non-finite values."""
    rng = np.random.default_rng(seed)
    n = n_bg + n_sig
    eff = np.concatenate([rng.normal(0, 0.4, n_bg), rng.normal(3, 1, n_sig)])
    q = np.concatenate([rng.uniform(0.1, 1, n_bg), 10 ** -rng.uniform(2, 30, n_sig)])
    cat = ["not significant"] * n_bg + list(rng.choice(["A-enriched", "B-enriched"], n_sig))
    df = pd.DataFrame(
        {"comparison_id": "c1", "region_id": rng.permutation(n) + 1, "effect": eff,
         "neg_log10_q": -np.log10(q), "category": cat,
         "log2_mean_count": np.round(rng.normal(5, 2, n), 1)}
    )  # fmt: skip
    if n >= 3:
        df.loc[df.index[:3], "effect"] = [np.inf, -np.inf, np.nan]
    # a second comparison whose rows must not leak in
    other = df.head(50).assign(comparison_id="c2", effect=100.0)
    return pd.concat([df, other], ignore_index=True)


def _pandas(view: pd.DataFrame, x: str, y: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    df = view[view["comparison_id"] == "c1"].sort_values("region_id")
    return thin_points(_with_group(df[[x, y, "category"]], "Ctl", "KO"), x, y)


@pytest.mark.parametrize(("n_bg", "n_sig"), [(40, 30), (400, 30), (40, 300), (900, 700), (0, 0)])
@pytest.mark.parametrize(("x", "y"), [("effect", "neg_log10_q"), ("log2_mean_count", "effect")])
def test_sql_thinning_equals_pandas(monkeypatch, n_bg, n_sig, x, y):
    monkeypatch.setattr(builders, "MAX_POINTS", 100)
    monkeypatch.setattr(builders, "BINS", (12, 9))
    monkeypatch.setattr(builders, "MERGE_PX", 40)  # 14 x 10 merge cells: many merges
    view = _view(n_bg, n_sig, seed=n_bg + n_sig)
    con = duckdb.connect()
    con.register("v", view)
    got = point_data(con, "v", "c1", x, y, "Ctl", "KO")
    want_points, want_bins = _pandas(view, x, y)
    pd.testing.assert_frame_equal(
        got.points.reset_index(drop=True), want_points.reset_index(drop=True), check_dtype=False
    )
    if want_bins is None:
        assert got.bins is None
    else:
        pd.testing.assert_frame_equal(got.bins, want_bins, check_dtype=False, check_exact=True)
    finite = view[(view.comparison_id == "c1") & np.isfinite(view[x]) & np.isfinite(view[y])]
    if want_bins is not None:  # every background region counted in a cell
        assert int(got.bins["n"].sum()) == int((finite["category"] == "not significant").sum())
    assert got.n_regions == len(finite)
    assert len(got) == len(got.points) + (0 if got.bins is None else len(got.bins))
    assert "_cd_pts" not in {r[0] for r in con.execute("show tables").fetchall()}


def test_degenerate_extent(monkeypatch):
    """All points at one x: the extent widens by 0.5 each side, as ``_extent`` does."""
    monkeypatch.setattr(builders, "MAX_POINTS", 10)
    view = _view(60, 40, seed=1).assign(log2_mean_count=2.0)
    con = duckdb.connect()
    con.register("v", view)
    got = point_data(con, "v", "c1", "log2_mean_count", "effect", "Ctl", "KO")
    want_points, want_bins = _pandas(view, "log2_mean_count", "effect")
    pd.testing.assert_frame_equal(got.bins, want_bins, check_dtype=False)
    pd.testing.assert_frame_equal(
        got.points.reset_index(drop=True), want_points.reset_index(drop=True), check_dtype=False
    )
