"""Statistics of an integration: correlations, threshold sensitivity, BETA's KS test.

Inputs come from the SQL views (``integration_scores``, ``integration_genes``,
``integration_rp``); results are written to ``int_correlations``, ``int_sensitivity`` and
``int_beta_tests``. p-values and confidence intervals are SciPy's (``pearsonr`` with its Fisher
z interval, ``spearmanr``, ``ks_2samp``). Pairs and genes with a non-finite log2FC (±Inf or a
±1.79769e+308 sentinel, flagged ``*_nonfinite`` in the views) take part in no statistic: they
are dropped before the correlations and the sensitivity grid, and ``integration_rp`` classes
them ``excluded`` (outside the KS groups and background). Genes the DE tool did not test (NA
padj) are ``untested``: outside the KS groups and background too (BETA-identical mode keeps
BETA's own background instead, :mod:`chromdiff.integration.beta_mode`).
"""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from chromdiff.warehouse.db import transaction

#: Cutoff grid of the sensitivity table (the same |log2FC| and padj cutoff on both sides).
LFC_GRID = (0.0, 0.5, 1.0, 1.5, 2.0)
PADJ_GRID = (0.01, 0.05, 0.1)
CATEGORIES = ("Concordant up", "Concordant down", "Discordant open/down", "Discordant closed/up")


def _nan_none(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def correlate(x: np.ndarray, y: np.ndarray) -> dict:
    """Pearson r (p, 95% CI) and Spearman rho (p) of two equal-length arrays.

    Points where either value is not finite are dropped first (``n`` counts the rest); fewer
    than 3 points, or a constant side, give ``None`` for everything but ``n``.
    """
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    n = len(x)
    out = dict.fromkeys(
        (
            "pearson_r",
            "pearson_p",
            "pearson_ci_low",
            "pearson_ci_high",
            "spearman_rho",
            "spearman_p",
        )
    )
    out["n"] = n
    if n < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return out
    pr = stats.pearsonr(x, y)
    sr = stats.spearmanr(x, y)
    out.update(
        pearson_r=float(pr.statistic),
        pearson_p=float(pr.pvalue),
        spearman_rho=_nan_none(sr.statistic),
        spearman_p=_nan_none(sr.pvalue),
    )
    if n > 3:
        ci = pr.confidence_interval(0.95)
        out.update(pearson_ci_low=float(ci.low), pearson_ci_high=float(ci.high))
    return out


def _correlations(con: duckdb.DuckDBPyConnection, iid: str, pairs: pd.DataFrame) -> list[dict]:
    """Correlations of ``pairs`` (finite rows of ``integration_pairs``) and per-gene lead pairs."""
    pairs = pairs.dropna(subset=["atac_logfc", "rna_logfc"]).rename(
        columns={"atac_logfc": "x", "rna_logfc": "y"}
    )
    genes = con.execute(
        "select lead_atac_logfc as x, rna_logfc as y, lead_feature_class as feature_class, "
        "category from integration_genes where integration_id = ? "
        "and lead_atac_logfc is not null and rna_logfc is not null "
        "and not lead_atac_logfc_nonfinite and not rna_logfc_nonfinite order by gene_id",
        [iid],
    ).df()
    rows = []
    for level, df in (("pair", pairs), ("gene", genes)):
        for pair_set in ("significant", "linked"):
            sub = df[df["category"] != "Other"] if pair_set == "significant" else df
            for scope in ("all", "promoter", "distal"):
                s = sub if scope == "all" else sub[sub["feature_class"] == scope]
                res = correlate(s["x"].to_numpy(float), s["y"].to_numpy(float))
                rows.append({"level": level, "pair_set": pair_set, "scope": scope, **res})
    return rows


def _category(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.select(
        [(x > 0) & (y > 0), (x < 0) & (y < 0), (x > 0) & (y < 0), (x < 0) & (y > 0)],
        list(CATEGORIES),
        default="Other",
    )


def sensitivity(pairs: pd.DataFrame) -> list[dict]:
    """Correlation and category counts of the pairs significant on both sides, per grid cell.

    ``pairs`` has columns ``atac_logfc, atac_padj, rna_logfc, rna_padj, gene_id``.
    """
    rows = []
    for lfc in LFC_GRID:
        for padj in PADJ_GRID:
            sig = pairs[
                (pairs["atac_logfc"].abs() > lfc)
                & (pairs["atac_padj"] < padj)
                & (pairs["rna_logfc"].abs() > lfc)
                & (pairs["rna_padj"] < padj)
            ]
            x, y = sig["atac_logfc"].to_numpy(float), sig["rna_logfc"].to_numpy(float)
            res = correlate(x, y)
            cats = pd.Series(_category(x, y)).value_counts()
            rows.append(
                {
                    "lfc_cutoff": lfc,
                    "padj_cutoff": padj,
                    "n_pairs": len(sig),
                    "n_genes": int(sig["gene_id"].nunique()),
                    "pearson_r": res["pearson_r"],
                    "spearman_rho": res["spearman_rho"],
                    **{
                        f"n_{k}": int(cats.get(c, 0))
                        for k, c in zip(
                            (
                                "concordant_up",
                                "concordant_down",
                                "discordant_open_down",
                                "discordant_closed_up",
                            ),
                            CATEGORIES,
                            strict=True,
                        )
                    },
                }
            )
    return rows


def beta_tests(rp: pd.DataFrame) -> list[dict]:
    """Run BETA's one-sided KS tests: do up (down) genes have higher RP than non-DE genes.

    ``rp`` has columns ``rp`` and ``de_class`` (``integration_rp``: up / down / notdiff /
    untested / excluded). The background is the ``notdiff`` genes only: genes tested for DE and
    not called DE. Untested genes (NA padj: all-zero counts, independent filtering) are not
    "not DE", and as low-count genes they lie far from peaks, so counting them lowered the
    background's RP and made a null design look significant. The alternative is that the
    group's RP distribution lies to the right of the background's (SciPy's
    ``alternative="less"``: the group's empirical CDF lies below the background's).
    """
    bg = rp.loc[rp["de_class"] == "notdiff", "rp"].to_numpy(float)
    rows = []
    for direction in ("up", "down"):
        grp = rp.loc[rp["de_class"] == direction, "rp"].to_numpy(float)
        stat = pval = None
        if len(grp) and len(bg):
            method = "exact" if len(grp) * len(bg) <= 10_000 else "asymp"
            res = stats.ks_2samp(grp, bg, alternative="less", method=method)
            stat, pval = float(res.statistic), float(res.pvalue)
        rows.append(
            {
                "direction": direction,
                "n_genes": len(grp),
                "n_background": len(bg),
                "ks_stat": stat,
                "p_value": pval,
                "median_rp": float(np.median(grp)) if len(grp) else None,
                "median_rp_background": float(np.median(bg)) if len(bg) else None,
            }
        )
    return rows


def _insert(con: duckdb.DuckDBPyConnection, table: str, iid: str, rows: list[dict]) -> None:
    if not rows:
        return
    df = pd.DataFrame(rows)
    df.insert(0, "integration_id", iid)
    con.register("_int_rows", df)
    cols = ", ".join(df.columns)
    con.execute(f"insert into {table} ({cols}) select {cols} from _int_rows")
    con.unregister("_int_rows")


def compute_stats(con: duckdb.DuckDBPyConnection, integration_id: str) -> dict:
    """Compute and store every statistic of one integration; mark it ``computed``.

    ``done`` is set only when the run is published
    (:func:`chromdiff.integration.staging.publish_rows`).

    Returns
    -------
    dict
        The overall pair-level Pearson/Spearman of significant pairs and the KS p-values.
    """
    pairs = con.execute(
        "select atac_logfc, atac_padj, rna_logfc, rna_padj, gene_id, feature_class, category "
        "from integration_pairs where integration_id = ? "
        "and not atac_logfc_nonfinite and not rna_logfc_nonfinite "
        "order by peak_id, gene_id, rule",  # a fixed order: the same sums on every run
        [integration_id],
    ).df()
    corr = _correlations(con, integration_id, pairs)
    sens = sensitivity(pairs)
    rp = con.execute(
        "select rp, de_class from integration_rp where integration_id = ? order by gene_id",
        [integration_id],
    ).df()
    beta = beta_tests(rp)
    with transaction(con):
        for t in ("int_correlations", "int_sensitivity", "int_beta_tests"):
            con.execute(f"delete from {t} where integration_id = ?", [integration_id])
        _insert(con, "int_correlations", integration_id, corr)
        _insert(con, "int_sensitivity", integration_id, sens)
        _insert(con, "int_beta_tests", integration_id, beta)
        con.execute(
            "update integrations set status = 'computed', updated_at = current_timestamp "
            "where integration_id = ?",
            [integration_id],
        )
    main = next(
        r for r in corr if (r["level"], r["pair_set"], r["scope"]) == ("pair", "significant", "all")
    )
    return {
        "n_significant_pairs": main["n"],
        "pearson_r": main["pearson_r"],
        "spearman_rho": main["spearman_rho"],
        "ks_p_up": beta[0]["p_value"],
        "ks_p_down": beta[1]["p_value"],
    }
