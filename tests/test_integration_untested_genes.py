"""Genes the DE tool did not test (NA padj) are in no gene-level test (audit 28, findings 1-2, 4).

The real DESeq2 table (GSE37704, 19,808 rows) has 5,054 rows with NA padj: 3,833 with all-zero
counts (NA log2FC too) and 1,221 removed by independent filtering. A null design, 4,000 peaks
near the TSSs of random *tested* genes, has no link between peaks and differential expression,
so BETA's KS tests must not reject. They used to (up p = 0.002, down p = 0.03; now 0.99 and 1):
the untested genes (mean RP 0.06 against 0.29 for the tested non-DE genes), low-count and far
from peaks, were in the background and dragged its RP down. Every expected number here
comes from pandas' own reading of the CSV and SciPy, never from chromdiff's classes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from chromdiff.annotation.filecache import open_embedded
from chromdiff.enrichment.integration import enrich_integration
from chromdiff.integration.pipeline import run_integration
from chromdiff.warehouse import db
from tests.realdata import REAL

DESEQ2 = REAL / "deseq2_GSE37704_hg38" / "deseq_results.csv.gz"
LFC, PADJ = 1.0, 0.05  # the integration's default RNA cutoffs


def _table() -> pd.DataFrame:
    t = pd.read_csv(DESEQ2, dtype={"entrez": str})
    return t.rename(columns={t.columns[0]: "input_id"})


def _null_peaks(path, table: pd.DataFrame) -> None:
    """4,000 300-bp peaks within 1 kb of the TSS of 4,000 random tested genes (seed 1)."""
    tested = set(table.loc[table["padj"].notna(), "entrez"].dropna())
    with open_embedded("hg38") as con:
        tss = con.execute(
            "select gene_id, any_value(chrom) as chrom, min(tss) as tss from ann_genes "
            "where chrom not like '%\\_%' escape '\\' group by gene_id order by gene_id"
        ).df()
    pick = tss[tss["gene_id"].isin(tested)].sample(4000, random_state=1)
    start = (pick["tss"] + np.random.default_rng(1).integers(-1000, 1000, len(pick))).clip(0)
    bed = pd.DataFrame({"chrom": pick["chrom"], "start": start, "end": start + 300})
    bed.to_csv(path, sep="\t", header=False, index=False)


@pytest.fixture(scope="module")
def null(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("untested")
    table = _table()
    _null_peaks(tmp / "null.bed", table)
    path = tmp / "db.duckdb"
    summary = run_integration(path, rna=DESEQ2, peaks=tmp / "null.bed", genome="hg38",
                              integration_id="null")  # fmt: skip
    with db.connect(path, read_only=True) as con:
        rp = con.execute(
            "select g.input_id, r.rp from integration_rp r join int_genes g "
            "using (integration_id, gene_id) where integration_id = 'null'"
        ).df()
    # pandas' classes of the genes chromdiff kept (those matched to the annotation, once each)
    genes = rp.merge(table, on="input_id", validate="one_to_one")
    assert len(genes) > 18_000
    genes["tested"] = genes["padj"].notna()
    de = genes["tested"] & (genes["padj"] < PADJ) & (genes["log2FoldChange"].abs() > LFC)
    genes["cls"] = np.where(
        ~genes["tested"],
        "untested",
        np.where(de, np.where(genes["log2FoldChange"] > 0, "up", "down"), "notdiff"),
    )
    return path, genes, summary


def test_ks_background_is_the_tested_non_de_genes(null):
    path, genes, _ = null
    with db.connect(path, read_only=True) as con:
        got = con.execute("select * from int_beta_tests").df().set_index("direction")
    bg = genes.loc[genes["cls"] == "notdiff", "rp"].to_numpy()
    assert (genes["cls"] == "untested").sum() > 4000  # the genes the old background held
    for direction in ("up", "down"):
        grp = genes.loc[genes["cls"] == direction, "rp"].to_numpy()
        want = stats.ks_2samp(grp, bg, alternative="less", method="asymp")
        n, n_bg, d, p = got.loc[direction, ["n_genes", "n_background", "ks_stat", "p_value"]]
        assert (n, n_bg) == (len(grp), len(bg))
        assert d == pytest.approx(want.statistic, abs=1e-12)
        assert p == pytest.approx(want.pvalue, rel=1e-9)
        assert p > 0.05  # a null design: no activating or repressive call


def test_rank_product_counts_tested_genes_only(null):
    path, genes, _ = null
    tested = genes[genes["tested"]].copy()
    n = len(tested)
    tested["r_binding"] = tested["rp"].rank(ascending=False, method="min")
    tested["r_up"] = tested["log2FoldChange"].rank(ascending=False, method="min")
    tested["r_down"] = tested["log2FoldChange"].rank(ascending=True, method="min")
    with db.connect(path, read_only=True) as con:
        got = con.execute(
            "select g.input_id, t.direction, t.rank_product from integration_targets t "
            "join int_genes g using (integration_id, gene_id) where integration_id = 'null'"
        ).df()
    want = tested[tested["cls"].isin(["up", "down"]) & (tested["rp"] > 0)]
    assert len(got) == len(want) > 100
    m = got.merge(want, on="input_id", validate="one_to_one")
    r_expr = np.where(m["direction"] == "up", m["r_up"], m["r_down"])
    assert (m["direction"] == m["cls"]).all()
    np.testing.assert_allclose(m["rank_product"], (m["r_binding"] / n) * (r_expr / n), rtol=1e-12)


def test_ora_universe_is_the_tested_genes(null, tmp_path):
    """Hypergeometric p by hand: N = tested genes in the GMT, M, n, k within them."""
    path, genes, _ = null
    rng = np.random.default_rng(7)
    by = {c: sorted(genes.loc[genes["cls"] == c, "entrez"].dropna()) for c in genes["cls"].unique()}
    # sets mixing up genes with untested ones (which the old universe counted in N and M)
    sets = {
        "S1": [*rng.choice(by["up"], 40, replace=False), *rng.choice(by["untested"], 150, False),
               *rng.choice(by["notdiff"], 150, replace=False)],
        "S2": [*rng.choice(by["down"], 30, replace=False), *rng.choice(by["notdiff"], 200, False)],
        "S3": [*rng.choice(by["untested"], 60, False), *rng.choice(by["notdiff"], 60, False),
               *rng.choice(by["up"], 5, replace=False)],
    }  # fmt: skip
    gmt = tmp_path / "sets.gmt"
    gmt.write_text("".join(f"{k}\tx\t" + "\t".join(v) + "\n" for k, v in sets.items()))
    with db.writer(path) as con:
        enrich_integration(con, "null", gmt=gmt, ontologies=())
        got = con.execute(
            "select query, set_id, k, n_query, set_size, universe_size, pvalue "
            "from enrichment_results where run_id = 'integration:null'"
        ).df()
    tested = set(genes.loc[genes["tested"], "entrez"].dropna())
    universe = tested & {g for v in sets.values() for g in v}
    lists = {"up genes": set(by["up"]), "down genes": set(by["down"])}
    hits = {(q, k) for q, g in lists.items() for k, v in sets.items() if g & set(v) & universe}
    assert set(zip(got["query"], got["set_id"], strict=True)) == hits  # rows with k >= 1
    for row in got.itertuples():
        q = lists[row.query] & universe
        members = set(sets[row.set_id]) & universe
        k = len(q & members)
        want = stats.hypergeom.sf(k - 1, len(universe), len(members), len(q))
        assert (row.k, row.n_query, row.set_size, row.universe_size) == (
            k, len(q), len(members), len(universe),
        )  # fmt: skip
        assert row.pvalue == pytest.approx(want, rel=1e-9)


def test_notes_name_their_side_and_a_missing_padj_column(null, tmp_path):
    _, _, summary = null
    assert any(n.startswith("RNA: 5054 rows with NA padj (not tested") for n in summary["notes"])
    assert all(n.startswith(("RNA: ", "peaks: ")) for n in summary["notes"])
    t = _table()
    t.drop(columns="padj").head(500).to_csv(tmp_path / "nopadj.csv", index=False)
    _null_peaks(tmp_path / "p.bed", t)
    s = run_integration(tmp_path / "n.duckdb", rna=tmp_path / "nopadj.csv",
                        peaks=tmp_path / "p.bed", genome="hg38", integration_id="np")  # fmt: skip
    (note,) = [n for n in s["notes"] if "adjusted p-value column" in n]
    assert note.startswith("RNA: the DE table has no adjusted p-value column")
    assert "'pvalue' is not adjusted" in note and "--rna-columns padj=COLUMN" in note
    assert "all 500 rows have NA padj" in note
    assert not [n for n in s["notes"] if "rows with NA padj" in n]
