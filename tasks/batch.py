"""Tasks of the batch fan-out: parse on any worker (Dask-safe), load with one writer."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from chromdiff.batch import fanout
from chromdiff.warehouse import partitions


@task(name="parse-to-partition", cache_policy=NO_CACHE)
def parse_to_partition(bed_path: str, analysis: str, ids_a: list[str], ids_b: list[str],
                       comparison_id: str, root: str) -> dict:  # fmt: skip
    """Parse one result to a Parquet partition (never touches DuckDB: safe on Dask workers)."""
    return partitions.parse_to_partition(bed_path, analysis, ids_a, ids_b, comparison_id, root)


@task(name="load-partitions", cache_policy=NO_CACHE)
def load_partitions(db_path: str, parts: list[dict]) -> dict[str, int]:
    """Load every partition in one transaction (the single DuckDB writer)."""
    return partitions.load_partitions(db_path, parts)


@task(name="fetch-result", cache_policy=NO_CACHE)
def fetch_result(
    job: dict, base_url: str, partition_root: str, stop_token: str | None = None
) -> dict:
    """Poll, download and parse one submitted comparison (no DuckDB: Dask-safe).

    Progress (each poll, naming the comparison and request) goes to the run's log. No
    task-level retries: the client retries what is safe.
    """
    log = get_run_logger().info
    return fanout.fetch_to_partition(job, base_url, partition_root, log=log, stop_token=stop_token)


@task(name="load-fetched", cache_policy=NO_CACHE)
def load_fetched(db_path: str, fetched: dict) -> dict:
    """Load one fetched partition and its raw files (the single writer)."""
    return fanout.load_fetched(db_path, fetched)


def flow_run_url(flow_run_id: str) -> str:
    """Return the Prefect UI page of a flow run (relative to the UI when its URL is unknown)."""
    from prefect.settings import get_current_settings

    ui = get_current_settings().ui_url
    return f"{str(ui).rstrip('/') if ui else ''}/runs/flow-run/{flow_run_id}"


@task(name="publish-batch-summary", cache_policy=NO_CACHE)
def publish_batch_summary(markdown: str) -> str:
    """Attach the batch summary to the run as a Markdown artifact (key ``batch-summary``)."""
    from prefect.artifacts import create_markdown_artifact

    about = "chromdiff batch: one row per comparison"
    return str(create_markdown_artifact(markdown=markdown, key="batch-summary", description=about))
