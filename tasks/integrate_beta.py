"""Prefect tasks of the BETA mode (``chromdiff integrate --method beta``): run, then report."""

from __future__ import annotations

from prefect import task

from chromdiff.integration import beta_report, beta_store


@task(name="integrate-beta")
def run_beta(db_path: str, **kwargs: object) -> dict:
    """Read the inputs, run BETA basic and store the ``beta_*`` rows atomically."""
    return beta_store.beta_step(db_path, **kwargs)


@task(name="integrate-beta-report")
def render_beta(
    db_path: str, integration_id: str, out_dir: str, export_formats: str | None = None
) -> dict:
    """Chart, exports and the Markdown + HTML report of a BETA-mode run."""
    return beta_report.report_step(db_path, integration_id, out_dir, export_formats)
