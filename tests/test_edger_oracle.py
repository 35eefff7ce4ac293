"""Real edgeR as the oracle of the fake server's diffbind statistics.

ChIP-Atlas's server runs edgeR (2025 script ``edgeR.r``: filterByExpr, TMM, estimateCommonDisp +
estimateTagwiseDisp, ``exactTest(pair = 2:1)``, BH). ``tests/data/edger_oracle.R`` runs those
same calls through ``Rscript`` on the fake server's simulated raw counts
(``Simulated.raw_counts``), and the fake server's two statistics modes are checked against it:

``Scenario(statistics="edger")`` — the numpy port ``chromdiff.edger.classic.edger_classic``
    Asserted edgeR-equivalent: the same rows kept, TMM factors and dispersions to 1e-8
    (relative), logFC to 1e-8 (absolute), p-values and FDR to 1e-6 (relative), pseudo-counts to
    1e-6 (absolute). Measured with edgeR 3.40.2: logFC within 7e-13, p/FDR within 4e-10
    relative, pseudo-counts within 6e-10, dispersions within 2e-11 relative. Replicated designs,
    1 vs n, and 1 vs 1 (the GLM deviance common dispersion and CPM, measured: dispersion
    within 1e-15 relative, p within 1e-13 relative); zero and single-sample rows.

``Scenario(statistics="approx")`` — the default, fast approximations for every region
    (TMM-like factors, pseudo-counts ``raw / eff * mean(eff)``, logFC = log2((mean A + 0.5) /
    (mean B + 0.5)), an overdispersion-corrected binomial test, no filterByExpr). Not
    edgeR-equivalent; the documented agreement on the rows edgeR keeps (measured on 2,000-5,000
    regions, asserted bound in brackets): logFC Pearson/Spearman >= 0.998 (> 0.995), median
    |difference| 0.005-0.016 (< 0.05), single rows up to ~0.8 (~2 for 1 vs 1); p-value Spearman
    0.94-0.96 (> 0.9), median |log10 p difference| 0.06-0.10 (< 0.2); calls at FDR < 0.05
    Jaccard 0.81-0.93 (> 0.75; 1 vs 1: 0.5, > 0.35); the same sign on every region either side
    calls; pseudo-counts median relative difference 1-2 % (< 5 %; 1 vs 1: the server writes CPM,
    ranks only). ``filterByExpr`` drops 5-12 % of the simulated regions, which approx keeps.

``simulate.bh`` equals R's ``p.adjust(method = "BH")`` to 1e-12 in both modes.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from chromdiff.edger.classic import edger_classic
from chromdiff.fakeapi.simulate import bh, simulate_diffbind

R_SCRIPT = Path(__file__).parent / "data" / "edger_oracle.R"


def _edger_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(
        ["Rscript", "-e", "suppressPackageStartupMessages(library(edgeR))"],
        capture_output=True,
        timeout=120,
    )
    return probe.returncode == 0


pytestmark = [
    pytest.mark.edger,
    pytest.mark.skipif(
        not _edger_available(),
        reason="needs Rscript with edgeR (apt-get install -y r-bioc-edger)",
    ),
]


def run_edger(raw: np.ndarray, n_a: int, n_b: int, tmp_path: Path) -> pd.DataFrame:
    """Run ``edger_oracle.R`` on raw counts (A columns first); return its table, one row each.

    Parameters
    ----------
    raw : numpy.ndarray
        ``(n_regions, n_a + n_b)`` integer counts.
    n_a, n_b : int
        Group sizes.
    tmp_path : Path
        Folder for the count and result TSVs.

    Returns
    -------
    pandas.DataFrame
        ``id, keep, logFC, PValue, FDR`` and one normalised-count column per experiment, in the
        input row order.
    """
    cols = [f"A{i}" for i in range(n_a)] + [f"B{i}" for i in range(n_b)]
    counts = pd.DataFrame(raw.astype(np.int64), columns=cols)
    counts.insert(0, "id", [f"r{i}" for i in range(len(counts))])
    counts_path, out_path = tmp_path / "counts.tsv", tmp_path / "edger.tsv"
    counts.to_csv(counts_path, sep="\t", index=False)
    proc = subprocess.run(
        ["Rscript", str(R_SCRIPT), str(counts_path), str(n_a), str(n_b), str(out_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = pd.read_csv(out_path, sep="\t")
    assert out["id"].tolist() == counts["id"].tolist()
    return out


@pytest.fixture(scope="module")
def oracle(tmp_path_factory):
    """Simulate each design once and run edgeR on its raw counts."""
    cache: dict[tuple[int, int, int, int], tuple] = {}

    def get(n_a: int, n_b: int, n: int, seed: int = 7, sex_confound: bool = False):
        key = (n_a, n_b, n, seed, sex_confound)
        if key not in cache:
            sim = simulate_diffbind(n_a, n_b, n, seed, sex_confound=sex_confound)
            tmp = tmp_path_factory.mktemp(f"edger_{n_a}v{n_b}_{n}_{seed}")
            cache[key] = (sim, run_edger(sim.raw_counts, n_a, n_b, tmp))
        return cache[key]

    return get


REPLICATED = [(3, 3, 3000, 7), (2, 4, 3000, 11), (4, 4, 4000, 3)]
#: Designs of the edgeR port: replicated, 1 vs n (classic path too), a chrY B-only-zero confound.
PORTED = [(*d, False) for d in REPLICATED] + [(1, 2, 2000, 5, False), (2, 2, 3000, 9, True)]
#: 1 vs 1: edgeR.r's other branch (estimateGLMCommonDisp deviance robust, CPM written).
PORTED += [(1, 1, 3000, 7, False), (1, 1, 2000, 13, False)]


@pytest.mark.parametrize(("n_a", "n_b", "n", "seed", "sex"), PORTED)
def test_edger_port_is_edger_equivalent(oracle, n_a, n_b, n, seed, sex):
    """``edger_classic`` reproduces edgeR's kept rows, dispersions, logFC, p, FDR, pseudo-counts."""
    sim, ed = oracle(n_a, n_b, n, seed, sex)
    res = edger_classic(sim.raw_counts, n_a, n_b)
    keep = ed["keep"].to_numpy()
    np.testing.assert_array_equal(res.keep, keep)
    kept = ed[keep]
    np.testing.assert_allclose(res.tagwise_dispersion, kept["dispersion"], rtol=1e-8)
    np.testing.assert_allclose(res.logfc, kept["logFC"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(res.pvalue, kept["PValue"], rtol=1e-6, atol=1e-300)
    np.testing.assert_allclose(res.fdr, kept["FDR"], rtol=1e-6, atol=1e-300)
    cols = [f"A{i}" for i in range(n_a)] + [f"B{i}" for i in range(n_b)]
    np.testing.assert_allclose(res.pseudo, kept[cols].to_numpy(), rtol=0, atol=1e-6)


@pytest.mark.parametrize(("n_a", "n_b"), [(3, 3), (1, 1)])
def test_edger_port_with_zero_and_single_sample_rows(tmp_path, n_a, n_b):
    """All-zero rows and rows with one non-zero sample: same kept rows and statistics."""
    raw = simulate_diffbind(n_a, n_b, 1500, 21).raw_counts.copy()
    raw[:60] = 0
    raw[60:120] = 0
    raw[60:120, 0] = np.arange(60) * 3  # one sample only, from 0 to 177
    ed = run_edger(raw, n_a, n_b, tmp_path)
    res = edger_classic(raw, n_a, n_b)
    keep = ed["keep"].to_numpy()
    np.testing.assert_array_equal(res.keep, keep)
    assert not keep[:60].any() and not keep[60:120].all()
    assert keep[60:120].any() == (min(n_a, n_b) == 1)  # filterByExpr's min group size
    kept = ed[keep]
    np.testing.assert_allclose(res.logfc, kept["logFC"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(res.pvalue, kept["PValue"], rtol=1e-6, atol=1e-300)
    np.testing.assert_allclose(res.fdr, kept["FDR"], rtol=1e-6, atol=1e-300)
    cols = [f"A{i}" for i in range(n_a)] + [f"B{i}" for i in range(n_b)]
    np.testing.assert_allclose(res.pseudo, kept[cols].to_numpy(), rtol=0, atol=1e-6)


def test_fake_server_edger_mode_serves_1v1_from_the_port():
    """1 vs 1 no longer falls back to the approximations: CPM and the GLM dispersion's test."""
    sim = simulate_diffbind(1, 1, 800, 4)
    res = edger_classic(sim.raw_counts, 1, 1)
    fake = simulate_diffbind(1, 1, 800, 4, statistics="edger")
    assert res.single and len(fake.chrom) == int(res.keep.sum())
    np.testing.assert_allclose(np.sort(fake.pvalue), np.sort(res.pvalue), rtol=1e-12)


def test_fake_server_edger_mode_serves_the_port():
    """``statistics="edger"`` returns the kept rows of the port, in genome order."""
    sim = simulate_diffbind(3, 3, 1500, 4)
    res = edger_classic(sim.raw_counts, 3, 3)
    fake = simulate_diffbind(3, 3, 1500, 4, statistics="edger")
    assert len(fake.chrom) == int(res.keep.sum())
    # simulate sorts by genome position; the port keeps the simulated row order of the raw counts
    key = {(c, s): i for i, (c, s) in enumerate(zip(sim.chrom[res.keep], sim.start[res.keep],
                                                    strict=True))}  # fmt: skip
    idx = np.array([key[(c, s)] for c, s in zip(fake.chrom, fake.start, strict=True)])
    # (row order only changes float summation order and moving-average tie breaks)
    np.testing.assert_allclose(fake.logfc, res.logfc[idx], rtol=0, atol=1e-8)
    np.testing.assert_allclose(fake.qvalue, res.fdr[idx], rtol=1e-6)
    np.testing.assert_allclose(fake.counts_b, res.pseudo[idx, 3:], rtol=0, atol=1e-6)


def test_raw_counts_are_exposed_and_consistent():
    """The simulated raw counts are integers and give the written pseudo-counts' ranks."""
    sim = simulate_diffbind(2, 3, 500, 5)
    assert sim.raw_counts.shape == (500, 5)
    assert np.issubdtype(sim.raw_counts.dtype, np.integer)
    pseudo = np.concatenate([sim.counts_a, sim.counts_b], axis=1)
    for j in range(5):  # pseudo-counts are one positive scale factor per column
        nz = sim.raw_counts[:, j] > 0
        ratio = pseudo[nz, j] / sim.raw_counts[nz, j]
        np.testing.assert_allclose(ratio, ratio[0], rtol=1e-9)


@pytest.mark.parametrize(("n_a", "n_b", "n", "seed"), REPLICATED)
def test_bh_matches_edger_fdr_exactly(oracle, n_a, n_b, n, seed):
    """``simulate.bh`` is R's BH adjustment: edgeR's own p-values give edgeR's FDR."""
    _, ed = oracle(n_a, n_b, n, seed)
    kept = ed[ed["keep"]]
    np.testing.assert_allclose(bh(kept["PValue"].to_numpy()), kept["FDR"], rtol=1e-12, atol=0)


@pytest.mark.parametrize(("n_a", "n_b", "n", "seed"), REPLICATED)
def test_replicated_statistics_agree_with_edger(oracle, n_a, n_b, n, seed):
    """logFC, p-values, calls and pseudo-counts are close to edgeR's (documented bounds)."""
    sim, ed = oracle(n_a, n_b, n, seed)
    keep = ed["keep"].to_numpy()
    assert 0.8 < keep.mean() < 1.0  # filterByExpr drops low-count rows; the fake keeps all
    lfc_e, lfc_f = ed["logFC"].to_numpy()[keep], sim.logfc[keep]
    assert stats.pearsonr(lfc_e, lfc_f)[0] > 0.995
    assert stats.spearmanr(lfc_e, lfc_f)[0] > 0.995
    assert np.median(np.abs(lfc_e - lfc_f)) < 0.05
    p_e, p_f = ed["PValue"].to_numpy()[keep], sim.pvalue[keep]
    assert stats.spearmanr(p_e, p_f)[0] > 0.9
    assert np.median(np.abs(np.log10(p_e) - np.log10(p_f))) < 0.2
    sig_e = ed["FDR"].to_numpy()[keep] < 0.05
    sig_f = bh(p_f) < 0.05  # the fake's q over the same (kept) rows
    assert sig_e.sum() > 50
    assert (sig_e & sig_f).sum() / (sig_e | sig_f).sum() > 0.75
    either = sig_e | sig_f
    assert np.all(np.sign(lfc_e[either]) == np.sign(lfc_f[either]))  # positive = A, as edgeR
    norm_e = ed[[f"A{i}" for i in range(n_a)] + [f"B{i}" for i in range(n_b)]].to_numpy()[keep]
    norm_f = np.concatenate([sim.counts_a, sim.counts_b], axis=1)[keep]
    assert np.median(np.abs(norm_e - norm_f) / (norm_e + 1)) < 0.05


def test_single_replicate_statistics_agree_with_edger(oracle):
    """1 vs 1 (edgeR's deviance GLM dispersion, CPM output): looser, rank-level agreement."""
    sim, ed = oracle(1, 1, 3000, 7)
    keep = ed["keep"].to_numpy()
    lfc_e, lfc_f = ed["logFC"].to_numpy()[keep], sim.logfc[keep]
    assert stats.spearmanr(lfc_e, lfc_f)[0] > 0.995
    assert np.median(np.abs(lfc_e - lfc_f)) < 0.05
    p_e, p_f = ed["PValue"].to_numpy()[keep], sim.pvalue[keep]
    assert stats.spearmanr(p_e, p_f)[0] > 0.9
    sig_e, sig_f = ed["FDR"].to_numpy()[keep] < 0.05, bh(p_f) < 0.05
    assert (sig_e & sig_f).sum() / max((sig_e | sig_f).sum(), 1) > 0.35
    for col, fake in (("A0", sim.counts_a[:, 0]), ("B0", sim.counts_b[:, 0])):
        assert stats.spearmanr(ed[col].to_numpy()[keep], fake[keep])[0] > 0.999


def test_tmm_of_columns_sharing_no_nonzero_row_is_edgers(tmp_path):
    """Two samples whose non-zero rows never meet (1 vs chr1 naming): edgeR's TMM factor is 1
    for that pair (max(abs(logR)) of no value is -Inf in R); the port crashed on np.max([])."""
    from chromdiff.edger.classic import calc_norm_factors

    y = np.array([[10, 0, 7], [20, 0, 9], [0, 30, 0], [0, 12, 0], [5, 0, 6]], float)
    np.savetxt(tmp_path / "y.tsv", y, delimiter="\t")
    script = (
        "suppressPackageStartupMessages(library(edgeR)); "
        f"y <- as.matrix(read.table('{tmp_path / 'y.tsv'}')); "
        "cat(sprintf('%.17g', calcNormFactors(DGEList(y))$samples$norm.factors), sep='\\t')"
    )
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True)
    want = np.array([float(v) for v in out.stdout.split("\t")])
    got = calc_norm_factors(y, y.sum(0))
    assert np.allclose(got, want, rtol=1e-10)


def test_r_engine_errors_show_rs_message(tmp_path):
    """R ends a failure with 'Execution halted': the message shown is R's error itself."""
    from chromdiff.edger.diffbind import r_error

    script = "suppressPackageStartupMessages(library(edgeR)); DGEList(matrix(-1, 2, 2))"
    proc = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True)
    assert proc.returncode != 0 and proc.stderr.strip().endswith("Execution halted")
    assert "Negative counts not allowed" in r_error(proc.stderr)
