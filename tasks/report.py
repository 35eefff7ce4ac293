"""Prefect task rendering a comparison's outputs (exports, charts, Markdown and HTML report)."""

from __future__ import annotations

from pathlib import Path

from prefect import task

from chromdiff.report.render import render_comparison


@task(name="render-report")
def render_report(
    db_path: str, comparison_id: str, out_dir: str, export_formats: str | None = None
) -> dict[str, str]:
    """Render every output of one comparison from the database; return file name -> path."""
    written = render_comparison(
        db_path, comparison_id, Path(out_dir), export_formats=export_formats
    )
    return {name: str(path) for name, path in written.items()}
