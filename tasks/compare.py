"""Thin Prefect tasks of the comparison flow: prepare, submit, wait, download, parse, load.

Each task opens the database itself (by path), does one step and closes it; connections are
never passed between tasks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from chromdiff.design.comparison import (
    ComparisonSpec,
    failed_error,
    get_state,
    in_doubt_error,
    log_event,
    plan,
    plan_thresholds,
    register,
    same_endpoint,
    set_request,
    set_status,
)
from chromdiff.errors import (
    ParseError,
    RequestNotStoredError,
    RequestRejectedError,
    ServerUnavailableError,
    one_line,
)
from chromdiff.parsing import ParsedResult, parse_result
from chromdiff.parsing.igv import igv_cross_check
from chromdiff.parsing.samples import layout_for_files
from chromdiff.warehouse import load as warehouse
from chromdiff.warehouse.db import writer


def _client(base_url: str):
    from chromdiff.chipatlas.client import ChipAtlasClient

    return ChipAtlasClient(base_url)


@task(name="validate", cache_policy=NO_CACHE)
def validate(spec: ComparisonSpec) -> ComparisonSpec:
    """Check IDs, genome, analysis, threshold and labels; return the completed spec."""
    return spec.validated()


@task(name="prepare", cache_policy=NO_CACHE)
def prepare(
    db_path: str, comparison_id: str, spec: ComparisonSpec, base_url: str, force: bool,
    params: dict, simulated: bool, request_id: str | None = None,
    input_hash: str | None = None,
) -> dict:  # fmt: skip
    """Decide submit/resume/finish/skip from the stored state; register the comparison on submit.

    ``request_id`` (the user's ``--request-id``) attaches a known request to the comparison and
    resumes it; naming the comparison's own request resumes it even when it was marked failed
    (e.g. called lost while WABI's status call misbehaved). A submission in doubt raises
    :class:`SubmissionInDoubtError`, a job that ended for good on the server
    :class:`JobFailedError` (nothing is sent; ``force`` submits anew).
    """
    with writer(db_path) as con:
        state = get_state(con, comparison_id)
        input_hash = input_hash or spec.input_hash()
        action = plan(state, input_hash, force, base_url)
        if state is not None and not same_endpoint(state, base_url):
            get_run_logger().warning(
                "comparison %s: its stored result came from %s; the same inputs go to %s as a "
                "new job", comparison_id, state["base_url"], base_url,
            )  # fmt: skip
        registration = dict(base_url=base_url, simulated=simulated, params=params,
                            input_hash=input_hash)  # fmt: skip
        if request_id and request_id != (state or {}).get("request_id"):
            # a different job: reset the comparison (its rows belong to the old request)
            register(con, comparison_id, spec, **registration)
            set_request(con, comparison_id, request_id)
            action, state = "resume", {"request_id": request_id, "status": "submitted"}
        elif request_id and action == "failed":
            # the same request, named again by the user: wait for it once more
            set_status(con, comparison_id, "submitted")
            action, state = "resume", {"request_id": request_id, "status": "submitted"}
        elif action == "in_doubt":
            log_event(con, comparison_id, "plan", action, "warning")
            raise in_doubt_error(comparison_id, state)
        elif action == "failed":
            log_event(con, comparison_id, "plan", action, "warning")
            raise failed_error(comparison_id, state)
        elif action == "submit":
            register(con, comparison_id, spec, **registration)
        action = plan_thresholds(con, comparison_id, action, params)
        log_event(con, comparison_id, "plan", action)
    get_run_logger().info("comparison %s: %s", comparison_id, action)
    return {"action": action, "request_id": (state or {}).get("request_id"),
            "status": (state or {}).get("status")}  # fmt: skip


@task(name="health", cache_policy=NO_CACHE)
def health(base_url: str) -> None:
    """Check that the service answers ``chipatlas`` before anything is submitted."""
    _client(base_url).check_health()


@task(name="submit", cache_policy=NO_CACHE)
def submit(db_path: str, comparison_id: str, spec: ComparisonSpec, base_url: str) -> str:
    """Submit the job once; store the request ID in the database at once (for resuming).

    No task-level retries: the status is ``submitting`` while the POST is out, so a run that
    dies or loses the answer leaves the submission in doubt instead of re-sending it.
    """
    from chromdiff.chipatlas.protocol import SubmitRequest

    req = SubmitRequest(
        spec.analysis, spec.genome, spec.ids_a, spec.ids_b, spec.title,
        spec.description_a, spec.description_b, threshold=spec.threshold,
    )  # fmt: skip
    req.validate()
    with writer(db_path) as con:
        set_status(con, comparison_id, "submitting")
    try:
        request_id = _client(base_url).submit(req)
    except (ServerUnavailableError, RequestRejectedError):
        with writer(db_path) as con:  # nothing was queued (never connected, or refused)
            set_status(con, comparison_id, "created")
        raise
    # said before it is stored: if storing fails, the log and the error still name the job
    get_run_logger().info("submitted %s: request %s", comparison_id, request_id)
    try:
        with writer(db_path) as con:
            set_request(con, comparison_id, request_id)
    except Exception as exc:
        raise RequestNotStoredError(
            f"ChIP-Atlas queued the job as request {request_id}, but its ID could not be "
            f"stored ({one_line(exc)}); resume it with --request-id {request_id}",
            request_id,
        ) from exc
    return request_id


@task(name="wait", cache_policy=NO_CACHE)
def wait(db_path: str, comparison_id: str, request_id: str, base_url: str) -> None:
    """Poll until the job finishes (progress in the log); mark it finished."""
    logger = get_run_logger()
    polls = {"n": 0}

    def on_poll(state: str, elapsed: float) -> None:
        polls["n"] += 1
        logger.info("job %s: %s after %.0f s (poll %d)", request_id, state, elapsed, polls["n"])

    with writer(db_path) as con:
        set_status(con, comparison_id, "running")
    _client(base_url).wait(request_id, on_poll=on_poll)
    with writer(db_path) as con:
        set_status(con, comparison_id, "finished")
    logger.info("job %s finished after %d polls", request_id, polls["n"])


@task(name="download", cache_policy=NO_CACHE)
def download(request_id: str, base_url: str, raw_dir: str) -> dict[str, str | None]:
    """Download and extract the result ZIP into ``raw_dir``; return kind → path.

    The client re-fetches a download cut short; no task-level retries on top (one layer, so
    "after N tries" is what happened). A failure here keeps the comparison resumable.
    """
    from chromdiff.chipatlas.archive import extract_result_zip
    from chromdiff.settings import get_settings

    s, raw = get_settings(), Path(raw_dir)
    zip_path = _client(base_url).download_zip(request_id, raw / f"{request_id}.zip")
    files = extract_result_zip(
        zip_path, raw / "extracted", max_bytes=s.max_zip_bytes, max_members=s.max_zip_members
    )
    kinds = ("bed", "igv_bed", "igv_xml", "log", "readme")
    out = {k: (str(p) if (p := getattr(files, k)) else None) for k in kinds}
    return out | {"zip": str(zip_path)}


@task(name="parse", cache_policy=NO_CACHE)
def parse(files: dict, spec: ComparisonSpec) -> ParsedResult:
    """Parse the main result BED into typed tables; cross-check it against the IGV track.

    Count columns are tied to experiments by what the server says (its log's sample lines,
    else the IGV BED's SRX lists; :func:`chromdiff.parsing.samples.layout_for_files`).
    """
    if not files.get("bed"):
        raise ParseError("the result archive holds no main BED file (wabi_result.bed)")
    layout = layout_for_files(
        spec.names_a, spec.names_b, spec.analysis, files.get("log"), files.get("igv_bed")
    )
    parsed = parse_result(
        files["bed"], spec.analysis, layout.columns_a, layout.columns_b, server_order=True
    )
    parsed.layout = layout
    parsed.warnings += layout.warnings
    if files.get("igv_bed"):
        parsed.warnings += igv_cross_check(files["igv_bed"], parsed.regions, spec.analysis)
    logger = get_run_logger()
    for warning in parsed.warnings:
        logger.warning(warning)
    logger.info("parsed %d regions (%s)", parsed.regions.num_rows, parsed.result_format)
    return parsed


@task(name="load", cache_policy=NO_CACHE)
def load(db_path: str, comparison_id: str, parsed: ParsedResult, files: dict, raw_dir: str) -> dict:
    """Load everything in one transaction; the raw folder then keeps the downloaded ZIP alone.

    A ZIP of an earlier request of the comparison is removed (its rows were replaced). The
    extracted files (read by ``parse``) are recorded in ``raw_files`` with the ZIP's path
    and their member name, size, SHA-256 (and text, for the small ones), then deleted: the ZIP
    holds them, so the raw folder does not keep a second copy. A result without a ZIP (``compare
    --local`` writes its BED, count table and log itself) has its files copied into ``raw_dir``.
    """
    paths = {k: Path(v) if v else None for k, v in files.items()}
    if files.get("zip"):
        raw = warehouse.raw_files_in_zip(paths, Path(files["zip"]))
    else:
        raw = warehouse.store_raw_files(paths, Path(raw_dir))
    with writer(db_path) as con:
        out = warehouse.load_result(con, comparison_id, parsed, raw)
    if files.get("zip"):
        warehouse.tidy_raw_folder(Path(files["zip"]))
    else:
        shutil.rmtree(Path(raw_dir) / "extracted", ignore_errors=True)
    get_run_logger().info("loaded %d regions in %.2f s", out["n_regions"], out["seconds"])
    return out
