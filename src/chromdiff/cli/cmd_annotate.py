"""``chromdiff annotate``: annotate a BED/peak file, or a comparison in the database, to genes."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import click


@click.command("annotate")
@click.option("--regions", "regions", type=click.Path(dir_okay=False), help="BED / peak file.")
@click.option(
    "--genome",
    default="hg38",
    show_default=True,
    help="hg38, hg19 or mm10; with --gtf, the assembly whose chromosome ends are checked.",
)
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
    try:
        lo, hi = (int(x) for x in tss_region.split(","))
    except ValueError as exc:
        raise click.BadParameter(
            "expected two integers like -3000,3000", param_hint="--tss-region"
        ) from exc
    opts = {"downstream": downstream, "tss_region": (lo, hi)}
    if comparison_id:
        if out or regions:
            raise click.UsageError(
                "--comparison annotates a stored comparison in the database (region_annotation; "
                "its report and exports carry it): --regions/--out are for a region file"
            )
        from chromdiff.annotation import annotate_comparison, ensure_annotation
        from chromdiff.settings import get_settings
        from chromdiff.warehouse.db import writer

        path = db_path or str(get_settings().db_path)
        with writer(path) as con:
            aid = ensure_annotation(con, gtf=gtf) if gtf else None
            n = annotate_comparison(con, comparison_id, aid, **opts)
        click.echo(f"{comparison_id}: {n} regions annotated")
        return
    if not regions or not out:
        raise click.UsageError("give --regions BED --out FILE, or --comparison ID")
    # Only what this path needs is imported (no settings, Prefect, pandas or pyarrow): start-up
    # is most of a small run's time.
    from chromdiff.annotation.bedio import write_query, write_table
    from chromdiff.regions.reader import read_regions

    with _annotation_db(genome, gtf, db_path) as (con, aid):
        read = read_regions(con, Path(regions), "_cli_regions")
        n = read.n_rows
        _require_annotated_chromosomes(con, aid, read.chrom_counts, gtf)
        # the embedded genomes' ends are known; with --gtf, those of a --genome given with it
        if gtf is None or _given(click.get_current_context(), "genome"):
            from chromdiff.regions.assembly import past_end

            past = past_end(con, "_cli_regions", read.chrom_max_stop, genome)
            if past:
                click.echo(f"warning: {past[1]} They are annotated as given.", err=True)
        src = "select region_key, chrom, start, stop from _cli_regions"
        if links == "nearest":  # streamed to the file: no result table
            from chromdiff.annotation.links import nearest_links_sql

            sql = nearest_links_sql(con, src, aid, checked=True, counts=read.chrom_counts)
            write_query(con, sql, Path(out))
        elif links == "within":
            from chromdiff.annotation.links import link_within_distance

            link_within_distance(con, src, aid, "temp._cli_out", max_distance)
        elif links == "great":
            from chromdiff.annotation.links import link_great

            link_great(con, src, aid, "temp._cli_out")
        else:  # in batches, each written as it is done: memory does not grow with the input
            from chromdiff.annotation.batches import annotate_to_file

            def progress(done: int, total: int) -> None:  # on stderr: stdout stays the result
                click.echo(f"  annotated {done:,} of {total:,} regions", err=True)

            annotate_to_file(
                con, "_cli_regions", aid, Path(out), counts=read.chrom_counts, progress=progress,
                **opts,
            )  # fmt: skip
        if links in ("within", "great"):
            write_table(con, "_cli_out", Path(out))
    click.echo(f"{n} regions annotated with {aid} -> {out}")


def _require_annotated_chromosomes(con, aid: str, counts: dict[str, int], gtf: str | None) -> None:
    """Stop (one error line) when no region is on a chromosome the annotation has.

    Every output row would be empty: the region file and the annotation name chromosomes
    differently (RefSeq ``NC_000001.11`` in a GTF, ``chr1`` in the regions).
    """
    from chromdiff.annotation.chrnames import require_a_match

    rows = con.execute(
        "select distinct chrom from ann_transcripts where annotation_id = ?", [aid]
    ).fetchall()
    require_a_match(counts, {c for (c,) in rows}, gtf or aid)


def _given(ctx: click.Context, name: str) -> bool:
    """Return True when option ``name`` was given on the command line (not its default)."""
    return ctx.get_parameter_source(name) not in (None, click.core.ParameterSource.DEFAULT)


@contextmanager
def _annotation_db(genome: str, gtf: str | None, db_path: str | None):
    """Yield (connection, annotation_id) for ``--regions``.

    An embedded build without ``--db`` is read from its cache file (built once, opened
    read-only: :mod:`chromdiff.annotation.filecache`); ``--db`` or ``--gtf`` load the build
    into that database (or an in-memory one) as before.
    """
    from chromdiff.annotation.embedded import PROVENANCE

    if db_path is None and gtf is None and genome in PROVENANCE:  # an embedded build
        from chromdiff.annotation.filecache import open_embedded
        from chromdiff.duckcore import duckdb

        try:
            con = open_embedded(genome)
        except (OSError, duckdb.Error):  # no writable cache folder, or an unreadable file:
            con = None  # load the build in memory, as before
        if con is not None:
            try:
                yield con, f"embedded:{genome}"
            finally:
                con.close()
            return
    from chromdiff.annotation.load import ensure_annotation
    from chromdiff.warehouse.db import apply_schema, connect

    with connect(db_path or ":memory:") as con:
        apply_schema(con)
        aid = ensure_annotation(con, genome=genome, gtf=gtf)
        if aid is None:
            raise click.ClickException(f"no annotation for {genome}: pass --gtf")
        yield con, aid
