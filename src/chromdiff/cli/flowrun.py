"""Run a Prefect flow from the CLI: one clear last line, full details in a log file, quick stops.

Not a command (no ``cmd_`` prefix). :func:`run_flow` is used by ``chromdiff compare``:

* **Console**: Prefect's log lines stay, but tracebacks are cut from them (and the temporary
  server's "Stopping" line, which came after the error), so the last line a user sees on a
  failure is ``error: ...`` from :func:`chromdiff.cli.main.main`. ``--verbose`` keeps them.
* **Log file**: every record, tracebacks included, is appended to ``<output>/chromdiff.log``.
* **Signals**: Ctrl-C (SIGINT to the whole process group) used to kill Prefect's temporary API
  server first, and the flow then retried its state reports against the dead server for
  ~150 s. The server is started in its own session instead (and, on Linux, is sent SIGTERM when
  this process dies, even by ``kill -9``), so the flow reports the crash and stops in a second or
  two. SIGTERM is turned into :class:`Interrupted` once Prefect has handled it.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chromdiff.errors import drop_tracebacks

#: Console lines dropped unless ``--verbose`` (printed after the error line, at exit).
_QUIET_PREFIXES = ("Stopping temporary server",)


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGINT received: the run stopped; what it started stays resumable."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    def __str__(self) -> str:
        return f"interrupted by {signal.Signals(self.signum).name}"


class _Quiet(logging.Filter):
    """Console filter: drop the temporary server's exit-time line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not any(str(record.msg).startswith(p) for p in _QUIET_PREFIXES)


class _NoTracebacks(logging.Formatter):
    """Console formatter: the wrapped one's line, without the traceback (the log file has it)."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            return self.inner.format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


def _configure_logging(log_path: Path, verbose: bool) -> logging.Handler:
    """Set up Prefect's logging, filter its console handlers, add the log file."""
    from prefect.logging.configuration import setup_logging
    from prefect.logging.handlers import PrefectConsoleHandler

    setup_logging()
    loggers = [logging.getLogger(), *map(logging.getLogger, logging.root.manager.loggerDict)]
    consoles = {h for lg in loggers for h in getattr(lg, "handlers", [])
                if isinstance(h, PrefectConsoleHandler)}  # fmt: skip
    for h in consoles:  # (a stream closed by an earlier test: tests/fixtures/prefect_harness.py)
        if not verbose and not isinstance(h.formatter, _NoTracebacks):
            h.setFormatter(_NoTracebacks(h.formatter))
            h.addFilter(_Quiet())
    log_path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_path, encoding="utf-8")
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s %(process)d: %(message)s")
    )
    handler.setLevel(logging.INFO)
    logging.getLogger("prefect").addHandler(handler)
    return handler


def _detach() -> None:  # runs in the child between fork and exec
    os.setsid()
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _isolate_prefect_server() -> None:
    """Start Prefect's temporary server in its own session (Ctrl-C no longer reaches it).

    Replaces ``SubprocessASGIServer._run_uvicorn_command`` (prefect 3.9.1,
    ``prefect/server/api/server.py``) with the same command plus ``preexec_fn``.
    """
    import subprocess

    import prefect
    from prefect.server.api import server as srv
    from prefect.settings import get_current_settings

    if getattr(srv.SubprocessASGIServer, "_chromdiff_isolated", False):
        return

    def run_uvicorn(self: Any) -> subprocess.Popen:
        env = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
               "PREFECT__SERVER_FINAL": "1"}  # fmt: skip
        return subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect.__module_path__.parent),
             "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
            env={**os.environ, **env,
                 **get_current_settings().to_environment_variables(exclude_unset=True)},
            # PDEATHSIG follows the forking *thread*: only tie it to the main thread's life
            preexec_fn=_detach if threading.current_thread() is threading.main_thread()
            else os.setsid,
        )  # fmt: skip

    srv.SubprocessASGIServer._run_uvicorn_command = run_uvicorn
    srv.SubprocessASGIServer._chromdiff_isolated = True


def _raise_interrupted(signum: int, frame: object) -> None:
    raise Interrupted(signum)


def run_flow(flow: Callable[..., Any], log_path: Path, *, verbose: bool = False, **kwargs) -> Any:
    """Call ``flow(**kwargs)`` with the console, log-file and signal handling described above."""
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:  # Prefect will start its temporary server
        _isolate_prefect_server()  # (imports Prefect's server app: ~1-2 s, only then)
    handler = _configure_logging(log_path, verbose)
    previous = signal.signal(signal.SIGTERM, _raise_interrupted)
    try:
        return flow(**kwargs)
    except BaseException as exc:
        _file_only(handler).error("chromdiff: the run stopped", exc_info=exc)
        drop_tracebacks(exc)
        raise exc from exc.__cause__
    finally:
        signal.signal(signal.SIGTERM, previous)
        logging.getLogger("prefect").removeHandler(handler)
        handler.close()
        gc.collect()


def _file_only(handler: logging.Handler) -> logging.Logger:
    """Return a logger that writes to the log file only."""
    logger = logging.getLogger("chromdiff.run")
    logger.propagate = False
    logger.handlers = [handler]
    return logger
