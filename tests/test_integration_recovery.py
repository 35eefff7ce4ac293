"""Planted relationships in simulated data are recovered; real AR ChIP + expression behave as
BETA reports (AR is an activator in LNCaP: up-regulated genes carry more AR binding)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from chromdiff.integration.params import IntegrationParams
from chromdiff.integration.pipeline import run_integration
from chromdiff.integration.simulate import SimSpec, simulate
from chromdiff.warehouse import db
from tests.realdata import REAL as REAL_ROOT

REAL = REAL_ROOT / "beta_AR_LNCaP_hg19"


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sim")
    paths = simulate(tmp / "in", SimSpec(n_genes=3000, n_peaks=4000, n_concordant=60,
                                         n_discordant=20))  # fmt: skip
    dbp = tmp / "sim.duckdb"
    summary = run_integration(dbp, rna=paths["rna"], peaks=paths["atac"], genome="hg38",
                              integration_id="sim", out_dir=tmp / "out",
                              params=IntegrationParams(title="sim", simulated=True))  # fmt: skip
    return paths, dbp, summary


def test_planted_categories_recovered(sim):
    paths, dbp, _ = sim
    truth = pd.read_csv(paths["truth"], sep="\t", dtype={"gene_id": str})
    with db.connect(dbp, read_only=True) as con:
        got = con.execute(
            "select gene_id, category from integration_genes where category <> 'Other'"
        ).df()
    merged = truth.merge(got, on="gene_id", how="outer", suffixes=("_planted", "_found"))
    assert len(merged) == len(truth) == 160
    assert (merged["category_planted"] == merged["category_found"]).all()


def test_planted_correlation_recovered(sim):
    paths, dbp, summary = sim
    truth = pd.read_csv(paths["truth"], sep="\t", dtype={"gene_id": str})
    # the planted fold changes, as written to the simulated files (independent of the pipeline)
    expected = stats.pearsonr(truth["atac_logfc"], truth["rna_logfc"])
    with db.connect(dbp, read_only=True) as con:
        x, y = np.array(
            con.execute(
                "select lead_atac_logfc, rna_logfc from integration_genes "
                "where category <> 'Other' order by gene_id"
            ).fetchall()
        ).T
        stored = con.execute(
            "select n, pearson_r, spearman_rho from int_correlations "
            "where level = 'gene' and pair_set = 'significant' "
            "and scope = 'all'"
        ).fetchall()[0]
    assert stored[0] == 160
    assert stored[1] == pytest.approx(expected.statistic)
    assert stored[1] == pytest.approx(stats.pearsonr(x, y).statistic)
    assert stored[2] == pytest.approx(stats.spearmanr(x, y).statistic)
    assert stored[1] > 0.3  # 120 concordant vs 40 discordant planted genes
    assert summary["stats"]["ks_p_up"] < 1e-10 and summary["stats"]["ks_p_down"] < 1e-10


def test_report_numbers_come_from_the_database(sim):
    _, dbp, summary = sim
    report = summary["report"]
    md = Path(report["markdown"]).read_text()
    html = Path(report["html"]).read_text()
    with db.connect(dbp, read_only=True) as con:
        n_up = con.execute(
            "select n_genes from integration_category_summary where category = 'Concordant up'"
        ).fetchall()[0][0]
        r = con.execute(
            "select pearson_r from int_correlations where level = 'pair' and "
            "pair_set = 'significant' and scope = 'all'"
        ).fetchall()[0][0]
    assert f"| Concordant up | {n_up} | {n_up} | {n_up} |" in md
    assert f"{r:.3f}" in md and f"{r:.3f}" in html
    assert "Proximity is not regulation" in md and "SIMULATED" in md
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert html.count("<svg") >= 5
    names = {p.name for p in report["files"]}
    for stem in ("int_scatter", "int_volcano", "int_distance", "int_peak_features", "int_peak_tss"):
        assert {f"{stem}.png", f"{stem}.svg"} <= names
    assert {"integration_pairs.parquet", "integration_genes.csv"} <= names


def test_real_ar_lncap_is_an_activator(tmp_path):
    """BETA's own demo pair (AR ChIP-seq peaks + limma DE, LNCaP, hg19)."""
    s = run_integration(
        tmp_path / "ar.duckdb",
        rna=REAL / "AR_diff_expr.tsv.gz",
        peaks=REAL / "3656_peaks.bed.gz",
        genome="hg19",
        integration_id="ar",
    )
    assert s["genes"]["refseq"] > 18_000  # NM_xxx_at probes matched through RefSeq accessions
    assert s["stats"]["ks_p_up"] < 1e-8
    assert s["stats"]["ks_p_down"] > 0.01
    with db.connect(tmp_path / "ar.duckdb", read_only=True) as con:
        top = {
            r[0]
            for r in con.execute(
                "select symbol from integration_targets where direction = 'up' "
                "and target_rank <= 10"
            ).fetchall()
        }
    assert {"FKBP5", "KLK2", "TMPRSS2"} <= top  # the classic androgen-induced AR targets
