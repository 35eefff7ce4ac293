"""``chromdiff batch``: run every comparison of a YAML/CSV batch file as one parent flow."""

from __future__ import annotations

import click


@click.command("batch")
@click.argument("batch_file", type=click.Path(dir_okay=False))
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="DuckDB file.")
@click.option("--output", "output_dir", type=click.Path(file_okay=False), help="Output folder.")
@click.option("--base-url", envvar="CHROMDIFF_BASE_URL", help="ChIP-Atlas WABI endpoint.")
@click.option("--force", is_flag=True, help="Re-run comparisons whose inputs are unchanged.")
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
def command(
    batch_file: str,
    db_path,
    output_dir,
    base_url,
    force: bool,
    check: bool,
    runner: str,
    n_workers: int,
) -> None:
    """Run the comparisons of BATCH_FILE; failures are reported, the others still run."""
    from chromdiff.batch.spec import load_batch

    items = load_batch(batch_file)
    if check:
        for it in items:
            click.echo(f"{it.name}\t{it.genome}\t{it.analysis}\t{len(it.ids_a)} vs {len(it.ids_b)}")
        return
    from chromdiff.cli.prefect_hint import prefect_hint

    prefect_hint()
    from flows.batch import batch

    rows = batch(
        batch_file,
        db_path=db_path,
        output_dir=output_dir,
        base_url=base_url,
        force=force,
        runner=runner,
        n_workers=n_workers,
    )
    for r in rows:
        click.echo(
            f"{r['comparison_id']}\t{r['status']}\t{r.get('qc_verdict') or '-'}\t{r['error'] or ''}"
        )
    if any(r["status"] == "failed" for r in rows):
        raise SystemExit(1)
