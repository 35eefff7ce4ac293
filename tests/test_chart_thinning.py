"""Point charts with many regions: background binned (every region counted), significant kept."""

from __future__ import annotations

import numpy as np
import pandas as pd

from chromdiff.charts.builders import (
    BINS,
    MAX_POINTS,
    MERGE_PX,
    NOT_SIG,
    _cells,
    _extent,
    ma_chart,
    thin_points,
    volcano_chart,
)
from chromdiff.charts.save import chart_svg


def _frame(n_bg: int, n_sig: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    eff = np.concatenate([rng.normal(0, 0.4, n_bg), rng.normal(3, 1, n_sig)])
    q = np.concatenate([rng.uniform(0.1, 1, n_bg), 10 ** -rng.uniform(2, 30, n_sig)])
    cat = ["not significant"] * n_bg + ["A-enriched"] * n_sig
    return pd.DataFrame(
        {"effect": eff, "neg_log10_q": -np.log10(q), "category": cat,
         "log2_mean_count": rng.normal(5, 2, n_bg + n_sig)}
    )  # fmt: skip


def test_small_charts_draw_every_point():
    df = _frame(MAX_POINTS, 100).assign(group=lambda d: d["category"].str[0])
    df.loc[df["category"] == "not significant", "group"] = NOT_SIG
    points, bins = thin_points(df, "effect", "neg_log10_q")
    assert bins is None and len(points) == len(df)


def test_background_binned_significant_all_covered():
    n_bg, n_sig = 60_000, 12_000
    df = _frame(n_bg, n_sig)
    df["group"] = np.where(df["category"] == "not significant", NOT_SIG, "A")
    points, bins = thin_points(df, "effect", "neg_log10_q")
    assert int(bins["n"].sum()) == n_bg  # every background region counted in a cell
    assert len(bins) <= BINS[0] * BINS[1] and (points["group"] != NOT_SIG).all()
    # every significant region has a mark in its MERGE_PX cell
    sig = df[df["group"] != NOT_SIG]
    (x0, x1), (y0, y1) = _extent(df["effect"]), _extent(df["neg_log10_q"])

    def cells(frame):
        cx = _cells(frame["effect"].to_numpy(), x0, x1, 560 // MERGE_PX)
        cy = _cells(frame["neg_log10_q"].to_numpy(), y0, y1, 400 // MERGE_PX)
        return set(zip(cx.tolist(), cy.tolist(), strict=True))

    assert cells(sig) == cells(points) and len(points) < n_sig


def test_million_point_svgs_stay_small():
    df = _frame(900_000, 100_000)
    for chart in (
        volcano_chart(df, fdr=0.05, label_a="A", label_b="B"),
        ma_chart(df, label_a="A", label_b="B"),
    ):
        assert len(chart_svg(chart)) < 8_000_000


def test_binned_charts_legend_what_is_drawn():
    """Binned: the cells' legend title read "not significant (regions pe…" (Vega's 180 px cut)
    and the colour legend had a grey "not significant" entry with no grey point drawn.
    Oracle: the texts Vega itself renders (vl-convert)."""
    import re

    df = _frame(MAX_POINTS + 1_000, 50)
    for chart in (volcano_chart(df, fdr=0.05, label_a="A", label_b="B"),
                  ma_chart(df, label_a="A", label_b="B")):  # fmt: skip
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", chart_svg(chart))
        assert f"{NOT_SIG} (regions per cell)" in texts
        assert NOT_SIG not in texts and not any(t.endswith("…") for t in texts)
        assert '"domain": ["A", "B"]' in chart.to_json(indent=None)  # the points' colours
