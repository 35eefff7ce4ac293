"""Readable charts and report headers (issue 19, items 8-9), checked without a browser; the
browser check of the rendered pages is in ``tests/test_browser_ui.py``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from chromdiff.charts.save import FONT, chart_spec
from chromdiff.integration import charts
from chromdiff.report.text import fmt_num, shown_path


@pytest.mark.parametrize(
    ("x", "digits", "want"),
    [(-0.001, 2, "0.00"), (-0.004999, 2, "0.00"), (-0.005001, 2, "-0.01"), (-0.4, 0, "0"),
     (0.0, 2, "0.00"), (-1.25, 1, "-1.2"), (None, 2, "NA"), (float("nan"), 2, "NA")],
)  # fmt: skip
def test_fmt_num_never_prints_minus_zero(x, digits, want):
    assert fmt_num(x, digits) == want


def test_report_shows_input_paths_relative_or_by_name(tmp_path):
    report = tmp_path / "out" / "atac_rna_demo"
    near = tmp_path / "out" / "integration_inputs" / "atac.tsv"
    assert shown_path(str(near), report) == "../integration_inputs/atac.tsv"
    assert shown_path("/very/far/away/from/here/rna.csv", report) == "rna.csv"
    assert shown_path("data/rna.csv", report) == "data/rna.csv"  # as the user gave it
    assert shown_path(None, report) == "NA"


def test_every_chart_gets_one_font_and_no_overlapping_tick_labels():
    import altair as alt

    spec = chart_spec(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q"))
    assert spec["config"]["font"] == FONT and FONT.startswith("DejaVu Sans")
    assert spec["config"]["axis"]["labelOverlap"] == "greedy"


def _pairs(n_per: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    cats = [c for c in charts.CATEGORY_COLORS if c != "Discordant closed/up"]  # 4 of 5
    return pd.DataFrame({
        "category": np.repeat(cats, n_per),
        "distance": rng.integers(-150_000, 150_000, n_per * len(cats)),
    })  # fmt: skip


def test_distance_chart_draws_bars_from_zero_in_own_panels():
    spec = charts.distance_chart(_pairs(), "Distance to TSS by category").to_dict()
    enc = spec["spec"]["encoding"]
    assert spec["spec"]["mark"] in ("bar", {"type": "bar"})
    assert enc["y2"] == {"datum": 0}  # bars rise from 0, not ticks at their count
    assert enc["x2"]["field"] == "bin_end"
    assert enc["color"]["legend"] is None  # the panel titles name the categories
    assert spec["resolve"]["axis"]["x"] == "independent"  # no axis under an empty cell
    binned = json.loads(spec["datasets"][spec["data"]["name"]]) if "datasets" in spec else None
    if binned is not None:
        assert {b["category"] for b in binned} == set(_pairs()["category"])


def test_gene_labels_are_placed_without_overlap_in_the_font_used():
    n = 40
    rng = np.random.default_rng(3)
    top = pd.DataFrame({"symbol": [f"LINC0{1000 + i}" if i % 2 else f"MIR{300 + i}H"
                                   for i in range(n)],
                        "x": rng.uniform(2, 4, n), "y": rng.uniform(2, 4, n)})  # fmt: skip
    placed = charts.place_labels(top, "x", "y", "symbol", domain=(-4, 4, -4, 4), max_labels=30)
    sx, sy = charts.WIDTH / 8, charts.HEIGHT / 8
    boxes = []
    for r in placed.itertuples():
        px, py, w = (r.lx + 4) * sx, (4 - r.ly) * sy, charts.text_px(r.label)
        x0 = px if r.align == "left" else px - w
        boxes.append((x0, py - 13, x0 + w, py))
    assert len(boxes) >= 5
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


def test_text_width_estimate_is_an_upper_bound_for_gene_symbols():
    """DejaVu Sans advance widths (em, from the font): M 0.863, W 0.989, 0-9 0.636, A 0.684."""
    assert charts.text_px("MIR378H") >= 11 * (0.863 + 0.295 + 0.694 + 3 * 0.636 + 0.752)
    assert charts.text_px("WWW") >= 11 * 3 * 0.989
