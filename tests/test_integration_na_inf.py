"""NA p-values and non-finite log2FC on real DE tables.

* DESeq2 (GSE37704, hg38): padj is NA for 5,054 genes (independent filtering). An NA padj is
  never significant and never the most significant: in SQL ``greatest(NULL, 1e-300)`` is 1e-300,
  which used to score NA as −log10 = 300, above every real pair.
* cuffdiff (BETA's AR demo, hg19): log2FC of ±1.79769e+308 (DBL_MAX) for genes at 0 in one
  condition. Such rows are kept and flagged in the tables and left out of every statistic and
  chart; the report counts them. Before, Pearson became NaN, targets ranked by ±1.8e308 and the
  report crashed (ZeroDivisionError in ``charts.place_labels``).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from chromdiff.integration.charts import place_labels
from chromdiff.integration.pipeline import run_integration
from chromdiff.integration.simulate import SimSpec, simulate
from chromdiff.warehouse import db
from tests.realdata import REAL

DESEQ2 = REAL / "deseq2_GSE37704_hg38" / "deseq_results.csv.gz"
AR = REAL / "beta_AR_LNCaP_hg19"
#: Printed numbers that must never appear: an underflowed p-value and a negative zero.
BAD_NUMBER = re.compile(r"0\.00e\+00|(?<![0-9.])-0\.0+\b")


def _query(path, sql, *params):
    with db.connect(path, read_only=True) as con:
        return con.execute(sql, list(params)).df()


# ---------------------------------------------------------------- NA padj (DESeq2, GSE37704)


@pytest.fixture(scope="module")
def deseq(tmp_path_factory):
    """Real DESeq2 table x simulated hg38 peaks; every 5th peak gets an NA FDR (as DESeq2 run on
    peak counts reports for filtered peaks). Run ``full``, and ``no_na`` without those peaks."""
    tmp = tmp_path_factory.mktemp("deseq")
    atac = pd.read_csv(simulate(tmp / "sim", SimSpec())["atac"], sep="\t")
    atac["FDR"] = atac["FDR"].astype(object)
    atac.loc[atac.index % 5 == 0, "FDR"] = "NA"
    atac.to_csv(tmp / "full.tsv", sep="\t", index=False)
    atac[atac["FDR"] != "NA"].to_csv(tmp / "no_na.tsv", sep="\t", index=False)
    for name in ("full", "no_na"):
        run_integration(tmp / "db.duckdb", rna=DESEQ2, peaks=tmp / f"{name}.tsv", genome="hg38",
                        integration_id=name)  # fmt: skip
    return tmp / "db.duckdb"


def test_na_padj_pairs_never_outrank_real_pairs(deseq):
    table = pd.read_csv(DESEQ2)
    na_ids = set(table.loc[table["padj"].isna(), table.columns[0]])  # pandas' own NA reading
    pairs = _query(deseq, "select * from integration_scores where integration_id = 'full'")
    na_rna = pairs["input_id"].isin(na_ids)
    assert na_rna.sum() > 500  # the real table's NA genes are linked
    assert (na_rna == pairs["rna_padj"].isna()).all()
    na = pairs["rna_padj"].isna() | pairs["atac_padj"].isna()
    real = ~na
    for col in ("significance_score", "weighted_score", "distance_weighted_score"):
        assert pairs.loc[na, col].isna().all(), col
    assert not pairs.loc[pairs["rna_padj"].isna(), "rna_significant"].any()
    assert not pairs.loc[pairs["atac_padj"].isna(), "atac_significant"].any()
    assert (pairs.loc[na, "category"] == "Other").all()
    # every ranking by score (as the report and the lead-pair rule sort: NULLs last) puts the
    # real pairs first
    for col in ("significance_score", "distance_weighted_score"):
        order = pairs.assign(k=pairs[col].abs()).sort_values(
            "k", ascending=False, na_position="last", kind="stable"
        )
        position = pd.Series(np.arange(len(order)), index=order.index)
        assert position[na].min() > position[real].max(), col
    best_na = pairs.loc[na, "significance_score"].max()
    assert math.isnan(best_na) and pairs.loc[real, "significance_score"].notna().all()
    # the old rule (NA floored to 1e-300 like padj = 0) would have put NA pairs on top
    old = -np.log10(pairs["atac_padj"].fillna(1e-300).clip(lower=1e-300)) - np.log10(
        pairs["rna_padj"].fillna(1e-300).clip(lower=1e-300)
    )
    assert na.loc[old.nlargest(20).index].sum() >= 10


def test_top_lists_and_targets_hold_no_na_gene(deseq):
    genes = _query(
        deseq,
        "select * from integration_genes where integration_id = 'full' and category <> 'Other'",
    )
    assert len(genes) > 0 and genes["rna_padj"].notna().all()
    assert genes["lead_atac_padj"].notna().all() and genes["distance_weighted_score"].notna().all()
    targets = _query(deseq, "select * from integration_targets where integration_id = 'full'")
    assert targets["rna_padj"].notna().all()


def test_lead_pairs_do_not_change_because_of_na(deseq):
    """Dropping the NA-FDR peaks from the input changes no lead pair of a gene with a real padj:
    NA pairs never win the lead over a real pair."""
    sql = """select g.gene_id, p.chrom, p.start, p.stop, g.category, g.distance_weighted_score
             from integration_genes g join int_peaks p
             on p.integration_id = g.integration_id and p.peak_id = g.lead_peak_id
             where g.integration_id = ? and g.rna_padj is not null"""
    full = _query(deseq, sql, "full").set_index("gene_id")
    no_na = _query(deseq, sql, "no_na").set_index("gene_id")
    assert len(no_na) > 1000
    shared = full.loc[no_na.index]
    pd.testing.assert_frame_equal(shared.sort_index(), no_na.sort_index())
    lost = _query(
        deseq,
        "select count(*) as n from integration_pairs p join int_peaks k using (integration_id, "
        "peak_id) where p.integration_id = 'full' and k.padj is null and p.rna_padj is not null",
    )["n"][0]
    assert lost > 100  # many genes did have an NA-FDR peak competing for the lead


# ------------------------------------------------ non-finite log2FC (cuffdiff, BETA's AR demo)


def _nonfinite_rows_in_file() -> int:
    """Independent count: tested rows (status OK) of CUF_expr.diff whose log2FC is ±Inf or a
    ±DBL_MAX sentinel (the untested ones are counted by the not_tested note)."""
    cuf = pd.read_csv(AR / "CUF_expr.diff.gz", sep="\t")
    x = pd.to_numeric(cuf["log2(fold_change)"], errors="coerce")
    return int(((np.isinf(x) | (x.abs() >= 1e300)) & (cuf["status"] == "OK")).sum())


@pytest.fixture(scope="module")
def cuffdiff(tmp_path_factory):
    """CUF_expr.diff x the AR peaks, (a) as the plain BED and (b) with fold changes derived from
    the real MACS scores (log2FC = log2(score / median score), padj = min(1, n · 10^(−score/10))),
    so pairs have both fold changes and the scatter is drawn."""
    tmp = tmp_path_factory.mktemp("cuf")
    bed = pd.read_csv(AR / "3656_peaks.bed.gz", sep="\t", header=None,
                      names=["chrom", "start", "end", "name", "score"])  # fmt: skip
    bed["log2FoldChange"] = np.log2(bed["score"] / bed["score"].median())
    bed["padj"] = np.minimum(1, 10 ** (-bed["score"] / 10) * len(bed))
    bed.to_csv(tmp / "ar_lfc.tsv", sep="\t", index=False)
    out = {}
    for name, peaks in (("bed", AR / "3656_peaks.bed.gz"), ("lfc", tmp / "ar_lfc.tsv")):
        out[name] = run_integration(tmp / "db.duckdb", rna=AR / "CUF_expr.diff.gz", peaks=peaks,
                                    genome="hg19", integration_id=name,
                                    out_dir=tmp / "out")  # fmt: skip
    return tmp / "db.duckdb", out


@pytest.mark.parametrize("name", ["bed", "lfc"])
def test_cuffdiff_sentinels_counted_and_reported(cuffdiff, name):
    path, out = cuffdiff
    n_file = _nonfinite_rows_in_file()
    assert n_file == 275  # of 2,494 in the file: the others are NOTEST/LOWDATA rows
    notes = _query(path, "select kind, n from int_input_notes where integration_id = ?", name)
    assert dict(zip(notes["kind"], notes["n"], strict=True))["nonfinite_logfc"] == n_file
    excluded = _query(
        path,
        "select count(*) as n from integration_rp where integration_id = ? "
        "and de_class = 'excluded'",
        name,
    )["n"][0]
    kept = _query(
        path,
        "select count(*) as n from int_genes where integration_id = ? and gene_id is not null "
        "and abs(logfc) >= 1e300 and padj is not null",
        name,
    )["n"][0]
    assert excluded == kept > 100  # kept in the tables, all of them excluded
    md = out[name]["report"]["markdown"].read_text()
    html = out[name]["report"]["html"].read_text()
    assert f"{n_file} rows with a non-finite log2FC" in md
    assert f"Excluded from statistics: {excluded:,} genes" in md and "Excluded from" in html
    assert not BAD_NUMBER.search(md) and not BAD_NUMBER.search(html)
    for svg in out[name]["report"]["out_dir"].glob("*.svg"):
        assert "e+308" not in svg.read_text() and "Infinity" not in svg.read_text(), svg.name


@pytest.mark.parametrize("name", ["bed", "lfc"])
def test_cuffdiff_statistics_are_finite(cuffdiff, name):
    path, _ = cuffdiff
    for table in ("int_correlations", "int_sensitivity", "int_beta_tests"):
        df = _query(path, f"select * exclude (integration_id) from {table} "
                          "where integration_id = ?", name)  # fmt: skip
        values = df.select_dtypes("number").to_numpy(float)
        assert np.isfinite(values[~np.isnan(values)]).all(), table
    beta = _query(path, "select * from int_beta_tests where integration_id = ?", name)
    assert beta["p_value"].notna().all() and beta["ks_stat"].notna().all()
    targets = _query(path, "select * from integration_targets where integration_id = ?", name)
    assert len(targets) > 0 and (targets["rna_logfc"].abs() < 100).all()


def test_cuffdiff_sentinels_are_in_no_enrichment_gene_list(cuffdiff):
    """135 of CUF_expr.diff's ±DBL_MAX rows have q < 0.05: the integration calls them never
    significant, and its up/down gene lists for enrichment held them all the same."""
    from chromdiff.enrichment.integration import integration_queries

    path, _ = cuffdiff
    cuf = pd.read_csv(AR / "CUF_expr.diff.gz", sep="\t")
    x = pd.to_numeric(cuf["log2(fold_change)"], errors="coerce")
    assert ((x.abs() >= 1e300) & (cuf["q_value"] < 0.05)).sum() == 135
    with db.connect(path, read_only=True) as con:
        lists = integration_queries(con, "bed")
        want = {
            name: sorted(con.execute(
                f"""select distinct gene_id from integration_rp where integration_id = 'bed'
                    and de_class = '{cls}'""").fetchall())
            for name, cls in (("up genes", "up"), ("down genes", "down"))
        }  # fmt: skip
        sentinel = {g for (g,) in con.execute(
            "select gene_id from int_genes where integration_id = 'bed' and abs(logfc) >= 1e300"
            " and padj < 0.05").fetchall()}  # fmt: skip
    assert len(sentinel) > 50
    for name in ("up genes", "down genes"):
        assert lists[name] == [g for (g,) in want[name]] and not sentinel & set(lists[name])


def test_cuffdiff_pearson_is_that_of_the_finite_pairs(cuffdiff):
    path, out = cuffdiff
    pairs = _query(path, "select atac_logfc, rna_logfc from integration_pairs "
                         "where integration_id = 'lfc'")  # fmt: skip
    finite = pairs[np.isfinite(pairs).all(axis=1) & (pairs.abs() < 1e300).all(axis=1)]
    assert len(finite) < len(pairs.dropna())  # sentinels were linked
    expected = stats.pearsonr(finite["atac_logfc"], finite["rna_logfc"])
    stored = _query(path, "select n, pearson_r, pearson_p from int_correlations where "
                          "integration_id = 'lfc' and level = 'pair' and pair_set = 'linked' "
                          "and scope = 'all'")  # fmt: skip
    assert stored["n"][0] == len(finite)
    assert stored["pearson_r"][0] == pytest.approx(expected.statistic)
    assert stored["pearson_p"][0] == pytest.approx(expected.pvalue)
    # the sentinel rows stay in the exported table, flagged, with their value as read
    exported = pd.read_csv(out["lfc"]["report"]["out_dir"] / "integration_pairs.csv")
    flagged = exported[exported["rna_logfc_nonfinite"]]
    assert len(flagged) == len(pairs.dropna()) - len(finite)
    assert set(flagged["rna_logfc"].abs()) == {1.79769e308}
    # every score of a flagged pair is NULL, the padj-only significance score too
    for col in ("product_score", "z_product", "significance_score", "weighted_score",
                "distance_weighted_score"):  # fmt: skip
        assert flagged[col].isna().all(), col
    assert flagged["rna_padj"].notna().any()  # NULL for the log2FC, not for a missing padj


def test_place_labels_ignores_non_finite_points():
    df = pd.DataFrame({"x": [1.0, np.inf, 2.0], "y": [1.0, 2.0, -np.inf], "s": ["A", "B", "C"]})
    labels = place_labels(df, "x", "y", "s", domain=(-1, np.inf, -np.inf, 3))
    assert list(labels["label"]) == ["A"] and np.isfinite(labels[["lx", "ly"]]).all().all()


def test_duplicate_gene_rows_prefer_a_finite_log2fc(tmp_path):
    """Two rows of one gene with the same padj: the finite log2FC is kept over R's Inf (which,
    by |log2FC| alone, would win), and the note counts the Inf row."""
    from chromdiff.integration.load import load_inputs
    from tests.test_integration_bad_input import _peaks_bed

    rna, bed = tmp_path / "dup.csv", tmp_path / "p.bed"
    rna.write_text('"",log2FoldChange,padj,symbol\nA1,Inf,0.01,EGFR\nA2,2.5,0.01,EGFR\n'
                   "A3,-1.5,1e-5,GAPDH\n")  # fmt: skip
    bed.write_text(_peaks_bed())
    with db.writer(tmp_path / "d.duckdb") as con:
        s = load_inputs(con, rna=rna, peaks=bed, genome="hg38", integration_id="dup")
        kept = con.execute(
            "select input_id, logfc from int_genes where gene_symbol = 'EGFR'"
        ).fetchall()
        notes = dict(con.execute("select kind, n from int_input_notes").fetchall())
    assert kept == [("A2", 2.5)] and s["genes"]["duplicates"] == 1
    assert notes["nonfinite_logfc"] == 1


def test_cuffdiff_enrichment_universe_is_the_tested_finite_genes(cuffdiff):
    """The ORA universe counted genes whose log2FC is a ±DBL_MAX sentinel (never on a list)."""
    from chromdiff.enrichment.integration import enrich_integration

    path, _ = cuffdiff
    with db.connect(path) as con:
        notes = enrich_integration(con, "bed")["notes"]
        finite, with_padj = con.execute(
            """select count(distinct gene_id) filter (where isfinite(logfc)
                          and abs(logfc) < 1e300),
                      count(distinct gene_id)
               from int_genes where integration_id = 'bed' and gene_id is not null
                 and padj is not null and logfc is not null"""
        ).fetchall()[0]
    assert with_padj - finite > 100  # tested genes at 0 in one condition
    (universe,) = [n for n in notes if n.startswith("genes tested in the DE table")]
    assert f"{finite:,} resolved to the annotation" in universe
