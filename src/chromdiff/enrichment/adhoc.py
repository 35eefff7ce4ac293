"""Ad-hoc enrichment of a user's gene list or region file (``chromdiff enrich``)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from chromdiff.annotation.embedded import GENOMES as EMBEDDED
from chromdiff.enrichment.genelist import map_gene_list, read_gene_list
from chromdiff.enrichment.great import great
from chromdiff.enrichment.ora import TooFewGenes, ora
from chromdiff.enrichment.sources import go_available, load_sources, map_gmt_ids
from chromdiff.enrichment.termcache import prepared_terms, term_jobs
from chromdiff.errors import InputError
from chromdiff.regions.chromsizes import chrom_sizes

#: Default (min, max) gene-set sizes tested: ORA of a gene list, GREAT of regions (no maximum).
ORA_SIZES = (10, 500)
GREAT_SIZES = (5, None)
#: Why nothing can be tested when GO is switched off and no GMT is given.
NO_SETS = "--no-go leaves no gene sets: give --gmt FILE (or drop --no-go)"


def enrich_genes(
    con: duckdb.DuckDBPyConnection,
    genes_file: str | Path,
    *,
    universe_file: str | Path | None = None,
    genome: str = "hg38",
    ontologies: tuple[str, ...] = ("BP",),
    gmt: str | Path | None = None,
    min_size: int = ORA_SIZES[0],
    max_size: int = ORA_SIZES[1],
    notes: list[str] | None = None,
) -> pd.DataFrame:
    """ORA of a gene-list file against GO (human) and/or a GMT; return every result row.

    ``notes``: a list the lines for the user are appended to (how many genes were found).
    """
    from chromdiff.annotation import ensure_annotation

    genes = read_gene_list(genes_file)
    universe = read_gene_list(universe_file) if universe_file else None
    why = go_available(genome, None) if ontologies else NO_SETS
    if why and gmt is None:
        raise InputError(why)
    sources = load_sources(con, ontologies, gmt, use_go=why is None)
    # an embedded genome's annotation maps the list (any case, symbols or IDs) for GO and a GMT
    aid = ensure_annotation(con, genome=genome) if genome in EMBEDDED else None
    parts, untested = [], []
    mapped = {}
    if aid:
        mapped = {"genes": map_gene_list(con, genes, aid)}
        if universe:
            mapped["universe"] = map_gene_list(con, universe, aid)
    use_ids, gmt_notes = {}, []
    for src in sources:
        use_ids[src.name] = src.name.startswith("GO:")
        if not use_ids[src.name] and aid:  # a GMT: its genes to the annotation's IDs if they map
            species: list[str] = []
            space, n = map_gmt_ids(con, src.table, aid, species, src.name)
            use_ids[src.name] = n > 0
            gmt_notes += [f"{src.name}: matched {n:,} genes by {space}", *species]
    if notes is not None:
        tables = [src.table for src in sources if use_ids[src.name]]
        notes += [m.note(what, listed_ids(con, tables, m.unmapped)) for what, m in mapped.items()]
        notes += gmt_notes
    for src in sources:
        g, u = genes, universe
        if use_ids[src.name] and mapped:
            g = mapped["genes"].ids
            u = mapped["universe"].ids if universe else None
        try:
            df = ora(con, g, src.table, u, min_size=min_size, max_size=max_size,
                     label=f"{genes_file} ({src.name})")  # fmt: skip
        except TooFewGenes as exc:  # this source's universe holds too few of the genes
            untested.append(str(exc))
            continue
        parts.append(df.assign(method="ora", set_source=src.name))
    if not parts:  # nothing was tested: the reason is the error
        raise InputError("; ".join(untested))
    if notes is not None:
        notes += untested
    return pd.concat(parts, ignore_index=True)


def listed_ids(con: duckdb.DuckDBPyConnection, tables: list[str], ids: list[str]) -> set[str]:
    """Return the ``ids`` that a gene set lists as given (kept although the build lacks them).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection holding the gene-set tables.
    tables : list of str
        Gene-set tables (``gene_id`` column) of the sources matched by ID.
    ids : list of str
        IDs the annotation did not resolve.

    Returns
    -------
    set of str
        Those of ``ids`` some set of ``tables`` lists.
    """
    if not ids or not tables:
        return set()
    union = " union ".join(f"select gene_id from {t}" for t in tables)
    sql = f"select distinct gene_id from ({union}) where gene_id in (select unnest(?))"
    return {r[0] for r in con.execute(sql, [list(ids)]).fetchall()}


def enrich_regions(
    con: duckdb.DuckDBPyConnection,
    regions_file: str | Path,
    *,
    background_file: str | Path | None = None,
    genome: str = "hg38",
    ontologies: tuple[str, ...] = ("BP",),
    gmt: str | Path | None = None,
    min_size: int = GREAT_SIZES[0],
    max_size: int | None = GREAT_SIZES[1],
    notes: list[str] | None = None,
) -> pd.DataFrame:
    """GREAT on a BED file (whole genome, or against ``background_file``'s regions).

    Chromosome names are matched to the genome's (``1`` → ``chr1``); regions off its assembled
    chromosomes or past a chromosome's end are left out, a region listed twice counts once, and
    ``notes`` (a list, if given) gets a line counting each kind.
    """
    from chromdiff.annotation import ensure_annotation
    from chromdiff.annotation.bedio import read_bed
    from chromdiff.enrichment.ongenome import merge_duplicates, place_on_genome

    sizes = chrom_sizes(genome)
    read_bed(con, Path(regions_file), "_cd_adhoc_fg")
    placed = place_on_genome(con, "_cd_adhoc_fg", sizes, genome)
    placed += filter(None, [merge_duplicates(con, "_cd_adhoc_fg", "regions")])
    if not con.execute("select count(*) from _cd_adhoc_fg").fetchall()[0][0]:
        raise InputError(f"{regions_file}: no region left to test: {'; '.join(placed)}")
    bg_sql = None
    if background_file is not None:
        read_bed(con, Path(background_file), "_cd_adhoc_bg0")
        placed += [f"background: {n}" for n in place_on_genome(con, "_cd_adhoc_bg0", sizes, genome)]
        placed += filter(None, [merge_duplicates(con, "_cd_adhoc_bg0", "background")])
        # Foreground regions are matched to background regions by coordinates (merge_duplicates
        # left one row per region).
        con.execute(
            """create or replace temp table _cd_adhoc_bg as
            select row_number() over (order by chrom, start, stop) as region_key, chrom, start,
                   stop from _cd_adhoc_bg0"""
        )
        missing = con.execute(
            "select count(*) from _cd_adhoc_fg f "
            "anti join _cd_adhoc_bg b using (chrom, start, stop)"
        ).fetchall()[0][0]
        if missing:
            raise InputError(
                f"{regions_file}: {missing:,} regions are not in the background "
                f"{background_file} (same chrom, start, end needed)"
            )
        con.execute(
            """create or replace temp table _cd_adhoc_fg as select b.* from _cd_adhoc_bg b
            semi join _cd_adhoc_fg f using (chrom, start, stop)"""
        )
        bg_sql = "select * from _cd_adhoc_bg"
    if notes is not None:
        notes += placed
    aid = ensure_annotation(con, genome=genome)
    if aid is None:
        raise InputError(f"no embedded annotation for genome {genome!r}")
    why = go_available(genome, aid) if ontologies else NO_SETS
    if why and gmt is None:
        raise InputError(why)
    parts = []
    for ont, src in term_jobs(con, ontologies, gmt, use_go=why is None):
        if ont is None:  # a GMT
            map_gmt_ids(con, src.table, aid, notes, src.name)
        with prepared_terms(con, aid, ont, src, sizes, min_size=min_size,
                            max_size=max_size):  # fmt: skip
            df = great(con, "select * from _cd_adhoc_fg", aid, src.table, sizes,
                       background_sql=bg_sql, min_size=min_size, max_size=max_size,
                       label=str(regions_file), prepared=True)  # fmt: skip
        parts.append(df.assign(set_source=src.name))
    return pd.concat(parts, ignore_index=True)
