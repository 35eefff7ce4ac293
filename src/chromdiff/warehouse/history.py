"""Run history: every flow run's parameters, versions and timing in the ``flow_runs`` table.

Use :func:`record_run` around the body of a flow (or any job)::

    with record_run(db_path, "batch", params) as run:
        ...
        run.update(result_format="diffbind_2025")

The row is written as ``running`` (with the process ID and host) when the block starts and
closed as ``completed``, ``failed`` (with the one-line error) or ``cancelled`` (Ctrl-C, SIGTERM)
when it ends. Closing is best effort and never hides the run's own outcome: when the database
cannot be written then (another process holds it past the writer's wait), the closing is saved
beside it (``.<database>.runs/<run_id>.json``) and the next run writes it, so the row gets its
true end, not a guess. A process killed outright (``kill -9``) cannot close its row: the next
run on the same host marks ``running`` rows whose process is gone as ``crashed``.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

import chromdiff
from chromdiff.warehouse.db import writer


def versions() -> dict[str, str | None]:
    """Return the chromdiff, Prefect and DuckDB versions of this process."""
    try:
        import prefect

        prefect_version: str | None = prefect.__version__
    except ImportError:  # pragma: no cover - prefect is a hard dependency
        prefect_version = None
    return {
        "chromdiff_version": chromdiff.__version__,
        "prefect_version": prefect_version,
        "duckdb_version": duckdb.__version__,
    }


def current_run_id() -> str:
    """Return the Prefect flow run id when inside a flow run, else a fresh uuid."""
    try:
        from prefect.runtime import flow_run

        rid = flow_run.get_id()
    except Exception:  # noqa: BLE001 - outside Prefect the runtime may be unavailable
        rid = None
    return str(rid) if rid else str(uuid.uuid4())


@dataclass
class RunRecord:
    """Mutable details of a run, written when the run ends (``identify``: at once)."""

    run_id: str
    extra: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    db_path: str | None = None
    t0: float = field(default_factory=time.perf_counter)
    ended: bool = False

    def identify(self, comparison_id: str) -> None:
        """Name the run's comparison in its row now (best effort; the closing writes it too).

        So a run that fails later, or is killed, still says which comparison it ran.
        """
        self.update(comparison_id=comparison_id)
        if self.db_path is None:
            return
        try:
            with writer(self.db_path) as con:
                con.execute(
                    "update flow_runs set comparison_id = ? where run_id = ?",
                    [comparison_id, self.run_id],
                )
        except Exception as exc:  # noqa: BLE001 - bookkeeping never stops the run
            logging.getLogger(__name__).warning("run %s: %s", self.run_id, exc)

    def end(self, exc: BaseException | None = None) -> None:
        """Close the row once, best effort (:func:`close_run`).

        ``failed`` or ``cancelled`` for ``exc``, else ``completed`` (``failed`` after
        :meth:`fail`).
        """
        from chromdiff.errors import is_interrupt, one_line

        if self.ended or self.db_path is None:
            return
        self.ended = True
        state, error, wait_s = "failed" if self.error else "completed", self.error, None
        if exc is not None:
            stopped = is_interrupt(exc)
            state, error = ("cancelled" if stopped else "failed"), one_line(exc)
            wait_s = 5.0 if stopped else None  # Ctrl-C: stop now, the next run writes it
        close_run(self.db_path, self.run_id, state, duration_s=time.perf_counter() - self.t0,
                  error=error, wait_s=wait_s, **self.extra)  # fmt: skip

    def fail(self, message: str) -> None:
        """End the run ``failed`` with ``message`` although the block returns normally."""
        self.error = message

    def update(self, **kwargs: Any) -> None:
        """Set ``annotation_id``, ``result_format`` or ``comparison_id`` for the final row."""
        allowed = {"annotation_id", "result_format", "comparison_id"}
        unknown = set(kwargs) - allowed
        if unknown:
            raise ValueError(f"unknown run fields: {sorted(unknown)}")
        self.extra.update(kwargs)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _alive(pid: int, started_at: datetime) -> bool:
    """Return True if ``pid`` runs and is the process that started at ``started_at`` (UTC)."""
    import psutil

    try:
        created = datetime.fromtimestamp(psutil.Process(pid).create_time(), UTC)
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return False
    # a reused PID belongs to a process created after the run started
    return created.replace(tzinfo=None) <= started_at + timedelta(seconds=2)


def close_stale_runs(con: duckdb.DuckDBPyConnection, host: str | None = None) -> int:
    """Mark ``running`` rows of this host whose process is gone as ``crashed``; return how many."""
    host = host or socket.gethostname()
    rows = con.execute(
        "select run_id, pid, started_at from flow_runs where state = 'running' and host = ?"
        " and pid is not null",
        [host],
    ).fetchall()
    stale = [(rid, pid) for rid, pid, started in rows if not _alive(pid, started)]
    for rid, pid in stale:
        con.execute(
            "update flow_runs set state = 'crashed', error = ?, finished_at = ? where run_id = ?",
            [f"process {pid} ended without closing the run (killed?)", _now(), rid],
        ).fetchall()
    return len(stale)


def start_run(
    db_path: str, flow_name: str, parameters: dict, run_id: str | None = None,
    comparison_id: str | None = None,
) -> str:  # fmt: skip
    """Write saved closings, close stale rows of dead processes, insert a ``running`` row.

    Returns the run id.
    """
    rid = run_id or current_run_id()
    v = versions()
    with writer(db_path) as con:
        apply_saved_closings(con, db_path)
        close_stale_runs(con)
        con.execute(
            "insert or replace into flow_runs (run_id, flow_name, parameters, chromdiff_version, "
            "prefect_version, duckdb_version, state, started_at, pid, host, comparison_id) "
            "values (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)",
            [
                rid,
                flow_name,
                json.dumps(parameters, sort_keys=True, default=str),
                v["chromdiff_version"],
                v["prefect_version"],
                v["duckdb_version"],
                _now(),
                os.getpid(),
                socket.gethostname(),
                comparison_id,
            ],
        )
    return rid


_CLOSE_SQL = (
    "update flow_runs set state = ?, error = ?, finished_at = ?, duration_s = ?, "
    "annotation_id = coalesce(?, annotation_id), result_format = coalesce(?, result_format), "
    "comparison_id = coalesce(?, comparison_id) where run_id = ?"
)


def _close_args(closing: dict) -> list:
    extra = closing.get("extra") or {}
    return [closing["state"], closing.get("error"), closing["finished_at"],
            closing["duration_s"], extra.get("annotation_id"), extra.get("result_format"),
            extra.get("comparison_id"), closing["run_id"]]  # fmt: skip


def closings_dir(db_path: str | Path) -> Path:
    """Return the folder where closings that could not be written wait for the next run."""
    db = Path(db_path)
    return db.parent / f".{db.name}.runs"


def close_run(db_path: str, run_id: str, state: str, *, duration_s: float,
              error: str | None = None, wait_s: float | None = None,
              **extra: Any) -> None:  # fmt: skip
    """Close the row of ``run_id`` with its final state, timing and data versions; never raises.

    A closing the database did not take (held by another process past the writer's wait) is
    saved beside it for the next run to write (:func:`apply_saved_closings`), and logged.
    ``wait_s``: the writer's wait (default: the ``db_wait_s`` setting).
    """
    closing = {"run_id": run_id, "state": state, "error": error, "finished_at": _now(),
               "duration_s": duration_s, "extra": extra}  # fmt: skip
    try:
        with writer(db_path, wait_s=wait_s) as con:
            con.execute(_CLOSE_SQL, _close_args(closing))
        return
    except Exception as exc:  # noqa: BLE001 - bookkeeping must not replace the run's outcome
        from chromdiff.errors import one_line

        why = one_line(exc)
    log = logging.getLogger(__name__)
    if db_path == ":memory:":
        log.warning("run %s ended %s; its history row could not be closed: %s", run_id, state, why)
        return
    folder = closings_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    saved = closing | {"finished_at": closing["finished_at"].isoformat()}
    (folder / f"{run_id}.json").write_text(json.dumps(saved, default=str))
    log.warning("run %s ended %s, but its flow_runs row could not be closed (%s): the next run "
                "on %s writes it", run_id, state, why, db_path)  # fmt: skip


def apply_saved_closings(con: duckdb.DuckDBPyConnection, db_path: str | Path) -> int:
    """Write the closings :func:`close_run` saved (rows still ``running`` only); return how many."""
    folder = closings_dir(db_path)
    if str(db_path) == ":memory:" or not folder.is_dir():
        return 0
    n = 0
    for path in sorted(folder.glob("*.json")):
        try:
            closing = json.loads(path.read_text())
            closing["finished_at"] = datetime.fromisoformat(closing["finished_at"])
        except (OSError, ValueError, KeyError):
            path.unlink(missing_ok=True)  # a half-written file: the row is left to the stale check
            continue
        sql = _CLOSE_SQL + " and state = 'running'"
        n += len(con.execute(sql + " returning run_id", _close_args(closing)).fetchall())
        path.unlink(missing_ok=True)
    return n


def open_run(
    db_path: str, flow_name: str, parameters: dict, run_id: str | None = None,
    comparison_id: str | None = None,
) -> RunRecord:  # fmt: skip
    """Insert a ``running`` row (:func:`start_run`); the caller ends it with :meth:`RunRecord.end`.

    ``comparison_id``, when known at the start, is in the row from the start (a run that does
    not know it yet calls :meth:`RunRecord.identify` once it does).
    """
    rid = start_run(db_path, flow_name, parameters, run_id, comparison_id)
    record = RunRecord(rid, db_path=db_path)
    if comparison_id:
        record.update(comparison_id=comparison_id)
    return record


@contextmanager
def record_run(
    db_path: str, flow_name: str, parameters: dict, run_id: str | None = None,
    comparison_id: str | None = None,
) -> Iterator[RunRecord]:  # fmt: skip
    """Record the run of ``flow_name`` around a block (module docstring, :func:`open_run`)."""
    record = open_run(db_path, flow_name, parameters, run_id, comparison_id)
    try:
        yield record
    except BaseException as exc:
        record.end(exc)
        raise
    record.end()
