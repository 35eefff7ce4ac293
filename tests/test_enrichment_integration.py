"""Enrichment of a real integration (BETA's AR LNCaP ChIP-seq + limma DE, hg19) in the warehouse."""

from __future__ import annotations

import pytest

from chromdiff.enrichment.steps import integration_step
from chromdiff.integration.pipeline import run_integration
from chromdiff.warehouse import db
from tests.realdata import REAL

AR = REAL / "beta_AR_LNCaP_hg19"


@pytest.fixture(scope="module")
def ar(tmp_path_factory):
    dbp = tmp_path_factory.mktemp("enr") / "ar.duckdb"
    run_integration(
        dbp, rna=AR / "AR_diff_expr.tsv.gz", peaks=AR / "3656_peaks.bed.gz", genome="hg19",
        integration_id="ar",
    )  # fmt: skip
    summary = integration_step(dbp, "ar")
    return dbp, summary


def test_every_list_is_tested_against_the_measured_universe(ar):
    dbp, summary = ar
    assert summary["rows"] > 100
    with db.connect(dbp, read_only=True) as con:
        queries = dict(
            con.execute(
                "select query, max(n_query) from enrichment_integration group by query"
            ).fetchall()
        )
        # Plain BED peaks have no fold change: no concordance categories, only up/down genes.
        assert set(queries) == {"up genes", "down genes"}
        # n for 'up genes' = up genes of the DE table that are in the universe (measured and
        # annotated in GO BP), counted here independently of the ORA code.
        s = con.execute("select rna_padj, rna_lfc from integrations").fetchall()[0]
        n_up = con.execute(
            """select count(distinct gene_id) from int_genes where gene_id is not null
               and padj < ? and logfc > ? and gene_id in (
                 select gene_id::varchar from read_parquet(?))""",
            [s[0], s[1], "src/chromdiff/data/enrichment/go_hs_direct.parquet"],
        ).fetchall()[0][0]
        universe = con.execute(
            "select max(universe_size), min(universe_size) from enrichment_integration"
        ).fetchall()[0]
        measured = con.execute(
            "select count(distinct gene_id) from int_genes where gene_id is not null"
        ).fetchall()[0][0]
        notes = [r[0] for r in con.execute("select message from enrichment_notes").fetchall()]
        top = con.execute(
            "select set_name, symbols, genes from enrichment_integration "
            "where query = 'up genes' order by pvalue limit 1"
        ).fetchall()[0]
    assert universe[0] == universe[1] and universe[0] < measured
    assert any(f"{measured:,} resolved" in n for n in notes)
    assert n_up > 0
    assert queries["up genes"] <= n_up  # only BP-annotated genes count
    assert top[1].count("/") == top[2].count("/") and top[1] != top[2]


def test_rerun_replaces_rows(ar):
    dbp, summary = ar
    integration_step(dbp, "ar")
    with db.connect(dbp, read_only=True) as con:
        n = con.execute("select count(*) from enrichment_results").fetchall()[0][0]
        top = con.execute("select count(*) from enrichment_top_terms").fetchall()[0][0]
    assert n == summary["rows"]
    assert top <= n


def test_a_gmt_on_an_integration(ar, tmp_path):
    """`enrich --integration ID --gmt FILE` crashed: the integration row's cursor was left open
    and registering the GMT failed (ResourceInUseException)."""
    from chromdiff.enrichment.integration import enrich_integration

    dbp, _ = ar
    gmt = tmp_path / "ar.gmt"
    genes = "KLK3 KLK2 TMPRSS2 FKBP5 NKX3-1 PMEPA1 ABCC4 SLC45A3 STEAP4 ZBTB16 KLK4 ELL2"
    gmt.write_text("AR_TARGETS\tx\t" + "\t".join(genes.split()) + "\n")
    with db.writer(dbp) as con:
        out = enrich_integration(con, "ar", gmt=gmt, ontologies=())
        rows = con.execute(
            "select set_id from enrichment_results where run_id = 'integration:ar' "
            "and set_source like 'gmt:%'"
        ).fetchall()
    assert out["rows"] > 0 and ("AR_TARGETS",) in rows
