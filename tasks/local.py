"""Thin Prefect tasks of the local diffbind pipeline (logic: :mod:`chromdiff.local.run`).

Only downloads can fail transiently, so only :func:`fetch_sample` retries: a GET of a user's
file (idempotent; written to a temporary name and renamed), retried on 429/5xx, connection
errors and timeouts only. Everything else is deterministic and fails at once with a clear message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from chromdiff.design.comparison import ComparisonSpec
from chromdiff.local import run
from chromdiff.local.samples import Sample
from chromdiff.warehouse.db import writer


def _transient_download(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: retry a download only on transient network failures."""
    import requests

    from chromdiff.chipatlas.retry import TransientHTTPError

    try:
        state.result()
    except (TransientHTTPError, requests.ConnectionError, requests.Timeout):
        return True
    except Exception:  # noqa: BLE001 - a 4xx, a bad file: retrying cannot help
        return False
    return False


#: Retries of :func:`fetch_sample` (GETs only; nothing is submitted anywhere).
DOWNLOAD_RETRY: dict[str, Any] = {
    "retries": 3,
    "retry_delay_seconds": [10, 30, 90],
    "retry_condition_fn": _transient_download,
}


@task(name="local-resolve", cache_policy=NO_CACHE)
def resolve_samples(spec: ComparisonSpec, cache_dir: str) -> list[Sample]:
    """Find each experiment's bigWig, peak BED, scale factor and read length."""
    samples = run.resolve_samples(spec, Path(cache_dir))
    get_run_logger().info("%d experiments (%d user data)", len(samples),
                          sum(s.user for s in samples))  # fmt: skip
    return samples


@task(name="local-fetch", cache_policy=NO_CACHE, **DOWNLOAD_RETRY)
def fetch_sample(sample: Sample, cache_dir: str, refresh: bool = False) -> Sample:
    """Download the sample's URL files into the cache (again when ``refresh``; retried)."""
    return run.fetch_sample(sample, Path(cache_dir), refresh)


@task(name="local-check-bigwig", cache_policy=NO_CACHE)
def check_bigwig(sample: Sample) -> None:
    """Open the bigWig; user bigWigs must hold integer coverage."""
    run.check_bigwig(sample)


@task(name="local-regions", cache_policy=NO_CACHE)
def build_regions(samples: list[Sample]) -> run.Regions:
    """Union of all peaks as bedtools multiinter makes it (peak files checked first)."""
    regions = run.build_regions(samples)
    get_run_logger().info("%d union regions", len(regions))
    return regions


@task(name="local-count", cache_policy=NO_CACHE)
def count_sample(sample: Sample, regions: run.Regions):
    """Read counts of one experiment from its bigWig."""
    return run.count_sample(sample, regions)


@task(name="local-edger", cache_policy=NO_CACHE)
def diffbind(samples: list[Sample], regions: run.Regions, counts: list, out_dir: str,
             engine: str) -> dict:  # fmt: skip
    """Run edgeR on the count table; write the 2025 diffbind BED, count table and log."""
    out = run.diffbind(samples, regions, counts, Path(out_dir), engine)
    get_run_logger().info("edgeR (%s): %d of %d regions tested", engine, out["n_tested"],
                          out["n_counted"])  # fmt: skip
    return out


@task(name="local-record", cache_policy=NO_CACHE)
def record_local_run(
    db_path: str, comparison_id: str, info: dict, cache_dir: str, spec_hash: str
) -> None:
    """Mark the comparison local: pipeline version, engine, region counts and ``spec_hash``."""
    from chromdiff.local.version import PIPELINE_VERSION

    with writer(db_path) as con:
        con.execute(
            "insert or replace into local_runs (comparison_id, pipeline_version, engine,"
            " cache_dir, n_union_regions, n_counted, n_tested, spec_hash)"
            " values (?, ?, ?, ?, ?, ?, ?, ?)",
            [comparison_id, PIPELINE_VERSION, info["engine"], cache_dir,
             info["n_union_regions"], info["n_counted"], info["n_tested"], spec_hash],
        ).fetchall()  # fmt: skip
