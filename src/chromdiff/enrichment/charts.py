"""clusterProfiler-style dot plot of enrichment results (Altair; saved as PNG + SVG)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from chromdiff.charts.builders import inline_data

#: Longest term label drawn (longer names are cut with an ellipsis).
MAX_LABEL = 55


def dotplot_chart(df: pd.DataFrame, title: str) -> alt.HConcatChart:
    """Dot plot: x = hit ratio (k / n), y = term, size = k, colour = adjusted p, one panel a query.

    ``df`` has ``query, set_name, k, n_query, padj`` (one row per term and query), as
    ``enrichment_top_terms``. Terms are ordered by hit ratio within the plot, as ``dotplot``.
    """
    d = df[["query", "set_name", "k", "n_query", "padj"]].copy()
    d["ratio"] = d["k"] / d["n_query"]
    d["term"] = [
        s if len(s) <= MAX_LABEL else s[: MAX_LABEL - 1] + "…" for s in d["set_name"].astype(str)
    ]
    d["padj"] = np.maximum(d["padj"].astype(float), 1e-300)
    lo, hi = float(d["padj"].min()), float(d["padj"].max())
    color = alt.Color(
        "padj:Q",
        title="p.adjust",
        legend=alt.Legend(format=".1e"),
        scale=alt.Scale(type="log", domain=[lo, max(hi, lo * 10)], range=["#E74C3C", "#3498DB"]),
    )
    size = alt.Size("k:Q", title="count", scale=alt.Scale(domain=[0, int(d["k"].max())]))
    panels = []
    for query, grp in d.groupby("query", sort=False):
        order = list(grp.sort_values("ratio", ascending=False)["term"])
        panels.append(
            alt.Chart(inline_data(grp), title=str(query))
            .mark_circle(opacity=0.9)
            .encode(
                x=alt.X("ratio:Q", title="hit ratio (k / n)", scale=_ratio_scale(grp["ratio"])),
                y=alt.Y("term:N", sort=order, title=None),
                size=size,
                color=color,
                tooltip=["set_name:N", "k:Q", "n_query:Q", "padj:Q"],
            )
            .properties(width=220, height=alt.Step(16))
        )
    return alt.hconcat(*panels).properties(title=title).resolve_scale(y="independent")


def _ratio_scale(ratio: pd.Series) -> alt.Scale:
    """Return one panel's x scale: the data's range, padded around a single value.

    Terms sharing one hit ratio (all 2/14) gave a zero-width domain, drawn with one tick "0";
    such a panel spans half the value to 1.5 times it, the dots in the middle.
    """
    lo, hi = float(ratio.min()), float(ratio.max())
    if hi > lo:
        return alt.Scale(zero=False)
    return alt.Scale(domain=[lo / 2, hi * 1.5], nice=False) if hi > 0 else alt.Scale()
