"""The comparison flow: validate, prepare, submit, wait, download, parse, load, annotate, report.

``chromdiff compare`` runs it; ``flows.batch`` calls it as a subflow. Signature and
``comparison_id`` rules: docs/architecture.md ("Comparison flow").
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from prefect import flow, get_run_logger

from chromdiff.design.comparison import (
    ComparisonSpec,
    check_thresholds,
    refuse_other_inputs,
    set_status,
)
from chromdiff.run_names import compare_run_name, current_parameters
from chromdiff.settings import get_settings
from chromdiff.warehouse.claims import claim_comparison
from chromdiff.warehouse.db import writer
from chromdiff.warehouse.history import RunRecord, current_run_id, record_run
from tasks import compare as t
from tasks.annotate import annotate_comparison_task
from tasks.enrich import enrich_comparison_task
from tasks.report import render_report

#: Hosts that can only be the offline fake server: results from them are marked simulated.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def is_simulated(base_url: str) -> bool:
    """Return True when ``base_url`` points at loopback (the fake server)."""
    return (urlparse(base_url).hostname or "") in LOOPBACK_HOSTS


def _fail(db_path: str, comparison_id: str, exc: BaseException, request_id: str | None) -> None:
    """Record why a run stopped, keeping every job that may exist on the server resumable.

    * no request ID, and the POST may have reached the server (``SubmissionInDoubtError``, or
      the run stopped while ``submitting``): ``in_doubt`` (never re-sent without ``--force``);
    * a request ID and the server said the job is bad or gone (``JobFailedError``, a 4xx, an
      expired result): ``failed`` (a plain rerun refuses and says so; ``--force`` submits
      anew);
    * a request ID and anything else (deadline, server unreachable, Ctrl-C/SIGTERM, a download
      cut short, no ZIP yet for a young request, a bad archive, a crash while loading): the
      status is kept and the error noted, so a rerun resumes the same request (waits for it
      again, then downloads the result);
    * otherwise (nothing reached the server): ``failed``.

    A ``request_id`` the database does not hold yet (the batch fan-out submits outside the
    writer) is stored first, so a failed job keeps its request ID.
    """
    from chromdiff.design.comparison import get_state, set_error, set_request
    from chromdiff.errors import SubmissionInDoubtError, one_line

    message = one_line(exc)
    try:
        with writer(db_path) as con:
            state = get_state(con, comparison_id) or {}
            if request_id is not None and state.get("request_id") != request_id:
                set_request(con, comparison_id, request_id)  # submitted outside the writer
                state = get_state(con, comparison_id) or {}
            status = state.get("status")
            if request_id is None and (
                isinstance(exc, SubmissionInDoubtError) or status == "submitting"
            ):
                set_status(con, comparison_id, "in_doubt", message)
            elif request_id is not None and not _final(exc):
                set_error(con, comparison_id, message)
            else:
                set_status(con, comparison_id, "failed", message)
    except Exception as inner:  # noqa: BLE001 - never hide the original error
        get_run_logger().warning("could not record failure of %s: %s", comparison_id, inner)


def _final(exc: BaseException) -> bool:
    """Return True when the server's answer about a job is final (only ``--force`` resubmits)."""
    from chromdiff.errors import ChipAtlasError, JobFailedError, RequestRejectedError

    return isinstance(exc, JobFailedError | RequestRejectedError) or type(exc) is ChipAtlasError


def _run_name() -> str:
    """Name of a compare run in the UI: ``compare-<comparison_id>`` (given or derived)."""
    return compare_run_name(current_parameters())


@flow(name="compare", log_prints=True, flow_run_name=_run_name)
def compare(
    ids_a: list[str],
    ids_b: list[str],
    genome: str = "hg38",
    analysis: str = "diffbind",
    db_path: str | None = None,
    comparison_id: str | None = None,
    title: str | None = None,
    description_a: str = "dataset A",
    description_b: str = "dataset B",
    threshold: int | None = None,
    base_url: str | None = None,
    output_dir: str | None = None,
    force: bool = False,
    fdr: float = 0.05,
    min_abs_logfc: float = 0.0,
    export_formats: str | None = None,
    request_id: str | None = None,
    enrich: bool = True,
    replace: bool = False,
) -> dict:
    """Compare two groups of experiments through ChIP-Atlas Diff Analysis and load the result.

    ``request_id`` resumes a job known by its ID (e.g. a submission left in doubt). A
    ``comparison_id`` that holds a job or result of other inputs is refused unless ``force``
    (or ``replace``: the batch flow's, whose file names its comparisons).

    Returns
    -------
    dict
        ``comparison_id, status, request_id, n_regions, result_format, skipped, output_dir``.
    """
    settings = get_settings()
    db_path = str(db_path or settings.db_path)
    base_url = base_url or settings.base_url
    params = dict(ids_a=list(ids_a), ids_b=list(ids_b), genome=genome, analysis=analysis,
                  comparison_id=comparison_id, title=title, description_a=description_a,
                  description_b=description_b, threshold=threshold, base_url=base_url,
                  force=force, fdr=fdr, min_abs_logfc=min_abs_logfc,
                  export_formats=export_formats, request_id=request_id,
                  enrich=enrich, replace=replace)  # fmt: skip
    with record_run(db_path, "compare", params, run_id=current_run_id(),
                    comparison_id=comparison_id) as run:  # fmt: skip
        summary = _compare(db_path, base_url, output_dir or str(settings.output_dir), params, run)
        run.update(comparison_id=summary["comparison_id"], result_format=summary["result_format"])
    return summary


def _compare(db_path: str, base_url: str, output_dir: str, params: dict, run: RunRecord) -> dict:
    """Run the body of :func:`compare` (which records it in ``flow_runs`` as ``run``)."""
    spec = t.validate(
        ComparisonSpec(
            params["ids_a"], params["ids_b"], params["genome"], params["analysis"],
            params["threshold"], params["title"], params["description_a"],
            params["description_b"],
        )
    )  # fmt: skip
    check_thresholds(spec.analysis, params["fdr"], params["min_abs_logfc"])
    cid = params["comparison_id"] or spec.default_id()
    if not params["comparison_id"]:
        run.identify(cid)  # a run that fails from here on still names its comparison
    with claim_comparison(db_path, cid):  # one run per comparison: never two jobs
        return _claimed(db_path, base_url, output_dir, params, spec, cid)


def _claimed(
    db_path: str, base_url: str, output_dir: str, params: dict, spec: ComparisonSpec, cid: str
) -> dict:
    """Run comparison ``cid`` once its claim is held (see :mod:`chromdiff.warehouse.claims`)."""
    from chromdiff.batch.request_file import adopt_request_file

    out_dir = Path(output_dir) / cid
    thresholds = {"fdr": params["fdr"], "min_abs_logfc": params["min_abs_logfc"]}
    if not (params["force"] or params.get("replace")):
        with writer(db_path) as con:  # never replace another comparison's job or result silently
            refuse_other_inputs(con, cid, spec.input_hash())
    # a job an earlier version's batch fan-out submitted is resumed, not sent again
    adopt_request_file(db_path, cid, out_dir, spec.input_hash(), params["force"])
    step = t.prepare(
        db_path, cid, spec, base_url, params["force"], thresholds, is_simulated(base_url),
        params.get("request_id"),
    )  # fmt: skip
    summary = {"comparison_id": cid, "request_id": step["request_id"], "skipped": False,
               "output_dir": str(out_dir), "n_regions": None, "result_format": None}  # fmt: skip
    if step["action"] == "skip":
        report_if_stale(db_path, cid, out_dir, params.get("export_formats"))
        return summary | _stored(db_path, cid) | {"skipped": True}
    if step["action"] != "finish":  # finish: loaded, only annotation and report are missing
        summary["request_id"] = _run_job(db_path, cid, spec, base_url, step, out_dir)
    annotate_comparison_task(db_path, cid)
    if params.get("enrich", True):
        enrich_comparison_task(db_path, cid)
    render_report(db_path, cid, str(out_dir), params.get("export_formats"))
    return summary | _stored(db_path, cid)


def _run_job(
    db_path: str, cid: str, spec: ComparisonSpec, base_url: str, step: dict, out_dir: Path
) -> str:
    """Submit (or resume), wait, download, parse and load; record a failure before re-raising."""
    rid = step["request_id"] if step["action"] == "resume" else None
    rid = rid or submit_once(db_path, cid, spec, base_url)
    try:
        # also when stored `finished`: the wait of a done job is one probe and one log read,
        # and a job taken for done too early (or whose ZIP was missing) is waited for again
        t.wait(db_path, cid, rid, base_url)
        files = t.download(rid, base_url, str(out_dir / "raw"))
        parsed = t.parse(files, spec)
        t.load(db_path, cid, parsed, files, str(out_dir / "raw"))
    except BaseException as exc:
        _fail(db_path, cid, exc, rid)
        raise
    return rid


def submit_once(db_path: str, cid: str, spec: ComparisonSpec, base_url: str) -> str:
    """Check the service, then submit comparison ``cid`` once; record a failure before re-raising.

    The request ID is stored in the database as soon as the server returns it (task
    ``submit``), so whatever runs next resumes the job. The batch fan-out submits with this too.
    """
    from chromdiff.design.comparison import IN_DOUBT_HELP
    from chromdiff.errors import SubmissionInDoubtError

    try:
        t.health(base_url)  # the site refuses to submit unless the service answers
        return t.submit(db_path, cid, spec, base_url)
    except SubmissionInDoubtError as exc:
        _fail(db_path, cid, exc, None)
        raise SubmissionInDoubtError(f"comparison {cid}: {exc}; {IN_DOUBT_HELP}") from exc
    except BaseException as exc:
        # RequestNotStoredError: the server queued a job whose ID the database did not take
        _fail(db_path, cid, exc, getattr(exc, "request_id", None))
        raise


def report_if_stale(db_path: str, cid: str, out_dir: Path, export_formats: str | None) -> None:
    """Render a skipped comparison's report into ``out_dir`` unless it shows the stored result.

    Another ``--output`` has no report yet, or one of other thresholds (see
    :mod:`chromdiff.report.stamp`).
    """
    from chromdiff.report.stamp import is_current, report_key

    with writer(db_path) as con:
        key = report_key(con, cid)
    if not is_current(out_dir, key):
        render_report(db_path, cid, str(out_dir), export_formats)


def _stored(db_path: str, cid: str) -> dict:
    with writer(db_path) as con:
        row = con.execute(
            "select status, request_id, n_regions, result_format from comparisons"
            " where comparison_id = ?",
            [cid],
        ).fetchall()[0]
    return dict(zip(("status", "request_id", "n_regions", "result_format"), row, strict=True))
