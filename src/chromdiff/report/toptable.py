"""The report's top-regions table, one set of cells for the Markdown and the HTML report.

The table ranks the analysis set strictly by q (``rpt_top_regions``); with a strict cutoff fewer
than ``limit`` regions may pass it, so each row says whether it does (the ``Significant``
column) and a note counts the rows shown for their rank only.
"""

from __future__ import annotations

from chromdiff.report.context import ReportContext
from chromdiff.report.text import (
    GENIC_GENE_HEADER,
    NEAREST_GENE_HEADER,
    fmt_gene_distance,
    fmt_num,
    fmt_q,
    significance_rule,
    text_or_blank,
)

#: Right-aligned columns (by index) of :func:`top_header`.
NUMERIC = {0, 2, 3, 4}


def top_header(ctx: ReportContext) -> list[str]:
    """Return the column names of the top-regions table."""
    effect = "meth_diff" if ctx.is_dmr else "logFC"
    return ["Rank", "Location", "Size (bp)", effect, "Q-value", "Significant", "Direction",
            NEAREST_GENE_HEADER, GENIC_GENE_HEADER]  # fmt: skip


def top_rows(ctx: ReportContext, limit: int) -> list[list[str]]:
    """Return the cells of the first ``limit`` rows of ``ctx.top`` (plain text)."""
    rows = []
    for r in ctx.top.head(limit).itertuples():
        star = "*" if r.location.split(":")[0] in ctx.sex_chroms else ""
        rows.append([
            str(r.rank), r.location, f"{r.size:,}", fmt_num(r.effect), fmt_q(r.qvalue),
            "yes" if r.significant else "no", f"{r.direction}{star}",
            fmt_gene_distance(r.nearest_gene, r.nearest_distance), text_or_blank(r.genic_gene),
        ])  # fmt: skip
    return rows


def top_notes(ctx: ReportContext, limit: int) -> list[str]:
    """Return the notes under the table: rows that fail the cutoffs, the sex-chromosome star."""
    notes = []
    shown = ctx.top.head(limit)
    failing = int((~shown["significant"].astype(bool)).sum())
    if failing:
        rule = significance_rule(ctx)
        notes.append(
            f"{failing} of these {len(shown)} regions do not pass the significance cutoffs "
            f"({rule}; Significant = no): they are listed for their rank only."
        )
    if ctx.sex_chroms:
        notes.append("* on a chromosome flagged by the sex-chromosome confound check.")
    return notes
