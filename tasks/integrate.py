"""Prefect tasks of the integration flow (thin wrappers of ``chromdiff.integration.pipeline``).

No retries: every step is local and deterministic, so a failure is a bad input or a bug.
"""

from __future__ import annotations

from prefect import task

from chromdiff.integration import pipeline


@task(name="integrate-load")
def load_inputs(db_path: str, **kwargs: object) -> dict:
    """Validate both inputs and load them atomically; return the load summary."""
    return pipeline.load_step(db_path, **kwargs)


@task(name="integrate-link")
def link_peaks(db_path: str, integration_id: str) -> dict:
    """Annotate the peaks and link them to genes."""
    return pipeline.link_step(db_path, integration_id)


@task(name="integrate-stats")
def compute_stats(db_path: str, integration_id: str) -> dict:
    """Correlations, threshold sensitivity and BETA's KS tests."""
    return pipeline.stats_step(db_path, integration_id)


@task(name="integrate-report")
def render(
    db_path: str,
    integration_id: str,
    out_dir: str,
    name: str | None = None,
    export_formats: str | None = None,
) -> dict:
    """Charts, exports and the Markdown + HTML report, left unpublished (``.<name>.partial``)."""
    return pipeline.report_step(
        db_path, integration_id, out_dir, name, publish=False, export_formats=export_formats
    )


@task(name="integrate-publish")
def publish(db_path: str, staged: str, integration_id: str, out_dir: str | None) -> None:
    """Swap the staged report and rows in at once; mark the integration done."""
    pipeline.publish_step(db_path, staged, integration_id, out_dir)


@task(name="integrate-discard")
def discard(db_path: str, staged: str, integration_id: str, out_dir: str | None) -> None:
    """Drop the staged rows and partial report of a failed run (the previous ones stay)."""
    pipeline.discard_step(db_path, staged, integration_id, out_dir)
