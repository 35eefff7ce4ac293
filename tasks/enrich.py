"""Prefect tasks of functional enrichment (thin wrappers of ``chromdiff.enrichment.steps``).

No retries: every step is local and deterministic. Where no gene sets apply (no GO for the
genome or annotation, no GMT) the step writes a ``skipped`` note and no rows.
"""

from __future__ import annotations

from prefect import task

from chromdiff.enrichment import steps


@task(name="enrich-comparison")
def enrich_comparison_task(db_path: str, comparison_id: str) -> dict:
    """GREAT (GO BP, whole genome) on the comparison's A- and B-enriched regions."""
    return steps.comparison_step(db_path, comparison_id)


@task(name="enrich-integration")
def enrich_integration_task(db_path: str, integration_id: str) -> dict:
    """ORA (GO BP) of each concordance category and of the up/down genes of an integration."""
    return steps.integration_step(db_path, integration_id)
