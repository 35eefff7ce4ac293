"""The local comparison flow: DA's diffbind pipeline on this machine, then load like any other.

``chromdiff compare --local`` runs it. Every input is resolved, downloaded, checked and
computed before the database is touched, so bad input leaves nothing behind; the result BED is
then registered, parsed and loaded through the same tasks as a service result, and annotated
and reported the same way. docs/pipeline.md ("Local pipeline") lists the steps.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from chromdiff.design.comparison import (
    LOCAL_URL_PREFIX,
    ComparisonSpec,
    get_state,
    plan,
    plan_thresholds,
    refuse_other_local_inputs,
)
from chromdiff.local.fingerprint import local_input_hash
from chromdiff.local.version import PIPELINE_VERSION
from chromdiff.run_names import compare_run_name, current_parameters
from chromdiff.settings import get_settings
from chromdiff.warehouse.claims import claim_comparison
from chromdiff.warehouse.db import writer
from chromdiff.warehouse.history import RunRecord, current_run_id, record_run
from flows.compare import _fail, _stored, report_if_stale
from tasks import compare as t
from tasks import local as lt
from tasks.annotate import annotate_comparison_task
from tasks.enrich import enrich_comparison_task
from tasks.report import render_report

#: ``comparisons.base_url`` of local comparisons (the service URL for the others).
LOCAL_BASE_URL = f"{LOCAL_URL_PREFIX}{PIPELINE_VERSION}"


def _run_name() -> str:
    """Name of a compare-local run in the UI: ``compare-<comparison_id>`` (given or derived)."""
    return compare_run_name(current_parameters(), local=True)


@flow(name="compare-local", log_prints=True, flow_run_name=_run_name)
def compare_local(
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
    output_dir: str | None = None,
    cache_dir: str | None = None,
    engine: str = "numpy",
    force: bool = False,
    fdr: float = 0.05,
    min_abs_logfc: float = 0.0,
    export_formats: str | None = None,
    enrich: bool = True,
    simulated: bool = False,
) -> dict:
    """Run the diffbind pipeline locally and load the result as a comparison.

    ``simulated``: the inputs are simulated (the demo): the comparison is marked so
    (``comparisons.simulated``, the report's SIMULATED banner).

    Like :func:`flows.compare.compare`, a loaded comparison whose annotation, enrichment or
    report did not finish (``reported_at`` unset) is finished without recomputing.

    Returns
    -------
    dict
        ``comparison_id, status, request_id (None), n_regions, result_format, skipped,
        output_dir`` as :func:`flows.compare.compare`, plus ``n_union_regions``, ``n_tested``.
    """
    settings = get_settings()
    db_path = str(db_path or settings.db_path)
    output_dir = output_dir or str(settings.output_dir)
    cache_dir = str(Path(cache_dir or Path(output_dir) / "local_cache").resolve())
    params = dict(ids_a=list(ids_a), ids_b=list(ids_b), genome=genome, analysis=analysis,
                  comparison_id=comparison_id, title=title, description_a=description_a,
                  description_b=description_b, threshold=threshold, base_url=LOCAL_BASE_URL,
                  force=force, fdr=fdr, min_abs_logfc=min_abs_logfc,
                  export_formats=export_formats, enrich=enrich,
                  simulated=simulated)  # fmt: skip
    with record_run(db_path, "compare-local", params | {"engine": engine},
                    run_id=current_run_id(), comparison_id=comparison_id) as run:  # fmt: skip
        summary = _run(db_path, output_dir, cache_dir, engine, params, run)
        run.update(comparison_id=summary["comparison_id"], result_format=summary["result_format"])
    return summary


def _run(
    db_path: str, output_dir: str, cache_dir: str, engine: str, params: dict, run: RunRecord
) -> dict:
    spec = t.validate(
        ComparisonSpec(
            params["ids_a"], params["ids_b"], params["genome"], params["analysis"],
            params["threshold"], params["title"], params["description_a"],
            params["description_b"],
        )
    )  # fmt: skip
    cid = params["comparison_id"] or spec.default_id(local=True)
    if not params["comparison_id"]:
        run.identify(cid)  # a run that fails from here on still names its comparison
    with claim_comparison(db_path, cid):  # one run per comparison at a time
        return _claimed(db_path, output_dir, cache_dir, engine, params, spec, cid)


def _claimed(
    db_path: str, output_dir: str, cache_dir: str, engine: str, params: dict,
    spec: ComparisonSpec, cid: str,
) -> dict:  # fmt: skip
    """Run local comparison ``cid`` once its claim is held."""
    out_dir = Path(output_dir) / cid
    summary = {"comparison_id": cid, "request_id": None, "skipped": False,
               "output_dir": str(out_dir), "n_regions": None, "result_format": None}  # fmt: skip
    thresholds = {"fdr": params["fdr"], "min_abs_logfc": params["min_abs_logfc"]}
    # the ID lines, and the files they name (size, mtime), the engine and the pipeline version
    input_hash = local_input_hash(spec, cache_dir, engine)
    with writer(db_path) as con:
        if not params["force"]:  # never replace another comparison's job or result silently
            refuse_other_local_inputs(con, cid, spec)
        state = get_state(con, cid)
        action = plan(state, input_hash, params["force"])
        action = plan_thresholds(con, cid, action, thresholds)  # nothing is computed again
    if action == "skip":
        report_if_stale(db_path, cid, out_dir, params.get("export_formats"))
        return summary | _stored(db_path, cid) | _local_stored(db_path, cid) | {"skipped": True}
    info = None
    if action != "finish":  # finish: loaded, only annotation, enrichment and report are missing
        info = _compute_and_load(db_path, cid, spec, out_dir, cache_dir, engine, params, input_hash)
    annotate_comparison_task(db_path, cid)
    if params.get("enrich", True):
        enrich_comparison_task(db_path, cid)
    render_report(db_path, cid, str(out_dir), params.get("export_formats"))
    counts = (
        {"n_union_regions": info["n_union_regions"], "n_tested": info["n_tested"]}
        if info
        else _local_stored(db_path, cid)
    )
    return summary | _stored(db_path, cid) | counts


def _local_stored(db_path: str, cid: str) -> dict:
    """Return the stored ``n_union_regions`` and ``n_tested`` of a local comparison."""
    with writer(db_path) as con:
        rows = con.execute(
            "select n_union_regions, n_tested from local_runs where comparison_id = ?", [cid]
        ).fetchall()
    row = rows[0] if rows else (None, None)
    return dict(zip(("n_union_regions", "n_tested"), row, strict=True))


def _compute_and_load(
    db_path: str, cid: str, spec: ComparisonSpec, out_dir: Path, cache_dir: str, engine: str,
    params: dict, input_hash: str,
) -> dict:  # fmt: skip
    """Compute the result BED here (before any database write), then register, parse and load."""
    # 1. inputs: files, downloads, checks and the result BED, before any database write
    samples = lt.resolve_samples(spec, cache_dir)
    # --force downloads URL inputs again (a file re-published at the same URL)
    samples = [lt.fetch_sample(s, cache_dir, params["force"]) for s in samples]
    for s in samples:
        lt.check_bigwig(s)
    regions = lt.build_regions(samples)
    counts = [lt.count_sample(s, regions) for s in samples]
    raw_dir = out_dir / "raw"
    # written where the loader records them: the raw folder keeps one copy of each file
    info = lt.diffbind(samples, regions, counts, str(raw_dir), engine)
    # 2. register, parse and load like a service result
    thresholds = {"fdr": params["fdr"], "min_abs_logfc": params["min_abs_logfc"]}
    t.prepare(
        db_path,
        cid,
        spec,
        LOCAL_BASE_URL,
        True,
        thresholds,
        params["simulated"],
        input_hash=input_hash,
    )  # the stored state: files and engine included
    try:
        lt.record_local_run(db_path, cid, info, cache_dir, spec.input_hash())
        parsed = t.parse(info["files"], spec)
        t.load(db_path, cid, parsed, info["files"], str(raw_dir))
    except BaseException as exc:
        _fail(db_path, cid, exc, None)
        raise
    return info
