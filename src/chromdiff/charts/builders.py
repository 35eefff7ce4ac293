"""Chart builders. Each takes the DataFrame of one ``sql/reports/rpt_*`` view and returns a chart.

Colours follow the reference skill: A-enriched red ``#E74C3C``, B-enriched blue ``#3498DB``, not
significant grey ``#95A5A6``. Data are inlined in the spec (no row limit, no external files).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

COLORS = {"A": "#E74C3C", "B": "#3498DB", "none": "#95A5A6"}
NOT_SIG = "not significant"
_WIDTH, _HEIGHT = 560, 400

#: Point charts (volcano, MA) draw each point while a kind (significant / not) has at most this
#: many; above it, the not-significant points are binned on a grid of :data:`BINS` cells (shaded
#: by how many regions each holds: every region counted, none dropped) and significant points
#: closer than :data:`MERGE_PX` to another of their group share one mark (every significant
#: region stays visible: its mark, about 4 px wide, covers it). A million points would otherwise
#: make 30 MB SVGs that take seconds to render.
MAX_POINTS = 5_000
#: Background grid (x cells, y cells): 5 px cells on the 560 x 400 plot.
BINS = (112, 80)
#: Significant points within one cell of this many pixels (of the 560 x 400 plot) share a mark.
MERGE_PX = 2


def inline_data(df: pd.DataFrame) -> alt.InlineData:
    """Inline data as one JSON text (NaN -> null), parsed by Vega itself.

    Vega-Lite accepts inline ``values`` as a string with a ``format``; a string keeps Altair
    from validating and copying every record (seconds per chart at ~100k points) and needs no
    global row-limit switch.
    """
    return alt.InlineData(values=df.to_json(orient="records"), format=alt.DataFormat(type="json"))


def _category_color(label_a: str, label_b: str, *, binned: bool = False) -> alt.Color:
    """Colour by group; ``binned``: the not-significant regions are drawn as grey cells.

    Those cells have their own legend (:func:`_bin_layer`), and no grey point is drawn: a grey
    "not significant" entry here would name points that are not there.
    """
    groups = [label_a, label_b] + ([] if binned else [NOT_SIG])
    return alt.Color(
        "group:N",
        title=None,
        scale=alt.Scale(
            domain=groups, range=[COLORS["A"], COLORS["B"], COLORS["none"]][: len(groups)]
        ),
        legend=alt.Legend(orient="bottom"),
    )


def _with_group(df: pd.DataFrame, label_a: str, label_b: str) -> pd.DataFrame:
    labels = {"A-enriched": label_a, "B-enriched": label_b}
    return df.assign(group=df["category"].map(labels).fillna(NOT_SIG))


def _extent(values) -> tuple[float, float]:
    lo, hi = float(values.min()), float(values.max())
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)


def _cells(values, lo: float, hi: float, n: int):
    return np.clip(((values - lo) / (hi - lo) * n).astype(np.int64), 0, n - 1)


def bin_frame(flat, counts, x_lim: tuple[float, float], y_lim: tuple[float, float]) -> pd.DataFrame:
    """Background cells ``x0, x1, y0, y1, n`` from flat cell ids ``cx * ny + cy`` (:data:`BINS`)."""
    (x_lo, x_hi), (y_lo, y_hi), (nx, ny) = x_lim, y_lim, BINS
    ix, iy = flat // ny, flat % ny
    wx, wy = (x_hi - x_lo) / nx, (y_hi - y_lo) / ny
    return pd.DataFrame(
        {"x0": x_lo + ix * wx, "x1": x_lo + (ix + 1) * wx,
         "y0": y_lo + iy * wy, "y1": y_lo + (iy + 1) * wy, "n": counts}
    )  # fmt: skip


def thin_points(data: pd.DataFrame, x: str, y: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Split a point chart's data into the points to draw and the background bins (or None).

    ``data`` has ``x``, ``y`` and ``group`` (:data:`NOT_SIG` for background); see
    :data:`MAX_POINTS`. Bins: ``x0, x1, y0, y1`` (cell edges in data units) and ``n`` (regions).
    """
    data = data[np.isfinite(data[x]) & np.isfinite(data[y])]
    background = data["group"] == NOT_SIG
    bg, sig = data[background], data[~background]
    if len(bg) <= MAX_POINTS and len(sig) <= MAX_POINTS:
        return data, None
    (x_lo, x_hi), (y_lo, y_hi) = _extent(data[x]), _extent(data[y])
    bins = None
    if len(bg) > MAX_POINTS:
        nx, ny = BINS
        cx, cy = _cells(bg[x].to_numpy(), x_lo, x_hi, nx), _cells(bg[y].to_numpy(), y_lo, y_hi, ny)
        flat, n = np.unique(cx * ny + cy, return_counts=True)
        bins = bin_frame(flat, n, (x_lo, x_hi), (y_lo, y_hi))
        bg = bg.iloc[0:0]
    if len(sig) > MAX_POINTS:  # one mark per MERGE_PX cell and group
        px = _cells(sig[x].to_numpy(), x_lo, x_hi, _WIDTH // MERGE_PX)
        py = _cells(sig[y].to_numpy(), y_lo, y_hi, _HEIGHT // MERGE_PX)
        keep = ~pd.DataFrame({"g": sig["group"].to_numpy(), "px": px, "py": py}).duplicated()
        sig = sig[keep.to_numpy()]
    return pd.concat([bg, sig]), bins


def _bin_layer(bins: pd.DataFrame, x: str, y: str) -> alt.Chart:
    """Grey cells shaded by the number of not-significant regions in each (log scale)."""
    return (
        alt.Chart(inline_data(bins))
        .mark_rect(color=COLORS["none"])
        .encode(
            x=alt.X("x0:Q"),
            x2="x1:Q",
            y=alt.Y("y0:Q"),
            y2="y1:Q",
            opacity=alt.Opacity(
                "n:Q",
                scale=alt.Scale(type="log", range=[0.2, 0.9]),
                # Vega cuts a legend title at 180 px by default ("not significant (regions pe…")
                legend=alt.Legend(
                    title=f"{NOT_SIG} (regions per cell)", orient="bottom", titleLimit=0
                ),
            ),
        )
    )


def _drawn(
    df: pd.DataFrame, x: str, y: str, label_a: str, label_b: str, thinned: tuple | None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Points and background bins to draw: ``df`` thinned here, or ``thinned`` as given."""
    if thinned is not None:
        return thinned
    return thin_points(_with_group(df[[x, y, "category"]], label_a, label_b), x, y)


def volcano_chart(
    df: pd.DataFrame,
    *,
    fdr: float,
    label_a: str,
    label_b: str,
    effect_title: str = "Log2 fold change (A / B)",
    thinned: tuple[pd.DataFrame, pd.DataFrame | None] | None = None,
    min_effect: float = 0.0,
    rule: str = "",
) -> alt.LayerChart:
    """Volcano plot from ``rpt_volcano``: effect against −log10(q), dashed line at −log10(fdr).

    ``min_effect`` > 0 adds dashed lines at ±``min_effect`` (the effect cutoff of the
    significance rule); ``rule`` (e.g. ``q < 0.05, |logFC| ≥ 1``) is the subtitle.

    ``df`` holds every region, thinned here (:func:`thin_points`); or ``thinned`` gives what
    :func:`thin_points` would return for it (points with ``group``, background bins or None),
    e.g. computed inside DuckDB by :func:`chromdiff.report.points.point_data`, and ``df`` is
    not read.
    """
    data, bins = _drawn(df, "effect", "neg_log10_q", label_a, label_b, thinned)
    points = (
        alt.Chart(inline_data(data))
        .mark_circle(size=12, opacity=0.6)
        .encode(
            x=alt.X("effect:Q", title=effect_title),
            y=alt.Y("neg_log10_q:Q", title="-log10(Q-value)"),
            color=_category_color(label_a, label_b, binned=bins is not None),
        )
    )
    hline = (
        alt.Chart(inline_data(pd.DataFrame({"y": [-math.log10(fdr)]})))
        .mark_rule(color="grey", strokeDash=[4, 4])
        .encode(y="y:Q")
    )
    vline = (
        alt.Chart(inline_data(pd.DataFrame({"x": [0.0]})))
        .mark_rule(color="grey", opacity=0.4)
        .encode(x="x:Q")
    )
    chart = points + hline + vline
    if min_effect > 0:
        chart += (
            alt.Chart(inline_data(pd.DataFrame({"x": [-min_effect, min_effect]})))
            .mark_rule(color="grey", strokeDash=[4, 4])
            .encode(x="x:Q")
        )
    if bins is not None:
        chart = _bin_layer(bins, "effect", "neg_log10_q") + chart
    title = ["Volcano Plot", f"significant: {rule}"] if rule else "Volcano Plot"
    return chart.properties(title=title, width=_WIDTH, height=_HEIGHT)


def ma_chart(
    df: pd.DataFrame,
    *,
    label_a: str,
    label_b: str,
    thinned: tuple[pd.DataFrame, pd.DataFrame | None] | None = None,
) -> alt.LayerChart:
    """MA plot from ``rpt_ma``: log2 mean normalised count against logFC, significant coloured.

    ``df`` and ``thinned`` as in :func:`volcano_chart`.
    """
    data, bins = _drawn(df, "log2_mean_count", "effect", label_a, label_b, thinned)
    data = data.sort_values("group", key=lambda s: s.ne(NOT_SIG), kind="stable")
    points = (
        alt.Chart(inline_data(data))
        .mark_circle(size=10, opacity=0.5)
        .encode(
            x=alt.X("log2_mean_count:Q", title="Log2 Mean Normalized Count"),
            y=alt.Y("effect:Q", title="Log2 fold change (A / B)"),
            color=_category_color(label_a, label_b, binned=bins is not None),
        )
    )
    zero = (
        alt.Chart(inline_data(pd.DataFrame({"y": [0.0]}))).mark_rule(color="grey").encode(y="y:Q")
    )
    chart = points + zero
    if bins is not None:
        chart = _bin_layer(bins, "log2_mean_count", "effect") + chart
    return chart.properties(title="MA Plot", width=_WIDTH, height=_HEIGHT)


def _direction_color(label_a: str, label_b: str) -> alt.Color:
    return alt.Color(
        "group:N",
        title=None,
        scale=alt.Scale(domain=[label_a, label_b], range=[COLORS["A"], COLORS["B"]]),
        legend=alt.Legend(orient="bottom"),
    )


def chromosome_chart(
    df: pd.DataFrame,
    *,
    fdr: float,
    label_a: str,
    label_b: str,
    note: str = "",
    flagged: Sequence[str] = (),
    rule: str = "",
) -> alt.Chart:
    """Significant regions per chromosome from ``rpt_chrom_distribution``.

    Bars are stacked by direction; chromosomes are in natural order (``chrom_order``); chromosomes
    in ``flagged`` (sex-chromosome confound) are labelled with a ``*``.
    """
    data = df[df["direction"].isin(["A", "B"])].copy()
    data["group"] = data["direction"].map({"A": label_a, "B": label_b})
    # A at the bottom of each stack, then B, as the legend lists them (ordering by the labels
    # put B first whenever its label sorted first, e.g. "K562 enriched" before "MOLM13 ...")
    data["stack"] = (data["direction"] == "B").astype(int)
    data["chrom"] = [c + "*" if c in set(flagged) else c for c in data["chrom"]]
    order = data.sort_values(["chrom_order", "chrom"])["chrom"].drop_duplicates().tolist()
    # the whole significance rule (``rule``, e.g. "q < 0.05, |logFC| ≥ 1"), not only its q
    title = [f"Differential Regions by Chromosome ({rule or f'q < {fdr:g}'})"] + (
        [note] if note else []
    )
    return (
        alt.Chart(inline_data(data[["chrom", "group", "n", "stack"]]))
        .mark_bar()
        .encode(
            x=alt.X("chrom:N", sort=order, title="Chromosome"),
            y=alt.Y("n:Q", stack="zero", title="Significant regions"),
            color=_direction_color(label_a, label_b),
            order=alt.Order("stack:Q"),
        )
        .properties(title=title, width=max(_WIDTH, 22 * len(order)), height=_HEIGHT)
    )


def size_histogram_chart(df: pd.DataFrame, *, label_a: str, label_b: str) -> alt.Chart:
    """Region-size histogram from ``rpt_size_histogram`` (log10 bins, log-scale x).

    Bars are coloured by significance as in the volcano plot (significant A-enriched, significant
    B-enriched, not significant; only the categories present get a legend entry) and stacked in
    that order with explicit ``y``/``y2`` computed here: Vega-Lite does not stack bars whose x
    extent is given by ``x``/``x2``.
    """
    data = _with_group(df, label_a, label_b)
    order = [label_a, label_b, NOT_SIG]
    data = data.assign(_k=data["group"].map(order.index)).sort_values(["bin_start", "_k"])
    data["y_stop"] = data.groupby("bin_start")["n"].cumsum()
    data["y_start"] = data["y_stop"] - data["n"]
    present = [g for g in order if g in set(data["group"])] or order  # no regions: all three
    colors = dict(zip(order, (COLORS["A"], COLORS["B"], COLORS["none"]), strict=True))
    cols = ["bin_start", "bin_stop", "n", "y_start", "y_stop", "group"]
    return (
        alt.Chart(inline_data(data[cols]))
        .mark_bar()
        .encode(
            x=alt.X(
                "bin_start:Q", scale=alt.Scale(type="log"), title="Region Size (bp, log scale)"
            ),
            x2="bin_stop:Q",
            y=alt.Y("y_stop:Q", title="Regions"),
            y2="y_start:Q",
            color=alt.Color(
                "group:N",
                title=None,
                scale=alt.Scale(domain=present, range=[colors[g] for g in present]),
                legend=alt.Legend(orient="bottom"),
            ),
        )
        .properties(title="Region Size Distribution", width=_WIDTH, height=_HEIGHT)
    )
