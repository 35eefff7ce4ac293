"""``chromdiff compare``: run the comparison flow on two groups of experiment IDs."""

from __future__ import annotations

import os

import click

from chromdiff.design.inputs import ANALYSES, GENOMES


def _ids(path: str | None, example_ids: tuple[str, ...] | None, id_column: str | None, grp: str):
    from chromdiff.design.inputs import read_ids
    from chromdiff.errors import InputError

    if path:
        return read_ids(path, id_column)
    if example_ids:
        return list(example_ids)
    raise InputError(f"group {grp}: give --{grp.lower()} FILE (or --example NAME)")


@click.command()
@click.option(
    "--a", "file_a", type=click.Path(dir_okay=False), help="IDs of group A (.txt/.csv/.tsv)."
)
@click.option("--b", "file_b", type=click.Path(dir_okay=False), help="IDs of group B.")
@click.option("--example", help="Use a built-in example design (see `chromdiff examples`).")
@click.option("--id-column", help="ID column of CSV/TSV inputs (default: auto-detected).")
@click.option("--genome", default=None, help=f"Assembly: {', '.join(GENOMES)} [hg38].")
@click.option("--analysis", default=None, help=f"{' or '.join(ANALYSES)} [diffbind].")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="DuckDB file.")
@click.option("--output", "output_dir", type=click.Path(file_okay=False), help="Output folder.")
@click.option(
    "--comparison-id",
    help="Name of the comparison (default: the example's name, else from the input hash).",
)
@click.option("--title", help="Job title (letters, digits, space, _ . -).")
@click.option("--desc-a", default=None, help="Label of group A [dataset A].")
@click.option("--desc-b", default=None, help="Label of group B [dataset B].")
@click.option("--threshold", type=int, help="MACS2 peak threshold: 50, 100, 200, 500 (diffbind).")
@click.option("--base-url", envvar="CHROMDIFF_BASE_URL", help="ChIP-Atlas WABI endpoint.")
@click.option("--force", is_flag=True, help="Re-submit even if the same inputs are loaded.")
@click.option("--fdr", type=float, default=0.05, show_default=True, help="Significance cut-off.")
@click.option("--min-abs-logfc", type=float, default=0.0, show_default=True)
@click.option(
    "--exports",
    "export_formats",
    default=None,
    help="Table export formats: auto, csv, parquet or csv,parquet [auto: both; Parquet only "
    "for tables over 100,000 rows].",
)
@click.option("--request-id", help="Resume this ChIP-Atlas request (e.g. a submission in doubt).")
@click.option("--verbose", is_flag=True, help="Show tracebacks on the console (always in the log).")
@click.option(
    "--enrich/--no-enrich",
    default=True,
    show_default=True,
    help="GREAT (GO BP) on the A-/B-enriched regions (human genomes; docs/enrichment.md).",
)
def command(file_a, file_b, example, id_column, genome, analysis, desc_a, desc_b, verbose, **kw):
    """Compare two groups of experiments (ChIP-Atlas Diff Analysis) and load the result."""
    from chromdiff.design.comparison import ComparisonSpec
    from chromdiff.design.examples import get_example

    ex = get_example(example) if example else None
    if ex and not (file_a or file_b or genome or analysis or kw["comparison_id"]):
        kw["comparison_id"] = ex.name  # a rerun (or the batch's same comparison) then skips
    ids_a = _ids(file_a, ex.ids_a if ex else None, id_column, "A")
    ids_b = _ids(file_b, ex.ids_b if ex else None, id_column, "B")
    genome = genome or (ex.genome if ex else "hg38")
    analysis = analysis or (ex.analysis if ex else "diffbind")
    desc_a = desc_a or (ex.description_a if ex else "dataset A")
    desc_b = desc_b or (ex.description_b if ex else "dataset B")
    # every input check runs before Prefect starts: bad input fails fast, nothing is written
    if kw.get("export_formats") is not None:
        from chromdiff.cli.cmd_report import _check_formats

        _check_formats(kw["export_formats"])
    ComparisonSpec(ids_a, ids_b, genome, analysis, kw["threshold"], kw["title"], desc_a,
                   desc_b).validated()  # fmt: skip
    if kw["request_id"]:
        from chromdiff.chipatlas.protocol import REQUEST_ID_RE
        from chromdiff.errors import InputError

        kw["request_id"] = kw["request_id"].strip()
        if not REQUEST_ID_RE.match(kw["request_id"]):
            raise InputError(f"--request-id {kw['request_id']!r} is not a ChIP-Atlas request ID")
    from pathlib import Path

    from chromdiff.cli.flowrun import run_flow
    from chromdiff.settings import get_settings

    log_path = Path(kw["output_dir"] or get_settings().output_dir) / "chromdiff.log"
    click.echo(
        f"comparing {len(ids_a)} vs {len(ids_b)} experiments ({genome}, {analysis});"
        f" log: {log_path}",
        err=True,
    )
    from chromdiff.cli.prefect_hint import prefect_hint

    prefect_hint()
    if verbose:
        os.environ["CHROMDIFF_VERBOSE"] = "1"
    from flows.compare import compare

    out = run_flow(compare, log_path, verbose=verbose, ids_a=ids_a, ids_b=ids_b, genome=genome,
                   analysis=analysis, description_a=desc_a, description_b=desc_b,
                   **kw)  # fmt: skip
    _report(out)


def _report(out: dict) -> None:
    state = "already loaded (skipped; --force re-submits)" if out["skipped"] else out["status"]
    click.echo(f"comparison {out['comparison_id']}: {state}")
    click.echo(f"  request:  {out['request_id']}")
    click.echo(f"  regions:  {out['n_regions']} ({out['result_format']})")
    click.echo(f"  outputs:  {out['output_dir']}")
