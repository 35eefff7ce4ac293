"""Enrichment of an integration: ORA of each concordance category and of the up/down genes."""

from __future__ import annotations

from pathlib import Path

import duckdb

from chromdiff.enrichment.ora import Universe, ora
from chromdiff.enrichment.sources import go_available, load_sources, map_gmt_ids
from chromdiff.enrichment.store import EnrichmentRun, write_run
from chromdiff.errors import InputError
from chromdiff.integration.params import stored_integration

CATEGORIES = ("Concordant up", "Concordant down", "Discordant open/down", "Discordant closed/up")


def integration_queries(con: duckdb.DuckDBPyConnection, iid: str) -> dict[str, list[str]]:
    """Return the gene lists of an integration: each concordance category, then up and down.

    Categories are the lead-pair categories of ``integration_genes``; up/down are the DE genes
    the integration calls so (``integration_rp.de_class``: tested, ``|log2FC| > rna_lfc`` and
    ``padj < rna_padj``, a finite log2FC; cuffdiff's ±1.79769e+308 for a gene at 0 in one
    condition is ``excluded``, never significant, so it is in neither list).
    """
    stored_integration(con, iid)  # an unknown integration ID is an error
    out: dict[str, list[str]] = {}
    cats = con.execute(
        "select category, list(distinct gene_id order by gene_id) from integration_genes "
        "where integration_id = ? and category <> 'Other' and gene_id is not null "
        "group by category",
        [iid],
    ).fetchall()
    found = dict(cats)
    for c in sorted(found, key=lambda c: (CATEGORIES.index(c) if c in CATEGORIES else 99, c)):
        out[c] = list(found[c])
    for name, cls in (("up genes", "up"), ("down genes", "down")):
        rows = con.execute(
            "select distinct gene_id from integration_rp where integration_id = ?"
            " and de_class = ? order by gene_id",
            [iid, cls],
        ).fetchall()
        out[name] = [r[0] for r in rows]
    return out


def enrich_integration(
    con: duckdb.DuckDBPyConnection,
    iid: str,
    *,
    ontologies: tuple[str, ...] = ("BP",),
    gmt: str | Path | None = None,
    min_size: int = 10,
    max_size: int = 500,
) -> dict:
    """Run ORA for every gene list of integration ``iid``; store as run ``integration:<iid>``.

    The universe is every gene of the DE table tested for DE (padj not NA, a finite log2FC) and
    resolved to the annotation (``int_genes``): not the genome, nor the rows the DE tool did
    not test. Lists that are empty, and sources that do not apply (no GO for the genome or
    annotation, and no GMT), are recorded as ``skipped`` notes instead of failing.

    Returns
    -------
    dict
        ``rows`` written and ``notes`` (the note messages).
    """
    s = stored_integration(con, iid)
    run = EnrichmentRun(f"integration:{iid}", "integration", iid)
    why = go_available(s["genome"], s["annotation_id"],
                       gmt_hint=f"run chromdiff enrich --integration {iid} --gmt FILE")  # fmt: skip
    if why:
        run.note(None, "skipped", f"GO: {why}")
    sources = load_sources(con, ontologies, gmt, use_go=why is None)
    # the genes tested for DE (padj and a finite log2FC: integration_rp's up, down and notdiff),
    # the background goseq and clusterProfiler's guides ask for (and Timmons et al. 2015, Genome
    # Biol 16:186): a gene the DE tool did not test (all-zero counts, DESeq2's independent
    # filtering, cuffdiff NOTEST) or whose log2FC is not finite can never be on a list, so
    # counting it in N makes the sets of well-expressed genes look enriched
    universe = [
        r[0]
        for r in con.execute(
            "select distinct gene_id from integration_rp where integration_id = ?"
            " and de_class in ('up', 'down', 'notdiff')",
            [iid],
        ).fetchall()
    ]
    bg = (
        f"genes tested in the DE table (padj not NA, a finite log2FC; {len(universe):,} resolved "
        "to the annotation)"
    )
    run.note(None, "universe", f"{bg}, intersected with each collection's annotated genes")
    queries = integration_queries(con, iid)
    for src in sources:
        if src.name.startswith("gmt:") and s["annotation_id"]:
            space, n = map_gmt_ids(con, src.table, s["annotation_id"])
            run.note(None, "info", f"{src.name}: matched {n:,} genes by {space}")
        with Universe(con, src.table, universe) as within:  # shared by every list
            for query, genes in queries.items():
                if not genes:
                    run.note(query, "skipped", f"{src.name}: no genes in {query}")
                    continue
                try:
                    df = ora(con, genes, src.table, min_size=min_size, max_size=max_size,
                             label=f"{query} ({src.name})", prepared=within)  # fmt: skip
                except InputError as exc:
                    run.note(query, "skipped", str(exc))
                    continue
                run.add(df, query=query, set_source=src.name, set_version=src.version,
                        background=bg, method="ora")  # fmt: skip
    rows = write_run(con, run, s["annotation_id"])
    return {"rows": rows, "notes": [m for _, _, m in run.notes]}
