"""Prefect task rendering a comparison's outputs (exports, charts, Markdown and HTML report)."""

from __future__ import annotations

from pathlib import Path

from prefect import task

from chromdiff.report.render import render_comparison


@task(name="render-report")
def render_report(
    db_path: str, comparison_id: str, out_dir: str, export_formats: str | None = None
) -> dict[str, str]:
    """Render every output of one comparison from the database; return file name -> path.

    Then sets ``comparisons.reported_at``: until then a rerun finishes annotation and report.
    """
    from chromdiff.design.comparison import set_reported
    from chromdiff.warehouse.db import writer

    written = render_comparison(
        db_path, comparison_id, Path(out_dir), export_formats=export_formats
    )
    with writer(db_path) as con:  # the last step: a rerun no longer needs to finish anything
        set_reported(con, comparison_id)
    return {name: str(path) for name, path in written.items()}
