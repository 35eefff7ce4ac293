"""Render Altair charts offline with vl-convert (no CDN, no network)."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import vl_convert as vlc


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """Return the chart as an SVG document (rendered offline by vl-convert)."""
    return vlc.vegalite_to_svg(chart.to_dict())


def save_chart(
    chart: alt.TopLevelMixin, stem: Path | str, *, scale: float = 2.0
) -> dict[str, Path]:
    """Write ``<stem>.png`` (``scale`` × the chart size) and ``<stem>.svg``.

    Returns
    -------
    dict
        ``{"png": path, "svg": path}``.
    """
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    # the chart is laid out once (Vega → SVG) and the PNG rasterised from that SVG: the same
    # bytes as vegalite_to_png, which would lay it out again (~30 % of the rendering time)
    text = chart_svg(chart)
    png.write_bytes(vlc.svg_to_png(text, scale=scale))
    svg.write_text(text)
    return {"png": png, "svg": svg}
