"""``chromdiff export-parquet``: the whole warehouse as Parquet files for other tools."""

from __future__ import annotations

import click

from chromdiff.cli.options import wait_option
from chromdiff.settings import get_settings


@click.command("export-parquet")
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="DuckDB file.")
@click.option("--views/--no-views", default=False, show_default=True, help="Also export views.")
@wait_option
def command(out_dir: str, db_path: str | None, views: bool, wait_s: float) -> None:
    """Write every table (and with --views every view) of the database to OUT_DIR/<name>.parquet."""
    from chromdiff.warehouse.export_parquet import export_parquet

    path = db_path or str(get_settings().db_path)
    written = export_parquet(path, out_dir, views=views, wait_s=wait_s)
    click.echo(f"wrote {len(written)} Parquet files to {out_dir}")
