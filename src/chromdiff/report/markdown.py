"""``summary_report.md``: the comparison report in Markdown.

Order: design and caveats first, QC warnings, filtering, counts, top regions, charts, methods and
citations, files.
"""

from __future__ import annotations

from chromdiff.report.context import ReportContext
from chromdiff.report.text import (
    GENE_COLUMNS_NOTE,
    analysis_name,
    charts_note,
    citations,
    design_caveats,
    finding_title,
    methods,
    qc_scope,
    significance_line,
    tiny_removed,
    top_export_line,
)
from chromdiff.report.toptable import NUMERIC, top_header, top_notes, top_rows

#: chart stem -> caption, in report order
CHARTS = {
    "volcano": "Volcano plot",
    "ma_plot": "MA plot",
    "chromosome_distribution": "Significant regions per chromosome",
    "region_size_distribution": "Region size distribution",
}


def _top_table(ctx: ReportContext, limit: int) -> list[str]:
    header = top_header(ctx)
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" if i in NUMERIC else "---" for i in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in top_rows(ctx, limit)]
    lines += ["", GENE_COLUMNS_NOTE]
    for note in top_notes(ctx, limit):
        lines += ["", note.replace("* on", "\\* on", 1) if note.startswith("*") else note]
    return lines


def render_markdown(
    ctx: ReportContext, *, charts: dict[str, str], files: list[str], generated: str
) -> str:
    """Return the Markdown report.

    Parameters
    ----------
    ctx : ReportContext
        Facts of the comparison.
    charts : dict
        Chart stem -> relative path of its PNG.
    files : list of str
        Names of the files written beside the report.
    generated : str
        Timestamp line content (the only part that changes between renders).
    """
    c, p, n = ctx.comparison, ctx.params, ctx.counts
    sim = " (SIMULATED)" if c["simulated"] else ""
    out = [
        f"# ChIP-Atlas Diff Analysis Summary: {c['title']}{sim}",
        "",
        f"**Generated:** {generated}",
        "",
        "## Design",
        "",
    ]
    out += [
        f"- Comparison: `{c['comparison_id']}`",
        f"- Analysis: {analysis_name(ctx)}",
        f"- Genome: {c['genome']}",
        f"- Group A ({c['description_a']}): {', '.join(ctx.ids_labelled('A'))} "
        f"({ctx.group_n('A')})",
        f"- Group B ({c['description_b']}): {', '.join(ctx.ids_labelled('B'))} "
        f"({ctx.group_n('B')})",
        "",
        "## ⚠️ Experimental Design Caveats",
        "",
    ]
    out += [f"- {line}" for line in design_caveats(ctx)]
    out += ["", "## QC Warnings", "", f"_{qc_scope(ctx)}_", ""]
    if ctx.findings.empty:
        out.append("No QC issues detected.")
    for f in ctx.findings.itertuples():
        head = "**MAJOR**" if f.severity == "major" else "Minor"
        out += [f"### {head}: {finding_title(f.check_name, f.detail)}", "", f.detail, ""]
    removed = n.get("n_unfiltered", 0) - n.get("n_filtered", 0)
    out += [
        "",
        "## QC Filtering Applied",
        "",
        f"- Regions reported: {n.get('n_unfiltered', 0):,}",
        f"- Removed on non-standard contigs: {n.get('n_nonstandard', 0):,}",
        f"- Removed as shorter than {p['min_region_bp']} bp: {tiny_removed(ctx)}",
        f"- Analysis set: {n.get('n_filtered', 0):,} ({removed:,} removed)",
        "",
        "## Counts by Direction",
        "",
        "| | All (filtered) | Significant |",
        "|---|---:|---:|",
        f"| {ctx.label_a} (A) | {n.get('n_a', 0):,} | {n.get('n_sig_a', 0):,} |",
        f"| {ctx.label_b} (B) | {n.get('n_b', 0):,} | {n.get('n_sig_b', 0):,} |",
        f"| no direction | {n.get('n_none', 0):,} | {n.get('n_sig_none', 0):,} |",
        f"| total | {n.get('n_filtered', 0):,} | {n.get('n_sig', 0):,} |",
        "",
        significance_line(ctx),
        "",
    ]
    limit = min(int(p["top_n"]), 10)
    out += [f"## Top {limit} Differential Regions (strict ranking by Q-value)", ""]
    out += _top_table(ctx, limit) if not ctx.top.empty else ["No regions."]
    out += [
        "",
        top_export_line(ctx),
        "",
        "## Charts",
        "",
    ]
    out += [charts_note(ctx), ""] if charts_note(ctx) else []
    for stem, caption in CHARTS.items():
        if stem in charts:
            out += [f"![{caption}]({charts[stem]})", ""]
    out += ["## Methods", "", methods(ctx), "", "## Citations", ""]
    out += [f"- {cite}" for cite in citations(ctx)]
    out += ["", "## Files Generated", ""] + [f"- `{name}`" for name in files] + [""]
    return "\n".join(out)
