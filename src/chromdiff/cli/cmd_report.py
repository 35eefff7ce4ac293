"""``chromdiff report``: re-render the exports, charts and reports of a comparison."""

from __future__ import annotations

from pathlib import Path

import click

from chromdiff.cli.options import exports_option
from chromdiff.settings import get_settings


@click.command("report")
@click.argument("comparison_id")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="DuckDB file.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Output folder (default: <output_dir>/<COMPARISON_ID>).",
)
@exports_option
def command(
    comparison_id: str, db_path: str | None, out_dir: str | None, export_formats: str | None
) -> None:
    """Render exports, charts, summary_report.md and report.html of COMPARISON_ID."""
    from chromdiff.report.render import render_comparison

    settings = get_settings()
    path = db_path or str(settings.db_path)
    if not Path(path).exists():
        raise click.ClickException(f"database {path} does not exist")
    out = Path(out_dir) if out_dir else Path(settings.output_dir) / comparison_id
    written = render_comparison(path, comparison_id, out, export_formats=export_formats)
    click.echo(f"{comparison_id}: {len(written)} files in {out}")
    click.echo(f"report: {written['report.html']}")
