"""The batch flow: one parent flow, one ``compare`` subflow per comparison of a batch file.

Unchanged comparisons are skipped by the compare flow (input hash); a failing comparison is
reported in the summary and the others go on, but the batch run then ends **Failed** (its return
value is still the rows). Results: ``batch_results`` rows, ``flow_runs`` history,
``<output_dir>/batch_summary.md`` and the ``batch-summary`` Markdown artifact of the run (a table
linking each comparison's run).
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger
from prefect.states import Completed, Failed, State

from chromdiff.batch.report import record_batch, run_items, summary_markdown, write_summary
from chromdiff.batch.spec import BatchItem, load_batch, select_items
from chromdiff.run_names import batch_run_name, current_parameters
from chromdiff.settings import get_settings
from chromdiff.warehouse.history import current_run_id, record_run
from flows.compare import compare
from tasks.batch import flow_run_url, publish_batch_summary


def _run_name() -> str:
    """Name of a batch run in the UI: ``batch-<file stem>``."""
    return batch_run_name(current_parameters())


@flow(name="batch", log_prints=True, flow_run_name=_run_name)
def batch(
    batch_file: str,
    db_path: str | None = None,
    output_dir: str | None = None,
    base_url: str | None = None,
    force: bool = False,
    runner: str = "sequential",
    n_workers: int = 2,
    only: list[str] | None = None,
) -> State:
    """Run every comparison of ``batch_file`` (YAML or CSV, see ``chromdiff.batch.spec``).

    ``runner="sequential"`` runs one ``compare`` subflow per comparison. ``"threads"`` or
    ``"dask"`` fans the network and parse work of all comparisons out on that task runner (Dask:
    a local cluster of ``n_workers`` processes, or ``CHROMDIFF_DASK_ADDRESS``), and loads every
    result with one writer (see ``chromdiff.batch.fanout``). ``only``: run just the comparisons
    of these names (``force`` then applies to them alone).

    Returns
    -------
    State
        ``Completed``, or ``Failed`` when a comparison failed; its data (see :func:`run_batch`)
        is one dict per comparison: ``comparison_id, status, skipped, n_regions, qc_verdict,
        n_findings, error, flow_run_id``.
    """
    settings = get_settings()
    db_path = str(db_path or settings.db_path)
    output_dir = str(output_dir or settings.output_dir)
    # one the server would refuse fails alone
    items = select_items(load_batch(batch_file, strict=False), only)
    logger = get_run_logger()
    params = {"batch_file": str(batch_file), "n_comparisons": len(items), "force": force,
              "only": only or None, "base_url": base_url or settings.base_url}  # fmt: skip
    run_id = current_run_id()
    run_ids: dict[str, str] = {}
    with record_run(db_path, "batch", params, run_id=run_id) as run:

        def run_one(item: BatchItem) -> dict:
            logger.info("comparison %s", item.name)
            # the compare subflow records its own flow_runs row
            # replace: the file names its comparisons, an edited one is submitted anew
            state = compare(**item.flow_parameters(), db_path=db_path, output_dir=output_dir,
                            base_url=base_url, force=force, replace=True,
                            return_state=True)  # fmt: skip
            run_ids[item.name] = str(state.state_details.flow_run_id)
            return state.result()

        if runner == "sequential":
            rows = run_items(items, run_one)
        else:
            rows = _fan_out(items, db_path, output_dir, base_url or settings.base_url, force,
                            runner, n_workers, run_id)  # fmt: skip
        rows = [r | {"flow_run_id": run_ids.get(r["comparison_id"])}
                for r in record_batch(db_path, run_id, rows)]  # fmt: skip
        summary = write_summary(rows, Path(output_dir) / "batch_summary.md")
        publish_batch_summary(summary_markdown(rows, run_url=flow_run_url))
        failed = [r["comparison_id"] for r in rows if r["status"] == "failed"]
        message = f"{len(failed)} of {len(rows)} comparisons failed: {', '.join(failed)}"
        if failed:
            run.fail(message)
    logger.info("batch done: %d comparisons, failed: %s; summary %s", len(rows), failed, summary)
    if failed:
        return Failed(message=message, data=rows)
    return Completed(message=f"{len(rows)} comparisons", data=rows)


def run_batch(batch_file: str, **kwargs) -> tuple[list[dict], State]:
    """Run :func:`batch`; return its rows (one per comparison) and its final state."""
    state = batch(batch_file, return_state=True, **kwargs)
    rows = state.result(raise_on_failure=False)
    if isinstance(rows, BaseException):  # the batch itself broke (e.g. an unreadable file)
        raise rows
    return rows, state


#: Plan actions that need nothing from the server.
_NO_FETCH = ("skip", "finish")


@flow(name="fetch-results")
def fetch_results(jobs: list[dict], base_url: str, partition_root: str) -> dict[str, object]:
    """Fetch and parse every job on this flow's task runner; failures are returned, not raised.

    Interrupted (Ctrl-C, SIGTERM), it stops the fetches still polling
    (:mod:`chromdiff.batch.stopping`) instead of waiting for their jobs to end.
    """
    from chromdiff.batch.stopping import new_stop_token, stop
    from tasks.batch import fetch_result

    token = new_stop_token()
    try:
        futures = [fetch_result.submit(job, base_url, partition_root, token) for job in jobs]
        out: dict[str, object] = {}
        for job, future in zip(jobs, futures, strict=True):
            future.wait()
            out[job["comparison_id"]] = future.state.result(raise_on_failure=False)
        return out
    finally:
        stop(token)


def _fan_out(items: list[BatchItem], db_path: str, output_dir: str, base_url: str, force: bool,
             runner: str, n_workers: int, batch_run_id: str) -> list[dict]:  # fmt: skip
    """Plan (writer) → fetch on the task runner → load, annotate, report (writer).

    Each comparison gets a ``compare`` row in ``flow_runs`` (as a sequential batch's subflow
    does; ``parameters`` name the runner and the batch run), open from its plan to its report
    and closed however the fan-out ends.
    """
    from contextlib import ExitStack

    with ExitStack() as claims:  # each comparison's claim, held until loaded and reported
        return _fan_out_claimed(items, db_path, output_dir, base_url, force, runner, n_workers,
                                batch_run_id, claims)  # fmt: skip


def _fan_out_claimed(items: list[BatchItem], db_path: str, output_dir: str, base_url: str,
                     force: bool, runner: str, n_workers: int, batch_run_id: str,
                     claims) -> list[dict]:  # fmt: skip
    """Run :func:`_fan_out`; each item's claim is entered on ``claims`` (an ``ExitStack``)."""
    import uuid

    from chromdiff.batch.fanout import prepare
    from chromdiff.batch.runners import make_task_runner
    from chromdiff.warehouse.claims import claim_comparison
    from chromdiff.warehouse.history import open_run
    from flows.compare import _fail, _stored, submit_once
    from tasks.annotate import annotate_comparison_task
    from tasks.batch import load_fetched
    from tasks.enrich import enrich_comparison_task
    from tasks.report import render_report

    logger = get_run_logger()
    jobs: dict[str, object] = {}
    runs = {}
    for item in items:
        params = item.flow_parameters() | {
            "base_url": base_url,
            "force": force,
            "runner": runner,
            "batch_run_id": batch_run_id,
        }
        runs[item.name] = run = open_run(db_path, "compare", params, str(uuid.uuid4()),
                                         comparison_id=item.name)  # fmt: skip
        claims.push(lambda _t, exc, _tb, run=run: run.end(exc))  # a no-op once it has ended
        try:
            claims.enter_context(claim_comparison(db_path, item.name))
            jobs[item.name] = prepare(db_path, item, base_url, output_dir, force)
            logger.info("comparison %s: %s", item.name, jobs[item.name]["action"])
        except Exception as exc:  # noqa: BLE001 - reported as this comparison's failure
            jobs[item.name] = exc
    for name, job in jobs.items():
        # submitted from this (the writer) process, as the compare flow does: the request ID is
        # stored the moment the server returns it, so any runner resumes an interrupted batch
        if isinstance(job, dict) and job["action"] == "submit":
            try:
                rid = submit_once(db_path, name, job["spec"], base_url)
                job |= {"action": "resume", "request_id": rid}
            except Exception as exc:  # noqa: BLE001 - recorded by submit_once; fails alone
                jobs[name] = exc
    todo = [j for j in jobs.values() if isinstance(j, dict) and j["action"] not in _NO_FETCH]
    fetch = fetch_results.with_options(task_runner=make_task_runner(runner, n_workers=n_workers))
    fetched = fetch(todo, base_url, str(Path(output_dir) / "_partitions")) if todo else {}

    def finish(item: BatchItem) -> dict:
        job = jobs[item.name]
        if isinstance(job, Exception):
            raise job
        if job["action"] == "skip":
            return {"skipped": True} | _stored(db_path, item.name)
        if job["action"] != "finish":  # finish: loaded, only annotation and report are missing
            got = fetched[item.name]
            if isinstance(got, BaseException):
                _fail(db_path, item.name, got, job["request_id"])
                raise got
            load_fetched(db_path, got)
        annotate_comparison_task(db_path, item.name)
        enrich_comparison_task(db_path, item.name)  # as the sequential batch's compare flow
        render_report(db_path, item.name, job["out_dir"])
        return _stored(db_path, item.name)

    def run_one(item: BatchItem) -> dict:
        run = runs[item.name]
        try:
            out = finish(item)
        except BaseException as exc:
            run.end(exc)
            raise
        run.update(result_format=out["result_format"])
        run.end()
        return out

    return run_items(items, run_one)


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
    from chromdiff.batch.runners import make_task_runner

    fl = load_results_flow.with_options(task_runner=make_task_runner(runner, n_workers=n_workers))
    return fl(results, db_path, partition_root)
