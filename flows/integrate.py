"""The integration flow: load peaks + DE table, link peaks to genes, statistics, report.

``chromdiff integrate`` runs it; ``chromdiff demo`` runs it on simulated data.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger

from chromdiff.integration.beta_mode import BetaOptions
from chromdiff.integration.params import IntegrationParams
from chromdiff.settings import get_settings
from chromdiff.warehouse.history import current_run_id, record_run
from tasks import integrate as t
from tasks import integrate_beta as tb
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
    method: str = "chromdiff",
    beta_options: BetaOptions | None = None,
    reference: str | None = None,
    title: str | None = None,
    enrich: bool = True,
    export_formats: str | None = None,
    keep_qc_excluded: bool = False,
) -> dict:
    """Integrate differential peaks (file or comparison) with a DE table (all or nothing).

    Rows are computed under a staging id and published with the report at the end; a failure
    leaves the previous rows and report of ``integration_id`` as they were.

    ``method="beta"`` runs BETA 1.0.7 ``basic`` instead (``beta_options``, BETA's RefSeq
    table of ``genome`` or ``reference``; ``title`` names the run). ``export_formats``: formats
    of the table exports (``auto``, ``csv``, ``parquet``, ``csv,parquet``; default: the
    ``export_formats`` setting). ``keep_qc_excluded``: keep a comparison's regions on the
    chromosomes its QC says to exclude from interpretation (left out by default).

    Returns
    -------
    dict
        Load summary plus ``links``, ``stats`` and ``report`` (paths written).
    """
    settings = get_settings()
    db_path = str(db_path or settings.db_path)
    out = str(output_dir or settings.output_dir)
    if method == "beta":
        return _beta(rna, atac, genome, db_path, out, integration_id, beta_options, reference,
                     title or "integration", atac_columns, rna_columns,
                     export_formats)  # fmt: skip
    params = params or IntegrationParams()
    record = dict(rna=rna, atac=atac, comparison=comparison, genome=genome, gtf=gtf,
                  integration_id=integration_id, params=params.__dict__,
                  atac_columns=atac_columns, rna_columns=rna_columns,
                  enrich=enrich, keep_qc_excluded=keep_qc_excluded)  # fmt: skip
    with record_run(db_path, "integrate", record, run_id=current_run_id()) as run:
        summary = t.load_inputs(
            db_path, rna=rna, peaks=atac, comparison=comparison, genome=genome, gtf=gtf,
            params=params, integration_id=integration_id, atac_columns=atac_columns,
            rna_columns=rna_columns, keep_qc_excluded=keep_qc_excluded,
        )  # fmt: skip
        iid, staged = summary["integration_id"], summary["staged_id"]
        run.update(annotation_id=summary["annotation_id"])
        for note in summary["warnings"]:
            get_run_logger().warning("input: %s", note)
        for note in summary["notes"]:
            get_run_logger().info("input: %s", note)
        try:  # all or nothing: rows and report are published together at the end
            summary["links"] = t.link_peaks(db_path, staged)
            for note in summary["links"]["notes"]:
                get_run_logger().info("links: %s", note)
            summary["notes"] += summary["links"]["notes"]
            summary["stats"] = t.compute_stats(db_path, staged)
            if enrich:
                summary["enrichment"] = enrich_integration_task(db_path, staged)
                for note in summary["enrichment"]["notes"]:
                    get_run_logger().info("enrichment: %s", note)
            summary["report"] = t.render(db_path, staged, out, iid, export_formats)
            t.publish(db_path, staged, iid, out)
        except BaseException:
            t.discard(db_path, staged, iid, out)
            raise
    summary["output_dir"] = str(Path(out) / iid)
    return summary


def _beta(rna, atac, genome, db_path, out, integration_id, opts, reference, title, amap, rmap,
          export_formats):  # fmt: skip
    """Run the BETA-mode branch of :func:`integrate`: one task stores, one renders."""
    opts = opts or BetaOptions()
    record = dict(rna=rna, atac=atac, genome=genome, integration_id=integration_id,
                  method="beta", beta_options=opts.__dict__, reference=reference, title=title,
                  atac_columns=amap, rna_columns=rmap)  # fmt: skip
    with record_run(db_path, "integrate", record, run_id=current_run_id()):
        summary = tb.run_beta(
            db_path, rna=rna, peaks=atac, genome=genome, reference=reference, opts=opts,
            title=title, integration_id=integration_id, atac_columns=amap, rna_columns=rmap,
        )  # fmt: skip
        summary["report"] = tb.render_beta(db_path, summary["integration_id"], out, export_formats)
    summary["output_dir"] = str(Path(out) / summary["integration_id"])
    return summary
