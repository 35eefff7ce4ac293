"""``report.html``: the Markdown report's content as one self-contained page.

Charts are inline SVG, the CSS is inline; there is no script and no external URL.
"""

from __future__ import annotations

import html

from chromdiff.report.context import ReportContext
from chromdiff.report.markdown import CHARTS
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

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em}
td.num{text-align:right}.major{background:#fdecea;border-left:6px solid #c0392b;padding:.6em 1em}
.minor{background:#fef9e7;border-left:6px solid #f1c40f;padding:.6em 1em}
.caveat{background:#eef3fb;padding:.6em 1em}.sim{color:#c0392b;font-weight:bold}
figure{margin:1em 0}figcaption{font-style:italic}
"""


def _e(x: object) -> str:
    return html.escape(str(x))


def html_table(header: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    """Return an HTML table (cells escaped; columns in ``numeric`` right-aligned)."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{_e(v)}</td>' if i in numeric else f"<td>{_e(v)}</td>"
            for i, v in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(
    ctx: ReportContext, *, figures: dict[str, str], files: list[str], generated: str
) -> str:
    """Return the self-contained HTML report.

    ``figures`` maps a chart stem to its inline markup (an ``<svg>`` element or a data-URI
    ``<img>``), so the page needs no other file.
    """
    c, p, n = ctx.comparison, ctx.params, ctx.counts
    ids_a = _e(", ".join(ctx.ids_labelled("A")))
    ids_b = _e(", ".join(ctx.ids_labelled("B")))
    sim = ' <span class="sim">(SIMULATED)</span>' if c["simulated"] else ""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(c['title'])}</title><style>{CSS}</style></head><body>",
        f"<h1>ChIP-Atlas Diff Analysis Summary: {_e(c['title'])}{sim}</h1>",
        f"<p><b>Generated:</b> {_e(generated)}</p>",
        "<h2>Design</h2><ul>",
        f"<li>Comparison: <code>{_e(c['comparison_id'])}</code></li>",
        f"<li>Analysis: {_e(analysis_name(ctx))}</li><li>Genome: {_e(c['genome'])}</li>",
        f"<li>Group A ({_e(c['description_a'])}): {ids_a} ({_e(ctx.group_n('A'))})</li>",
        f"<li>Group B ({_e(c['description_b'])}): {ids_b} ({_e(ctx.group_n('B'))})</li>",
        "</ul><h2>Experimental Design Caveats</h2>",
    ]
    parts += [f'<p class="caveat">{_e(line)}</p>' for line in design_caveats(ctx)]
    parts.append(f"<h2>QC Warnings</h2><p><i>{_e(qc_scope(ctx))}</i></p>")
    if ctx.findings.empty:
        parts.append("<p>No QC issues detected.</p>")
    for f in ctx.findings.itertuples():
        head = "MAJOR" if f.severity == "major" else "Minor"
        title = _e(finding_title(f.check_name, f.detail))
        parts.append(
            f'<div class="{_e(f.severity)}"><h3>{head}: {title}</h3><p>{_e(f.detail)}</p></div>'
        )
    parts.append("<h2>QC Filtering Applied</h2>")
    parts.append(
        html_table(
            ["", "regions"],
            [
                ["reported", f"{n.get('n_unfiltered', 0):,}"],
                ["non-standard contigs removed", f"{n.get('n_nonstandard', 0):,}"],
                [f"shorter than {p['min_region_bp']} bp removed", tiny_removed(ctx)],
                [
                    "analysis set",
                    f"{n.get('n_filtered', 0):,} "
                    f"({n.get('n_unfiltered', 0) - n.get('n_filtered', 0):,} removed)",
                ],
            ],
            {1},
        )
    )
    parts.append("<h2>Counts by Direction</h2>")
    parts.append(
        html_table(
            ["", "All (filtered)", "Significant"],
            [
                [f"{ctx.label_a} (A)", f"{n.get('n_a', 0):,}", f"{n.get('n_sig_a', 0):,}"],
                [f"{ctx.label_b} (B)", f"{n.get('n_b', 0):,}", f"{n.get('n_sig_b', 0):,}"],
                ["no direction", f"{n.get('n_none', 0):,}", f"{n.get('n_sig_none', 0):,}"],
                ["total", f"{n.get('n_filtered', 0):,}", f"{n.get('n_sig', 0):,}"],
            ],
            {1, 2},
        )
    )
    parts.append(f"<p>{_e(significance_line(ctx))}</p>")
    limit = min(int(p["top_n"]), 10)
    parts.append(f"<h2>Top {limit} Differential Regions (strict ranking by Q-value)</h2>")
    parts.append(html_table(top_header(ctx), top_rows(ctx, limit), NUMERIC))
    parts.append(f"<p>{_e(GENE_COLUMNS_NOTE)}</p>")
    for note in top_notes(ctx, limit):
        parts.append(f"<p>{_e(note)}</p>")
    parts.append(f"<p>{_e(top_export_line(ctx))}</p>")
    parts.append("<h2>Charts</h2>")
    if charts_note(ctx):
        parts.append(f"<p>{_e(charts_note(ctx))}</p>")
    for stem, caption in CHARTS.items():
        if stem in figures:
            parts.append(f"<figure>{figures[stem]}<figcaption>{_e(caption)}</figcaption></figure>")
    parts += [f"<h2>Methods</h2><p>{_e(methods(ctx))}</p>", "<h2>Citations</h2><ul>"]
    parts += [f"<li>{_e(cite)}</li>" for cite in citations(ctx)]
    parts += ["</ul><h2>Files Generated</h2><ul>"]
    parts += [f"<li><code>{_e(name)}</code></li>" for name in files]
    parts += ["</ul></body></html>", ""]
    return "\n".join(parts)
