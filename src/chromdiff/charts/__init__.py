"""Vega-Altair chart builders (DataFrame in, chart out) and offline PNG/SVG export."""

from chromdiff.charts.builders import (
    chromosome_chart,
    ma_chart,
    size_histogram_chart,
    volcano_chart,
)
from chromdiff.charts.save import chart_svg, save_chart

__all__ = [
    "chart_svg",
    "chromosome_chart",
    "ma_chart",
    "save_chart",
    "size_histogram_chart",
    "volcano_chart",
]
