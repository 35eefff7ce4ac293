"""Render every output of one comparison from the database: exports, charts, Markdown and HTML."""

from __future__ import annotations

import base64
import logging
import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from chromdiff.design.comparison import enrichment_run_id
from chromdiff.enrichment.report import add_to_comparison_report as add_enrichment
from chromdiff.enrichment.report import section as enrichment_section
from chromdiff.errors import ChromdiffError, InputError
from chromdiff.report.context import ReportContext, collect_context
from chromdiff.report.exports import resolve_formats, write_exports
from chromdiff.report.html import render_html
from chromdiff.report.markdown import render_markdown
from chromdiff.report.queries import view_frame
from chromdiff.report.snapshot import one_comparison
from chromdiff.report.stamp import report_key, write_stamp
from chromdiff.report.text import significance_rule
from chromdiff.warehouse.db import writer

log = logging.getLogger(__name__)

#: Charts with more marks than this are embedded in the HTML as PNG rather than SVG.
SVG_MAX_MARKS = 5000
_XML_DECL = re.compile(r"^<\?xml[^>]*>\s*")


def ensure_annotation(con: duckdb.DuckDBPyConnection, comparison_id: str) -> bool:
    """Annotate the comparison's regions to genes if some are missing and the engine exists.

    Returns True when every region has an annotation row afterwards. A missing annotation module
    or an annotation error leaves the labels empty (logged), it never stops the report.
    """
    ((n_regions, n_annotated),) = con.execute(
        "select (select count(*) from regions where comparison_id = $1), "
        "(select count(*) from region_annotation where comparison_id = $1)",
        [comparison_id],
    ).fetchall()
    if n_regions == 0 or n_annotated >= n_regions:
        return True
    try:
        from chromdiff.annotation import annotate_comparison
    except ImportError:
        log.warning("chromdiff.annotation is not available: no nearest-gene labels")
        return False
    try:
        annotate_comparison(con, comparison_id)
    except (ChromdiffError, duckdb.Error, OSError, ValueError, KeyError) as exc:
        log.warning("nearest-gene annotation of %s failed: %s", comparison_id, exc)
        return False
    return True


def ensure_params(con: duckdb.DuckDBPyConnection, comparison_id: str) -> None:
    """Give an existing comparison without a ``comparison_params`` row the default thresholds."""
    con.execute(
        "insert into comparison_params (comparison_id) select comparison_id from comparisons "
        "where comparison_id = $1 and comparison_id not in (select comparison_id from "
        "comparison_params)",
        [comparison_id],
    )


def chart_frames(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> dict[str, object]:
    """Read the data of each chart (one named ``rpt_*`` query each).

    The point charts (volcano, MA) get a :class:`~chromdiff.report.points.PointData`: their
    regions thinned inside DuckDB (background binned, close significant points merged), so only
    what is drawn is read.
    """
    from chromdiff.report.points import point_data

    cid = ctx.comparison["comparison_id"]
    la, lb = ctx.label_a, ctx.label_b
    frames = {
        "volcano": point_data(con, "rpt_volcano", cid, "effect", "neg_log10_q", la, lb),
        "chromosome_distribution": view_frame(
            con, "rpt_chrom_distribution", cid, "chrom_order, direction"
        ),
        "region_size_distribution": view_frame(con, "rpt_size_histogram", cid, "category, bin"),
    }
    if not ctx.is_dmr:
        frames["ma_plot"] = point_data(con, "rpt_ma", cid, "log2_mean_count", "effect", la, lb)
    return frames


def build_charts(ctx: ReportContext, frames: dict) -> dict:
    """Build the Altair charts of the report from their data (see :func:`chart_frames`)."""
    from chromdiff import charts

    fdr = float(ctx.params["fdr"])
    la, lb = ctx.label_a, ctx.label_b
    note = (
        "Sex-chromosome confound flagged on " + ", ".join(ctx.sex_chroms) if ctx.sex_chroms else ""
    )
    # the chart shows significant regions of the analysis set: say which significant ones it lacks
    where = {
        "n_sig_nonstandard": "on non-standard contigs",
        "n_sig_tiny": f"shorter than {ctx.params['min_region_bp']} bp",
    }
    removed = [f"{n:,} {w}" for key, w in where.items() if (n := ctx.counts.get(key, 0))]
    if removed:
        what = " and ".join(removed)
        note = (note + "; " if note else "") + f"significant regions removed ({what}) not shown"
    volcano = frames["volcano"]
    min_effect = float(ctx.params["min_abs_logfc"])
    rule = significance_rule(ctx)
    out = {
        "volcano": charts.volcano_chart(
            volcano.points,
            fdr=fdr,
            label_a=la,
            label_b=lb,
            effect_title=(
                "Methylation difference (A - B)" if ctx.is_dmr else "Log2 fold change (A / B)"
            ),
            thinned=(volcano.points, volcano.bins),
            min_effect=min_effect,
            rule=rule,
        ),
        "chromosome_distribution": charts.chromosome_chart(
            frames["chromosome_distribution"],
            fdr=fdr,
            label_a=la,
            label_b=lb,
            note=note,
            flagged=ctx.sex_chroms,
            rule=rule,
        ),
        "region_size_distribution": charts.size_histogram_chart(
            frames["region_size_distribution"], label_a=la, label_b=lb
        ),
    }
    if "ma_plot" in frames:
        ma = frames["ma_plot"]
        out["ma_plot"] = charts.ma_chart(
            ma.points, label_a=la, label_b=lb, thinned=(ma.points, ma.bins)
        )
    return out


def figure_markup(paths: dict[str, Path], n_marks: int) -> str:
    """HTML for one chart: its inline SVG, or its PNG as a data URI when it is large.

    Above :data:`SVG_MAX_MARKS` marks the PNG is used (an SVG of 100,000 points weighs tens of MB).
    """
    if n_marks <= SVG_MAX_MARKS:
        return _XML_DECL.sub("", paths["svg"].read_text())
    data = base64.b64encode(paths["png"].read_bytes()).decode("ascii")
    return (
        f'<img alt="{paths["png"].stem}" style="max-width:100%" src="data:image/png;base64,{data}">'
    )


def render_comparison(
    db_path: str | Path,
    comparison_id: str,
    out_dir: str | Path,
    *,
    generated: str | None = None,
    export_formats: str | None = None,
) -> dict[str, Path]:
    """Render all outputs of ``comparison_id`` into ``out_dir``.

    Parameters
    ----------
    db_path : str or Path
        DuckDB file holding the comparison.
    comparison_id : str
        Comparison to render.
    out_dir : str or Path
        Folder written (created if needed): exports, ``charts/*.png|svg``, ``summary_report.md``,
        ``report.html``.
    generated : str, optional
        Timestamp printed in the reports (default: now, UTC).
    export_formats : str, optional
        Formats of the table exports (:func:`~chromdiff.report.exports.parse_formats`; default:
        the ``export_formats`` setting, ``auto``).

    Returns
    -------
    dict
        File name (relative to ``out_dir``) -> path, for every file written.

    Raises
    ------
    InputError
        If the comparison does not exist, or holds no loaded result (its job failed, or was
        re-submitted and has not finished): a report would show 0 regions as if compared.
    """
    from chromdiff.charts.save import save_charts

    out = Path(out_dir)
    formats = resolve_formats(export_formats)  # a bad value fails before any work
    with writer(db_path) as con:
        _require_loaded(con, comparison_id)
        ensure_params(con, comparison_id)
        ensure_annotation(con, comparison_id)
        # every read below starts from one snapshot of the comparison's regions_unfiltered
        # (and of its top_n rows)
        params = con.execute(
            "select top_n from comparison_params where comparison_id = ?", [comparison_id]
        ).fetchall()  # none: an unknown comparison, which collect_context reports
        with one_comparison(con, comparison_id, params[0][0] if params else None):
            key = report_key(con, comparison_id)
            ctx = collect_context(con, comparison_id)
            written = write_exports(con, comparison_id, out, formats)
            frames = chart_frames(con, ctx)
            enrichment = enrichment_section(con, enrichment_run_id(comparison_id))
    charts = build_charts(ctx, frames)
    figures, pngs = {}, {}
    for stem, paths in save_charts(charts, out / "charts").items():
        pngs[stem] = f"charts/{stem}.png"
        figures[stem] = figure_markup(paths, len(frames[stem]))
        written[pngs[stem]] = paths["png"]
        written[f"charts/{stem}.svg"] = paths["svg"]
    stamp = generated or datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    files = sorted([*written, "summary_report.md", "report.html"])
    md_text = render_markdown(ctx, charts=pngs, files=files, generated=stamp)
    html_text = render_html(ctx, figures=figures, files=files, generated=stamp)
    if enrichment is not None:
        md_text, html_text = add_enrichment(enrichment, md_text, html_text, out, written)
    md = out / "summary_report.md"
    md.write_text(md_text)
    page = out / "report.html"
    page.write_text(html_text)
    write_stamp(out, key)  # last: the folder now shows this result with these parameters
    written["summary_report.md"], written["report.html"] = md, page
    return written


def _require_loaded(con, comparison_id: str) -> None:
    """Raise :class:`InputError` unless the comparison exists with status ``loaded``."""
    row = con.execute(
        "select status, error from comparisons where comparison_id = ?", [comparison_id]
    ).fetchall()
    if row and row[0][0] != "loaded":
        status, error = row[0]
        raise InputError(
            f"comparison {comparison_id} has no loaded result (status {status}"
            + (f": {error}" if error else "")
            + "): nothing to report; run chromdiff compare again (--force for a job that failed)"
        )
