"""Issue "QC checks as SQL views" item 8: the MOLM-13 (male) vs K-562 (female) example, run
through the whole compare flow against the fake server configured with a chrY confound, shows
the sex-chromosome warning in the database, the Markdown and the HTML report."""

from __future__ import annotations

from pathlib import Path

import pytest

from chromdiff.design.examples import get_example
from chromdiff.warehouse.db import connect

EX = get_example("tp53_molm13_vs_k562")


@pytest.mark.prefect
def test_molm13_vs_k562_shows_the_sex_chromosome_warning(
    fake_chipatlas_factory, fast_polling, tmp_path
):
    from flows.compare import compare

    server = fake_chipatlas_factory(sex_confound=True, n_regions=8000)
    out = compare(
        ids_a=list(EX.ids_a), ids_b=list(EX.ids_b), genome=EX.genome, analysis=EX.analysis,
        db_path=str(tmp_path / "c.duckdb"), comparison_id="tp53_molm13_vs_k562",
        title="TP53 MOLM-13 vs K-562 simulated", description_a=EX.description_a,
        description_b=EX.description_b, base_url=server.base_url,
        output_dir=str(tmp_path / "out"),
    )  # fmt: skip
    assert out["status"] == "loaded"
    with connect(tmp_path / "c.duckdb", read_only=True) as con:
        findings = con.execute(
            "select check_name, severity, detail from qc_findings where comparison_id = ?",
            ["tp53_molm13_vs_k562"],
        ).fetchall()
        runs = con.execute(
            "select flow_name, state, comparison_id, result_format, parameters from flow_runs"
        ).fetchall()
    assert [r[:4] for r in runs] == [
        ("compare", "completed", "tp53_molm13_vs_k562", "diffbind_2025")
    ]
    assert '"genome": "hg38"' in runs[0][4]
    sex = [f for f in findings if f[0].startswith("sex_chrom")]
    assert sex and all(f[1] == "major" and "chrY" in f[2] for f in sex), findings
    report_dir = Path(out["output_dir"])
    md = (report_dir / "summary_report.md").read_text()
    html = (report_dir / "report.html").read_text()
    assert "chrY sex chromosome confound" in md
    assert "chrY sex chromosome confound" in html
    # the warning comes before the top-regions table, as the skill's report orders it
    assert md.index("chrY sex chromosome confound") < md.index("Top 10 Differential Regions")


@pytest.mark.prefect
def test_clean_scenario_has_no_sex_chromosome_finding(
    fake_chipatlas_factory, fast_polling, tmp_path
):
    from flows.compare import compare

    server = fake_chipatlas_factory(n_regions=8000)
    compare(
        ids_a=list(EX.ids_a), ids_b=list(EX.ids_b), db_path=str(tmp_path / "c.duckdb"),
        comparison_id="clean", title="clean simulated", base_url=server.base_url,
        output_dir=str(tmp_path / "out"),
    )  # fmt: skip
    with connect(tmp_path / "c.duckdb", read_only=True) as con:
        n = con.execute(
            "select count(*) from qc_findings where check_name like '%sex%'"
        ).fetchall()[0][0]
    assert n == 0
