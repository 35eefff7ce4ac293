"""``chromdiff compare``: run the comparison flow on two groups of experiment IDs."""

from __future__ import annotations

import os

import click

from chromdiff.cli.options import exports_option
from chromdiff.design.inputs import ANALYSES, DEFAULT_THRESHOLD, GENOMES, THRESHOLDS


def _ids(path: str | None, example_ids: tuple[str, ...] | None, id_column: str | None, grp: str,
         analysis: str = "diffbind"):  # fmt: skip
    from chromdiff.design.inputs import read_ids
    from chromdiff.errors import InputError

    if path:
        return read_ids(path, id_column, analysis)
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
@click.option(
    "--threshold", type=int,
    help=f"diffbind: MACS2 peak threshold {', '.join(map(str, THRESHOLDS['diffbind']))} (default "
    f"{DEFAULT_THRESHOLD['diffbind']}); dmr: unused, {DEFAULT_THRESHOLD['dmr']} (default) or "
    f"{'/'.join(map(str, THRESHOLDS['dmr'][:-1]))}.",
)  # fmt: skip
@click.option("--base-url", envvar="CHROMDIFF_BASE_URL", help="ChIP-Atlas WABI endpoint.")
@click.option("--force", is_flag=True, help="Re-submit even if the same inputs are loaded.")
@click.option("--fdr", type=float, default=0.05, show_default=True, help="Significance cut-off.")
@click.option(
    "--min-abs-logfc",
    type=float,
    default=0.0,
    show_default=True,
    help="Also require |effect| >= this (log2FC; methylation difference for dmr).",
)
@exports_option
@click.option(
    "--request-id",
    help="Resume this ChIP-Atlas request (a submission in doubt, or a job called lost).",
)
@click.option("--verbose", is_flag=True, help="Show tracebacks on the console (always in the log).")
@click.option(
    "--enrich/--no-enrich",
    default=True,
    show_default=True,
    help="GREAT (GO BP) on the A-/B-enriched regions (human genomes; docs/enrichment.md).",
)
@click.option(
    "--local",
    "local",
    is_flag=True,
    help="Run ChIP-Atlas's diffbind pipeline on this machine (docs/pipeline.md).",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False),
    help="--local: folder of cached ChIP-Atlas files and downloads [<output>/local_cache].",
)
@click.option(
    "--engine",
    type=click.Choice(["numpy", "r"]),
    default="numpy",
    show_default=True,
    help="--local: edgeR implementation (r = real edgeR via Rscript).",
)
def command(file_a, file_b, example, id_column, genome, analysis, desc_a, desc_b, verbose, local,
            cache_dir, engine, **kw) -> None:  # fmt: skip
    """Compare two groups of experiments (ChIP-Atlas Diff Analysis) and load the result."""
    from chromdiff.design.comparison import ComparisonSpec, check_thresholds
    from chromdiff.design.examples import get_example
    from chromdiff.errors import InputError

    ex = get_example(example) if example else None
    if ex and not (local or file_a or file_b or genome or analysis or kw["comparison_id"]):
        kw["comparison_id"] = ex.name  # a rerun (or the batch's same comparison) then skips
    analysis = analysis or (ex.analysis if ex else "diffbind")
    if local and analysis == "dmr":
        raise InputError(
            "--local runs diffbind only: dmr needs metilene, which is not packaged here; "
            "run dmr comparisons through the ChIP-Atlas service (without --local)"
        )
    if not local and (cache_dir or engine != "numpy"):
        raise InputError("--cache and --engine apply to --local runs only")
    if local and kw["request_id"]:
        raise InputError("--request-id resumes a ChIP-Atlas request; --local runs submit none")
    ids_a = _ids(file_a, ex.ids_a if ex else None, id_column, "A", analysis)
    ids_b = _ids(file_b, ex.ids_b if ex else None, id_column, "B", analysis)
    genome = genome or (ex.genome if ex else "hg38")
    # an example's group label names its own experiments, never those of --a/--b given instead
    desc_a = desc_a or (ex.description_a if ex and not file_a else "dataset A")
    desc_b = desc_b or (ex.description_b if ex and not file_b else "dataset B")
    if ex and bool(file_a) != bool(file_b):  # one group is the example's: say which
        grp, label, ids = ("B", ex.description_b, ids_b) if file_a else ("A", ex.description_a,
                                                                          ids_a)  # fmt: skip
        click.echo(f"group {grp} is example {ex.name}'s {label} ({len(ids)} experiments); "
                   f"the comparison is not named {ex.name}", err=True)  # fmt: skip
    # every input check runs before Prefect starts: bad input fails fast, nothing is written
    ComparisonSpec(ids_a, ids_b, genome, analysis, kw["threshold"], kw["title"], desc_a,
                   desc_b).validated()  # fmt: skip
    check_thresholds(analysis, kw["fdr"], kw["min_abs_logfc"])
    if kw["request_id"]:
        from chromdiff.chipatlas.protocol import REQUEST_ID_RE

        kw["request_id"] = kw["request_id"].strip()
        if not REQUEST_ID_RE.match(kw["request_id"]):
            raise InputError(f"--request-id {kw['request_id']!r} is not a ChIP-Atlas request ID")
    from pathlib import Path

    from chromdiff.cli.flowrun import run_flow
    from chromdiff.settings import get_settings

    log_path = Path(kw["output_dir"] or get_settings().output_dir) / "chromdiff.log"
    click.echo(
        f"comparing {len(ids_a)} vs {len(ids_b)} experiments ({genome}, {analysis})"
        + (" on this machine" if local else "")
        + f"; log: {log_path}",
        err=True,
    )
    from chromdiff.cli.prefect_hint import prefect_hint

    prefect_hint()
    if verbose:
        os.environ["CHROMDIFF_VERBOSE"] = "1"
    if local:
        _run_local(ids_a, ids_b, genome, analysis, desc_a, desc_b, cache_dir, engine, log_path,
                   verbose, kw)  # fmt: skip
        return
    from flows.compare import compare

    out = run_flow(compare, log_path, verbose=verbose, ids_a=ids_a, ids_b=ids_b, genome=genome,
                   analysis=analysis, description_a=desc_a, description_b=desc_b,
                   **kw)  # fmt: skip
    _report(out)


def _run_local(ids_a, ids_b, genome, analysis, desc_a, desc_b, cache_dir, engine, log_path,
               verbose, kw) -> None:  # fmt: skip
    """Check the local files, then run ``compare-local`` through the same wrapper as compare."""
    from chromdiff.cli.flowrun import run_flow
    from chromdiff.edger.diffbind import EngineUnavailableError, r_available

    if engine == "r" and not r_available():
        raise EngineUnavailableError(
            "--engine r needs Rscript with the edgeR package (Debian: apt-get install "
            "r-bioc-edger); the default --engine numpy needs nothing"
        )
    from pathlib import Path

    from chromdiff.design.comparison import ComparisonSpec
    from chromdiff.local.run import preflight
    from chromdiff.settings import get_settings
    from flows.compare_local import compare_local

    # local files are checked before Prefect starts: one error line, nothing written
    spec = ComparisonSpec(ids_a, ids_b, genome, analysis, kw["threshold"], kw["title"], desc_a,
                          desc_b).validated()  # fmt: skip
    cache_dir = cache_dir or str(
        Path(kw["output_dir"] or get_settings().output_dir) / "local_cache"
    )
    preflight(spec, Path(cache_dir))
    kw.pop("base_url", None)
    kw.pop("request_id", None)
    out = run_flow(compare_local, log_path, verbose=verbose, ids_a=ids_a, ids_b=ids_b,
                   genome=genome, analysis=analysis, description_a=desc_a, description_b=desc_b,
                   cache_dir=cache_dir, engine=engine, **kw)  # fmt: skip
    _report(out)
    if not out["skipped"]:
        click.echo(f"  local:    {out['n_union_regions']} union regions, {out['n_tested']} tested")


def _report(out: dict) -> None:
    state = "already loaded (skipped; --force re-submits)" if out["skipped"] else out["status"]
    click.echo(f"comparison {out['comparison_id']}: {state}")
    click.echo(f"  request:  {out['request_id'] or 'none (computed on this machine)'}")
    click.echo(f"  regions:  {out['n_regions']} ({out['result_format']})")
    click.echo(f"  outputs:  {out['output_dir']}")
