"""Peak–gene link tables: the nearest TSS's gene, all genes within a distance, and GREAT's rule."""

from __future__ import annotations

from chromdiff.annotation.cache import derived_tables
from chromdiff.annotation.genesql import coding_genes_sql, gene_tss_sql
from chromdiff.annotation.nearest import build_nearest, nearest_sql, nearest_tss, with_genes
from chromdiff.annotation.staging import (
    chrom_renames,
    create_sql,
    regions_select,
    stage_regions,
    table_name,
)
from chromdiff.duckcore import duckdb

#: Columns of both link tables.
LINK_COLUMNS = ("region_key", "gene_id", "symbol", "gene_strand", "tss", "distance")


def _genes(con: duckdb.DuckDBPyConnection, annotation_id: str) -> None:
    con.execute(f"create or replace temp table _cd_g as {gene_tss_sql('?')}", [annotation_id])


def _great_genes(con: duckdb.DuckDBPyConnection, annotation_id: str) -> None:
    """Create temp table ``_cd_g`` as :func:`_genes` does, of the protein-coding genes only.

    GREAT and rGREAT build domains from protein-coding genes only (rGREAT f5c3ad1
    ``R/extend.R``:155, :343): a non-coding gene's basal domain (an antisense lncRNA 1.5 kb
    upstream of MYC: CASC11) would stop its coding neighbours' extensions. Which genes code:
    :func:`~chromdiff.annotation.genesql.coding_genes_sql`. A build that marks none (a GTF
    without gene_type / gene_biotype attributes or CDS rows, a hand-made table) keeps all its
    genes, with a logged warning.
    """
    n_coding = con.execute(
        f"select count(*) from ({coding_genes_sql('$1')})", [annotation_id]
    ).fetchall()[0][0]
    if n_coding:
        con.execute(
            f"""create or replace temp table _cd_g as
            select * from ({gene_tss_sql("$1")})
            where gene_id in ({coding_genes_sql("$1")})""",
            [annotation_id],
        )
        return
    _genes(con, annotation_id)
    import logging  # here: a rare branch; `annotate --regions` imports this module at start-up

    logging.getLogger(__name__).warning(
        "%s marks no gene as protein-coding (no gene_type/gene_biotype attribute, CDS row or "
        "RefSeq NM_ transcript): GREAT domains are built from all its %s genes (GREAT uses "
        "protein-coding genes only)",
        annotation_id,
        f"{con.execute('select count(distinct gene_id) from _cd_g').fetchall()[0][0]:,}",
    )


def nearest_links_sql(
    con: duckdb.DuckDBPyConnection,
    regions_sql: str,
    annotation_id: str,
    level: str = "transcript",
    *,
    checked: bool = False,
    counts: dict[str, int] | None = None,
) -> str:
    """Return the SELECT of the link rows (:data:`LINK_COLUMNS`, ordered by ``region_key``).

    See :func:`link_nearest`; a caller may write the SELECT straight to a file
    (``copy (...) to``) instead of a table. It may read temp table ``_cd_near``: drop it when
    done. ``checked``: the regions come from :func:`chromdiff.regions.reader.read_regions`
    (coordinates and keys already checked); ``counts``: then their
    :attr:`~chromdiff.regions.reader.RegionFile.chrom_counts`. When those chromosome names are
    the annotation's own (the common case) the whole search is inside the SELECT: the regions
    are read once, by the statement that writes the links; otherwise ``_cd_near`` is built
    first (see :func:`~chromdiff.annotation.nearest.nearest_tss`).
    """
    tables = derived_tables(con, annotation_id)
    select = """select region_key, gene_id, symbol, gene_strand, tss, distance_to_tss as distance
        from ({}) where tid is not null order by region_key"""
    if checked and counts is not None:
        renamed = chrom_renames(con, annotation_id, counts, tables)
        if not renamed:
            near = nearest_sql(
                annotation_id, level, tables, source=f"({regions_select(regions_sql)})"
            )
            return f"with _cd_n as ({near})\n" + select.format(with_genes("_cd_n", level, tables))
        # renamed names: staged with the annotation's spelling (chrom_renames has warned)
        stage_regions(con, regions_sql, annotation_id, tables=tables, warn=False)
        build_nearest(con, annotation_id, level, tables=tables)
        con.execute("drop table if exists _cd_r")
    else:
        nearest_tss(con, regions_sql, annotation_id, level, tables=tables, checked=checked)
    return select.format(with_genes("_cd_near", level, tables))


def link_nearest(
    con: duckdb.DuckDBPyConnection,
    regions_sql: str,
    annotation_id: str,
    out_table: str,
    level: str = "transcript",
) -> int:
    """Link each region to the gene of its nearest TSS (what ``bedtools closest -D b`` gives).

    The nearest-TSS rule of :func:`~chromdiff.annotation.annotate_regions` (ChIPseeker's
    ``distanceToTSS``, ties to the TSS before) without the feature categories: one row per
    region on an annotated chromosome, ``distance`` = ``distance_to_tss``. ``level``:
    ``transcript`` (every transcript's TSS) or ``gene``. Returns rows.
    """
    sql = nearest_links_sql(con, regions_sql, annotation_id, level)
    con.execute(f"{create_sql(out_table)} as {sql}")
    con.execute("drop table if exists _cd_near")
    return con.execute(f"select count(*) from {table_name(out_table)}").fetchall()[0][0]


def link_within_distance(
    con: duckdb.DuckDBPyConnection,
    regions_sql: str,
    annotation_id: str,
    out_table: str,
    max_distance: int = 100_000,
) -> int:
    """Link each region to every gene whose TSS lies within ``max_distance`` bp of it.

    ``distance`` is ChIPseeker's edge distance (0 when the region contains the TSS; positive =
    region 3′ of the TSS in gene orientation). One TSS per gene (``ann_genes``). Returns rows.
    """
    stage_regions(con, regions_sql, annotation_id)
    _genes(con, annotation_id)
    d = int(max_distance)
    b = max(100_000, 2 * d)
    con.execute(
        f"""{create_sql(out_table)} as
        with r as (select region_key, chrom, start, stop,
                          unnest(range(greatest(start - {d}, 0) // {b},
                                       (stop + {d}) // {b} + 1)) as bin from _cd_r),
        g as (select *, tss // {b} as bin from _cd_g),
        j as (select r.region_key, g.gene_id, g.symbol, g.strand as gene_strand, g.tss,
                     (case when g.strand = '-' then -1 else 1 end) *
                     (case when g.tss < r.start then r.start - g.tss
                           when g.tss >= r.stop then r.stop - g.tss - 1 else 0 end) as distance
              from r join g on g.chrom = r.chrom and g.bin = r.bin)
        select * from j where abs(distance) <= {d} order by region_key, abs(distance), gene_id"""
    )
    con.execute("drop table if exists _cd_g")
    return con.execute(f"select count(*) from {table_name(out_table)}").fetchall()[0][0]


def great_domains(
    con: duckdb.DuckDBPyConnection,
    annotation_id: str,
    *,
    basal_upstream: int = 5000,
    basal_downstream: int = 1000,
    max_extension: int = 1_000_000,
) -> None:
    """Create temp table ``_cd_great``: each gene's GREAT basal-plus-extension domain.

    Columns ``gene_id, symbol, chrom, strand, tss, start, stop`` (half-open). See
    :func:`link_great` for the rule; the domains depend on the annotation and the options only,
    so several region sets can be linked to one build of them. Only protein-coding genes get
    a domain, as in GREAT (:func:`_great_genes`).
    """
    _great_genes(con, annotation_id)
    up, dn, ext = int(basal_upstream), int(basal_downstream), int(max_extension)
    # neighbours in the order of the basal domains, not of the TSSs (rGREAT extendTSS,
    # R/extend.R:586-626: basal domains sorted by position, dist_to_left = s[i] - e[i-1],
    # dist_to_right = s[i+1] - e[i], negative -> no extension): a minus-strand gene's basal
    # domain reaches 5 kb right of its TSS, past a plus-strand neighbour's TSS
    con.execute(
        f"""create or replace temp table _cd_great as
        with b as (
            select *, greatest(0, case when strand = '-' then tss - {dn} else tss - {up} end)
                          as bs,
                      case when strand = '-' then tss + {up} else tss + {dn} end + 1 as be
            from _cd_g),
        n as (
            select *, lag(be) over w as left_be, lead(bs) over w as right_bs
            from b window w as (partition by chrom order by bs, be, gene_id))
        select gene_id, symbol, chrom, strand, tss,
               least(bs, greatest(bs - {ext}, coalesce(left_be, 0), 0)) as start,
               greatest(be, least(be + {ext}, coalesce(right_bs, be + {ext}))) as stop
        from n"""
    )
    con.execute("drop table if exists _cd_g")


def link_great(
    con: duckdb.DuckDBPyConnection,
    regions_sql: str,
    annotation_id: str,
    out_table: str,
    *,
    domains_ready: bool = False,
    **domain_opts: int,
) -> int:
    """GREAT basal-plus-extension links (GREAT ≥ 1.5 / rGREAT): one row per (region, gene).

    Genes are the build's protein-coding genes, as GREAT's and rGREAT's (all genes, with a
    warning, when the build marks none: :func:`_great_genes`). Each gene's basal domain is
    ``basal_upstream`` bp upstream to ``basal_downstream`` bp downstream of its TSS (inclusive,
    strand-aware, clipped at 0); it is extended each way up to the neighbouring basal domain in
    that direction (neighbours in the order of the basal domains, as rGREAT's ``extendTSS``;
    none when they overlap), by at most ``max_extension``.
    A region links to every gene whose domain holds its midpoint ``(start + stop) // 2``;
    ``distance`` is midpoint − TSS signed by the gene's strand. Chromosome ends are not known,
    so the last gene's domain extends the full ``max_extension``. The domains are kept in temp
    table ``_cd_great`` (:func:`great_domains`; ``domains_ready``: it already holds them,
    ``domain_opts`` unused).
    """
    stage_regions(con, regions_sql, annotation_id)
    if not domains_ready:
        great_domains(con, annotation_id, **domain_opts)
    bin_ = 1_000_000
    con.execute(
        f"""{create_sql(out_table)} as
        with r as (select region_key, chrom, (start + stop) // 2 as mid from _cd_r),
        d as (select *, unnest(range(start // {bin_}, (stop - 1) // {bin_} + 1)) as bin
              from _cd_great)
        select r.region_key, d.gene_id, d.symbol, d.strand as gene_strand, d.tss,
               (case when d.strand = '-' then -1 else 1 end) * (r.mid - d.tss) as distance
        from r join d on d.chrom = r.chrom and d.bin = r.mid // {bin_}
        where r.mid >= d.start and r.mid < d.stop
        order by r.region_key, abs(distance), d.gene_id"""
    )
    return con.execute(f"select count(*) from {table_name(out_table)}").fetchall()[0][0]
