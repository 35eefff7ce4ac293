"""Batch fan-out: network and parse work on any task runner, database writes in one writer.

The runner may be a thread pool or Dask workers on other machines.

Phase 1 (writer) plans each comparison (skip / resume / submit), registers it and, like the
compare flow, submits a new job from the writer process (``flows.compare.submit_once``): the
request ID is in ``comparisons.request_id`` the moment the server returns it, so an interrupted
batch is resumed by any runner, the sequential one included. Phase 2 runs
:func:`fetch_to_partition` per comparison on the runner: poll, download, extract and parse to a
Parquet partition — it never opens DuckDB. Phase 3 (writer) loads each partition atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import pyarrow.parquet as pq

from chromdiff.batch.request_file import adopt_request_file
from chromdiff.batch.spec import BatchItem
from chromdiff.batch.stopping import sleeper
from chromdiff.design.comparison import (
    ComparisonSpec,
    failed_error,
    get_state,
    in_doubt_error,
    plan,
    plan_thresholds,
    register,
    set_request,
)
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


def prepare(db_path: str, item: BatchItem, base_url: str, output_dir: str, force: bool) -> dict:
    """Phase 1 (writer): plan one comparison and register it when it will be (re)submitted.

    A ``request.json`` of an earlier version's fan-out is adopted first
    (:mod:`chromdiff.batch.request_file`).
    """
    from flows.compare import is_simulated

    spec = spec_of(item)
    out_dir = Path(output_dir) / item.name
    adopt_request_file(db_path, item.name, out_dir, spec.input_hash(), force)
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
            register(con, item.name, spec, base_url=base_url, simulated=is_simulated(base_url),
                     params=params)  # fmt: skip
        action = plan_thresholds(con, item.name, action, params)
    return {"comparison_id": item.name, "action": action, "request_id": rid, "spec": spec,
            "out_dir": str(out_dir)}  # fmt: skip


def fetch_to_partition(
    job: dict, base_url: str, partition_root: str, *, log: Callable[[str], None] | None = None,
    stop_token: str | None = None,
) -> dict:  # fmt: skip
    """Phase 2 (any worker, no database): poll the job, download, parse to Parquet.

    The job was submitted by phase 1 (``job["request_id"]``). ``log`` gets one line per poll and
    step, each naming the comparison and the request; ``stop_token``
    (:mod:`chromdiff.batch.stopping`) ends the polling when the batch is interrupted.
    """
    from chromdiff.chipatlas.archive import extract_result_zip
    from chromdiff.chipatlas.client import ChipAtlasClient

    spec: ComparisonSpec = job["spec"]
    cid, rid = job["comparison_id"], job["request_id"]
    if not rid:
        raise ValueError(f"comparison {cid}: no request ID to fetch (phase 1 submits the job)")
    say = log or (lambda _msg: None)
    out_dir, settings = Path(job["out_dir"]), get_settings()
    raw = out_dir / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    client = ChipAtlasClient(base_url, sleep=sleeper(stop_token))
    polls = {"n": 0}

    def on_poll(state: str, elapsed: float) -> None:
        polls["n"] += 1
        say(f"comparison {cid}: job {rid} {state} after {elapsed:.0f} s (poll {polls['n']})")

    say(f"comparison {cid}: polling request {rid}")
    client.wait(rid, on_poll=on_poll)
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
    say(f"comparison {cid}: request {rid} parsed, {part['n_regions']} regions")
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
        if (get_state(con, cid) or {}).get("request_id") != fetched["request_id"]:
            set_request(con, cid, fetched["request_id"])
        out = load_result(con, cid, parsed, raw)
    tidy_raw_folder(zip_path)
    return out
