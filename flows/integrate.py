"""The integration flow: load peaks + DE table, link peaks to genes, statistics, report.

``chromdiff integrate`` runs it; ``chromdiff demo`` runs it on simulated data.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger

from chromdiff.integration.params import IntegrationParams
from chromdiff.settings import get_settings
from chromdiff.warehouse.history import current_run_id, record_run
from tasks import integrate as t
from tasks.enrich import enrich_integration_task


@flow(name="integrate", log_prints=True)
def integrate(
    rna: str,
    atac: str | None = None,
    comparison: str | None = None,
    genome: str | None = None,
    gtf: str | None = None,
    db_path: str | None = None,
    output_dir: str | None = None,
    integration_id: str | None = None,
    params: IntegrationParams | None = None,
    atac_columns: dict[str, str] | None = None,
    rna_columns: dict[str, str] | None = None,
    enrich: bool = True,
) -> dict:
    """Integrate differential peaks (file or comparison) with a DE table.

    Returns
    -------
    dict
        Load summary plus ``links``, ``stats`` and ``report`` (paths written).
    """
    settings = get_settings()
    db_path = str(db_path or settings.db_path)
    out = str(output_dir or settings.output_dir)
    params = params or IntegrationParams()
    record = dict(rna=rna, atac=atac, comparison=comparison, genome=genome, gtf=gtf,
                  integration_id=integration_id, params=params.__dict__,
                  atac_columns=atac_columns, rna_columns=rna_columns,
                  enrich=enrich)  # fmt: skip
    with record_run(db_path, "integrate", record, run_id=current_run_id()) as run:
        summary = t.load_inputs(
            db_path, rna=rna, peaks=atac, comparison=comparison, genome=genome, gtf=gtf,
            params=params, integration_id=integration_id, atac_columns=atac_columns,
            rna_columns=rna_columns,
        )  # fmt: skip
        iid = summary["integration_id"]
        run.update(annotation_id=summary["annotation_id"])
        for note in summary["notes"]:
            get_run_logger().info("input: %s", note)
        summary["links"] = t.link_peaks(db_path, iid)
        summary["stats"] = t.compute_stats(db_path, iid)
        if enrich:
            summary["enrichment"] = enrich_integration_task(db_path, iid)
            for note in summary["enrichment"]["notes"]:
                get_run_logger().info("enrichment: %s", note)
        summary["report"] = t.render(db_path, iid, out)
    summary["output_dir"] = str(Path(out) / iid)
    return summary
