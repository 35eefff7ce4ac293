"""Batch fan-out: network and parse work on any task runner, database writes in one writer.

The runner may be a thread pool or Dask workers on other machines.

Phase 1 (writer) plans each comparison (skip / resume / submit) and registers it. Phase 2 runs
:func:`fetch_to_partition` per comparison on the runner: submit (or resume), wait, download,
extract and parse to a Parquet partition — it never opens DuckDB. The request ID is written to
``<output>/<comparison_id>/request.json`` as soon as it is known, so an interrupted batch resumes
polling instead of resubmitting. Phase 3 (writer) loads each partition atomically.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pyarrow.parquet as pq

from chromdiff.batch.spec import BatchItem
from chromdiff.design.comparison import (
    ComparisonSpec,
    failed_error,
    get_state,
    in_doubt_error,
    plan,
    plan_thresholds,
    register,
    set_request,
    set_status,
)
from chromdiff.errors import RequestRejectedError, ServerUnavailableError
from chromdiff.parsing import ParsedResult
from chromdiff.parsing.samples import ServerLayout, layout_for_files
from chromdiff.settings import get_settings
from chromdiff.warehouse.db import writer
from chromdiff.warehouse.load import load_result, raw_files_in_zip, tidy_raw_folder
from chromdiff.warehouse.partitions import parse_to_partition

_KINDS = ("bed", "igv_bed", "igv_xml", "log", "readme")


def spec_of(item: BatchItem) -> ComparisonSpec:
    """Return the validated comparison spec of a batch item (raises ``InputError``)."""
    return ComparisonSpec(
        list(item.ids_a), list(item.ids_b), item.genome, item.analysis, item.threshold,
        item.title, item.description_a, item.description_b,
    ).validated()  # fmt: skip


def _request_file(out_dir: Path) -> Path:
    return out_dir / "request.json"


def _saved(out_dir: Path, input_hash: str) -> dict:
    path = _request_file(out_dir)
    if not path.is_file():
        return {}
    data = json.loads(path.read_text())
    return data if data.get("input_hash") == input_hash else {}


def saved_request(out_dir: Path, input_hash: str) -> str | None:
    """Return the request ID saved by an earlier fan-out run with the same inputs, if any."""
    return _saved(out_dir, input_hash).get("request_id")


def submission_in_doubt(out_dir: Path, input_hash: str) -> bool:
    """Whether an earlier fan-out run stopped with its POST out and no answer stored.

    The fetch runs outside the database writer, so it marks ``request.json`` (``submitting``)
    before the POST, as the compare flow sets the status ``submitting``.
    """
    saved = _saved(out_dir, input_hash)
    return bool(saved.get("submitting")) and not saved.get("request_id")


def prepare(db_path: str, item: BatchItem, base_url: str, output_dir: str, force: bool) -> dict:
    """Phase 1 (writer): plan one comparison and register it when it will be (re)submitted."""
    from flows.compare import is_simulated

    spec = spec_of(item)
    out_dir = Path(output_dir) / item.name
    with writer(db_path) as con:
        state = get_state(con, item.name)
        action = plan(state, spec.input_hash(), force, base_url)
        if action == "in_doubt":
            raise in_doubt_error(item.name, state)
        if action == "failed":
            raise failed_error(item.name, state)
        rid = (state or {}).get("request_id") if action == "resume" else None
        params = {"fdr": item.fdr, "min_abs_logfc": item.min_abs_logfc}
        if action == "submit":
            if not force and submission_in_doubt(out_dir, spec.input_hash()):
                if state is not None:
                    set_status(con, item.name, "in_doubt", "the run stopped while submitting")
                raise in_doubt_error(item.name, get_state(con, item.name) or {})
            rid = None if force else saved_request(out_dir, spec.input_hash())
            register(con, item.name, spec, base_url=base_url, simulated=is_simulated(base_url),
                     params=params)  # fmt: skip
        action = plan_thresholds(con, item.name, action, params)
    return {"comparison_id": item.name, "action": action, "request_id": rid, "spec": spec,
            "out_dir": str(out_dir)}  # fmt: skip


def fetch_to_partition(job: dict, base_url: str, partition_root: str) -> dict:
    """Phase 2 (any worker, no database): submit or resume, wait, download, parse to Parquet."""
    from chromdiff.chipatlas.archive import extract_result_zip
    from chromdiff.chipatlas.client import ChipAtlasClient
    from chromdiff.chipatlas.protocol import SubmitRequest

    spec: ComparisonSpec = job["spec"]
    out_dir, settings = Path(job["out_dir"]), get_settings()
    raw = out_dir / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    client = ChipAtlasClient(base_url)
    rid = job["request_id"]
    if not rid:
        client.check_health()  # the site refuses to submit unless the service answers
        marker = _request_file(out_dir)
        marker.write_text(json.dumps({"request_id": None, "input_hash": spec.input_hash(),
                                      "submitting": True}))  # fmt: skip
        try:
            rid = client.submit(SubmitRequest(
                spec.analysis, spec.genome, spec.ids_a, spec.ids_b, spec.title,
                spec.description_a, spec.description_b, threshold=spec.threshold,
            ))  # fmt: skip
        except (ServerUnavailableError, RequestRejectedError):
            marker.unlink(missing_ok=True)  # nothing was queued (never connected, or refused)
            raise
        marker.write_text(json.dumps({"request_id": rid, "input_hash": spec.input_hash()}))
    client.wait(rid)
    zip_path = client.download_zip(rid, raw / f"{rid}.zip")
    files = extract_result_zip(zip_path, raw / "extracted", max_bytes=settings.max_zip_bytes,
                               max_members=settings.max_zip_members)  # fmt: skip
    # count columns in the order the server states (docs/chipatlas.md, sample order)
    # by experiment names (a user line is URL_<group><k>, as the server's log names it)
    layout = layout_for_files(spec.names_a, spec.names_b, spec.analysis, files.log, files.igv_bed)
    part = parse_to_partition(
        str(files.bed), spec.analysis, layout.columns_a, layout.columns_b, job["comparison_id"],
        partition_root, server_order=True,
    )  # fmt: skip
    part["warnings"] = [*part["warnings"], *layout.warnings]
    paths = {k: (str(p) if (p := getattr(files, k)) else None) for k in _KINDS}
    return part | {"request_id": rid, "files": paths | {"zip": str(zip_path)},
                   "layout": asdict(layout)}  # fmt: skip


def load_fetched(db_path: str, fetched: dict) -> dict:
    """Phase 3 (the single writer): load one partition and its raw files atomically."""
    cid, part_dir = fetched["comparison_id"], Path(fetched["dir"])
    regions = pq.read_table(part_dir / "regions.parquet").drop_columns(["comparison_id"])
    vectors = pq.read_table(part_dir / "region_count_vectors.parquet")
    parsed = ParsedResult(
        fetched["result_format"], regions, vectors.drop_columns(["comparison_id"]),
        list(fetched["warnings"]),
        layout=ServerLayout.from_dict(fetched["layout"]) if fetched.get("layout") else None,
    )  # fmt: skip
    files = {k: Path(v) if v else None for k, v in fetched["files"].items()}
    zip_path = Path(fetched["files"]["zip"])
    # as the compare flow's load: the raw folder keeps the downloaded ZIP, not a second copy
    raw = raw_files_in_zip(files, zip_path)
    with writer(db_path) as con:
        set_request(con, cid, fetched["request_id"])
        out = load_result(con, cid, parsed, raw)
    tidy_raw_folder(zip_path)
    return out
