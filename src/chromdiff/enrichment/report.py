"""The enrichment section of the comparison and integration reports (Markdown, HTML, dot plot).

Kept apart from the report modules: they call :func:`section` and insert its Markdown/HTML and
blocks, so the enrichment content is defined once here.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from chromdiff.report.html import html_table

#: The method whose rows a report shows for each kind of run (GREAT: the binomial test, with the
#: gene test's adjusted p beside it, as GREAT's own output).
PRIMARY = ("ora", "great_binomial", "great_regions_hypergeometric")
TOP_N = 10
DOTPLOT = "enrichment_dotplot"


@dataclass
class Section:
    """What a report shows of one run's enrichment."""

    intro: list[str] = field(default_factory=list)
    tables: list[tuple[str, list[str], list[list[str]]]] = field(default_factory=list)
    chart_data: pd.DataFrame | None = None


#: What a test's n counts (genes unless listed): the binomial and region tests count regions.
_N_UNIT = {"great_binomial": "regions", "great_regions_hypergeometric": "regions"}


def _fmt(x) -> str:
    return "—" if x is None or pd.isna(x) else f"{x:.2g}"


def top_terms(con: duckdb.DuckDBPyConnection, run_id: str, n: int = TOP_N) -> pd.DataFrame:
    """Return the best ``n`` terms with padj < 0.05 per query and source of the run's main test.

    The rows of view ``enrichment_top_terms`` (one rule for the report and for SQL users): for
    GREAT runs only terms significant in both tests are kept, as GREAT's default output, with
    the gene hypergeometric padj of the term in ``padj_genes``.
    """
    methods = ", ".join(f"'{m}'" for m in PRIMARY)
    return con.execute(
        f"""select * from enrichment_top_terms
        where run_id = ? and method in ({methods}) and rank <= {int(n)}
        order by query, set_source, pvalue, set_id""",
        [run_id],
    ).df()


def section(con: duckdb.DuckDBPyConnection, run_id: str) -> Section | None:
    """Build the section of run ``run_id``; None when the run left no rows and no notes."""
    notes = con.execute(
        "select query, kind, message from enrichment_notes where run_id = ? order by kind",
        [run_id],
    ).fetchall()
    n_rows = con.execute(
        "select count(*) from enrichment_results where run_id = ?", [run_id]
    ).fetchall()[0][0]
    if not notes and not n_rows:
        return None
    s = Section()
    for query, kind, msg in notes:
        if kind == "universe" and not n_rows:  # nothing was tested against it
            continue
        prefix = f"{query}: " if query else ""
        s.intro.append(f"{kind.capitalize()}: {prefix}{msg}.")
    queries = con.execute(
        "select query, set_source, method, any_value(n_query), count(*) from enrichment_results "
        "where run_id = ? group by all order by all",
        [run_id],
    ).fetchall()
    if queries:
        s.intro.append(
            "Tested: "
            + "; ".join(
                f"{q} × {src} ({m}, n = {n:,} {_N_UNIT.get(m, 'genes')}, {c:,} terms with hits)"
                for q, src, m, n, c in queries
            )
            + ". padj is Benjamini–Hochberg; see docs/enrichment.md for the exact tests."
        )
    top = top_terms(con, run_id)
    for (query, src), grp in top.groupby(["query", "set_source"], sort=False):
        great = grp["method"].iloc[0] == "great_binomial"
        header = ["term", "id", "k / n", "fold", "padj"] + (["padj (genes)"] if great else [])
        header.append("genes")
        rows = []
        for r in grp.itertuples():
            genes = (r.symbols or r.genes or "").split("/")
            shown = "/".join(genes[:8]) + ("/…" if len(genes) > 8 else "")
            row = [r.set_name or r.set_id, r.set_id, f"{r.k}/{r.n_query}", f"{r.fold:.2f}",
                   _fmt(r.padj)]  # fmt: skip
            if great:
                row.append(_fmt(r.padj_genes))
            rows.append([*row, shown])
        s.tables.append((f"{query} — {src}", header, rows))
    if not top.empty:
        s.chart_data = top.assign(query=top["query"] + " · " + top["set_source"])
    methods = ", ".join(f"'{m}'" for m in PRIMARY)
    best = con.execute(
        f"""select r.query, r.set_source, r.method, arg_min(r.set_name, (r.pvalue, r.set_id)),
                   arg_min(r.padj, (r.pvalue, r.set_id)), arg_min(g.padj, (r.pvalue, r.set_id))
        from enrichment_results r
        left join (select query, set_source, set_id, padj from enrichment_results
                   where run_id = $1 and method = 'great_hypergeometric') g
          using (query, set_source, set_id)
        where r.run_id = $1 and r.method in ({methods})
        group by all order by all""",
        [run_id],
    ).fetchall()
    for q, src, method, name, padj, padj_genes in best:
        if top.empty or not ((top["query"] == q) & (top["set_source"] == src)).any():
            if method == "great_binomial":  # a term must pass both tests (GREAT's default)
                s.intro.append(
                    f"{q} × {src}: no term with padj < 0.05 in both the region (binomial) and "
                    f"the gene test (best by region test: {name}, padj = {_fmt(padj)}; gene "
                    f"test padj = {_fmt(padj_genes)})."
                )
                continue
            s.intro.append(
                f"{q} × {src}: no term with padj < 0.05 (best: {name}, padj = {_fmt(padj)})."
            )
    return s


def save_dotplot(s: Section, stem: Path, title: str) -> dict[str, Path] | None:
    """Write the section's dot plot as ``stem.png``/``.svg``; None when nothing is significant."""
    if s.chart_data is None or s.chart_data.empty:
        return None
    from chromdiff.charts.save import save_chart
    from chromdiff.enrichment.charts import dotplot_chart

    return save_chart(dotplot_chart(s.chart_data, title), stem)


def to_markdown(s: Section, image: str | None) -> str:
    """Markdown of the section (``## Functional enrichment`` …)."""
    out = ["## Functional enrichment", ""]
    out += [*s.intro, ""] if s.intro else []
    for title, header, rows in s.tables:
        out += [f"### {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
        out.append("")
    if image:
        out += [f"![Enrichment dot plot]({image})", ""]
    return "\n".join(out) + "\n"


def to_html(s: Section, svg: str | None) -> str:
    """HTML of the section (self-contained; the dot plot inline as SVG)."""
    e = html.escape
    parts = ["<h2>Functional enrichment</h2>"]
    parts += [f"<p>{e(p)}</p>" for p in s.intro]
    for title, header, rows in s.tables:
        parts.append(f"<h3>{e(title)}</h3>")
        parts.append(html_table(header, rows, numeric={3, 4}))
    if svg:
        parts.append(
            f"<figure>{svg[svg.find('<svg') :]}<figcaption>Top terms per list "
            "(clusterProfiler-style dot plot)</figcaption></figure>"
        )
    return "\n".join(parts)


def insert_before(text: str, marker: str, block: str) -> str:
    """Insert ``block`` before the first ``marker`` in ``text`` (at the end when absent)."""
    i = text.find(marker)
    return text + block if i < 0 else text[:i] + block + text[i:]


def add_to_comparison_report(
    s: Section, md: str, page: str, out: Path, written: dict[str, Path]
) -> tuple[str, str]:
    """Insert the section before the comparison report's Methods; write the dot plot.

    The dot plot goes to ``out/charts/enrichment_dotplot.{png,svg}`` and into ``written``.
    """
    paths = save_dotplot(s, out / "charts" / DOTPLOT, "Functional enrichment (top terms)")
    image = None
    if paths:
        image = f"charts/{DOTPLOT}.png"
        written[image] = paths["png"]
        written[f"charts/{DOTPLOT}.svg"] = paths["svg"]
    svg = Path(paths["svg"]).read_text() if paths else None
    md = insert_before(md, "## Methods", to_markdown(s, image) + "\n")
    page = insert_before(page, "<h2>Methods</h2>", to_html(s, svg))
    if paths:  # list the dot plot under "Files Generated" too
        names = [f"charts/{DOTPLOT}.png", f"charts/{DOTPLOT}.svg"]
        md = md.rstrip("\n") + "\n" + "".join(f"- `{n}`\n" for n in names)
        items = "".join(f"<li><code>{n}</code></li>\n" for n in names)
        page = insert_before(page, "</ul></body>", items)
    return md, page


def add_to_integration_blocks(
    con: duckdb.DuckDBPyConnection, iid: str, blocks: list, out: Path, written: dict
) -> list:
    """Insert the section's blocks before the integration report's Figures heading.

    Writes the dot plot into ``out`` (``written[DOTPLOT]`` = its paths) and adds a figure block.
    """
    s = section(con, f"integration:{iid}")
    if s is None:
        return blocks
    new: list = [("h2", "Functional enrichment"), *(("p", p) for p in s.intro)]
    for title, header, rows in s.tables:
        new += [("p", f"**{title}**"), ("table", header, rows)]
    paths = save_dotplot(s, out / DOTPLOT, "Functional enrichment (top terms)")
    if paths:
        written[DOTPLOT] = paths
        new.append(("figure", DOTPLOT, "Top GO terms per gene list (clusterProfiler-style dot "
                    "plot: x = k / n, size = k, colour = BH-adjusted p)."))  # fmt: skip
    at = next((i for i, b in enumerate(blocks) if b == ("h2", "Figures")), len(blocks))
    return blocks[:at] + new + blocks[at:]
