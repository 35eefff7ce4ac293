"""Content of the integration report: numbers queried from the database, as a list of blocks.

Blocks are ``("h2", text)``, ``("p", text)``, ``("caveat", text)``, ``("table", header, rows)``
and ``("figure", stem, caption)``; :mod:`chromdiff.integration.report` renders them as Markdown
and HTML, so both say exactly the same thing.
"""

from __future__ import annotations

import duckdb

from chromdiff.integration.comparison_qc import is_warning, warning_order
from chromdiff.integration.params import stored_integration
from chromdiff.report.text import fmt_gene_distance, fmt_num, fmt_q, shown_path

CAVEATS = (
    "Proximity is not regulation: a peak is linked to a gene by distance alone "
    "({link_rule}); enhancers often act on genes other than the nearest one, so each pair is a "
    "hypothesis to test (e.g. CRISPRi, reporter assays, chromatin conformation data).",
    "Correlation across genes of two fold changes says nothing about causality or direction; "
    "both may respond to the same stimulus independently.",
    "Categories depend on the cutoffs (|log2FC| > {atac_lfc} and padj < {atac_padj} for peaks, "
    "|log2FC| > {rna_lfc} and padj < {rna_padj} for genes): see the sensitivity table before "
    "quoting counts.",
    "A gene with several linked peaks is counted once in per-gene numbers (its lead pair); "
    "pair-level numbers count it once per peak.",
    "padj = 0 is floored at 1e-300 (−log10 = 300) in significance scores; NA padj is never "
    "significant and gives no score, so an NA pair never ranks above a pair with real p-values.",
)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, iid: str) -> list[tuple]:
    return con.execute(sql, [iid]).fetchall()


def nonfinite_note(con: duckdb.DuckDBPyConnection, iid: str) -> str | None:
    """Return the note counting what a non-finite log2FC kept out of the statistics, or None."""
    n_genes, n_peaks, n_pairs = _rows(
        con,
        """select (select count(*) from integration_rp
                   where integration_id = $1 and de_class = 'excluded'),
                  (select count(*) from int_peaks where integration_id = $1
                   and logfc is not null and not (isfinite(logfc) and abs(logfc) < 1e300)),
                  (select count(*) from integration_pairs where integration_id = $1
                   and (atac_logfc_nonfinite or rna_logfc_nonfinite))""",
        iid,
    )[0]
    if not (n_genes or n_peaks or n_pairs):
        return None
    return (
        f"Excluded from statistics: {n_genes:,} genes and {n_peaks:,} peaks with a non-finite "
        f"log2FC (±Inf or a ±1.79769e+308 sentinel), {n_pairs:,} linked pairs. They are never "
        "significant and are left out of the correlations, the sensitivity grid, the KS tests, "
        "the target ranking, the scores and every chart; the exported tables keep them, flagged "
        "(rna_logfc_nonfinite / atac_logfc_nonfinite, de_class = excluded)."
    )


def build_blocks(
    con: duckdb.DuckDBPyConnection,
    iid: str,
    figures: dict[str, str],
    *,
    name: str | None = None,
    report_dir=None,
) -> list:
    """Return the report blocks of integration ``iid`` (``figures``: stem -> caption).

    ``name`` is the id shown (default ``iid``; the real id while ``iid`` is a staged one).
    Input paths are shown relative to ``report_dir`` (the report's final folder) when nearby,
    else by file name (:func:`~chromdiff.report.text.shown_path`).
    """
    s = stored_integration(con, iid)
    sim = " (SIMULATED data)" if s["simulated"] else ""
    b: list = [("h1", f"Integration {name or iid}: {s['title']}{sim}")]
    b.append(
        (
            "p",
            (
                f"Peaks: `{shown_path(s['peaks_source'], report_dir)}` ({s['peaks_tool']}, "
                f"{s['n_peaks']:,} regions). Expression: "
                f"`{shown_path(s['rna_source'], report_dir)}` ({s['rna_tool']}, "
                f"{s['n_genes']:,} genes). "
                f"Genome {s['genome']}, annotation `{s['annotation_id']}`, link rule "
                f"**{s['link_rule']}**. Cutoffs: peaks |log2FC| > {s['atac_lfc']:g} and "
                f"padj < {s['atac_padj']:g}; genes |log2FC| > {s['rna_lfc']:g} and "
                f"padj < {s['rna_padj']:g}."
            ),
        )
    )
    rows = _rows(
        con,
        "select side, kind, n, example, message from int_input_notes where integration_id = ? "
        "order by side, kind, message",
        iid,
    )
    warnings = sorted((r for r in rows if is_warning(r)), key=warning_order)
    if warnings:  # the comparison's failed QC: before any number
        b.append(("h2", "Comparison QC"))
        b.extend(("caveat", r[4]) for r in warnings)
    notes = [[r[0], r[4]] for r in rows if not is_warning(r)]
    if notes:
        b.append(("h2", "Input notes"))
        b.append(("table", ["side", "note"], notes))
    excluded = nonfinite_note(con, iid)
    if excluded:
        b.append(("caveat", excluded))
    b.append(("h2", "Concordance categories"))
    cats = _rows(
        con,
        "select category, n_pairs, n_peaks, n_genes, median_product_score, "
        "median_distance_weighted_score, median_abs_distance "
        "from integration_category_summary where integration_id = ?",
        iid,
    )
    b.append(
        (
            "table",
            [
                "category",
                "pairs",
                "peaks",
                "genes (lead pair)",
                "median product",
                "median dist.-weighted score",
                "median |distance| bp",
            ],
            [
                [c, f"{p:,}", f"{k:,}", f"{g:,}", fmt_num(m1), fmt_num(m2), fmt_num(d, 0)]
                for c, p, k, g, m1, m2, d in cats
            ],
        )
    )
    b.append(("h2", "Correlation of peak and RNA log2FC"))
    corr = _rows(
        con,
        "select level, pair_set, scope, n, pearson_r, pearson_p, pearson_ci_low, "
        "pearson_ci_high, spearman_rho, spearman_p from int_correlations "
        "where integration_id = ? order by level desc, pair_set desc, scope",
        iid,
    )
    b.append(
        (
            "table",
            ["level", "pairs", "scope", "n", "Pearson r", "p", "95% CI", "Spearman ρ", "p"],
            [
                [
                    lv,
                    ps,
                    sc,
                    f"{n:,}",
                    fmt_num(r, 3),
                    fmt_q(p),
                    "NA" if lo is None else f"[{fmt_num(lo, 3)}, {fmt_num(hi, 3)}]",
                    fmt_num(rho, 3),
                    fmt_q(sp),
                ]
                for lv, ps, sc, n, r, p, lo, hi, rho, sp in corr
            ],
        )
    )
    b.append(("h2", "Threshold sensitivity"))
    sens = _rows(
        con,
        "select lfc_cutoff, padj_cutoff, n_pairs, n_genes, pearson_r, "
        "n_concordant_up, n_concordant_down, n_discordant_open_down, "
        "n_discordant_closed_up from int_sensitivity where integration_id = ? "
        "order by padj_cutoff, lfc_cutoff",
        iid,
    )
    b.append(
        (
            "table",
            [
                "|log2FC| >",
                "padj <",
                "pairs",
                "genes",
                "Pearson r",
                "conc. up",
                "conc. down",
                "disc. open/down",
                "disc. closed/up",
            ],
            [
                [
                    f"{a:g}",
                    f"{p:g}",
                    *(f"{v:,}" for v in (n, g)),
                    fmt_num(r, 3),
                    *(f"{v:,}" for v in rest),
                ]
                for a, p, n, g, r, *rest in sens
            ],
        )
    )
    b.append(("h2", "BETA regulatory potential"))
    beta = _rows(
        con,
        "select direction, n_genes, n_background, ks_stat, p_value, median_rp, "
        "median_rp_background from int_beta_tests where integration_id = ?",
        iid,
    )
    b.append(
        (
            "p",
            "Regulatory potential Sg = Σ exp(−(0.5 + 4Δ)) over bound peaks whose centre "
            "lies within 100 kb of the gene's TSS (Δ = distance / 100 kb); one-sided "
            "Kolmogorov–Smirnov test of up- and down-regulated genes against the non-DE genes "
            "the DE tool tested (genes with NA padj are neither group nor background). "
            "A small p for up genes suggests an activating role, for down genes a repressive "
            "one.",
        )
    )
    b.append(
        (
            "table",
            ["genes", "n", "background n", "KS D", "p", "median RP", "median RP background"],
            [
                [d, f"{n:,}", f"{m:,}", fmt_num(k, 3), fmt_q(p), fmt_num(r, 3), fmt_num(rb, 3)]
                for d, n, m, k, p, r, rb in beta
            ],
        )
    )
    targets = _rows(
        con,
        "select direction, target_rank, symbol, rp, rna_logfc, rank_product "
        "from integration_targets where integration_id = ? and target_rank <= 10 "
        "order by direction desc, target_rank",
        iid,
    )
    b.append(
        (
            "table",
            ["direction", "rank", "gene", "RP", "RNA log2FC", "rank product"],
            [
                [d, str(r), g or "—", fmt_num(rp, 3), fmt_num(lfc), f"{x:.2e}"]
                for d, r, g, rp, lfc, x in targets
            ],
        )
    )
    b.append(("h2", "Top concordant and discordant genes"))
    top = _rows(
        con,
        "select symbol, gene_id, lead_distance, lead_peak_genic_gene, category, lead_atac_logfc, "
        "rna_logfc, lead_feature_class, distance_weighted_score from integration_genes "
        "where integration_id = ? and category <> 'Other' "
        "order by abs(distance_weighted_score) desc nulls last limit 15",
        iid,
    )
    b.append(
        (
            "table",
            [
                "gene (peak distance to its TSS)",
                "peak overlaps gene",
                "category",
                "peak log2FC",
                "RNA log2FC",
                "feature",
                "dist.-weighted score",
            ],
            [
                [fmt_gene_distance(g or gid, d), o or "", c, fmt_num(a), fmt_num(r), f, fmt_num(w)]
                for g, gid, d, o, c, a, r, f, w in top
            ],
        )
    )
    b.append(("h2", "Figures"))
    b.extend(("figure", stem, caption) for stem, caption in figures.items())
    b.append(("h2", "Interpretation caveats"))
    b.extend(("caveat", c.format(**s)) for c in CAVEATS)
    if s["simulated"]:
        b.append(
            (
                "caveat",
                "Every number above comes from SIMULATED data with planted "
                "relationships; it demonstrates the method, not biology.",
            )
        )
    return b
