"""The comparison report: content order, QC warnings, self-contained HTML, deterministic output,
and the ``chromdiff report`` command."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from chromdiff.cli.main import cli
from chromdiff.errors import InputError
from chromdiff.report.render import render_comparison
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
        con.execute(
            "insert into region_annotation (comparison_id, region_id, nearest_label) "
            "select 'tp53', region_id, 'GENE' || region_id from regions"
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
    assert "| 1 | chrY:3,000,000-3,000,400 | 400 | 6.00 | 1.00e-06 | A-enriched* | GENE121 |" in md
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
    assert "No regions." in md and "No QC issues detected." in md
    assert out["charts/volcano.png"].stat().st_size > 1000


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
    assert "| 1 | chr17:7,580,000-7,580,500 | 500 | 0.50 | 1.00e-03 | A-enriched | TP53 |" in md
    assert "| 2 | chr8:128,748,000-128,748,400 | 400 | 0.50 | 2.00e-02 | A-enriched | MYC |" in md
    assert "TP53" in out["diff_regions_all.csv"].read_text()


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
