"""``chromdiff annotate``: annotate a BED/peak file, or a comparison in the database, to genes."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("annotate")
@click.option("--regions", "regions", type=click.Path(dir_okay=False), help="BED / peak file.")
@click.option("--genome", default="hg38", show_default=True, help="hg38, hg19 or mm10.")
@click.option("--gtf", type=click.Path(dir_okay=False), help="Use this GTF instead.")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False),
    help="Output file for --regions (.tsv, .csv or .parquet).",
)
@click.option("--comparison", "comparison_id", help="Annotate this comparison's regions.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="DuckDB file.")
@click.option(
    "--downstream",
    type=click.Choice(["chipseeker", "both"]),
    default="chipseeker",
    show_default=True,
    help="Downstream rule: ChIPseeker's one-sided, or corrected.",
)
@click.option(
    "--tss-region",
    default="-3000,3000",
    show_default=True,
    help="Promoter window on the signed distance to TSS.",
)
@click.option(
    "--links",
    type=click.Choice(["none", "nearest", "within", "great"]),
    default="none",
    show_default=True,
    help="With --regions: write peak-gene links instead.",
)
@click.option(
    "--max-distance",
    type=int,
    default=100_000,
    show_default=True,
    help="Distance for --links within.",
)
def command(
    regions, genome, gtf, out, comparison_id, db_path, downstream, tss_region, links, max_distance
) -> None:
    """Annotate regions to genes (ChIPseeker rules); see docs/annotation.md."""
    from chromdiff.annotation import (
        annotate_comparison,
        annotate_regions,
        ensure_annotation,
        link_great,
        link_nearest,
        link_within_distance,
    )
    from chromdiff.annotation.bedio import read_bed, write_table
    from chromdiff.settings import get_settings
    from chromdiff.warehouse.db import connect, writer

    try:
        lo, hi = (int(x) for x in tss_region.split(","))
    except ValueError as exc:
        raise click.BadParameter(
            "expected two integers like -3000,3000", param_hint="--tss-region"
        ) from exc
    opts = {"downstream": downstream, "tss_region": (lo, hi)}
    if comparison_id:
        path = db_path or str(get_settings().db_path)
        with writer(path) as con:
            aid = ensure_annotation(con, gtf=gtf) if gtf else None
            n = annotate_comparison(con, comparison_id, aid, **opts)
        click.echo(f"{comparison_id}: {n} regions annotated")
        return
    if not regions or not out:
        raise click.UsageError("give --regions BED --out FILE, or --comparison ID")
    with connect(db_path or ":memory:") as con:
        from chromdiff.warehouse.db import apply_schema

        apply_schema(con)
        n = read_bed(con, Path(regions), "_cli_regions")
        aid = ensure_annotation(con, genome=genome, gtf=gtf)
        if aid is None:
            raise click.ClickException(f"no annotation for {genome}: pass --gtf")
        if links == "nearest":
            link_nearest(con, "select * from _cli_regions", aid, "_cli_out")
        elif links == "within":
            link_within_distance(con, "select * from _cli_regions", aid, "_cli_out", max_distance)
        elif links == "great":
            link_great(con, "select * from _cli_regions", aid, "_cli_out")
        else:
            annotate_regions(con, "select * from _cli_regions", aid, "_cli_out", **opts)
        write_table(con, "_cli_out", Path(out))
    click.echo(f"{n} regions annotated with {aid} -> {out}")
