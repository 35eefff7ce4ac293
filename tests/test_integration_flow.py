"""``flows.integrate`` end to end (shared Prefect harness) and the ``chromdiff integrate`` CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from chromdiff.design.examples import get_example
from chromdiff.integration.simulate import SimSpec, simulate
from chromdiff.warehouse.db import connect
from tests.cli_run import run_cli

SMALL = SimSpec(n_genes=1500, n_peaks=2000, n_concordant=30, n_discordant=10)


def test_cli_bad_input_fails_before_prefect(tmp_path, capsys):
    paths = simulate(tmp_path / "in", SMALL)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        paths["rna"].read_text().replace("log2FoldChange", "lfc_typo", 1).replace("padj", "padj", 1)
    )
    db = tmp_path / "x.duckdb"
    code, _, err = run_cli(["integrate", "--atac", str(paths["atac"]), "--rna", str(bad),
                            "--genome", "hg38", "--db", str(db)], capsys)  # fmt: skip
    assert code == 1
    assert err.startswith(f"error: {bad}: no column for logfc")
    assert not db.exists()  # nothing written, not even the database file
    code, _, err = run_cli(["integrate", "--rna", str(bad), "--genome", "hg38"], capsys)
    assert code == 1 and "exactly one of --atac FILE or --comparison ID" in err
    code, _, err = run_cli(["integrate", "--atac", str(paths["atac"]), "--rna",
                            str(paths["rna"])], capsys)  # fmt: skip
    assert code == 1 and "--genome is required" in err
    code, _, err = run_cli(["integrate", "--atac", str(paths["atac"]), "--rna",
                            str(paths["rna"]), "--genome", "hg38", "--exports", "xlsx",
                            "--db", str(db)], capsys)  # fmt: skip
    assert code == 2 and "expected one of auto, csv, parquet" in err and not db.exists()


@pytest.mark.prefect
def test_flow_with_a_comparison_as_peak_side(server, tmp_path):
    from flows.compare import compare
    from flows.integrate import integrate

    ex = get_example("tp53_molm13_vs_k562")
    db = str(tmp_path / "c.duckdb")
    cmp = compare(ids_a=list(ex.ids_a), ids_b=list(ex.ids_b), db_path=db,
                  title="integration flow simulated", base_url=server.base_url,
                  output_dir=str(tmp_path / "out"), comparison_id="cmp")  # fmt: skip
    rna = simulate(tmp_path / "in", SMALL)["rna"]
    out = integrate(rna=str(rna), comparison="cmp", db_path=db,
                    output_dir=str(tmp_path / "out"))  # fmt: skip
    iid = out["integration_id"]
    assert out["genome"] == ex.genome
    with connect(db, read_only=True) as con:
        # the peak side is the comparison's analysis set, as its QC and report use it; the
        # regions its filters exclude (non-standard contigs, slivers) are counted in a note
        n_set = con.execute(
            "select count(*) from regions_filtered where comparison_id = 'cmp'"
        ).fetchall()[0][0]
        assert 0 < n_set < cmp["n_regions"] and out["n_peaks"] == n_set
        note = con.execute(
            "select n from int_input_notes where integration_id = ? "
            "and kind = 'outside_analysis_set'",
            [out["integration_id"]],
        ).fetchall()
        assert note == [(cmp["n_regions"] - n_set,)]
        src, tool, status = con.execute(
            "select peaks_source, peaks_tool, status from integrations"
        ).fetchall()[0]
        # every peak is a region of the comparison, with its logFC and q-value
        mismatched = con.execute(
            """select count(*) from int_peaks p join regions r
               on r.comparison_id = 'cmp' and r.region_id = p.peak_id
               where p.integration_id = ? and (p.logfc is distinct from r.logfc
                     or p.padj is distinct from r.qvalue or p.start <> r.start)""",
            [iid],
        ).fetchall()[0][0]
        n_links, n_ann = con.execute(
            "select (select count(*) from int_links where integration_id = $1), "
            "(select count(*) from int_peak_annotation where integration_id = $1 "
            "and gene_id is not null)",
            [iid],
        ).fetchall()[0]
    assert (src, tool, status) == ("comparison:cmp", "comparison (diffbind)", "done")
    assert mismatched == 0 and n_links == n_ann > 0
    assert Path(out["report"]["html"]).exists()


@pytest.mark.prefect
def test_cli_integrate_files(tmp_path, capsys):
    # after a flow has run outside capsys: Prefect's console handler keeps the real stderr
    paths = simulate(tmp_path / "in", SMALL)
    # --db D/x.duckdb --output D with D missing: D is made (was "unexpected IOException")
    db = tmp_path / "out" / "i.duckdb"
    code, out, err = run_cli(["integrate", "--atac", str(paths["atac"]), "--rna",
                              str(paths["rna"]), "--genome", "hg38", "--db", str(db),
                              "--output", str(tmp_path / "out"), "--id", "cli_sim",
                              "--title", "cli simulated", "--link", "distance",
                              "--max-distance", "50000", "--exports", "parquet"],
                             capsys)  # fmt: skip
    assert code == 0, err
    assert "integration cli_sim: 2,000 peaks x 1,500 genes (embedded:hg38)" in out
    notes = [line for line in out.splitlines() if line.startswith("  note:")]
    assert notes and all(n.split(None, 2)[1] in ("peaks:", "RNA:") for n in notes), notes
    report = tmp_path / "out" / "cli_sim"
    assert (report / "integration_report.html").exists()
    # --exports parquet: each table once, as Parquet (auto would add CSV at this size)
    tables = sorted(p.name for p in report.iterdir() if p.suffix in (".csv", ".parquet"))
    assert tables == [f"integration_{t}.parquet" for t in ("genes", "pairs", "rp", "targets")]
    with connect(db, read_only=True) as con:
        status, rule = con.execute("select status, link_rule from integrations").fetchall()[0]
        max_d = con.execute("select max(abs(distance)) from int_links").fetchall()[0][0]
        runs = con.execute("select flow_name, state from flow_runs").fetchall()
    assert (status, rule) == ("done", "distance") and max_d <= 50_000
    assert runs == [("integrate", "completed")]
