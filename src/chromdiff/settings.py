"""Settings read from the environment (prefix ``CHROMDIFF_``), with sensible defaults.

Per-run choices (experiment IDs, thresholds) are flow parameters, not settings.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

#: The real ChIP-Atlas Diff Analysis (WABI) endpoint. Trailing slash matters.
CHIPATLAS_BASE_URL = "https://dtn1.ddbj.nig.ac.jp/wabi/chipatlas/"


class Settings(BaseSettings):
    """chromdiff settings.

    Attributes
    ----------
    base_url : str
        ChIP-Atlas WABI endpoint (``CHROMDIFF_BASE_URL``); the CLI's ``--base-url`` overrides it.
    db_path : Path
        Default DuckDB file (``CHROMDIFF_DB_PATH``).
    output_dir : Path
        Where raw result files and reports are written (``CHROMDIFF_OUTPUT_DIR``).
    poll_interval_s, poll_deadline_s : float
        Polling period and overall deadline for one job (queueing can take hours: 3 h default,
        the ``-t 180`` sbatch limit the site sends).
    status_interval_s : float
        How often, while polling, the job's status and log are also read to catch a job that
        failed, was lost or has expired (the status call is slow on the real server); counted
        from the end of the previous read.
    status_timeout_s : float
        Read timeout of that status call, sent once per read (a slow or failing status call is
        no verdict: polling goes on and the next read comes ``status_interval_s`` later).
    not_found_window_s : float
        How long every status read must answer ``not-found`` (and the result page stay absent)
        before a job is called lost: WABI also answers not-found when its scheduler query fails.
    connect_timeout_s, read_timeout_s, zip_timeout_s : float
        HTTP timeouts.
    max_zip_bytes, max_zip_members : int
        Bounds on the result archive (total uncompressed size, member count).
    dask_address : str or None
        Address of an existing Dask scheduler for batch fan-out; ``None`` uses a local cluster.
    db_wait_s : float
        How long a write to the database (every flow task, and the CLI's writes) waits while
        another process holds the file (``CHROMDIFF_DB_WAIT_S``, 600 s): a notebook or
        ``chromdiff sql`` reading it, another run loading. ``chromdiff sql`` has its own
        ``--wait``.
    export_formats : str
        Formats of the table exports (``CHROMDIFF_EXPORT_FORMATS``): ``auto``, ``csv``,
        ``parquet`` or ``csv,parquet`` (see :mod:`chromdiff.report.exports`); the CLI's
        ``--exports`` overrides it.
    """

    model_config = SettingsConfigDict(env_prefix="CHROMDIFF_", extra="ignore")

    base_url: str = CHIPATLAS_BASE_URL
    db_path: Path = Path("chromdiff.duckdb")
    output_dir: Path = Path("chromdiff_output")
    poll_interval_s: float = 10.0
    poll_deadline_s: float = 3 * 3600.0
    status_interval_s: float = 60.0
    status_timeout_s: float = 20.0
    not_found_window_s: float = 1800.0
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 60.0
    zip_timeout_s: float = 300.0
    max_zip_bytes: int = 4 * 1024**3
    max_zip_members: int = 64
    dask_address: str | None = None
    db_wait_s: float = 600.0
    export_formats: str = "auto"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (read once from the environment)."""
    return Settings()
