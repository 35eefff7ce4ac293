"""The exception types chromdiff raises; each carries a message meant for the user."""

from __future__ import annotations


class ChromdiffError(Exception):
    """Base class: an error with a clear, one-line, user-facing message."""


class InputError(ChromdiffError, ValueError):
    """Bad user input (IDs, files, parameters). Names the file, line and column where known."""


class ChipAtlasError(ChromdiffError):
    """Any failure talking to the ChIP-Atlas (WABI) API."""


class ServerUnavailableError(ChipAtlasError):
    """The health check did not answer ``chipatlas``, or retries on transient errors ran out."""


class SubmissionInDoubtError(ChipAtlasError):
    """A submission may have reached the server but its answer was lost (timeout, reset, 5xx).

    WABI queues the job before it answers, so the POST is never re-sent blindly: the comparison
    is recorded as ``in_doubt`` and the user resumes it (``--request-id``) or submits anew
    (``--force``).
    """


class RequestNotStoredError(ChipAtlasError):
    """The server queued the job, but its request ID could not be stored (database busy, disk).

    Carries ``request_id``: the message names it, and the flow stores it when it can, so the job
    is resumed (``--request-id``) rather than submitted twice.
    """

    def __init__(self, message: str, request_id: str) -> None:
        super().__init__(message)
        self.request_id = request_id


class RequestRejectedError(ChipAtlasError):
    """The server refused the request (HTTP 400 or another 4xx): retrying cannot help."""


class JobFailedError(ChipAtlasError):
    """The analysis finished but failed: its log holds ``[ERROR]`` lines (quoted in the message)."""


class JobLostError(JobFailedError):
    """The server does not know the job, or says it is not queued, running or finished."""


class JobExpiredError(JobLostError):
    """The request ID is older than the week ChIP-Atlas keeps jobs; ``--force`` submits anew."""


class JobTimeoutError(ChipAtlasError):
    """The job did not finish before the polling deadline. The request ID is kept for resuming."""


class ResultArchiveError(ChipAtlasError):
    """The result ZIP is corrupt, truncated, too large, or holds an unsafe member path."""


class ResultNotReadyError(ChipAtlasError):
    """A job that looked done has no result ZIP (yet): not final, a rerun waits for it again."""


def is_interrupt(exc: BaseException) -> bool:
    """Return True for Ctrl-C (``KeyboardInterrupt``) and SIGTERM (Prefect's ``TerminationSignal``).

    Checked by class name so that plain-logic modules need not import Prefect.
    """
    names = {cls.__name__ for cls in type(exc).__mro__}
    return bool(names & {"KeyboardInterrupt", "TerminationSignal", "Interrupted"})


def one_line(exc: BaseException) -> str:
    """Return the first line of ``exc``'s message, or ``interrupted by SIGINT/SIGTERM``."""
    if is_interrupt(exc):
        import signal

        signum = getattr(exc, "signum", None) or getattr(exc, "signal", None) or signal.SIGINT
        return f"interrupted by {signal.Signals(signum).name}"
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def drop_tracebacks(exc: BaseException | None) -> None:
    """Free the frames an exception chain holds, once it has been logged.

    They keep DuckDB objects alive, which DuckDB's bindings then report as leaks (40 lines of
    ``nanobind: leaked ...``) when Python exits.
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        exc.__traceback__ = None
        exc = exc.__cause__ or exc.__context__


class ParseError(ChromdiffError, ValueError):
    """A result or input table could not be parsed. Names the file and line."""


class DatabaseBusyError(ChromdiffError):
    """Another process holds the DuckDB file (DuckDB allows one writer process)."""


def path_tried(path: object) -> str:
    """Return ``path`` for an error message, with the absolute path tried when it is relative."""
    from pathlib import Path

    p = Path(str(path))
    return str(p) if p.is_absolute() else f"{p} (looked for {p.absolute()})"
