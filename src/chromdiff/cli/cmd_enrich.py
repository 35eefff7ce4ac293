"""``chromdiff enrich``: GO/GMT enrichment of gene lists, regions, comparisons, integrations."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("enrich")
@click.option("--genes", type=click.Path(dir_okay=False), help="Gene list (one id per line).")
@click.option("--universe", type=click.Path(dir_okay=False), help="Background gene list.")
@click.option("--regions", type=click.Path(dir_okay=False), help="BED file for GREAT.")
@click.option(
    "--background-regions",
    type=click.Path(dir_okay=False),
    help="BED of all tested regions (GREAT region test against them).",
)
@click.option("--comparison", "comparison_id", help="GREAT on this comparison's regions.")
@click.option("--integration", "integration_id", help="ORA of this integration's gene lists.")
@click.option(
    "--background",
    type=click.Choice(["genome", "tested"]),
    default="genome",
    show_default=True,
    help="With --comparison: whole genome, or all tested regions of the comparison.",
)
@click.option(
    "--genome", default="hg38", show_default=True, help="hg38 or hg19 (GO); mm10 with --gmt."
)
@click.option(
    "--ontology",
    "ontologies",
    multiple=True,
    type=click.Choice(["BP", "MF", "CC"], case_sensitive=False),
    help="GO ontology (repeatable; default BP).",
)
@click.option("--no-go", is_flag=True, help="Use only the --gmt gene sets.")
@click.option("--gmt", type=click.Path(dir_okay=False), help="Gene sets in GMT format.")
@click.option("--min-size", type=int, help="Smallest gene set (default 10 ORA, 5 GREAT).")
@click.option("--max-size", type=int, help="Largest gene set (default 500 ORA, none GREAT).")
@click.option("--out", type=click.Path(dir_okay=False), help="Result file (.tsv/.csv/.parquet).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="DuckDB file.")
def command(
    genes, universe, regions, background_regions, comparison_id, integration_id, background,
    genome, ontologies, no_go, gmt, min_size, max_size, out, db_path,
) -> None:  # fmt: skip
    """Functional enrichment (GO or GMT): ORA of genes, GREAT of regions; see docs/enrichment.md."""
    from chromdiff.settings import get_settings

    onts = () if no_go else tuple(o.upper() for o in ontologies) or ("BP",)
    size = {}
    if min_size is not None:
        size["min_size"] = min_size
    if max_size is not None:
        size["max_size"] = max_size
    if comparison_id or integration_id:
        from chromdiff.enrichment import steps

        path = db_path or str(get_settings().db_path)
        if comparison_id:
            res = steps.comparison_step(path, comparison_id, ontologies=onts, gmt=gmt,
                                        background=background, **size)  # fmt: skip
        else:
            res = steps.integration_step(path, integration_id, ontologies=onts, gmt=gmt, **size)
        for note in res["notes"]:
            click.echo(f"note: {note}")
        click.echo(f"{res['rows']:,} enrichment rows written to {path}")
        return
    if bool(genes) == bool(regions):
        raise click.UsageError("give one of --genes, --regions, --comparison or --integration")
    if not out:
        raise click.UsageError("--out FILE is needed for --genes / --regions")
    import duckdb

    from chromdiff.enrichment.adhoc import GREAT_SIZES, ORA_SIZES, enrich_genes, enrich_regions
    from chromdiff.errors import InputError
    from chromdiff.warehouse.db import apply_schema

    con = duckdb.connect()
    apply_schema(con)
    notes: list[str] = []
    try:
        if genes:
            df = enrich_genes(con, genes, universe_file=universe, genome=genome,
                              ontologies=onts, gmt=gmt, notes=notes, **size)  # fmt: skip
        else:
            df = enrich_regions(con, regions, background_file=background_regions,
                                genome=genome, ontologies=onts, gmt=gmt, notes=notes,
                                **size)  # fmt: skip
    except InputError:  # what was found before the failure often explains it (0 genes mapped)
        for note in notes:
            click.echo(f"note: {note}")
        raise
    if df.empty:  # a set outside the size bounds is not tested: say so, not just "no hits"
        lo, hi = ORA_SIZES if genes else GREAT_SIZES
        lo, hi = size.get("min_size", lo), size.get("max_size", hi)
        bounds = f"{lo} to {hi}" if hi is not None else f"at least {lo}"
        notes.append(f"only gene sets of {bounds} genes (in the universe) are tested "
                     "(--min-size / --max-size): none of those had a hit")  # fmt: skip
    for note in notes:
        click.echo(f"note: {note}")
    _write(con, df, Path(out))
    click.echo(f"{result_line(df)} -> {out}")


def result_line(df) -> str:
    """Return "N terms tested with hits (M with padj < 0.05)", per test when there are several.

    GREAT writes two rows per term (binomial and gene hypergeometric test): rows are not terms.
    """
    parts = []
    for method, rows in df.groupby("method", sort=True):
        sig = int((rows["padj"] < 0.05).sum())
        parts.append(f"{method}: {len(rows):,} terms with hits ({sig:,} with padj < 0.05)")
    methods = set(df["method"]) if "method" in df else set()
    if {"great_binomial", "great_hypergeometric"} <= methods:
        # GREAT's default output, and the reports here, keep a term both tests call significant
        key = ["set_source", "set_id"] if "set_source" in df else ["set_id"]
        sig = df[df["padj"] < 0.05].groupby(key)["method"].nunique()
        parts.append(f"{int((sig == 2).sum()):,} significant by both tests (GREAT's default)")
    return "; ".join(parts) or "no term with hits"


def _write(con, df, out: Path) -> None:
    """Write ``df`` to ``out`` via a temp file renamed at the end (nothing half-written)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    con.register("_cd_out", df)
    if out.suffix == ".parquet":
        opts = "format parquet, compression zstd"
    elif out.suffix == ".csv":
        opts = "header true, delimiter ','"
    else:
        opts = "header true, delimiter '\t'"
    con.execute(f"copy (select * from _cd_out) to '{tmp}' ({opts})")
    tmp.replace(out)
