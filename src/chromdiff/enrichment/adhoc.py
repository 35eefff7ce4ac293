"""Ad-hoc enrichment of a user's gene list or region file (``chromdiff enrich``)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from chromdiff.enrichment.chromsizes import chrom_sizes
from chromdiff.enrichment.great import great
from chromdiff.enrichment.ora import ora
from chromdiff.enrichment.sources import go_available, load_sources, map_gmt_ids
from chromdiff.enrichment.termcache import prepared_terms, term_jobs
from chromdiff.errors import InputError


def read_gene_list(path: str | Path) -> list[str]:
    """Read gene ids: the first tab/comma-separated field of each line; ``#`` lines skipped.

    Raises
    ------
    InputError
        The file is missing or lists no gene.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: gene list file not found")
    genes = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        field = line.replace(",", "\t").split("\t")[0].strip().strip('"')
        if field and not field.startswith("#"):
            genes.append(field)
    if not genes:
        raise InputError(f"{path}: the gene list is empty")
    return list(dict.fromkeys(genes))


def _to_annotation_ids(
    con: duckdb.DuckDBPyConnection, genes: list[str], annotation_id: str
) -> tuple[list[str], str]:
    """Map symbols to the annotation's gene ids when most ids are not already gene ids."""
    known = {
        r[0]
        for r in con.execute(
            "select distinct gene_id from ann_genes where annotation_id = ?", [annotation_id]
        ).fetchall()
    }
    if sum(g in known for g in genes) * 2 >= len(genes):
        return genes, "gene_id"
    sym = dict(
        con.execute(
            "select upper(symbol), min(gene_id) from ann_genes where annotation_id = ? "
            "and symbol is not null group by 1",
            [annotation_id],
        ).fetchall()
    )
    return [sym.get(g.upper(), g) for g in genes], "symbol"


def enrich_genes(
    con: duckdb.DuckDBPyConnection,
    genes_file: str | Path,
    *,
    universe_file: str | Path | None = None,
    genome: str = "hg38",
    ontologies: tuple[str, ...] = ("BP",),
    gmt: str | Path | None = None,
    min_size: int = 10,
    max_size: int = 500,
) -> pd.DataFrame:
    """ORA of a gene-list file against GO (human) and/or a GMT; return every result row."""
    from chromdiff.annotation import ensure_annotation

    genes = read_gene_list(genes_file)
    universe = read_gene_list(universe_file) if universe_file else None
    why = go_available(genome, None) if ontologies else "no ontology asked for"
    if why and gmt is None:
        raise InputError(why)
    sources = load_sources(con, ontologies, gmt, use_go=why is None)
    aid = ensure_annotation(con, genome=genome) if why is None else None
    parts = []
    for src in sources:
        g, u = genes, universe
        if src.name.startswith("GO:") and aid:
            g, _ = _to_annotation_ids(con, genes, aid)
            u = _to_annotation_ids(con, universe, aid)[0] if universe else None
        df = ora(con, g, src.table, u, min_size=min_size, max_size=max_size,
                 label=f"{genes_file} ({src.name})")  # fmt: skip
        parts.append(df.assign(method="ora", set_source=src.name))
    return pd.concat(parts, ignore_index=True)


def enrich_regions(
    con: duckdb.DuckDBPyConnection,
    regions_file: str | Path,
    *,
    background_file: str | Path | None = None,
    genome: str = "hg38",
    ontologies: tuple[str, ...] = ("BP",),
    gmt: str | Path | None = None,
    min_size: int = 5,
    max_size: int | None = None,
) -> pd.DataFrame:
    """GREAT on a BED file (whole genome, or against ``background_file``'s regions)."""
    from chromdiff.annotation import ensure_annotation
    from chromdiff.annotation.bedio import read_bed

    read_bed(con, Path(regions_file), "_cd_adhoc_fg")
    bg_sql = None
    if background_file is not None:
        read_bed(con, Path(background_file), "_cd_adhoc_bg0")
        # Foreground regions are matched to background regions by coordinates.
        con.execute(
            """create or replace temp table _cd_adhoc_bg as
            select row_number() over (order by chrom, start, stop) as region_key, chrom, start,
                   stop from (select distinct chrom, start, stop from _cd_adhoc_bg0)"""
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
    aid = ensure_annotation(con, genome=genome)
    if aid is None:
        raise InputError(f"no embedded annotation for genome {genome!r}")
    sizes = chrom_sizes(genome)
    why = go_available(genome, aid) if ontologies else "no ontology asked for"
    if why and gmt is None:
        raise InputError(why)
    parts = []
    for ont, src in term_jobs(con, ontologies, gmt, use_go=why is None):
        if ont is None:  # a GMT
            map_gmt_ids(con, src.table, aid)
        with prepared_terms(con, aid, ont, src, sizes, min_size=min_size,
                            max_size=max_size):  # fmt: skip
            df = great(con, "select * from _cd_adhoc_fg", aid, src.table, sizes,
                       background_sql=bg_sql, min_size=min_size, max_size=max_size,
                       label=str(regions_file), prepared=True)  # fmt: skip
        parts.append(df.assign(set_source=src.name))
    return pd.concat(parts, ignore_index=True)
