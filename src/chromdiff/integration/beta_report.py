"""Report of a BETA-mode run: function prediction, targets, chart, exports (Markdown + HTML).

Written like every integration report (``<out>/<integration_id>/integration_report.{md,html}``,
staged then moved in place) with the same block renderers; every number is queried from the
``beta_*`` tables.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import altair as alt
import duckdb
import numpy as np
import pandas as pd

from chromdiff.charts.save import save_chart
from chromdiff.errors import InputError
from chromdiff.integration.report import to_html, to_markdown, write_exports
from chromdiff.report.exports import resolve_formats
from chromdiff.report.text import shown_path

#: Exported tables and views: file stem -> (table or view, the order of its rows).
EXPORTS = {
    "beta_function_prediction": ("beta_function_prediction", "gene_set"),
    "beta_targets": ("beta_targets", "gene_set, target_rank"),
    "beta_gene_sets": ("beta_gene_sets", "gene_set, position"),
    "beta_transcript_rp": ("beta_transcript_rp", "score_order"),
}
CAVEATS = (
    "BETA's p-value is R's ks.test(alternative = 'greater'), and R changed it in 4.2: exact "
    "(ties included) when n_group x n_background < 10000, and for larger groups "
    "1 - (1 - exp(-2nD^2)), which prints 0 below about 1e-16. 'p' is R >= 4.2's method without "
    "that cancellation, 'p (R >= 4.2)' what BETA prints today, 'p (R < 4.2)' exp(-2nD^2) as "
    "BETA printed it with older R.",
    "BETA's quirks are kept so that its numbers come out: scores are rounded to 3 decimals "
    "before ranking (ties share a rank), target binding ranks sort the scores as text, the "
    "rank product of down targets is divided by the number of up genes when only down is "
    "selected, and IDs lose the characters '\"', '_', 'a', 't' at both ends "
    "(docs/integration.md lists each with BETA's source line).",
    "Proximity is not regulation: a gene's regulatory potential counts every peak whose centre "
    "lies within the distance of a TSS; targets are hypotheses to test.",
)


def _fmt_p(p: float, *, r_value: bool = False) -> str:
    if p == 0:
        return "0 (cancelled below 1.1e-16)" if r_value else "< 1e-300"
    return f"{p:.3e}"


#: Most points drawn per gene set's curve (the chart is 520 px wide: finer is invisible).
CURVE_POINTS = 1000


def _cdf_frame(con: duckdb.DuckDBPyConnection, iid: str) -> pd.DataFrame:
    """Cumulative % of each gene set's genes by RP rank (the test's values, as BETA's PDF).

    One point per distinct rank (the last of its genes, so shared ranks make a vertical step),
    thinned to at most :data:`CURVE_POINTS` evenly spaced points per set, the first and last
    kept: BETA's default ``--da 0.5`` puts thousands of genes in each set, and a chart's data
    is embedded point by point.
    """
    sets = con.execute(
        """select gene_set, rp_rank from (
               select gene_set, gene, any_value(rp_rank) as rp_rank, count(*) as n
               from beta_gene_sets where integration_id = ? and gene_set <> 'background'
               group by all
               union all
               select gene_set, gene, rp_rank, 1 from beta_gene_sets
               where integration_id = ? and gene_set = 'background')
           where rp_rank is not null""",
        [iid, iid],
    ).df()
    out = []
    for name, grp in sets.groupby("gene_set"):
        ranks = np.sort(grp["rp_rank"].to_numpy())
        percent = 100.0 * np.arange(1, len(ranks) + 1) / len(ranks)
        last = np.r_[ranks[1:] != ranks[:-1], True]  # the last gene of each distinct rank
        ranks, percent = ranks[last], percent[last]
        if len(ranks) > CURVE_POINTS:
            keep = np.unique(np.linspace(0, len(ranks) - 1, CURVE_POINTS).round().astype(int))
            ranks, percent = ranks[keep], percent[keep]
        out.append(pd.DataFrame({"gene_set": name, "rp_rank": ranks, "percent": percent}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def cdf_chart(frame: pd.DataFrame, title: str) -> alt.Chart:
    """Cumulative fraction of up, down and background genes by regulatory-potential rank."""
    return (
        alt.Chart(frame, title=title)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("rp_rank:Q", title="Rank of genes by regulatory potential (1 = highest)"),
            y=alt.Y("percent:Q", title="Cumulative % of genes", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "gene_set:N",
                title="gene set",
                scale=alt.Scale(
                    domain=["up", "down", "background"], range=["#C8524D", "#447CBE", "#555555"]
                ),
            ),
            strokeDash=alt.condition(
                alt.datum.gene_set == "background", alt.value([4, 3]), alt.value([1, 0])
            ),
        )
        .properties(width=520, height=340)
    )


def build_blocks(
    con: duckdb.DuckDBPyConnection, iid: str, has_chart: bool, report_dir: Path | None = None
) -> list:
    """Report blocks of BETA-mode run ``iid`` (rendered by the integration report renderers).

    Input paths are shown as :func:`~chromdiff.report.text.shown_path` does (never a machine's
    absolute path).
    """
    cur = con.execute("select * from beta_runs where integration_id = ?", [iid])
    row = cur.fetchone()
    if row is None:
        raise InputError(f"BETA integration {iid!r} is not in the database")
    r = dict(zip([d[0] for d in cur.description], row, strict=True))
    score = (
        f"by its `{r['peaks_score_column']}` column"
        if r["peaks_score_column"]
        else "in file order (3-column BED: every score 1.0)"
    )
    peaks = shown_path(r["peaks_source"], report_dir)
    rna = shown_path(r["rna_source"], report_dir)
    b: list = [("h1", f"BETA function prediction {iid}: {r['title']}")]
    b.append(
        (
            "p",
            f"BETA 1.0.7 `basic` (score method) reproduced by chromdiff. Peaks: "
            f"`{peaks}` ({r['n_peaks_read']:,} read, top {r['n_peaks_used']:,} "
            f"{score}). Expression: `{rna}` ({r['n_de_rows']:,} rows; "
            f"columns {r['rna_columns']}). RefSeq table: {r['reference']} "
            f"({r['n_transcripts']:,} transcripts on chr1-22, X, Y). Options: --da {r['da']:g}, "
            f"--pn {r['pn']}, -d {r['distance']} (strictly closer), --df {r['df']:g}, "
            f"-c {r['cutoff']:g}{', --gname2' if r['gname2'] else ''}"
            f"{', --bl (' + r['boundary'] + ')' if r['boundary'] else ''}.",
        )
    )
    b.append(
        (
            "p",
            f"Genes: {r['n_up']:,} up (logFC > 0), {r['n_down']:,} down, {r['n_nochange']:,} "
            f"no change; tested: the top {r['n_up_selected']} up and {r['n_down_selected']} "
            f"down by FDR against {r['background_rule']} (IDs in the RefSeq table, each once "
            "per gene set).",
        )
    )
    notes = []
    if r["n_affx_skipped"]:
        notes.append(f"{r['n_affx_skipped']} AFFX control rows skipped (as BETA).")
    if r["n_na_fdr"]:
        notes.append(
            f"{r['n_na_fdr']} rows with a logFC but NA FDR read as FDR 1 "
            "(BETA 1.0.7 stops on them)."
        )
    if r["n_peaks_unplaced"]:
        notes.append(
            f"{r['n_peaks_unplaced']:,} of the top {r['n_peaks_used']:,} peaks lie on chromosomes "
            "with no RefSeq transcript on chr1-22, X, Y (other contigs, chrM, or '1' instead of "
            "'chr1'): they count towards --pn but score nothing, as in BETA."
        )
    if r["n_ids_mangled"]:
        notes.append(
            f"{r['n_ids_mangled']} IDs lose more than '_at' or '.N' to BETA's strip('\"_at\"'), "
            'which removes the characters ", _, a, t at both ends (e.g. Cd8a -> Cd8), so they '
            "match another gene or none, as in BETA."
        )
    for n in notes:
        b.append(("caveat", n))
    fn = con.execute(
        """select gene_set, n_genes, n_background, d_statistic, p_value, p_value_r,
        p_value_asymptotic, method, call from beta_function_prediction
        where integration_id = ? order by gene_set desc""",
        [iid],
    ).fetchall()
    b.append(("h2", "Function prediction (one-sided KS test of RP ranks vs background)"))
    b.append(
        (
            "table",
            [
                "gene set",
                "genes",
                "background",
                "D",
                "p",
                "p (R >= 4.2)",
                "p (R < 4.2)",
                "method",
                "call",
            ],
            [
                [
                    g,
                    str(n),
                    str(nb),
                    f"{d:.6f}",
                    _fmt_p(p),
                    _fmt_p(pr, r_value=True),
                    _fmt_p(pa),
                    m,
                    c,
                ]
                for g, n, nb, d, p, pr, pa, m, c in fn
            ],
        )
    )
    if has_chart:
        b.append(
            (
                "figure",
                "beta_function",
                "Cumulative % of up, down and background genes by regulatory-potential rank "
                "(BETA's function-prediction plot; curves above the background: closer to "
                "binding; genes without a peak within the distance share the last rank).",
            )
        )
    for grp in ("up", "down"):
        rows = con.execute(
            """select target_rank, gene, symbol, refseq,
                   -- the TSS, 1-based as a browser reads it (BETA keeps 0-based txStart/txEnd)
                   chrom || ':' || format('{:,}', case when strand = '-' then tx_end
                                                       else tx_start + 1 end), rp_text,
            binding_rank, expression_rank, rank_product from beta_targets
            where integration_id = ? and gene_set = ? order by target_rank limit 20""",
            [iid, grp],
        ).fetchall()
        if rows:
            n = con.execute(
                "select count(*) from beta_targets where integration_id = ? and gene_set = ?",
                [iid, grp],
            ).fetchall()[0][0]
            b.append(("h2", f"{grp.capitalize()} targets (top 20 of {n} by rank product)"))
            b.append(
                (
                    "table",
                    [
                        "rank",
                        "gene",
                        "symbol",
                        "refseq",
                        "TSS",
                        "RP",
                        "binding rank",
                        "expression rank",
                        "rank product",
                    ],
                    [[str(x) for x in row[:8]] + [f"{row[8]:.3e}"] for row in rows],
                )
            )
    b.append(("h2", "Caveats"))
    b += [("caveat", c) for c in CAVEATS]
    return b


def render_beta(
    con: duckdb.DuckDBPyConnection,
    iid: str,
    out_dir: str | Path,
    formats_text: str | None = None,
) -> dict:
    """Write chart, exports and ``integration_report.{md,html}`` into ``out_dir/<iid>/``.

    Written to a staging folder and moved in place at the end (never half-written).
    ``formats_text``: formats of the table exports, as
    :func:`~chromdiff.report.exports.resolve_formats` reads them.
    """
    formats = resolve_formats(formats_text)
    title = con.execute("select title from beta_runs where integration_id = ?", [iid]).fetchall()
    if not title:
        raise InputError(f"BETA integration {iid!r} is not in the database")
    final = Path(out_dir) / iid
    stage = final.with_name(f".{iid}.partial")
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    frame = _cdf_frame(con, iid)
    written = {}
    if not frame.empty:
        chart = cdf_chart(frame, f"{title[0][0]}: BETA function prediction")
        written["beta_function"] = save_chart(chart, stage / "beta_function")
    blocks = build_blocks(con, iid, bool(written), report_dir=final)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    md = to_markdown(blocks, {k: f"{k}.png" for k in written})
    md += f"\n---\nGenerated by chromdiff on {generated}.\n"
    (stage / "integration_report.md").write_text(md)
    svgs = {k: Path(v["svg"]).read_text() for k, v in written.items()}
    (stage / "integration_report.html").write_text(to_html(blocks, svgs, title[0][0]))
    write_exports(con, iid, stage, formats, EXPORTS)
    if final.exists():
        shutil.rmtree(final)
    stage.rename(final)
    return {
        "out_dir": final,
        "markdown": final / "integration_report.md",
        "html": final / "integration_report.html",
        "files": sorted(final.iterdir()),
    }


def report_step(
    db_path: str | Path,
    integration_id: str,
    out_dir: str | Path,
    formats_text: str | None = None,
) -> dict:
    """:func:`render_beta` on a database path (the flow's task calls this)."""
    from chromdiff.warehouse import db

    with db.connect(db_path, wait_s=30) as con:
        return render_beta(con, integration_id, out_dir, formats_text)
