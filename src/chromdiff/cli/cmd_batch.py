"""``chromdiff batch``: run every comparison of a YAML/CSV batch file as one parent flow."""

from __future__ import annotations

import click


@click.command("batch")
@click.argument("batch_file", type=click.Path(dir_okay=False))
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="DuckDB file.")
@click.option("--output", "output_dir", type=click.Path(file_okay=False), help="Output folder.")
@click.option("--base-url", envvar="CHROMDIFF_BASE_URL", help="ChIP-Atlas WABI endpoint.")
@click.option("--force", is_flag=True, help="Re-run comparisons whose inputs are unchanged.")
@click.option(
    "--only",
    multiple=True,
    metavar="NAME",
    help="Run only this comparison (repeatable); with --force, re-submit only these.",
)
@click.option("--check", is_flag=True, help="Only validate the batch file and list it.")
@click.option(
    "--runner",
    type=click.Choice(["sequential", "threads", "dask"]),
    default="sequential",
    show_default=True,
    help="sequential: a compare subflow each; threads/dask: fan network+parse out.",
)
@click.option(
    "--workers",
    "n_workers",
    type=int,
    default=2,
    show_default=True,
    help="Threads or local Dask worker processes (dask uses CHROMDIFF_DASK_ADDRESS when set).",
)
@click.option("--verbose", is_flag=True, help="Show tracebacks on the console (always in the log).")
def command(
    batch_file: str,
    db_path,
    output_dir,
    base_url,
    force: bool,
    only: tuple[str, ...],
    check: bool,
    runner: str,
    n_workers: int,
    verbose: bool,
) -> None:
    """Run the comparisons of BATCH_FILE; failures are reported, the others still run."""
    from chromdiff.batch.spec import load_batch, select_items

    # a run lets a bad comparison fail alone
    items = select_items(load_batch(batch_file, strict=check), only)
    if check:
        for it in items:
            click.echo(f"{it.name}\t{it.genome}\t{it.analysis}\t{len(it.ids_a)} vs {len(it.ids_b)}")
        return
    from pathlib import Path

    from chromdiff.cli.flowrun import run_flow
    from chromdiff.cli.prefect_hint import prefect_hint
    from chromdiff.settings import get_settings
    from flows.batch import run_batch

    log_path = Path(output_dir or get_settings().output_dir) / "chromdiff.log"
    click.echo(f"batch of {len(items)} comparisons; log: {log_path}", err=True)
    prefect_hint()
    rows, _state = run_flow(
        run_batch,
        log_path,
        verbose=verbose,
        batch_file=batch_file,
        db_path=db_path,
        output_dir=output_dir,
        base_url=base_url,
        force=force,
        only=list(only) or None,
        runner=runner,
        n_workers=n_workers,
    )
    for line in result_lines(rows):
        click.echo(line)
    if any(r["status"] == "failed" for r in rows):
        raise SystemExit(1)


#: Header of the batch's stdout table: the run status and the QC verdict are different things.
HEADER = ("comparison", "run", "qc_verdict", "error")


def result_lines(rows: list[dict]) -> list[str]:
    """Return the tab-separated stdout table: a header, then one line per comparison."""
    lines = ["\t".join(HEADER)]
    for r in rows:
        cells = (r["comparison_id"], r["status"], r.get("qc_verdict") or "-", r["error"] or "")
        lines.append("\t".join(cells))
    return lines
