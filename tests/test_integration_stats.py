"""Statistics against textbook formulas: Pearson t-test and Fisher CI, Spearman, BETA's KS."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import special

from chromdiff.integration.stats import beta_tests, correlate, sensitivity


def test_pearson_p_and_ci_by_formula():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])
    y = np.array([2.1, 1.9, 3.5, 3.9, 6.2, 5.1, 7.9, 7.0])
    res = correlate(x, y)
    n = len(x)
    xm, ym = x - x.mean(), y - y.mean()
    r = (xm @ ym) / math.sqrt((xm @ xm) * (ym @ ym))
    t = r * math.sqrt((n - 2) / (1 - r * r))
    p = special.betainc((n - 2) / 2, 0.5, (n - 2) / (n - 2 + t * t))  # two-sided t-test
    z, se = math.atanh(r), 1 / math.sqrt(n - 3)
    assert res["n"] == n
    assert res["pearson_r"] == pytest.approx(r)
    assert res["pearson_p"] == pytest.approx(p, rel=1e-9)
    assert res["pearson_ci_low"] == pytest.approx(math.tanh(z - 1.959963984540054 * se))
    assert res["pearson_ci_high"] == pytest.approx(math.tanh(z + 1.959963984540054 * se))


def test_spearman_is_pearson_of_ranks():
    x = np.array([10.0, 20.0, 20.0, 40.0, 5.0, 7.0])
    y = np.array([1.0, 3.0, 2.0, 9.0, 0.5, 0.7])
    rx = pd.Series(x).rank().to_numpy()  # average ranks for ties
    ry = pd.Series(y).rank().to_numpy()
    assert correlate(x, y)["spearman_rho"] == pytest.approx(np.corrcoef(rx, ry)[0, 1])


def test_degenerate_inputs_give_none():
    assert correlate(np.array([1.0, 2.0]), np.array([1.0, 2.0]))["pearson_r"] is None
    assert correlate(np.ones(5), np.arange(5.0))["pearson_r"] is None
    assert correlate(np.array([]), np.array([]))["n"] == 0


def test_beta_ks_direction():
    rng = np.random.default_rng(0)
    rp = pd.DataFrame({
        "rp": np.concatenate([rng.exponential(0.1, 500), rng.exponential(0.6, 60),
                              rng.exponential(0.1, 60)]),
        "de_class": ["notdiff"] * 500 + ["up"] * 60 + ["down"] * 60,
    })  # fmt: skip
    up, down = beta_tests(rp)
    assert up["direction"] == "up" and up["n_genes"] == 60 and up["n_background"] == 500
    assert up["p_value"] < 1e-6  # up genes have higher RP: activating
    assert down["p_value"] > 0.01
    # the statistic is the largest amount by which the background CDF exceeds the group's
    grid = np.sort(rp["rp"].to_numpy())
    bg, grp = rp[rp.de_class == "notdiff"].rp.to_numpy(), rp[rp.de_class == "up"].rp.to_numpy()
    d = max(np.mean(bg <= v) - np.mean(grp <= v) for v in grid)
    assert up["ks_stat"] == pytest.approx(d)


def test_sensitivity_counts():
    pairs = pd.DataFrame({
        "atac_logfc": [2.0, -2.0, 1.2, -0.6, 3.0],
        "atac_padj": [0.001, 0.001, 0.03, 0.001, 0.2],
        "rna_logfc": [1.5, -3.0, -1.1, 2.0, 3.0],
        "rna_padj": [0.001, 0.002, 0.02, 0.001, 0.001],
        "gene_id": ["a", "b", "c", "d", "e"],
    })  # fmt: skip
    rows = {(r["lfc_cutoff"], r["padj_cutoff"]): r for r in sensitivity(pairs)}
    r = rows[(1.0, 0.05)]
    assert (
        r["n_pairs"],
        r["n_concordant_up"],
        r["n_concordant_down"],
        r["n_discordant_open_down"],
        r["n_discordant_closed_up"],
    ) == (3, 1, 1, 1, 0)
    assert rows[(0.5, 0.01)]["n_pairs"] == 3  # a, b, d
    assert rows[(0.5, 0.01)]["n_discordant_closed_up"] == 1
    assert rows[(0.0, 0.1)]["n_pairs"] == 4
    assert rows[(2.0, 0.1)]["n_pairs"] == 0 and rows[(2.0, 0.1)]["pearson_r"] is None
