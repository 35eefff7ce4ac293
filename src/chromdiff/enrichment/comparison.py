"""Enrichment of a comparison: GREAT on its A-enriched and B-enriched significant regions."""

from __future__ import annotations

from pathlib import Path

import duckdb

from chromdiff.design.comparison import enrichment_run_id
from chromdiff.enrichment.great import great
from chromdiff.enrichment.sources import go_available, map_gmt_ids
from chromdiff.enrichment.store import EnrichmentRun, write_run
from chromdiff.enrichment.termcache import prepared_terms, term_jobs
from chromdiff.errors import InputError
from chromdiff.regions.chromsizes import DATA_DIR as SIZES_DIR
from chromdiff.regions.chromsizes import chrom_sizes

#: Query name of each direction (a dmr comparison's are hypermethylated: ``A-hyper``).
DIRECTIONS = {"A": "A-enriched", "B": "B-enriched"}
DMR_DIRECTIONS = {"A": "A-hyper", "B": "B-hyper"}


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def enrich_comparison(
    con: duckdb.DuckDBPyConnection,
    comparison_id: str,
    *,
    ontologies: tuple[str, ...] = ("BP",),
    gmt: str | Path | None = None,
    background: str = "genome",
    min_size: int = 5,
    max_size: int | None = None,
) -> dict:
    """Run GREAT on the A- and B-enriched regions of a comparison; store ``comparison:<id>``.

    Parameters
    ----------
    background
        ``genome``: GREAT's whole-genome binomial + gene hypergeometric tests; ``tested``: the
        region hypergeometric test against every tested region of the comparison
        (``regions_filtered``), for when the differential regions are a subset of a peak set.

    Returns
    -------
    dict
        ``rows`` written and ``notes``.
    """
    from chromdiff.annotation import ensure_annotation

    if background not in ("genome", "tested"):
        raise InputError(f"background must be 'genome' or 'tested', not {background!r}")
    row = con.execute(
        "select genome, analysis from comparisons where comparison_id = ?", [comparison_id]
    ).fetchall()
    if not row:
        raise InputError(f"comparison {comparison_id!r} is not in the database")
    genome, analysis = row[0]
    directions = DMR_DIRECTIONS if analysis == "dmr" else DIRECTIONS
    run = EnrichmentRun(enrichment_run_id(comparison_id), "comparison", comparison_id)
    aid = None
    if (SIZES_DIR / f"{genome}.tab").is_file():
        aid = ensure_annotation(con, genome=genome)
    if aid is None:
        run.note(None, "skipped", f"no embedded annotation and chromosome sizes for {genome!r}")
        return {"rows": write_run(con, run), "notes": [m for _, _, m in run.notes]}
    hint = f"run chromdiff enrich --comparison {comparison_id} --gmt FILE"
    why = go_available(genome, aid, gmt_hint=hint)
    if why:
        run.note(None, "skipped", f"GO: {why}")
    sizes = chrom_sizes(genome)
    cid = _lit(comparison_id)
    bg_sql = (
        None
        if background == "genome"
        else f"select region_id as region_key, chrom, start, stop from regions_filtered "
        f"where comparison_id = {cid}"
    )
    bg_text = (
        f"whole genome ({genome} assembled chromosomes, {sum(sizes.values()):,} bp)"
        if bg_sql is None
        else "all tested regions of the comparison (regions_filtered)"
    )
    run.note(None, "universe", f"GREAT background = {bg_text}")
    significant = {}  # query -> (SQL of its regions, how many)
    for d, query in directions.items():
        sql = (
            f"select region_id as region_key, chrom, start, stop from regions_significant "
            f"where comparison_id = {cid} and direction = '{d}'"
        )
        n_sig, n_off = con.execute(
            f"select count(*), count(*) filter (where not ({_on_genome(sizes)})) from ({sql})"
        ).fetchall()[0]
        significant[query] = (sql, n_sig)
        if n_off:  # the report's n then differs from the significant count: say why
            run.note(
                query, "info",
                f"{n_off:,} of the {n_sig:,} significant regions lie off {genome}'s assembled "
                "chromosomes (chrM, unplaced contigs) or past a chromosome's end: GREAT's "
                "domains do not reach them, so they are left out",
            )  # fmt: skip
    # the embedded GO ontologies (their term tables cached per input: termcache), then a GMT
    for ont, src in term_jobs(con, ontologies, gmt, use_go=why is None):
        if ont is None:  # a GMT
            species: list[str] = []
            space, n = map_gmt_ids(con, src.table, aid, species, src.name)
            for line in [f"{src.name}: matched {n:,} genes by {space}", *species]:
                run.note(None, "info", line)
        queries = {}
        for query, (sql, n_sig) in significant.items():
            if n_sig == 0:
                run.note(query, "skipped", f"{src.name}: no significant {query} regions")
            else:
                queries[query] = sql
        if not queries:
            continue
        # the domains and term coverage are the same for both directions: built once
        with prepared_terms(con, aid, ont, src, sizes, min_size=min_size,
                            max_size=max_size):  # fmt: skip
            for query, sql in queries.items():
                try:
                    df = great(con, sql, aid, src.table, sizes, background_sql=bg_sql,
                               min_size=min_size, max_size=max_size, label=query,
                               prepared=True)  # fmt: skip
                except InputError as exc:
                    run.note(query, "skipped", str(exc))
                    continue
                run.add(df, query=query, set_source=src.name, set_version=src.version,
                        background=bg_text)  # fmt: skip
                if df.empty:  # tested, but the report's "Tested" line lists only stored rows
                    run.note(query, "info", f"{src.name}: tested; no term's domains hold any "
                             f"of the {query} regions (no term with k ≥ 1)")  # fmt: skip
    rows = write_run(con, run, aid)
    return {"rows": rows, "notes": [m for _, _, m in run.notes]}


def _on_genome(sizes: dict[str, int]) -> str:
    """Return SQL true for a region (``chrom``, ``stop``) on GREAT's genome (``sizes``)."""
    cases = " ".join(f"when '{c}' then {int(n)}" for c, n in sizes.items())
    return f"coalesce(stop <= case chrom {cases} end, false)"
