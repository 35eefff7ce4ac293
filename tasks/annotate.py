"""Prefect tasks annotating regions to genes (thin wrappers of ``chromdiff.annotation``)."""

from __future__ import annotations

from prefect import task

from chromdiff.annotation import annotate_comparison
from chromdiff.warehouse.db import writer


@task(name="annotate-comparison")
def annotate_comparison_task(db_path: str, comparison_id: str, gtf: str | None = None) -> int:
    """Fill ``region_annotation`` for one comparison; return the rows written (0: no annotation)."""
    from chromdiff.annotation import ensure_annotation

    with writer(db_path) as con:
        aid = ensure_annotation(con, gtf=gtf) if gtf else None
        return annotate_comparison(con, comparison_id, aid)


@task(name="annotate-regions")
def annotate_regions_task(
    db_path: str, regions_sql: str, out_table: str, genome: str = "hg38", gtf: str | None = None
) -> int:
    """Annotate any ``regions_sql`` into ``out_table``; return the number of rows."""
    from chromdiff.annotation import annotate_regions, ensure_annotation

    with writer(db_path) as con:
        aid = ensure_annotation(con, genome=genome, gtf=gtf)
        return 0 if aid is None else annotate_regions(con, regions_sql, aid, out_table)
