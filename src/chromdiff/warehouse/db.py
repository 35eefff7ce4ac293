"""DuckDB access: short-lived connections, schema and views applied from ``sql/``.

DuckDB allows one read-write process per file, and a writer blocks even read-only opens from
other processes. So every task opens, writes and closes; readers wait briefly for a writer and
then say which process holds the file.
"""

from __future__ import annotations

import errno
import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb

from chromdiff.errors import DatabaseBusyError
from chromdiff.warehouse.sqlfiles import schema_files, view_files

#: Built-in extensions only; never try to download one (no internet here).
_CONFIG = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
_LOCK_RE = re.compile(r"Could not set lock|Conflicting lock", re.IGNORECASE)


def _open(path: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path, read_only=read_only, config=dict(_CONFIG))
    return con


def describe_holder(pid: int) -> str:
    """Return ``process PID (command, running since HH:MM:SS)`` as far as it can be known."""
    try:
        import psutil

        proc = psutil.Process(pid)
        cmd = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(proc.cmdline()))
        since = datetime.fromtimestamp(proc.create_time()).strftime("%H:%M:%S")
    except Exception:  # noqa: BLE001 - another user's or a vanished process: say what we know
        return f"process {pid}"
    cmd = " ".join(cmd.split())  # one line, even for ``python -c "<script>"``
    if len(cmd) > 80:
        cmd = cmd[:77] + "..."
    return f"process {pid} ({cmd}, running since {since})"


def _make_folder(folder: Path) -> None:
    """Create ``folder`` and its parents; a file in the way is a ``NotADirectoryError`` naming it.

    ``mkdir`` reports a file in the way as ``FileExistsError`` (the folder itself is a file),
    which reads as if the folder were there, or as ``NotADirectoryError`` naming the folder it
    could not make; the CLI prints the error and its path in one line.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:  # a file where a folder should be
        blocker = next(p for p in (folder, *folder.parents) if p.exists())
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(blocker)) from exc


def open_db(
    path: str | Path = ":memory:", *, read_only: bool = False, wait_s: float = 0.0,
    on_wait: Callable[[str], None] | None = None,
) -> duckdb.DuckDBPyConnection:  # fmt: skip
    """Open a DuckDB connection with chromdiff's configuration.

    Parameters
    ----------
    path : str or Path
        Database file, or ``":memory:"``.
    read_only : bool
        Open read-only (several readers may share a file when no writer holds it); otherwise
        a missing folder of ``path`` is created.
    wait_s : float
        How long to keep retrying while another process holds the lock.
    on_wait : callable, optional
        Called once with a one-line message (who holds the lock, since when) when waiting starts.

    Raises
    ------
    DatabaseBusyError
        If the file is still locked after ``wait_s``; the message names the holder.
    FileNotFoundError
        If ``read_only`` and the file does not exist.
    """
    path = str(path)
    if read_only and path != ":memory:" and not Path(path).exists():
        raise FileNotFoundError(f"database {path} does not exist")
    if not read_only and path != ":memory:":
        _make_folder(Path(path).parent)  # --db NEW/x.duckdb
    deadline = time.monotonic() + wait_s
    told = False
    while True:
        try:
            return _open(path, read_only)
        except duckdb.IOException as exc:
            if not _LOCK_RE.search(str(exc)):
                raise
            holder = re.search(r"\(PID (\d+)\)", str(exc))
            who = describe_holder(int(holder.group(1))) if holder else "another process"
            if time.monotonic() >= deadline:
                raise DatabaseBusyError(
                    f"database {path} is locked by {who}: DuckDB lets one process write, or "
                    "several read, at a time (a chromdiff run, chromdiff sql or export-parquet "
                    "holds it until it finishes): retry when it does"
                ) from exc
            if on_wait and not told:
                on_wait(f"waiting up to {wait_s:.0f} s for database {path}: locked by {who}")
                told = True
            time.sleep(0.25)


@contextmanager
def connect(
    path: str | Path = ":memory:", *, read_only: bool = False, wait_s: float = 0.0,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:  # fmt: skip
    """Context manager around :func:`open_db` that always closes the connection."""
    con = open_db(path, read_only=read_only, wait_s=wait_s, on_wait=on_wait)
    try:
        yield con
    finally:
        con.close()


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table (idempotent ``create ... if not exists``) and (re)create every view.

    Every table and view then gets its SQL file's description as ``COMMENT ON`` (:mod:`.comments`).

    Databases of older versions are upgraded (:mod:`chromdiff.warehouse.migrations`) between
    the two.
    View files may depend on one another; they are applied in folder order and any view whose
    dependency does not exist yet (or, in an older database, still lacks a new column) is
    retried until no more progress is made.
    """
    from chromdiff.warehouse.migrations import migrate  # imports this module

    for path in schema_files():
        con.execute(path.read_text())
    migrate(con)
    pending = view_files()
    while pending:
        failed: list[tuple[Path, Exception]] = []
        for path in pending:
            try:
                con.execute(path.read_text())
            except (duckdb.CatalogException, duckdb.BinderException) as exc:
                failed.append((path, exc))
        if len(failed) == len(pending):
            path, exc = failed[0]
            raise RuntimeError(f"cannot create view from {path}: {exc}") from exc
        pending = [p for p, _ in failed]
    from chromdiff.warehouse.comments import apply_comments
    from chromdiff.warehouse.stamp import stamp

    apply_comments(con)
    stamp(con)


@contextmanager
def writer(path: str | Path, *, wait_s: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open ``path`` read-write with the schema applied, waiting for the lock if it is held.

    ``wait_s`` defaults to the ``db_wait_s`` setting (``CHROMDIFF_DB_WAIT_S``, 600 s), so a
    reader holding the file (a notebook, ``chromdiff sql``) delays a run's writes instead of
    failing it; the wait is logged once, naming the holder. A database already stamped with
    this schema (:mod:`chromdiff.warehouse.stamp`) is not re-applied.
    """
    from chromdiff.settings import get_settings
    from chromdiff.warehouse.stamp import is_current

    wait_s = get_settings().db_wait_s if wait_s is None else wait_s
    with connect(path, wait_s=wait_s, on_wait=logging.getLogger(__name__).warning) as con:
        if not is_current(con):
            apply_schema(con)
        yield con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run a block atomically: commit on success, roll back on any exception."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
