"""Enrichment steps on a database path (no Prefect): what the flow tasks and the CLI call."""

from __future__ import annotations

from pathlib import Path

from chromdiff.warehouse import db


def integration_step(db_path: str | Path, integration_id: str, **kwargs: object) -> dict:
    """ORA of an integration's gene lists (``enrichment.integration.enrich_integration``)."""
    from chromdiff.enrichment.integration import enrich_integration

    with db.writer(db_path) as con:
        return enrich_integration(con, integration_id, **kwargs)


def comparison_step(db_path: str | Path, comparison_id: str, **kwargs: object) -> dict:
    """GREAT on a comparison's A-/B-enriched regions (``enrichment.comparison``)."""
    from chromdiff.enrichment.comparison import enrich_comparison

    with db.writer(db_path) as con:
        return enrich_comparison(con, comparison_id, **kwargs)
