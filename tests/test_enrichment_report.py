"""The enrichment section of the comparison and integration reports (tables, dot plot PNG+SVG)."""

from __future__ import annotations

import re

from chromdiff.enrichment.steps import integration_step
from chromdiff.integration.params import IntegrationParams
from chromdiff.integration.pipeline import report_step, run_integration
from chromdiff.integration.simulate import SimSpec, simulate
from chromdiff.report.render import render_comparison
from chromdiff.warehouse.db import writer
from tests.test_enrichment_comparison import _rows
from tests.warehouse_rows import add_comparison, add_regions


def test_comparison_report_has_the_section_before_methods(tmp_path):
    dbp = tmp_path / "w.duckdb"
    from chromdiff.enrichment.comparison import enrich_comparison

    with writer(dbp) as con:
        add_comparison(con, "c", genome="hg19")
        add_regions(con, "c", _rows("GSM1295077_CBX7_BF_ChipSeq_mergedReps_peaks.bed.gz", 2))
        add_regions(con, "c", _rows("GSM1174482_ARmo_100nM_peaks.bed.gz", -2))
        enrich_comparison(con, "c")
    written = render_comparison(dbp, "c", tmp_path / "out")
    assert {"charts/enrichment_dotplot.png", "charts/enrichment_dotplot.svg"} <= set(written)
    md = (tmp_path / "out" / "summary_report.md").read_text()
    page = (tmp_path / "out" / "report.html").read_text()
    assert md.index("## Functional enrichment") < md.index("## Methods")
    assert "### A-enriched — GO:BP" in md and "padj (genes)" in md
    assert "whole genome (hg19" in md
    # n counts regions for the binomial test, genes for the gene test: each says which
    assert re.search(r"A-enriched × GO:BP \(great_binomial, n = [0-9,]+ regions,", md)
    assert re.search(r"A-enriched × GO:BP \(great_hypergeometric, n = [0-9,]+ genes,", md)
    assert page.index("<h2>Functional enrichment</h2>") < page.index("<h2>Methods</h2>")
    assert (tmp_path / "out" / "charts" / "enrichment_dotplot.png").stat().st_size > 10_000
    assert md.rstrip().endswith("- `charts/enrichment_dotplot.svg`")
    assert "<li><code>charts/enrichment_dotplot.png</code></li>" in page


def test_comparison_report_without_enrichment_is_unchanged(tmp_path):
    dbp = tmp_path / "w.duckdb"
    with writer(dbp) as con:
        add_comparison(con, "c", genome="hg19")
        add_regions(con, "c", _rows("GSM1174482_ARmo_100nM_peaks.bed.gz", -2)[:50])
    render_comparison(dbp, "c", tmp_path / "out")
    assert "Functional enrichment" not in (tmp_path / "out" / "summary_report.md").read_text()


def test_integration_report_lists_categories_and_universe(tmp_path):
    paths = simulate(tmp_path / "in", SimSpec(n_genes=3000, n_peaks=4000, n_concordant=80,
                                              n_discordant=20))  # fmt: skip
    dbp = tmp_path / "sim.duckdb"
    params = IntegrationParams(title="sim", simulated=True)
    run_integration(dbp, rna=paths["rna"], peaks=paths["atac"], genome="hg38",
                    integration_id="sim", params=params)  # fmt: skip
    res = integration_step(dbp, "sim")
    assert res["rows"] > 0
    out = report_step(dbp, "sim", tmp_path / "out")
    md = out["markdown"].read_text()
    assert md.index("## Functional enrichment") < md.index("## Figures")
    assert "genes tested in the DE table (padj not NA, a finite log2FC" in md
    for q in ("Concordant up", "Concordant down", "up genes", "down genes"):
        assert q in md
    page = out["html"].read_text()
    assert "<h2>Functional enrichment</h2>" in page


def test_great_terms_need_both_tests_in_the_report_and_the_view_alike():
    """A binomial padj of 0.005 with a gene-test padj of 0.3 is not a GREAT hit: the report said
    "no term with padj < 0.05 (best: ..., padj = 0.005)", contradicting itself, while view
    enrichment_top_terms listed the term."""
    import duckdb

    from chromdiff.enrichment.report import section, top_terms
    from chromdiff.warehouse.db import apply_schema

    con = duckdb.connect()
    apply_schema(con)
    rows = [  # query, method, set_id, pvalue, padj
        ("A-enriched", "great_binomial", "GO:1", 1e-4, 0.005),
        ("A-enriched", "great_hypergeometric", "GO:1", 0.1, 0.3),
        ("B-enriched", "great_binomial", "GO:2", 1e-3, 0.01),
        ("B-enriched", "great_hypergeometric", "GO:2", 1e-3, 0.02),
    ]
    con.executemany(
        "insert into enrichment_results (run_id, scope, scope_id, query, method, set_source, "
        "background, set_id, set_name, k, n_query, fold, pvalue, padj) "
        "values ('comparison:c', 'comparison', 'c', ?, ?, 'GO:BP', 'genome', ?, ?, 3, 40, 2.5, "
        "?, ?)",
        [(q, m, sid, f"term {sid}", p, padj) for q, m, sid, p, padj in rows],
    )
    s = section(con, "comparison:c")
    assert (
        "A-enriched × GO:BP: no term with padj < 0.05 in both the region (binomial) and the gene "
        "test (best by region test: term GO:1, padj = 0.005; gene test padj = 0.3)." in s.intro
    )
    assert [t[0] for t in s.tables] == ["B-enriched — GO:BP"]
    view = con.execute(
        "select query, method, set_id, padj_genes from enrichment_top_terms order by all"
    ).fetchall()
    assert view == [("B-enriched", "great_binomial", "GO:2", 0.02),
                    ("B-enriched", "great_hypergeometric", "GO:2", None)]  # fmt: skip
    assert list(top_terms(con, "comparison:c")["set_id"]) == ["GO:2"]


def test_dotplot_panel_whose_terms_share_one_ratio_gets_a_readable_axis():
    """Three terms all at k / n = 2/14 made a zero-width x domain, drawn with one tick "0".
    Oracle: Vega's own rendering (vl-convert) of the panel's axis labels."""
    import pandas as pd
    import vl_convert as vlc

    from chromdiff.enrichment.charts import dotplot_chart

    df = pd.DataFrame({"query": ["one ratio"] * 3 + ["spread"] * 2,
                       "set_name": ["a", "b", "c", "d", "e"], "k": [2, 2, 2, 3, 5],
                       "n_query": [14, 14, 14, 20, 20],
                       "padj": [1e-3, 2e-3, 3e-3, 1e-4, 1e-2]})  # fmt: skip
    spec = dotplot_chart(df, "t").to_dict()
    one, spread = spec["hconcat"]
    lo, hi = one["encoding"]["x"]["scale"]["domain"]
    assert lo < 2 / 14 < hi
    assert spread["encoding"]["x"]["scale"] == {"zero": False}  # a spread panel is unchanged
    svg = vlc.vegalite_to_svg(spec)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    ticks = [float(t) for t in texts[: texts.index("hit ratio (k / n)")]]  # the first panel's
    assert len(ticks) >= 3 and min(ticks) < 2 / 14 < max(ticks)
