"""One run per comparison at a time: a lock file per comparison, held while a run works on it.

DuckDB lets one process write at a time, but a run opens the database many times, briefly: two
``chromdiff compare`` runs of the same inputs both planned ``submit`` between those openings and
sent the job twice (one copy orphaned on the shared service), and the second then failed with
advice to use ``--force``. The claim is an exclusive ``flock`` on
``.<database file>.claims/<comparison_id>.lock`` beside the database: the kernel drops it when
the process ends, however it ends, so a claim is never left stale.
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from chromdiff.errors import ChromdiffError


class ComparisonBusyError(ChromdiffError):
    """Another process is running the same comparison on the same database."""


def claim_path(db_path: str | Path, comparison_id: str) -> Path:
    """Return the lock file of ``comparison_id`` for database ``db_path``."""
    db = Path(db_path)
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", comparison_id)
    return db.parent / f".{db.name}.claims" / f"{name}.lock"


@contextmanager
def claim_comparison(db_path: str | Path, comparison_id: str) -> Iterator[None]:
    """Hold the claim on ``comparison_id`` for the ``with`` block.

    Raises
    ------
    ComparisonBusyError
        Another process holds it (named with its process ID and start time).
    """
    path = claim_path(db_path, comparison_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = path.open("a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            who = fh.read().strip() or "process unknown"
            raise ComparisonBusyError(
                f"comparison {comparison_id} is being run by another chromdiff run ({who}) on "
                f"{db_path}: wait for it to finish (its result goes into the same database), "
                "then run again"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"process {os.getpid()}, since {datetime.now():%Y-%m-%d %H:%M:%S}")
        fh.flush()
        yield
    finally:
        fh.close()  # releases the lock
