"""Task runner selection for fan-out: thread pool by default, Dask when asked.

``make_task_runner("dask")`` gives a prefect-dask ``DaskTaskRunner`` on a local cluster, or on the
existing scheduler at ``address`` / ``CHROMDIFF_DASK_ADDRESS``. Dask workers must not write to
DuckDB (one writer per file): tasks run there return or write Parquet, and one writer loads it.
"""

from __future__ import annotations

from chromdiff.errors import InputError
from chromdiff.settings import get_settings

RUNNERS = ("threads", "dask")


def make_task_runner(kind: str = "threads", *, address: str | None = None, n_workers: int = 2):
    """Return a Prefect task runner.

    Parameters
    ----------
    kind : {"threads", "dask"}
        ``threads``: ``ThreadPoolTaskRunner(max_workers=n_workers)``. ``dask``: ``DaskTaskRunner``.
    address : str, optional
        Dask scheduler address (``tcp://host:8786``); default ``CHROMDIFF_DASK_ADDRESS``, and when
        that is unset a ``LocalCluster`` of ``n_workers`` single-threaded processes.
    n_workers : int
        Threads, or local Dask worker processes.
    """
    if kind == "threads":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=n_workers)
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        address = address or get_settings().dask_address
        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": n_workers,
                "threads_per_worker": 1,
                "processes": True,
                "dashboard_address": None,
            }
        )
    raise InputError(f"unknown task runner {kind!r} (choose from {', '.join(RUNNERS)})")
