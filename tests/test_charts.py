"""Altair chart builders: Vega-Lite data and encodings, and offline PNG/SVG export."""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from itertools import pairwise

import pandas as pd
import pytest
import vl_convert as vlc

from chromdiff.charts import (
    chromosome_chart,
    ma_chart,
    save_chart,
    size_histogram_chart,
    volcano_chart,
)
from chromdiff.charts.save import chart_spec
from chromdiff.report.queries import view_frame
from chromdiff.warehouse.db import apply_schema, connect
from tests.realdata import REAL
from tests.warehouse_rows import add_comparison, add_regions, background


@pytest.fixture(scope="module")
def frames():
    with connect() as c:
        apply_schema(c)
        add_comparison(c)
        rows = background(40) + background(8, chrom="chr10") + background(8, chrom="chr2")
        rows += [*background(8, chrom="chrX"), {"chrom": "chr1", "start": 1, "stop": 3}]
        add_regions(c, "cmp1", rows)
        yield {
            v: view_frame(c, v, "cmp1")
            for v in ("rpt_volcano", "rpt_ma", "rpt_chrom_distribution", "rpt_size_histogram")
        }


def layers(spec):
    return spec["layer"] if "layer" in spec else [spec]


def values(spec, part):
    """Data values of a (layer) spec: Altair may move inline data to top-level ``datasets``;
    chromdiff inlines them as one JSON text (``chromdiff.charts.builders.inline_data``)."""
    data = part["data"]
    vals = spec["datasets"][data["name"]] if "name" in data else data["values"]
    if isinstance(vals, str):
        assert data.get("format", {"type": "json"}) == {"type": "json"}
        return json.loads(vals)
    return vals


def test_volcano_spec(frames):
    spec = volcano_chart(
        frames["rpt_volcano"], fdr=0.05, label_a="MOLM enriched", label_b="K562 enriched"
    ).to_dict()
    points, hline, _ = layers(spec)
    enc = points["encoding"]
    assert (enc["x"]["field"], enc["y"]["field"], enc["color"]["field"]) == (
        "effect",
        "neg_log10_q",
        "group",
    )
    assert enc["color"]["scale"]["domain"] == ["MOLM enriched", "K562 enriched", "not significant"]
    values_of = values(spec, points)
    assert len(values_of) == 64  # filtered regions only (the 2 bp one is excluded)
    sig_a = [v for v in values_of if v["group"] == "MOLM enriched"]
    assert len(sig_a) == 8 and all(v["neg_log10_q"] == pytest.approx(3.0) for v in sig_a)
    assert values(spec, hline) == [{"y": pytest.approx(-math.log10(0.05))}]


def test_ma_spec(frames):
    spec = ma_chart(frames["rpt_ma"], label_a="A", label_b="B").to_dict()
    points = layers(spec)[0]
    assert points["encoding"]["x"]["field"] == "log2_mean_count"
    vals = values(spec, points)
    v0 = next(v for v in vals if v["effect"] == 2.0)
    assert v0["log2_mean_count"] == pytest.approx(math.log2(49.0))  # (50 + 48) / 2
    assert vals[-1]["group"] != "not significant"  # significant drawn on top


def test_chromosome_spec_natural_order_and_stack(frames):
    spec = chromosome_chart(
        frames["rpt_chrom_distribution"], fdr=0.05, label_a="A", label_b="B"
    ).to_dict()
    enc = spec["encoding"]
    assert enc["x"]["sort"] == ["chr1", "chr2", "chr10", "chrX"]
    flagged = chromosome_chart(
        frames["rpt_chrom_distribution"], fdr=0.05, label_a="A", label_b="B", flagged=["chrX"]
    ).to_dict()
    assert flagged["encoding"]["x"]["sort"] == ["chr1", "chr2", "chr10", "chrX*"]
    assert enc["y"]["stack"] == "zero" and enc["color"]["field"] == "group"
    got = {(v["chrom"], v["group"]): v["n"] for v in values(spec, spec)}
    assert got[("chr1", "A")] == 5 and got[("chr1", "B")] == 5 and got[("chr10", "A")] == 1


def test_size_histogram_spec_log_scale(frames):
    spec = size_histogram_chart(frames["rpt_size_histogram"], label_a="A", label_b="B").to_dict()
    enc = spec["encoding"]
    assert enc["x"]["scale"]["type"] == "log" and enc["x2"]["field"] == "bin_stop"
    assert (enc["y"]["field"], enc["y2"]["field"]) == ("y_stop", "y_start")
    vals = values(spec, spec)
    for b in {v["bin_start"] for v in vals}:  # stacked: each bin's segments tile [0, total]
        seg = sorted((v["y_start"], v["y_stop"]) for v in vals if v["bin_start"] == b)
        assert seg[0][0] == 0 and all(x[1] == y[0] for x, y in pairwise(seg))
    assert sum(v["n"] for v in values(spec, spec)) == 64
    # coloured by significance as the volcano (not by logFC sign), no empty legend entry
    volcano = Counter(frames["rpt_volcano"]["category"])
    by_group = Counter()
    for v in vals:
        by_group[v["group"]] += v["n"]
    assert by_group == {"A": volcano["A-enriched"], "B": volcano["B-enriched"],
                        "not significant": volcano["not significant"]}  # fmt: skip
    assert enc["color"]["scale"]["domain"] == ["A", "B", "not significant"]
    assert "none" not in json.dumps(enc)


def test_size_histogram_legend_lists_only_present_categories():
    df = pd.DataFrame({"category": ["not significant"], "bin": [0], "bin_start": [100.0],
                       "bin_stop": [200.0], "n": [7]})  # fmt: skip
    enc = size_histogram_chart(df, label_a="A", label_b="B").to_dict()["encoding"]
    assert enc["color"]["scale"] == {"domain": ["not significant"], "range": ["#95A5A6"]}


def test_histogram_bins_cover_the_range():
    with connect() as c:
        apply_schema(c)
        add_comparison(c)
        add_regions(
            c,
            "cmp1",
            [{"chrom": "chr1", "start": 0, "stop": s} for s in (10, 100, 1000, 10_000, 100_000)],
        )
        df = view_frame(c, "rpt_size_histogram", "cmp1", "bin")
    assert df["bin"].tolist() == [0, 7, 15, 22, 29]  # log10 sizes 1..5 in 30 bins
    assert df["bin_start"].iloc[0] == pytest.approx(10) and df["bin_stop"].iloc[
        -1
    ] == pytest.approx(100_000)


def test_save_chart_writes_png_and_svg(frames, tmp_path):
    chart = volcano_chart(frames["rpt_volcano"], fdr=0.05, label_a="A", label_b="B")
    paths = save_chart(chart, tmp_path / "charts" / "volcano")
    png, svg = paths["png"].read_bytes(), paths["svg"].read_text()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    assert svg.lstrip().startswith(("<svg", "<?xml")) and svg.count("<path") > 60
    assert "Volcano Plot" in svg
    # laid out once: the PNG is vl-convert's own direct rendering of the spec, byte for byte
    spec = chart_spec(chart)
    assert spec["config"]["font"].startswith("DejaVu Sans")
    assert png == vlc.vegalite_to_png(spec, scale=2.0)
    assert svg == vlc.vegalite_to_svg(spec)


def test_empty_frames_still_render(tmp_path):
    empty = pd.DataFrame({"chrom": [], "direction": [], "n": [], "chrom_order": []})
    paths = save_chart(chromosome_chart(empty, fdr=0.05, label_a="A", label_b="B"), tmp_path / "c")
    assert paths["png"].stat().st_size > 1000


def test_real_peaks_chromosome_and_size_queries():
    """Real AR ChIP-seq peak coordinates (BETA test data, hg19) as regions: the chart queries agree
    with an independent count of the file."""
    src = REAL / "beta_AR_LNCaP_hg19" / "3656_peaks.bed.gz"
    with gzip.open(src, "rt") as fh:
        peaks = [line.split("\t") for line in fh if line.strip()]
    rows = [
        {
            "chrom": p[0],
            "start": int(p[1]),
            "stop": int(p[2]),
            "logfc": 1.0 if i % 3 else -1.0,
            "qvalue": min(1.0, 10 ** (-float(p[4]) / 10) * 1e4),
        }
        for i, p in enumerate(peaks)
    ]
    standard = {f"chr{c}" for c in [*range(1, 23), "X", "Y", "M"]}
    expected = Counter(
        (r["chrom"], "A" if r["logfc"] > 0 else "B")
        for r in rows
        if r["chrom"] in standard and r["stop"] - r["start"] >= 10 and r["qvalue"] < 0.05
    )
    with connect() as c:
        apply_schema(c)
        add_comparison(c, genome="hg19")
        add_regions(c, "cmp1", rows)
        chrom = view_frame(c, "rpt_chrom_distribution", "cmp1")
        hist = view_frame(c, "rpt_size_histogram", "cmp1")
    got = Counter({(r.chrom, r.direction): r.n for r in chrom.itertuples()})
    assert got == expected and sum(got.values()) > 1000
    spec = chromosome_chart(chrom, fdr=0.05, label_a="A", label_b="B").to_dict()
    order = spec["encoding"]["x"]["sort"]
    assert order[:3] == ["chr1", "chr2", "chr3"] and order.index("chr10") == 9
    assert order[-2:] == ["chrX", "chrY"] or order[-1] == "chrX"
    assert hist["n"].sum() == sum(
        1 for r in rows if r["chrom"] in standard and r["stop"] - r["start"] >= 10
    )


@pytest.mark.parametrize(("label_a", "label_b"), [("zeta", "alpha"), ("alpha", "zeta")])
def test_chromosome_bars_stack_a_then_b_whatever_the_labels(label_a, label_b):
    """Stacks were ordered by label: a B label sorting first put B at the bottom, against the
    legend (A, B). Oracle: the bar rectangles vl-convert draws (SVG y grows downwards)."""
    import re

    df = pd.DataFrame({"chrom": ["chr1", "chr1"], "chrom_order": [1, 1],
                       "direction": ["A", "B"], "n": [3, 5]})  # fmt: skip
    from chromdiff.charts.save import chart_svg

    svg = chart_svg(chromosome_chart(df, fdr=0.05, label_a=label_a, label_b=label_b))
    top = {}
    for group, y in re.findall(r'; group: (\w+)[^"]*"[^>]*d="M[0-9.]+,([0-9.]+)h', svg):
        top[group] = float(y)
    assert top[label_a] > top[label_b]  # A's bar starts lower: it sits below B's
