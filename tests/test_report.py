"""The comparison report: content order, QC warnings, self-contained HTML, deterministic output,
and the ``chromdiff report`` command."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from chromdiff.cli.main import cli
from chromdiff.errors import InputError
from chromdiff.report.render import render_comparison
from chromdiff.report.text import fmt_distance, fmt_num, fmt_q
from chromdiff.warehouse.db import writer
from tests.warehouse_rows import add_comparison, add_regions, background

STAMP = re.compile(r"Generated:(</b>|\*\*)? [^<\n]*")


def chry_confound(n=6):
    """Significant chrY regions high in A, near zero in B (a male vs female pair)."""
    return [
        {
            "chrom": "chrY",
            "start": 3_000_000 + 100_000 * i,
            "stop": 3_000_000 + 100_000 * i + 400,
            "logfc": 6.0,
            "qvalue": 1e-6,
            "a": 80.0,
            "b": 0.5,
        }
        for i in range(n)
    ]


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "w.duckdb"
    with writer(path) as con:
        add_comparison(con, "tp53", n_a=3, n_b=3, simulated=True)
        add_regions(
            con,
            "tp53",
            background(120) + chry_confound() + [{"chrom": "chrUn_x", "start": 0, "stop": 500}],
        )
        # nearest gene GENE<id> at (id - 100) * 2.5 kb; the odd regions also lie inside HOST<id>
        con.execute(
            "insert into region_annotation (comparison_id, region_id, gene_id, symbol, "
            "distance_to_tss, genic_symbol) select 'tp53', region_id, region_id::varchar, "
            "'GENE' || region_id, (region_id - 100) * 2500, "
            "case when region_id % 2 = 1 then 'HOST' || region_id end from regions"
        )
    return path


def test_report_files_and_order(db_path, tmp_path):
    out = render_comparison(db_path, "tp53", tmp_path / "out")
    for name in (
        "summary_report.md",
        "report.html",
        "diff_regions_all.csv",
        "diff_regions_top50.parquet",
        "charts/volcano.png",
        "charts/ma_plot.svg",
        "charts/chromosome_distribution.svg",
        "charts/region_size_distribution.png",
    ):
        assert out[name].exists() and out[name].stat().st_size > 100, name
    md = out["summary_report.md"].read_text()
    heads = [line for line in md.splitlines() if line.startswith("## ")]
    assert heads[:3] == ["## Design", "## ⚠️ Experimental Design Caveats", "## QC Warnings"]
    assert heads.index("## Methods") > heads.index("## Charts")
    assert "SIMULATED" in md.splitlines()[0]
    assert "### **MAJOR**: chrY sex chromosome confound (significant regions)" in md
    assert "### **MAJOR**: Very low sample size (n=3 vs n=3)" in md
    assert "### Minor: Non-standard contigs present" in md
    assert "not necessarily true biological replicates" in md
    assert "| MOLM-13 enriched (A) | 66 | 21 |" in md  # 60 + 6 chrY rows; 15 + 6 significant
    # strict q order: the chrY rows (q 1e-6) first, starred, with their gene label
    assert (
        "| 1 | chrY:3,000,001-3,000,400 | 400 | 6.00 | 1.00e-06 | yes | A-enriched* "
        "| GENE121 (+52.5 kb) | HOST121 |" in md
    )
    assert "| A-enriched* | GENE122 (+55.0 kb) |  |" in md  # even id: intergenic
    assert "edgeR" in md and "ChIP-Atlas 3.0" in md and "metilene" not in md


def test_html_is_self_contained(db_path, tmp_path):
    html = render_comparison(db_path, "tp53", tmp_path / "o")["report.html"].read_text()
    assert "<script" not in html.lower()
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html)
    assert "cdn" not in html.lower()
    assert html.count("<svg") >= 4
    assert "MAJOR: chrY sex chromosome confound (significant regions)" in html


def test_render_twice_gives_same_bytes(db_path, tmp_path):
    a = render_comparison(db_path, "tp53", tmp_path / "a")
    b = render_comparison(db_path, "tp53", tmp_path / "b")
    assert sorted(a) == sorted(b)
    for name in a:
        x, y = a[name].read_bytes(), b[name].read_bytes()
        if name in ("summary_report.md", "report.html"):
            x, y = (STAMP.sub("", v.decode()) for v in (x, y))
        assert x == y, name


def test_unknown_comparison_is_a_one_line_error(db_path, tmp_path):
    with pytest.raises(InputError, match="comparison 'nope' is not in the database"):
        render_comparison(db_path, "nope", tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_dmr_report(tmp_path):
    path = tmp_path / "d.duckdb"
    with writer(path) as con:
        add_comparison(con, "dm", analysis="dmr", n_a=6, n_b=6)
        add_regions(
            con,
            "dm",
            [
                {
                    "chrom": "chr1",
                    "start": 5_000_000 * i,
                    "stop": 5_000_000 * i + 300,
                    "meth_diff": 0.3 if i % 2 else -0.3,
                    "qvalue": 0.01,
                }
                for i in range(12)
            ],
        )
    out = render_comparison(path, "dm", tmp_path / "o")
    assert "charts/ma_plot.png" not in out
    md = out["summary_report.md"].read_text()
    assert "metilene" in md and "| meth_diff |" in md and "No QC issues detected." in md


def test_cli_report(db_path, tmp_path):
    res = CliRunner().invoke(
        cli, ["report", "tp53", "--db", str(db_path), "--out", str(tmp_path / "cli")]
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "cli" / "report.html").exists()
    assert "report.html" in res.output


def test_comparison_without_regions_still_renders(tmp_path):
    path = tmp_path / "e.duckdb"
    with writer(path) as con:
        add_comparison(con, "empty", n_a=5, n_b=5)
    out = render_comparison(path, "empty", tmp_path / "o")
    for key in ("all", "significant", "top50", "excluded"):
        lines = out[f"diff_regions_{key}.csv"].read_text().splitlines()
        assert len(lines) == 1 and lines[0].startswith(
            "rank,chrom," if key == "top50" else "chrom,"
        )
    md = out["summary_report.md"].read_text()
    # an empty result is a major QC finding (it read "No QC issues detected.")
    assert "No regions." in md and "**MAJOR**: The result holds no regions" in md
    assert out["charts/volcano.png"].stat().st_size > 1000


def test_an_empty_result_reads_as_empty(tmp_path):
    """0 regions (fake server knob empty_result): empty axes with no word, "median region size
    NA bp", "The top 50 regions are in the top-50 export" (0 rows), the GREAT universe and the
    GREAT/GO citations though nothing was tested, and Methods blaming a missing annotation."""
    from chromdiff.enrichment.comparison import enrich_comparison

    path = tmp_path / "e.duckdb"
    with writer(path) as con:
        add_comparison(con, "empty", n_a=5, n_b=5, genome="hg38")
        enrich_comparison(con, "empty")  # as compare runs it: two "skipped" notes
    out = render_comparison(path, "empty", tmp_path / "o")
    assert len(out["diff_regions_top50.csv"].read_text().splitlines()) == 1  # header only
    md, page = out["summary_report.md"].read_text(), out["report.html"].read_text()
    for text in (md, page):
        assert "Analysis set: empty (no regions)." in text and " NA bp" not in text
        assert "The top-50 export is empty: the analysis set has no regions." in text
        assert "No regions in the analysis set: the charts below are empty." in text
        assert "had no regions to annotate to genes" in text and "is embedded for" not in text
        assert "GREAT improves" not in text and "Gene Ontology: tool" not in text
    section = md.split("## Functional enrichment")[1].split("## Methods")[0]
    assert "Skipped: A-enriched" in section and "Universe" not in section


def test_top_export_line_counts_a_small_analysis_set(tmp_path):
    path = tmp_path / "s.duckdb"
    with writer(path) as con:
        add_comparison(con, "small")
        add_regions(con, "small", background(12))
    out = render_comparison(path, "small", tmp_path / "o")
    rows = len(out["diff_regions_top50.csv"].read_text().splitlines()) - 1
    assert rows == 12
    md = out["summary_report.md"].read_text()
    assert "All 12 regions of the analysis set are in the top-50 export." in md


def test_prefect_task_wraps_render(db_path, tmp_path):
    from tasks.report import render_report

    got = render_report.fn(str(db_path), "tp53", str(tmp_path / "t"))
    assert got["report.html"] == str(tmp_path / "t" / "report.html")
    assert all(isinstance(v, str) for v in got.values())


def test_missing_params_row_gets_the_column_defaults(tmp_path):
    path = tmp_path / "p.duckdb"
    with writer(path) as con:
        add_comparison(con, "np", n_a=4, n_b=4)
        add_regions(con, "np", background(8))
        con.execute("delete from comparison_params")
    out = render_comparison(path, "np", tmp_path / "o")
    assert "Significant: q < 0.05." in out["summary_report.md"].read_text()
    assert len(out["diff_regions_all.csv"].read_text().splitlines()) == 9
    with writer(path) as con:
        assert con.execute("select fdr, top_n from comparison_params").fetchall() == [(0.05, 50)]


def test_large_charts_are_embedded_as_png(tmp_path, monkeypatch):
    import chromdiff.report.render as render

    monkeypatch.setattr(render, "SVG_MAX_MARKS", 100)  # the tp53 fixture has 127 regions
    path = tmp_path / "l.duckdb"
    with writer(path) as con:
        add_comparison(con, "big")
        add_regions(con, "big", background(127))
    html = render_comparison(path, "big", tmp_path / "o")["report.html"].read_text()
    assert html.count('src="data:image/png;base64,') == 2  # volcano and MA plot
    assert html.count("<svg") == 2  # chromosome and size charts stay SVG


def test_nearest_gene_labels_from_the_embedded_annotation(tmp_path):
    """Regions inside TP53 (NCBI Gene, GRCh37: chr17:7,571,720-7,590,868) and overlapping MYC
    (chr8:128,748,315-128,753,680) get those labels in the report and exports, in q order."""
    pytest.importorskip("chromdiff.annotation")
    path = tmp_path / "a.duckdb"
    with writer(path) as con:
        add_comparison(con, "ann", genome="hg19")
        rows = [
            {"chrom": "chr17", "start": 7_580_000, "stop": 7_580_500, "qvalue": 1e-3},
            {"chrom": "chr8", "start": 128_748_000, "stop": 128_748_400, "qvalue": 2e-2},
        ]
        add_regions(con, "ann", rows)
    out = render_comparison(path, "ann", tmp_path / "o")
    md = out["summary_report.md"].read_text()
    rows = {c[1]: c[7:] for c in map(_cells, md.splitlines()) if len(c) == 9}
    assert rows["chr17:7,580,001-7,580,500"][0].startswith("TP53 (")  # nearest TSS: TP53's
    assert rows["chr17:7,580,001-7,580,500"][1] == "TP53"  # inside TP53: overlapping gene
    assert rows["chr8:128,748,001-128,748,400"][0] == "MYC (0 bp)"  # holds the TSS of MYC
    assert "TP53" in out["diff_regions_all.csv"].read_text()


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []


def _nearest_tss(genome: str, chrom: str, start: int, stop: int) -> tuple[str, int]:
    """Oracle: the transcript TSS nearest to a 0-based half-open region, straight from the
    embedded annotation's transcript table (pandas), signed as ChIPseeker (+ = 3' of the TSS in
    the gene's orientation); returns (symbol, distance from the nearer region end)."""
    from chromdiff.annotation.build import DATA_DIR

    tx = pd.read_parquet(DATA_DIR / f"{genome}_transcripts.parquet")
    tx = tx[tx["chrom"] == chrom].copy()
    tx["tss"] = np.where(tx["strand"] == "-", tx["stop"] - 1, tx["start"])
    edge = np.where(tx["tss"] < start, start, np.where(tx["tss"] >= stop, stop - 1, tx["tss"]))
    tx["d"] = (edge - tx["tss"]) * np.where(tx["strand"] == "-", -1, 1)
    best = tx.loc[tx["d"].abs().idxmin()]
    return best["symbol"], int(best["d"])


def test_nearest_gene_shown_at_any_distance_with_its_signed_distance(tmp_path):
    """A region ~46 kb from the nearest TSS (intergenic, upstream of MYC) shows that gene and its
    distance; before, the label was NULL past 5 kb and the column blank."""
    pytest.importorskip("chromdiff.annotation")
    region = ("chr8", 128_700_000, 128_700_400)
    symbol, dist = _nearest_tss("hg19", *region)
    assert abs(dist) > 20_000  # far beyond the 5 kb of the old label
    path = tmp_path / "far.duckdb"
    with writer(path) as con:
        add_comparison(con, "far", genome="hg19")
        add_regions(con, "far", [{"chrom": region[0], "start": region[1], "stop": region[2]}])
    out = render_comparison(path, "far", tmp_path / "o")
    md, html = out["summary_report.md"].read_text(), out["report.html"].read_text()
    row = next(r for r in md.splitlines() if r.startswith("| 1 | chr8:128,700,001"))
    nearest, genic = _cells(row)[7:9]
    assert nearest.startswith(f"{symbol} (") and genic == ""  # intergenic: no overlapping gene
    shown = float(nearest.split("(")[1].split(" kb")[0])
    assert shown == pytest.approx(dist / 1000, abs=0.051)  # sign included
    assert f"<td>{nearest}</td>" in html
    csv = pd.read_csv(out["diff_regions_all.csv"])
    assert (csv.loc[0, "nearest_gene"], csv.loc[0, "distance_to_tss"]) == (symbol, dist)
    assert pd.isna(csv.loc[0, "genic_gene"])


def test_builtin_example_caveats_are_shown(tmp_path):
    examples = pytest.importorskip("chromdiff.design.examples")
    ex = examples.EXAMPLES["tp53_molm13_vs_k562"]
    path = tmp_path / "x.duckdb"
    with writer(path) as con:
        add_comparison(con, "ex", n_a=4, n_b=4, ids_a=list(ex.ids_a), ids_b=list(ex.ids_b))
        add_regions(con, "ex", background(8))
    md = render_comparison(path, "ex", tmp_path / "o")["summary_report.md"].read_text()
    caveats = md.split("## ⚠️ Experimental Design Caveats")[1].split("## QC Warnings")[0]
    for line in ex.design_caveats:
        assert f"- Built-in example tp53_molm13_vs_k562: {line}" in caveats


#: Printed numbers that must never appear: an underflowed p-value and a negative zero.
BAD_NUMBER = re.compile(r"0\.00e\+00|(?<![0-9.])-0\.0+\b|-0(?![0-9.])\b")


def test_p_value_and_zero_formatting():
    assert [fmt_q(v) for v in (0.0, 5e-324, 1e-301, 1e-300, 3.14159e-5, None)] == [
        "< 1e-300",
        "< 1e-300",
        "< 1e-300",
        "1.00e-300",
        "3.14e-05",
        "NA",
    ]
    assert [fmt_num(v, d) for v, d in ((-0.0, 2), (-0.004, 2), (-4e-7, 6), (-0.4, 0))] == [
        "0.00",
        "0.00",
        "0.000000",
        "0",
    ]
    assert (fmt_num(-0.006), fmt_num(float("-inf")), fmt_num(float("nan"))) == (
        "-0.01",
        "-Inf",
        "NA",
    )
    assert [fmt_distance(d) for d in (0, -850, 2149, -52_300, 1_234_567)] == [
        "0 bp",
        "-850 bp",
        "+2.1 kb",
        "-52.3 kb",
        "+1.23 Mb",
    ]
    assert BAD_NUMBER.search("q 0.00e+00") and BAD_NUMBER.search("| -0.00 |")
    assert BAD_NUMBER.search("r -0.000000.") and not BAD_NUMBER.search("-0.001 and 10.00")


def test_report_prints_underflow_and_no_negative_zero(tmp_path):
    """q = 0 (underflow) prints '< 1e-300'; a log2FC of -0.004 prints 0.00, never -0.00."""
    path = tmp_path / "z.duckdb"
    with writer(path) as con:
        add_comparison(con, "z")
        rows = [
            {"chrom": "chr1", "start": 1000, "stop": 1500, "logfc": -0.004, "qvalue": 0.0},
            {"chrom": "chr1", "start": 5000, "stop": 5500, "logfc": 3.0, "qvalue": 0.01},
        ]
        add_regions(con, "z", rows)
    out = render_comparison(path, "z", tmp_path / "o")
    md, html = out["summary_report.md"].read_text(), out["report.html"].read_text()
    assert "| 1 | chr1:1,001-1,500 | 500 | 0.00 | < 1e-300 |" in md
    assert "minimum q < 1e-300" in md and "&lt; 1e-300" in html
    assert not BAD_NUMBER.search(md) and not BAD_NUMBER.search(html)


def test_chromosome_chart_notes_the_significant_regions_it_leaves_out(tmp_path):
    """The chart shows significant regions of the analysis set: its note counts the significant
    regions the filters removed (it counted every non-standard region, significant or not)."""
    path = tmp_path / "n.duckdb"
    with writer(path) as con:
        add_comparison(con, "n")
        add_regions(con, "n", [
            {"chrom": "chr1", "start": 0, "stop": 500, "logfc": 2.0, "qvalue": 0.01},
            {"chrom": "chr1", "start": 900, "stop": 905, "logfc": 2.0, "qvalue": 0.01},  # tiny
            {"chrom": "chrUn_KI270742v1", "start": 0, "stop": 500, "logfc": 2.0, "qvalue": 0.01},
            {"chrom": "chrUn_KI270743v1", "start": 0, "stop": 500, "logfc": 2.0, "qvalue": 0.9},
            {"chrom": "chrUn_KI270744v1", "start": 0, "stop": 500, "logfc": 2.0, "qvalue": 0.9},
        ])  # fmt: skip
    out = render_comparison(path, "n", tmp_path / "o")
    svg = out["charts/chromosome_distribution.svg"].read_text()
    assert "significant regions removed (1 on non-standard contigs and 1 shorter than 10 bp)" in svg
    assert "3 regions on non-standard contigs" not in svg


def test_dmr_report_speaks_of_methylation(tmp_path):
    """dmr: metilene (not edgeR) treats the experiments as replicates, the advice is about
    methylation differences (never |logFC| > 2, beyond any meth_diff), the top table says
    A-/B-hyper."""
    path = tmp_path / "m.duckdb"
    with writer(path) as con:
        add_comparison(con, "m", analysis="dmr", n_a=2, n_b=2)
        add_regions(con, "m", [
            {"chrom": "chr1", "start": 100, "stop": 900, "meth_diff": 0.4, "qvalue": 0.01},
            {"chrom": "chr2", "start": 100, "stop": 900, "meth_diff": -0.3, "qvalue": 0.02},
        ])  # fmt: skip
    out = render_comparison(path, "m", tmp_path / "o")
    md = out["summary_report.md"].read_text()
    assert "metilene treats them as replicates" in md and "edgeR treats" not in md
    assert "large methylation differences" in md and "|logFC| > 2" not in md
    assert "| 1 | chr1:101-900 | 800 | 0.40 | 1.00e-02 | yes | A-hyper |" in md
    assert "| 2 | chr2:101-900 | 800 | -0.30 | 2.00e-02 | yes | B-hyper |" in md
    # the checks that need read counts say they did not run (a sex mismatch went unmentioned)
    assert "the sex-chromosome confound, MA-asymmetry, chrM, small-median and genomic-cluster " \
        "checks do not apply and were not run" in md  # fmt: skip
    assert "were not run" in out["report.html"].read_text()


def test_report_of_a_comparison_without_a_loaded_result_is_refused(tmp_path):
    """A failed re-submission leaves no regions: the report said 'Regions reported: 0' and
    described a comparison that was never made."""
    path = tmp_path / "f.duckdb"
    with writer(path) as con:
        add_comparison(con, "f")
        con.execute("update comparisons set status = 'failed', error = 'job failed on server'")
    with pytest.raises(InputError, match=r"comparison f has no loaded result .*job failed"):
        render_comparison(path, "f", tmp_path / "o")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("genome", "says"),
    [
        ("hg38", "annotated regions to the nearest gene offline (embedded:hg38, built from "),
        ("mm9", "did not annotate regions to genes: no gene annotation is embedded for mm9 "
                "(chromdiff annotate --comparison ID --gtf FILE annotates them with yours"),
    ],
)  # fmt: skip
def test_methods_say_whether_regions_were_annotated(tmp_path, genome, says):
    """For a genome without an embedded annotation (mm9: ChIP-Atlas has it, chromdiff does not)
    the Methods claimed the regions were annotated while every gene column was empty."""
    db = tmp_path / "w.duckdb"
    with writer(db) as con:
        add_comparison(con, "c", genome=genome)
        add_regions(con, "c", background(30))
    render_comparison(db, "c", tmp_path / "out")
    md = (tmp_path / "out" / "summary_report.md").read_text()
    assert says in md


def test_an_experiment_a_local_run_left_out_is_not_said_to_be_the_servers(tmp_path):
    """A local comparison has no server: its left-out experiment reads "(not compared)"."""
    path = tmp_path / "l.duckdb"
    with writer(path) as con:
        add_comparison(con, "loc", n_a=3, n_b=3)
        con.execute("update comparisons set base_url = 'local:1' where comparison_id = 'loc'")
        con.execute(
            "update experiments set dropped = 'no coverage over any region' "
            "where comparison_id = 'loc' and experiment_id = ?",
            [
                con.execute(
                    "select max(experiment_id) from experiments where grp = 'B'"
                ).fetchone()[0]
            ],
        )
        add_regions(con, "loc", [{"chrom": "chr1", "start": 100, "stop": 900}])
    md = render_comparison(path, "loc", tmp_path / "o")["summary_report.md"].read_text()
    assert "(not compared)" in md and "not used by the server" not in md


def test_the_local_demo_is_not_called_fake_server_output(tmp_path):
    """The local demo (chromdiff's own run of the pipeline on simulated files) read "SIMULATED
    (local fake server)"; a fake-server comparison keeps that line."""
    path = tmp_path / "d.duckdb"
    with writer(path) as con:
        for cid in ("demo", "fake"):
            add_comparison(con, cid, simulated=True)
            add_regions(con, cid, background(10))
        con.execute("update comparisons set base_url = 'local:1' where comparison_id = 'demo'")
    demo = render_comparison(path, "demo", tmp_path / "d")["summary_report.md"].read_text()
    fake = render_comparison(path, "fake", tmp_path / "f")["summary_report.md"].read_text()
    assert "SIMULATED" in demo.splitlines()[0] and "fake server" not in demo
    assert "chromdiff ran ChIP-Atlas's pipeline on this machine on simulated input files" in demo
    assert "These results are SIMULATED (local fake server), not ChIP-Atlas output." in fake


def test_tiny_regions_removed_count_explains_the_qc_count(tmp_path):
    """The tiny-region check counts every short region (2), the filter only those it removes
    (1: the other, on a non-standard contig, was removed there): the line says both."""
    path = tmp_path / "t.duckdb"
    with writer(path) as con:
        add_comparison(con, "tiny")
        add_regions(con, "tiny", [
            {"chrom": "chr1", "start": 100, "stop": 900},
            {"chrom": "chr1", "start": 2000, "stop": 2004},
            {"chrom": "chrUn_KI270742v1", "start": 10, "stop": 15},
        ])  # fmt: skip
    md = render_comparison(path, "tiny", tmp_path / "o")["summary_report.md"].read_text()
    assert "2 regions are shorter than 10 bp" in md  # the QC finding
    assert (
        "- Removed as shorter than 10 bp: 1 (of 2 this short; 1 on non-standard contigs, "
        "removed there)" in md
    )


def test_methods_state_engine_legacy_precision_and_enrichment_citations(tmp_path):
    """A local run says which edgeR ran; a legacy-format result says how coarse its q-values
    are; an enrichment section brings the GREAT and GO citations; the cutoff names the log2FC."""
    path = tmp_path / "m.duckdb"
    with writer(path) as con:
        add_comparison(con, "m", min_abs_logfc=1.0)
        add_regions(con, "m", background(20))
        con.execute("update comparisons set base_url = 'local:1', "
                    "result_format = 'diffbind_2024' where comparison_id = 'm'")  # fmt: skip
        con.execute("insert into local_runs (comparison_id, pipeline_version, engine) "
                    "values ('m', 'v', 'numpy')")  # fmt: skip
        con.execute("insert into enrichment_notes values ('comparison:m', null, 'universe', 'x')")
        con.execute("insert into enrichment_results (run_id, scope, query, method, set_source, "
                    "background, set_id, k, n_query) values ('comparison:m', 'comparison', "
                    "'A-enriched', 'great_binomial', 'GO:BP', 'genome', 'GO:1', 1, 3)")  # fmt: skip
    md = render_comparison(path, "m", tmp_path / "o")["summary_report.md"].read_text()
    assert "numpy port (checked against R edgeR" in md
    assert "q-values are known to about ±12%" in md
    assert "|log2 fold change| ≥ 1" in md and "|effect|" not in md.split("## Methods")[1]
    assert "GREAT improves functional interpretation" in md and "Gene Ontology: tool" in md
