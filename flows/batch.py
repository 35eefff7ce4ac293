"""The batch flow: one parent flow, one ``compare`` subflow per comparison of a batch file.

Unchanged comparisons are skipped by the compare flow (input hash); a failing comparison is
reported in the summary and the others go on. Results: ``batch_results`` rows, ``flow_runs``
history and ``<output_dir>/batch_summary.md``.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger

from chromdiff.batch import BatchItem, load_batch
from chromdiff.batch_report import record_batch, run_items, write_summary
from chromdiff.history import current_run_id, record_run
from chromdiff.settings import get_settings
from flows.compare import compare


@flow(name="batch", log_prints=True)
def batch(
    batch_file: str,
    db_path: str | None = None,
    output_dir: str | None = None,
    base_url: str | None = None,
    force: bool = False,
) -> list[dict]:
    """Run every comparison of ``batch_file`` (YAML or CSV, see ``chromdiff.batch``).

    Returns
    -------
    list of dict
        Per comparison: ``comparison_id, status, skipped, n_regions, qc_verdict, n_findings,
        error``.
    """
    settings = get_settings()
    db_path = str(db_path or settings.db_path)
    output_dir = str(output_dir or settings.output_dir)
    items = load_batch(batch_file)
    logger = get_run_logger()
    params = {"batch_file": str(batch_file), "n_comparisons": len(items), "force": force,
              "base_url": base_url or settings.base_url}  # fmt: skip
    run_id = current_run_id()
    with record_run(db_path, "batch", params, run_id=run_id):

        def run_one(item: BatchItem) -> dict:
            logger.info("comparison %s", item.name)
            with record_run(
                db_path, "compare", item.flow_parameters(), run_id=f"{run_id}/{item.name}"
            ) as run:
                out = compare(**item.flow_parameters(), db_path=db_path, output_dir=output_dir,
                              base_url=base_url, force=force)  # fmt: skip
                run.update(comparison_id=item.name, result_format=out.get("result_format"))
            return out

        rows = record_batch(db_path, run_id, run_items(items, run_one))
        summary = write_summary(rows, Path(output_dir) / "batch_summary.md")
    failed = [r["comparison_id"] for r in rows if r["status"] == "failed"]
    logger.info("batch done: %d comparisons, failed: %s; summary %s", len(rows), failed, summary)
    return rows


@flow(name="load-results")
def load_results_flow(results: list[dict], db_path: str, partition_root: str) -> dict[str, int]:
    """Parse many downloaded results in parallel, then load them with one writer.

    ``results``: dicts with ``bed_path, analysis, ids_a, ids_b, comparison_id``. The parse tasks
    run on the flow's task runner (see :func:`load_results`); only the load task opens DuckDB.
    """
    from tasks.batch import load_partitions, parse_to_partition

    futures = [
        parse_to_partition.submit(
            r["bed_path"], r["analysis"], r["ids_a"], r["ids_b"], r["comparison_id"], partition_root
        )
        for r in results
    ]
    parts = [f.result() for f in futures]
    loaded = load_partitions(db_path, parts)
    return {"loaded": loaded, "partitions": parts}


def load_results(results: list[dict], db_path: str, partition_root: str, *,
                 runner: str = "threads", n_workers: int = 2) -> dict:  # fmt: skip
    """Run :func:`load_results_flow` on the chosen task runner (``threads`` or ``dask``)."""
    from chromdiff.runners import make_task_runner

    fl = load_results_flow.with_options(task_runner=make_task_runner(runner, n_workers=n_workers))
    return fl(results, db_path, partition_root)
