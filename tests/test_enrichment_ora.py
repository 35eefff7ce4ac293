"""Gene-list ORA: hand-computed hypergeometric case, GMT bad input, and goseq/R as the oracle."""

from __future__ import annotations

import re
import shutil
import subprocess
from math import comb
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from chromdiff.enrichment.gmt import load_gmt_sets, read_gmt
from chromdiff.enrichment.go import load_go_sets
from chromdiff.enrichment.ora import ora
from chromdiff.errors import InputError
from tests.realdata import REAL

R_SCRIPT = Path(__file__).parent / "data" / "enrichment" / "ora_oracle.R"


def _gmt(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "sets.gmt"
    p.write_text(text)
    return p


def test_hand_computed_hypergeometric(tmp_path):
    # Universe: g1..g20, all annotated (set S has g1..g5, set T has g6..g20). Query g1,g2,g3,g6.
    universe = [f"g{i}" for i in range(1, 21)]
    gmt = _gmt(
        tmp_path,
        "S\tfirst five\t" + "\t".join(universe[:5]) + "\nT\tna\t" + "\t".join(universe[5:]) + "\n",
    )
    con = duckdb.connect()
    load_gmt_sets(con, gmt, "s")
    res = ora(con, ["g1", "g2", "g3", "g6", "g6"], "s", universe, min_size=1, max_size=500)
    s = res.set_index("set_id").loc["S"]
    # P(X >= 3), X ~ Hyper(N=20, M=5, n=4) = (C(5,3)C(15,1) + C(5,4)C(15,0)) / C(20,4)
    p = (comb(5, 3) * comb(15, 1) + comb(5, 4)) / comb(20, 4)
    assert s.pvalue == pytest.approx(p, rel=1e-12)
    assert (s.k, s.n_query, s.set_size, s.universe_size) == (3, 4, 5, 20)
    assert s.expected == pytest.approx(1.0) and s.fold == pytest.approx(3.0)
    assert s.genes == "g1/g2/g3" and s.set_name == "first five"
    t = res.set_index("set_id").loc["T"]
    assert t.set_name == "T" and t.k == 1
    # BH over the two tested sets (p1 <= p2): adj2 = p2, adj1 = min(2 p1, p2).
    p1, p2 = np.sort(res.pvalue.to_numpy())
    assert np.sort(res.padj.to_numpy()) == pytest.approx(sorted([min(2 * p1, p2), p2]))


def test_size_limits_are_counted_within_the_universe(tmp_path):
    genes = [f"g{i}" for i in range(1, 13)]
    gmt = _gmt(tmp_path, "A\tA\t" + "\t".join(genes) + "\nB\tB\tg1\tg2\n")
    con = duckdb.connect()
    load_gmt_sets(con, gmt, "s")
    # 12 genes in A, but only 9 of them in the universe: below min_size 10, A is not tested.
    res = ora(con, ["g1", "g2", "g3"], "s", genes[:9], min_size=10)
    assert res.empty
    assert list(ora(con, ["g1", "g2", "g3"], "s", genes, min_size=10).set_id) == ["A"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A\tdesc\n", r"sets\.gmt:1: GMT lines need"),
        ("A\tdesc\tg1\n\nB\tdesc\t\t\n", r"sets\.gmt:3: gene set 'B' lists no genes"),
        ("A\td\tg1\nA\td\tg2\n", r"sets\.gmt:2: gene set 'A' already defined on line 1"),
        ("\tdesc\tg1\n", r"sets\.gmt:1: empty gene-set name"),
        ("\n\n", r"sets\.gmt: no gene sets"),
    ],
)
def test_malformed_gmt_names_file_and_line(tmp_path, text, message):
    with pytest.raises(InputError, match=message):
        read_gmt(_gmt(tmp_path, text))


def test_empty_list_and_no_overlap_are_clear_errors(tmp_path):
    con = duckdb.connect()
    load_gmt_sets(con, _gmt(tmp_path, "A\tA\tg1\tg2\n"), "s")
    with pytest.raises(InputError, match="up genes: the gene list is empty"):
        ora(con, [], "s", label="up genes")
    with pytest.raises(InputError, match="none of the 2 genes is in the universe"):
        ora(con, ["x1", "x2"], "s")


def test_lists_of_fewer_than_three_genes_are_not_tested(tmp_path):
    """One gene (TP53) was "378 terms with padj < 0.05": each set holding it gets p = M / N.
    Universe g1..g20 (S = g1..g5); the floor counts the genes within the universe."""
    from chromdiff.enrichment.ora import MIN_QUERY_GENES, TooFewGenes, Universe

    universe = [f"g{i}" for i in range(1, 21)]
    gmt = _gmt(tmp_path, "S\tS\t" + "\t".join(universe[:5]) + "\nT\tT\t" + "\t".join(universe[5:]))
    con = duckdb.connect()
    load_gmt_sets(con, gmt, "s")
    assert MIN_QUERY_GENES == 3
    with Universe(con, "s", universe) as within:  # as the integration's lists are run
        cases = {
            "only 1 of the list's genes is in the universe (g1)": ["g1"],
            "only 2 of the list's genes are in the universe (g1, g2)": ["g1", "g2", "x9"],
        }
        for said, genes in cases.items():
            with pytest.raises(TooFewGenes, match=re.escape(f"short: not tested: {said}")):
                ora(con, genes, "s", label="short", min_size=1, prepared=within)
        res = ora(con, ["g1", "g2", "g3"], "s", min_size=1, prepared=within).set_index("set_id")
    assert issubclass(TooFewGenes, InputError)  # the integration notes it as "skipped"
    # three genes are tested: P(X >= 3), X ~ Hyper(N=20, M=5, n=3) = C(5,3) / C(20,3)
    assert res.loc["S", "pvalue"] == pytest.approx(comb(5, 3) / comb(20, 3), rel=1e-12)


def _real_lists() -> tuple[list[str], list[str]]:
    d = pd.read_csv(REAL / "deseq2_GSE37704_hg38" / "deseq_results.csv.gz")
    d = d[d.entrez.notna()]
    ids = d.entrez.astype("int64").astype(str)
    up = ids[(d.padj < 0.01) & (d.log2FoldChange > 1)]
    return list(ids.unique()), list(up.unique())


def _goseq_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(
        ["Rscript", "-e", "suppressMessages({library(goseq); library(org.Hs.eg.db)})"],
        capture_output=True,
        timeout=120,
    )
    return probe.returncode == 0


@pytest.mark.goseq
@pytest.mark.slow
@pytest.mark.skipif(
    not _goseq_available(),
    reason="needs Rscript with goseq + org.Hs.eg.db (apt-get install r-bioc-goseq "
    "r-bioc-org.hs.eg.db)",
)
def test_go_bp_ora_equals_goseq_on_real_deseq2_lists(tmp_path):
    """GSE37704 (HOXA1 knock-down) up genes vs every measured gene; GO BP from org.Hs.eg.db."""
    universe, up = _real_lists()
    (tmp_path / "u.txt").write_text("\n".join(universe) + "\n")
    (tmp_path / "q.txt").write_text("\n".join(up) + "\n")
    subprocess.run(
        ["Rscript", str(R_SCRIPT), *(str(tmp_path / f) for f in ("u.txt", "q.txt", "o.tsv"))],
        check=True,
        capture_output=True,
        timeout=600,
    )
    ref = pd.read_csv(tmp_path / "o.tsv", sep="\t")
    con = duckdb.connect()
    load_go_sets(con, "BP", "s")
    ours = ora(con, up, "s", universe)
    assert len(ours) > 4000
    m = ours.merge(ref, on="set_id", how="outer", suffixes=("", "_r"), indicator=True)
    assert (m["_merge"] == "both").all(), "the same terms are tested"
    assert (m.k == m.k_r).all() and (m.set_size == m.set_size_r).all()
    np.testing.assert_allclose(m.pvalue, m.pvalue_r, rtol=1e-10, atol=0)
    np.testing.assert_allclose(m.padj, m.padj_r, rtol=1e-10, atol=0)
    assert ours.padj.iloc[0] < 1e-3  # a real signal, not a degenerate comparison


def test_go_applies_to_embedded_human_annotations_only():
    from chromdiff.enrichment.sources import go_available

    assert go_available("hg38", "embedded:hg38") is None
    assert go_available("hg19", None) is None
    assert "GO is human only" in go_available("mm10", "embedded:mm10")
    assert "not Entrez ids" in go_available("hg38", "gtf:0123abcd")


def test_survival_functions_skip_only_exact_ones():
    """k <= 0 gives exactly 1 without scipy; every other term is scipy's value, bit for bit."""
    import numpy as np
    from scipy.stats import binom, hypergeom

    from chromdiff.enrichment.great import binom_sf
    from chromdiff.enrichment.ora import hyper_sf

    rng = np.random.default_rng(3)
    big_k = rng.integers(1, 500, 3000)
    k = rng.integers(0, 20, 3000)
    k[::3] = 0
    want = hypergeom.sf(k - 1, 18_000, big_k, 3_000)
    assert np.array_equal(hyper_sf(k, big_k, 18_000, 3_000), want)
    p = rng.random(3000) * 0.01
    assert np.array_equal(binom_sf(k, 1_000, p), binom.sf(k - 1, 1_000, p))
    assert (hyper_sf(k, big_k, 18_000, 3_000)[k == 0] == 1.0).all()


def test_lists_against_one_prepared_universe_equal_separate_calls():
    """Real DESeq2 lists (GSE37704) vs GO BP: a shared Universe gives each list's own result."""
    from chromdiff.enrichment.ora import Universe

    universe, up = _real_lists()
    con = duckdb.connect()
    load_go_sets(con, "BP", "s")
    lists = {"up": up, "first 800": universe[:800], "unknown ids": ["x1", "x2"]}
    alone = {}
    for name, genes in lists.items():
        try:
            alone[name] = ora(con, genes, "s", universe, label=name)
        except InputError as exc:
            alone[name] = str(exc)
    with Universe(con, "s", universe) as within:
        annotated = {r[0] for r in con.sql("select gene_id from s").fetchall()}
        assert within.size == len(set(universe) & annotated)
        for name, genes in lists.items():
            try:
                got = ora(con, genes, "s", label=name, prepared=within)
            except InputError as exc:
                got = str(exc)
            if isinstance(got, str):
                assert got == alone[name] and "none of the 2 genes" in got
            else:
                pd.testing.assert_frame_equal(got, alone[name])
                assert len(got) > 100
        with pytest.raises(ValueError, match="prepared universe is of s"):
            ora(con, up, "other", prepared=within)
    left = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert left == {"s"}  # the universe's tables are dropped with the block


@pytest.mark.parametrize("entries", [["TRP53", "MYC", "SOX2", "NANOG"], ["22059", "17869", "20674",
                                                                        "71950"]])  # fmt: skip
def test_gmt_and_list_meet_through_the_annotation(tmp_path, entries):
    """enrich --genes with a GMT on mm10 (no GO): the list in upper case, or as Entrez IDs
    (Trp53 22059, Myc 17869, Sox2 20674, Nanog 71950: NCBI Gene), meets the GMT's mouse-case
    symbols through the embedded annotation; before, only the GMT's exact spelling matched."""
    import duckdb

    from chromdiff.enrichment.adhoc import enrich_genes
    from chromdiff.warehouse.db import apply_schema

    gmt = tmp_path / "m.gmt"
    gmt.write_text("SET1\tx\tTrp53\tMyc\tSox2\tPou5f1\tNanog\tActb\tGapdh\tParp1\tGnaq\tPolb\n")
    genes = tmp_path / "g.txt"
    genes.write_text("\n".join(entries) + "\n")
    con = duckdb.connect()
    apply_schema(con)
    df = enrich_genes(con, genes, genome="mm10", ontologies=(), gmt=gmt, min_size=1)
    assert df.loc[0, "set_id"] == "SET1" and df.loc[0, "k"] == 4
