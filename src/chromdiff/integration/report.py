"""Render an integration: charts (PNG + SVG), exports (CSV + Parquet), Markdown and HTML reports.

The HTML page is self-contained (inline SVG and CSS, no script, no external URL).
"""

from __future__ import annotations

import html
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from chromdiff.annotation.charts import feature_distribution_chart, tss_distance_chart
from chromdiff.charts.save import save_charts
from chromdiff.enrichment.report import add_to_integration_blocks
from chromdiff.integration import charts
from chromdiff.integration.params import stored_integration
from chromdiff.integration.report_content import build_blocks
from chromdiff.integration.staging import report_dirs, swap_in_report
from chromdiff.report.exports import resolve_formats
from chromdiff.report.html import CSS, html_table
from chromdiff.report.tablefiles import write_table

#: Exported views: file stem -> (view, the order of its rows: a key, so files are reproducible).
EXPORTS = {
    "integration_pairs": ("integration_scores", "peak_id, gene_id, rule"),
    "integration_genes": ("integration_genes", "gene_id"),
    "integration_targets": ("integration_targets", "direction, target_rank"),
    "integration_rp": ("integration_rp", "gene_id"),
}
#: At most this many 'Other' pairs (genes) are drawn in the scatter (volcano); all categorised
#: ones are. The distance histograms count every pair.
MAX_OTHER_POINTS = 2000  # the figure captions below state it
FIGURES = {
    "int_scatter": "Peak vs RNA log2FC of linked pairs (colour: category; size: −log10 padj "
    "sum; dashed: least-squares line of the categorised pairs; labels: top genes). Every "
    "categorised pair is drawn; of the 'Other' pairs a fixed sample of at most "
    f"{MAX_OTHER_POINTS:,}.",
    "int_volcano": "RNA volcano of genes with linked peaks, coloured by concordance category. "
    "Every categorised gene is drawn; of the 'Other' genes a fixed sample of at most "
    f"{MAX_OTHER_POINTS:,}.",
    "int_distance": "Peak–TSS distance of linked pairs by category (clipped at ±100 kb).",
    "int_peak_features": "Genomic features of {peaks} (ChIPseeker categories).",
    "int_peak_tss": "Distance to TSS of {peaks} (upstream < 0 < downstream).",
}
#: What the two peak charts show: the differential peaks, or every peak when none is.
DIFFERENTIAL, ALL_PEAKS = "differential peaks", "all peaks (none differential at the cutoffs)"


def _frame(con: duckdb.DuckDBPyConnection, sql: str, iid: str):
    return con.execute(sql, [iid]).df()


def _charts(con: duckdb.DuckDBPyConnection, iid: str, title: str, out: Path) -> tuple[dict, str]:
    """Draw and save the charts; return them and what the two peak charts show.

    That is :data:`DIFFERENTIAL`, or :data:`ALL_PEAKS` when no peak is differential: the peak
    charts then fall back to every peak, and their titles and captions say so.
    """
    pairs = _frame(
        con,
        f"""select symbol, category, atac_logfc, rna_logfc, distance,
        coalesce(significance_score, 0) as significance_score from integration_scores
        where integration_id = ? and atac_logfc is not null and rna_logfc is not null
        and not atac_logfc_nonfinite and not rna_logfc_nonfinite
        qualify category <> 'Other' or row_number() over (partition by category
            order by hash(peak_id, gene_id)) <= {MAX_OTHER_POINTS}""",
        iid,
    )
    genes = _frame(
        con,
        f"""select * from integration_genes where integration_id = ?
        and not rna_logfc_nonfinite
        qualify category <> 'Other' or row_number() over (partition by category
            order by hash(gene_id)) <= {MAX_OTHER_POINTS}""",
        iid,
    )
    dist = _frame(
        con,
        "select category, distance from integration_pairs "
        "where integration_id = ? and distance is not null",
        iid,
    )
    top = _frame(
        con,
        """select symbol, lead_atac_logfc as atac_logfc, rna_logfc
        from integration_genes where integration_id = ? and category <> 'Other'
        and symbol is not null and distance_weighted_score is not null
        order by abs(distance_weighted_score) desc limit 30""",
        iid,
    )
    peaks = _frame(
        con,
        """select * from integration_peak_features where integration_id = ?
        and (significant or not exists (select 1 from integration_peak_features f
             where f.integration_id = integration_peak_features.integration_id
             and f.significant))""",
        iid,
    )
    # which condition each side puts on top, where it is known (orientation notes)
    tops = dict(
        con.execute(
            "select side, any_value(example) from int_input_notes where integration_id = ?"
            " and kind = 'orientation' group by side",
            [iid],
        ).fetchall()
    )
    built = {}
    if not pairs.empty:
        built["int_scatter"] = charts.scatter_chart(
            pairs, top, f"{title}: peak vs RNA log2FC", tops.get("peaks"), tops.get("rna")
        )
    if not dist.empty:
        built["int_distance"] = charts.distance_chart(dist, "Distance to TSS by category")
    if not genes.dropna(subset=["rna_padj", "rna_logfc"]).empty:
        built["int_volcano"] = charts.volcano_chart(
            genes.dropna(subset=["rna_padj", "rna_logfc"]), "Genes with linked peaks"
        )
    shown = DIFFERENTIAL if peaks["significant"].any() else ALL_PEAKS
    if not peaks.empty:
        feats, bins = charts.peak_feature_frames(peaks, shown)
        built["int_peak_features"] = feature_distribution_chart(feats, shown)
        built["int_peak_tss"] = tss_distance_chart(bins, shown)
    return save_charts(built, out), shown  # two at a time


def write_exports(
    con: duckdb.DuckDBPyConnection,
    iid: str,
    out: Path,
    formats: tuple[str, ...],
    exports: dict[str, tuple[str, str]] = EXPORTS,
) -> list[Path]:
    """Write ``exports`` (stem -> (view, order)) of one integration into ``out`` in ``formats``.

    See :func:`~chromdiff.report.tablefiles.write_table`; ``formats`` as returned by
    :func:`~chromdiff.report.exports.resolve_formats`. Returns the paths written.
    """
    literal = iid.replace("'", "''")
    written = []
    for stem, (view, order) in exports.items():
        files = write_table(
            con,
            f"select * exclude (integration_id) from {view} "
            f"where integration_id = '{literal}' order by {order}",
            out / stem,
            formats,
            csv_options="format csv, header true, delimiter ','",
        )
        written += files.values()
    return written


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    esc = [[str(c).replace("|", "\\|") for c in r] for r in rows]
    head = [h.replace("|", "\\|") for h in header]
    return [
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(r) + " |" for r in esc),
        "",
    ]


def to_markdown(blocks: list, images: dict[str, str]) -> str:
    """Render report blocks as Markdown (figures link ``images[stem]``)."""
    out: list[str] = []
    for blk in blocks:
        kind = blk[0]
        if kind == "h1":
            out += [f"# {blk[1]}", ""]
        elif kind == "h2":
            out += [f"## {blk[1]}", ""]
        elif kind == "p":
            out += [blk[1], ""]
        elif kind == "caveat":
            out += [f"> {blk[1]}", ""]
        elif kind == "table":
            out += _md_table(blk[1], blk[2])
        elif kind == "figure" and blk[1] in images:
            out += [f"![{blk[2]}]({images[blk[1]]})", "", f"*{blk[2]}*", ""]
    return "\n".join(out)


def to_html(blocks: list, svgs: dict[str, str], title: str) -> str:
    """Render report blocks as one self-contained HTML page (figures as inline SVG)."""
    e = html.escape
    body: list[str] = []
    for blk in blocks:
        kind = blk[0]
        if kind in ("h1", "h2"):
            body.append(f"<{kind}>{e(blk[1])}</{kind}>")
        elif kind == "p":
            body.append(f"<p>{e(blk[1].replace('**', '').replace('`', ''))}</p>")
        elif kind == "caveat":
            body.append(f'<p class="caveat">{e(blk[1])}</p>')
        elif kind == "table":
            body.append(html_table(blk[1], blk[2], numeric=set()))
        elif kind == "figure" and blk[1] in svgs:
            svg = svgs[blk[1]]
            svg = svg[svg.find("<svg") :]
            body.append(f"<figure>{svg}<figcaption>{e(blk[2])}</figcaption></figure>")
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{e(title)}'
        f"</title><style>{CSS}</style></head><body>{''.join(body)}</body></html>\n"
    )


def render_integration(
    con: duckdb.DuckDBPyConnection,
    integration_id: str,
    out_dir: str | Path,
    *,
    name: str | None = None,
    publish: bool = True,
    formats_text: str | None = None,
) -> dict:
    """Write charts, exports and ``integration_report.{md,html}`` into ``out_dir/<name>/``.

    Files are written to the hidden folder ``out_dir/.<name>.partial`` first. With ``publish``
    it is moved in place at the end, so a failed render never leaves a half-written report;
    without, it stays there for :func:`chromdiff.integration.staging.swap_in_report` (the
    pipeline swaps it in together with the database rows).

    Parameters
    ----------
    integration_id : str
        The rows to report (a staged id while a run is under way).
    name : str, optional
        The integration id shown in the report and naming its folder (default: ``integration_id``).
    formats_text : str, optional
        Formats of the table exports (:func:`~chromdiff.report.exports.parse_formats`; default:
        the ``export_formats`` setting, ``auto``: Parquet only for tables over 100,000 rows).

    Returns
    -------
    dict
        ``out_dir``, ``markdown``, ``html`` and ``files`` (every path, once published).
    """
    formats = resolve_formats(formats_text)  # a bad value fails before any work
    title = stored_integration(con, integration_id)["title"]  # unknown id: InputError
    name = name or integration_id
    final, stage, _ = report_dirs(out_dir, name)
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    written, shown = _charts(con, integration_id, title, stage)
    the = f"the {shown}" if shown == DIFFERENTIAL else shown
    figures = {k: v.format(peaks=the) for k, v in FIGURES.items() if k in written}
    blocks = build_blocks(con, integration_id, figures, name=name, report_dir=final)
    blocks = add_to_integration_blocks(con, integration_id, blocks, stage, written)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    md = to_markdown(blocks, {k: f"{k}.png" for k in written})
    md += f"\n---\nGenerated by chromdiff on {generated}.\n"
    (stage / "integration_report.md").write_text(md)
    svgs = {k: Path(v["svg"]).read_text() for k, v in written.items()}
    (stage / "integration_report.html").write_text(to_html(blocks, svgs, title))
    write_exports(con, integration_id, stage, formats)
    names = sorted(p.name for p in stage.iterdir())
    if publish:
        moved = swap_in_report(out_dir, name)
        if moved is not None:
            shutil.rmtree(moved)
    return {
        "out_dir": final,
        "markdown": final / "integration_report.md",
        "html": final / "integration_report.html",
        "files": [final / n for n in names],
    }
