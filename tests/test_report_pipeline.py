"""The built-in ``tp53_molm13_vs_k562`` example through the pipeline's plain functions (parse,
register, load) into the report: a chrY confound in a 2025-format result gives the warning.

It starts from a result BED in the server's 2025 layout, so it needs no server and no Prefect.
"""

from __future__ import annotations

import html

from chromdiff.design.comparison import ComparisonSpec, register
from chromdiff.design.examples import EXAMPLES
from chromdiff.parsing import parse_result
from chromdiff.report.render import render_comparison
from chromdiff.warehouse.db import writer
from chromdiff.warehouse.load import load_result


def write_result_bed(path, n_a: int, n_b: int) -> None:
    """A 2025-format diffbind result (counts A, counts B, logFC A/B, P, FDR): 60 autosomal regions
    with balanced effects and 6 chrY regions present in A (male MOLM-13) and absent in B."""
    lines = []
    for i in range(60):
        sig = i % 5 == 0
        lfc = (2.5 if (i // 5) % 2 == 0 else -2.5) if sig else 0.3
        a, b = (40.0, 40.0 / 2**lfc) if lfc > 0 else (40.0 * 2**lfc, 40.0)
        lines.append((f"chr{1 + i % 5}", 1_000_000 * i + 500, 1_000_000 * i + 1100, a, b, lfc,
                      1e-6 if sig else 0.4, 1e-4 if sig else 0.6))  # fmt: skip
    for i in range(6):
        lines.append(("chrY", 2_800_000 + 400_000 * i, 2_800_000 + 400_000 * i + 700, 60.0, 0.2,
                      8.2, 1e-9, 1e-7))  # fmt: skip
    with open(path, "w") as fh:
        for chrom, s, e, a, b, lfc, p, q in lines:
            ca = ",".join(f"{a:.2f}" for _ in range(n_a))
            cb = ",".join(f"{b:.2f}" for _ in range(n_b))
            fh.write(f"{chrom}\t{s}\t{e}\t{ca}\t{cb}\t{lfc!r}\t{p:g}\t{q:g}\n")


def test_tp53_example_with_chry_confound_reports_the_warning(tmp_path):
    ex = EXAMPLES["tp53_molm13_vs_k562"]
    spec = ComparisonSpec(
        list(ex.ids_a), list(ex.ids_b), ex.genome, ex.analysis,
        description_a=ex.description_a, description_b=ex.description_b,
        title="tp53 molm13 vs k562 simulated",
    ).validated()  # fmt: skip
    bed = tmp_path / "wabi_result.bed"
    write_result_bed(bed, len(spec.ids_a), len(spec.ids_b))
    parsed = parse_result(bed, spec.analysis, spec.ids_a, spec.ids_b)
    db = tmp_path / "w.duckdb"
    cid = spec.default_id()
    with writer(db) as con:
        register(con, cid, spec, base_url="http://127.0.0.1/", simulated=True)
        load_result(con, cid, parsed)
    out = render_comparison(db, cid, tmp_path / "out" / cid)
    md = out["summary_report.md"].read_text()
    warnings = md.split("## QC Warnings")[1].split("## QC Filtering Applied")[0]
    assert "### **MAJOR**: chrY sex chromosome confound (significant regions)" in warnings
    assert "### **MAJOR**: Low sample size" not in warnings  # n = 4 is minor
    assert "### Minor: Low sample size (n=4 vs n=4)" in warnings
    assert "SIMULATED" in md.splitlines()[0]
    assert "Different cell lines of different sex" in md  # the example's own caveat
    html = out["report.html"].read_text()
    assert "MAJOR: chrY sex chromosome confound (significant regions)" in html
    top = md.split("strict ranking by Q-value)")[1]
    assert "| 1 | chrY:2,800,001-2,800,700 | 700 | 8.20 | 1.00e-07 | yes | A-enriched* |" in top


def test_top_regions_that_fail_a_strict_cutoff_are_marked(tmp_path):
    """With |logFC| >= 5 only the six chrY regions are significant: the other four of the top
    10 (ranked by q) say Significant = no, and a note counts them (both reports)."""
    ex = EXAMPLES["tp53_molm13_vs_k562"]
    spec = ComparisonSpec(list(ex.ids_a), list(ex.ids_b), ex.genome, ex.analysis,
                          title="strict cutoff simulated").validated()  # fmt: skip
    bed = tmp_path / "wabi_result.bed"
    write_result_bed(bed, len(spec.ids_a), len(spec.ids_b))
    parsed = parse_result(bed, spec.analysis, spec.ids_a, spec.ids_b)
    db, cid = tmp_path / "w.duckdb", spec.default_id()
    with writer(db) as con:
        register(con, cid, spec, base_url="http://127.0.0.1/", simulated=True,
                 params={"min_abs_logfc": 5.0})  # fmt: skip
        load_result(con, cid, parsed)
    out = render_comparison(db, cid, tmp_path / "out" / cid)
    md = out["summary_report.md"].read_text()
    top = md.split("strict ranking by Q-value)")[1].split("## Charts")[0]
    rows = [line for line in top.splitlines() if line.startswith("| ") and "Rank" not in line]
    assert [r.split(" | ")[5] for r in rows] == ["yes"] * 6 + ["no"] * 4
    note = "4 of these 10 regions do not pass the significance cutoffs (q < 0.05, |log2FC| ≥ 5"
    assert note in top and note in html.unescape(out["report.html"].read_text())
    # the HTML says what the Markdown says around the tables
    page = html.unescape(out["report.html"].read_text())
    for line in ("The top 50 regions are in the top-50 export.", "Analysis set: minimum q",
                 "Significant: q < 0.05, |log2FC| ≥ 5.", " (0 removed)"):  # fmt: skip
        assert line in page and line.strip(" ()") in md
    # the charts state the whole rule the significant regions were counted with
    charts = tmp_path / "out" / cid / "charts"
    for name in ("chromosome_distribution", "volcano"):
        assert "q < 0.05, |log2FC| ≥ 5" in html.unescape((charts / f"{name}.svg").read_text())
