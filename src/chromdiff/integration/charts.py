"""Integration charts (Altair, rendered offline): scatter, volcano, distances, peak features."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from chromdiff.annotation.charts import BIN_ORDER
from chromdiff.charts.builders import inline_data

#: Concordance categories and their colours (Other in grey).
CATEGORY_COLORS = {
    "Concordant up": "#c0392b",
    "Concordant down": "#2471a3",
    "Discordant open/down": "#e67e22",
    "Discordant closed/up": "#7d3c98",
    "Other": "#bbbbbb",
}
_SCALE = alt.Scale(domain=list(CATEGORY_COLORS), range=list(CATEGORY_COLORS.values()))
_COLOR = alt.Color("category:N", scale=_SCALE, title="Category")
WIDTH, HEIGHT = 520, 420
#: log2FC axes: about 8 ticks (every 0.5 unit over ±4 crowds the labels into each other).
_LOGFC_AXIS = alt.Axis(tickCount=8)
#: Label font size and line height (px) of the gene labels.
_FONT_PX, _LINE_PX = 11, 13.0


def text_px(text: str, size: float = _FONT_PX) -> float:
    """Upper estimate of the width (px) of ``text`` in the charts' font (DejaVu Sans).

    Advance widths of DejaVu Sans in em: capitals up to 0.77 (M 0.86, W 0.99), digits 0.64,
    lower case up to 0.64 (m, w 0.97); anything else counts as a capital.
    """
    em = 0.0
    for ch in str(text):
        if ch in "MW" or ch in "mw":
            em += 1.0
        elif ch.isdigit() or ch.islower():
            em += 0.64
        elif ch in " -._":
            em += 0.4
        else:
            em += 0.78
    return em * size


def place_labels(
    df: pd.DataFrame,
    x: str,
    y: str,
    label: str,
    *,
    width: float = WIDTH,
    height: float = HEIGHT,
    max_labels: int = 12,
    domain: tuple[float, float, float, float] | None = None,
) -> pd.DataFrame:
    """Greedy non-overlapping label positions (data coordinates) for the first rows of ``df``.

    Rows are taken in order; each label tries four spots around its point (right/left, above/
    below) and is dropped when all overlap an already placed label or leave the plot.
    ``domain`` = (xmin, xmax, ymin, ymax) of the plot (default: the extent of ``df``; also
    when a bound given is not finite). Rows whose point is not finite (±Inf, NaN) get no label.
    Returns columns ``label, lx, ly, align``.
    """
    df = df[np.isfinite(df[x].astype(float)) & np.isfinite(df[y].astype(float))]
    if df.empty:
        return pd.DataFrame(columns=["label", "lx", "ly", "align"])
    extent = (df[x].min(), df[x].max(), df[y].min(), df[y].max())
    given = tuple(float(v) for v in domain) if domain else ()
    xmin, xmax, ymin, ymax = given if given and np.isfinite(given).all() else extent
    sx = width / ((xmax - xmin) or 1.0)
    sy = height / ((ymax - ymin) or 1.0)
    placed: list[tuple[float, float, float, float]] = []
    rows = []
    for _, r in df.iterrows():
        if len(rows) >= max_labels:
            break
        px, py = (r[x] - xmin) * sx, (ymax - r[y]) * sy
        w = text_px(r[label])
        for dx, dy, align in (
            (6, -4, "left"),
            (6, 14, "left"),
            (-6, -4, "right"),
            (-6, 14, "right"),
        ):
            x0 = px + dx if align == "left" else px + dx - w
            box = (x0, py + dy - _LINE_PX, x0 + w, py + dy)
            inside = box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
            if inside and not any(
                box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed
            ):
                placed.append(box)
                rows.append(
                    {
                        "label": r[label],
                        "lx": xmin + (px + dx) / sx,
                        "ly": ymax - (py + dy) / sy,
                        "align": align,
                    }
                )
                break
    return pd.DataFrame(rows, columns=["label", "lx", "ly", "align"])


def scatter_chart(
    pairs: pd.DataFrame, top: pd.DataFrame, title: str, peak_top: str | None = None,
    rna_top: str | None = None,
) -> alt.LayerChart:  # fmt: skip
    """Peak vs RNA log2FC of linked pairs, coloured by category, sized by significance.

    The regression line is fitted to the pairs in a concordance category; ``top`` (symbol,
    atac_logfc, rna_logfc), best first, are labelled where they do not overlap. ``peak_top`` /
    ``rna_top`` (``"X / Y"``, from the orientation notes) name each axis's ratio when known.
    """
    x_title = f"Peak log2FC ({peak_top or 'accessibility or binding'})"
    y_title = f"RNA log2FC ({rna_top or 'expression'})"
    base = alt.Chart(inline_data(pairs)).encode(
        x=alt.X("atac_logfc:Q", title=x_title, axis=_LOGFC_AXIS),
        y=alt.Y("rna_logfc:Q", title=y_title),
    )
    points = base.mark_circle(opacity=0.6).encode(
        color=_COLOR,
        size=alt.Size(
            "significance_score:Q", title="−log10 padj (sum)", scale=alt.Scale(range=[8, 160])
        ),
        tooltip=["symbol:N", "category:N", "atac_logfc:Q", "rna_logfc:Q", "distance:Q"],
    )
    line = (
        alt.Chart(inline_data(pairs[pairs["category"] != "Other"]))
        .transform_regression("atac_logfc", "rna_logfc")
        .mark_line(color="black", strokeDash=[4, 3])
        .encode(x="atac_logfc:Q", y="rna_logfc:Q")
    )
    domain = (
        pairs["atac_logfc"].min(),
        pairs["atac_logfc"].max(),
        pairs["rna_logfc"].min(),
        pairs["rna_logfc"].max(),
    )
    labels = place_labels(top, "atac_logfc", "rna_logfc", "symbol", domain=domain)
    layers = [points, line]
    for align in ("left", "right"):
        sub = labels[labels["align"] == align]
        if not sub.empty:
            layers.append(
                alt.Chart(inline_data(sub))
                .mark_text(align=align, fontSize=_FONT_PX)
                .encode(x="lx:Q", y="ly:Q", text="label:N")
            )
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT, title=title)


def volcano_chart(genes: pd.DataFrame, title: str) -> alt.Chart:
    """DE volcano of the genes with linked peaks, coloured by their concordance category."""
    data = genes.assign(neg_log10_padj=-np.log10(genes["rna_padj"].clip(lower=1e-300)))
    return (
        alt.Chart(inline_data(data))
        .mark_circle(opacity=0.7)
        .encode(
            x=alt.X("rna_logfc:Q", title="RNA log2FC", axis=_LOGFC_AXIS),
            y=alt.Y("neg_log10_padj:Q", title="−log10 padj (RNA)"),
            color=_COLOR,
            tooltip=["symbol:N", "category:N", "rna_logfc:Q", "rna_padj:Q", "lead_distance:Q"],
        )
        .properties(width=WIDTH, height=360, title=title)
    )


def distance_bins(pairs: pd.DataFrame, width_kb: float = 5.0) -> pd.DataFrame:
    """Count pairs per category in ``width_kb`` bins of distance (kb, clipped at ±100 kb)."""
    kb = (pairs["distance"].astype(float) / 1000.0).clip(-100, 100 - 1e-9)
    lo = np.floor(kb / width_kb) * width_kb
    out = pairs.assign(bin_start=lo).groupby(["category", "bin_start"]).size()
    out = out.rename("n_pairs").reset_index()
    return out.assign(bin_end=out["bin_start"] + width_kb)


def distance_chart(pairs: pd.DataFrame, title: str) -> alt.Chart:
    """Histograms of peak–TSS distance (kb, clipped at ±100 kb), one panel per category.

    ``pairs`` holds ``category`` and ``distance``; it is binned here (5 kb) so the chart stays
    small whatever the number of pairs. Bars rise from 0 (``y2``: with a ranged x a bar is
    otherwise drawn as a thin horizontal tick at its count). Each panel has its own x axis, so
    a grid with fewer categories than cells shows no empty panel; the panel titles name the
    categories (no colour legend needed).
    """
    return (
        alt.Chart(inline_data(distance_bins(pairs)))
        .mark_bar()
        .encode(
            x=alt.X(
                "bin_start:Q", title="Distance to TSS (kb)", scale=alt.Scale(domain=[-100, 100])
            ),
            x2="bin_end:Q",
            y=alt.Y("n_pairs:Q", title="Pairs"),
            y2=alt.Y2(datum=0),
            color=alt.Color("category:N", scale=_SCALE, legend=None),
        )
        .properties(width=220, height=140)
        .facet(
            facet=alt.Facet("category:N", sort=list(CATEGORY_COLORS), title=None),
            columns=3,
            title=title,
        )
        .resolve_scale(y="independent")
        .resolve_axis(x="independent")
    )


def peak_feature_frames(peaks: pd.DataFrame, label: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Frames for the annotation engine's feature and TSS-distance charts from peak rows."""
    n = max(len(peaks), 1)
    feats = peaks.groupby("category").size().rename("n_regions").reset_index()
    feats["fraction"] = feats["n_regions"] / n
    # a peak at the TSS ('both') counts half upstream, half downstream, as ChIPseeker plots it
    both = peaks[peaks["side"] == "both"]
    rows = pd.concat(
        [peaks[peaks["side"] != "both"].assign(w=1.0), both.assign(side="upstream", w=0.5),
         both.assign(side="downstream", w=0.5)]
    ).dropna(subset=["bin_order"])  # fmt: skip
    bins = rows.groupby(["side", "bin_order"])["w"].sum().rename("n_regions").reset_index()
    bins["bin"] = bins["bin_order"].map(lambda i: BIN_ORDER[int(i) - 1])
    bins["fraction"] = bins["n_regions"] / n
    return feats.assign(set=label), bins
