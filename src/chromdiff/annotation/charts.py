"""Charts like ChIPseeker's plotAnnoBar/plotAnnoPie and plotDistToTSS (Altair, offline)."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import duckdb
import pandas as pd

from chromdiff.charts.save import save_chart

#: ChIPseeker's summary categories, in its legend order.
CATEGORY_ORDER = (
    "Promoter (<=1kb)",
    "Promoter (1-2kb)",
    "Promoter (2-3kb)",
    "Promoter",
    "5' UTR",
    "3' UTR",
    "1st Exon",
    "Other Exon",
    "1st Intron",
    "Other Intron",
    "Downstream (<=3kb)",
    "Distal Intergenic",
)
BIN_ORDER = ("0-1kb", "1-3kb", "3-5kb", "5-10kb", "10-100kb", ">100kb")


def feature_counts(con: duckdb.DuckDBPyConnection, comparison_id: str) -> pd.DataFrame:
    """Rows of view ``annotation_feature_counts`` for one comparison."""
    return con.execute(
        "select category, n_regions, fraction from annotation_feature_counts "
        "where comparison_id = ?",
        [comparison_id],
    ).df()


def tss_distance_bins(con: duckdb.DuckDBPyConnection, comparison_id: str) -> pd.DataFrame:
    """Rows of view ``annotation_tss_distance_bins`` for one comparison."""
    return con.execute(
        "select side, bin, bin_order, n_regions, fraction from annotation_tss_distance_bins "
        "where comparison_id = ?",
        [comparison_id],
    ).df()


def feature_distribution_chart(df: pd.DataFrame, title: str = "") -> alt.Chart:
    """One horizontal stacked bar of region fractions per feature category (plotAnnoBar)."""
    data = df.assign(category=df["category"].astype(str), percent=df["fraction"] * 100.0)
    order = [c for c in CATEGORY_ORDER if c in set(data["category"])]
    return (
        alt.Chart(alt.InlineData(values=data.to_dict("records")))
        .mark_bar()
        .encode(
            x=alt.X("percent:Q", stack="zero", title="Percentage (%)"),
            y=alt.Y("set:N", title=None),
            color=alt.Color("category:N", sort=order, title="Feature"),
            order=alt.Order("rank:Q"),
            tooltip=["category:N", "n_regions:Q", alt.Tooltip("percent:Q", format=".1f")],
        )
        .transform_calculate(set=f"'{title or 'regions'}'")
        .transform_calculate(rank=f"indexof({list(order)!r}, datum.category)")
        .properties(width=480, height=60, title=title or "Feature distribution")
    )


def tss_distance_chart(df: pd.DataFrame, title: str = "") -> alt.Chart:
    """Fractions of regions by distance-to-TSS bin, upstream drawn negative (plotDistToTSS)."""
    data = df.assign(
        percent=df["fraction"] * 100.0 * df["side"].map({"upstream": -1.0, "downstream": 1.0})
    )
    return (
        alt.Chart(alt.InlineData(values=data.to_dict("records")))
        .mark_bar()
        .encode(
            x=alt.X(
                "percent:Q",
                stack="zero",
                title="Binding sites (%) (5'->3')  upstream < 0 < downstream",
            ),
            y=alt.Y("set:N", title=None),
            color=alt.Color("bin:N", sort=list(BIN_ORDER), title="Distance to TSS"),
            order=alt.Order("bin_order:Q"),
            tooltip=["side:N", "bin:N", "n_regions:Q"],
        )
        .transform_calculate(set=f"'{title or 'regions'}'")
        .properties(width=480, height=60, title=title or "Distribution of distance to TSS")
    )


def save_annotation_charts(
    con: duckdb.DuckDBPyConnection, comparison_id: str, out_dir: Path | str
) -> dict[str, Path]:
    """Write ``annotation_features.{png,svg}`` and ``annotation_tss_distance.{png,svg}``.

    Returns an empty dict when the comparison has no annotation.
    """
    feats, dists = feature_counts(con, comparison_id), tss_distance_bins(con, comparison_id)
    if feats.empty:
        return {}
    out = Path(out_dir)
    written = {}
    for name, chart in (
        ("annotation_features", feature_distribution_chart(feats, comparison_id)),
        ("annotation_tss_distance", tss_distance_chart(dists, comparison_id)),
    ):
        for kind, path in save_chart(chart, out / name).items():
            written[f"{name}.{kind}"] = path
    return written
