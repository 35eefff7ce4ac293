"""Which failures are worth retrying, and how long to wait between tries.

Only transient failures are retried: timeouts, connection errors, HTTP 429 and 5xx. A 400 (the
server refused the fields) or a failed analysis never is: retrying cannot change the answer.

A submission (POST) is not idempotent: WABI queues the job before it answers
(``ChipatlasController.java:185`` in oogasawa/wabi_chipatlas-java calls ``qsub2`` and only then
writes the answer; an ``IOException`` after that still answers 500, lines 195-204). So a POST is
re-sent only when :func:`nothing_sent` says the request cannot have reached the server.
"""

from __future__ import annotations

import random

import requests

from chromdiff.errors import ChipAtlasError


class TransientHTTPError(ChipAtlasError):
    """An HTTP answer that may succeed if asked again (429 or 5xx)."""

    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def is_transient_status(status: int) -> bool:
    """Return True for HTTP statuses worth retrying (429 and every 5xx)."""
    return status == 429 or 500 <= status <= 599


def nothing_sent(exc: BaseException) -> bool:
    """Return True when ``exc`` proves the request never reached the server (safe to re-send).

    That is: the TCP connection was never made (connection refused, DNS failure, connect
    timeout), or the server answered 429 (it refused to process the request). A read timeout, a
    reset after the request was written, or a 5xx answer leave the submission in doubt.
    """
    if isinstance(exc, TransientHTTPError):
        return exc.status == 429
    if isinstance(exc, requests.ConnectTimeout):
        return True
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        item = todo.pop()
        if id(item) in seen or not isinstance(item, BaseException):
            continue
        seen.add(id(item))
        if isinstance(item, NewConnectionError | ConnectTimeoutError):
            return True
        todo += [*item.args, getattr(item, "reason", None), item.__cause__, item.__context__]
    return False


def parse_retry_after(value: str | None) -> float | None:
    """Parse a ``Retry-After`` header given in seconds (HTTP dates are ignored)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def backoff_delay(
    attempt: int, base: float, cap: float, retry_after: float | None = None, rng=random
) -> float:
    """Return the wait before retry ``attempt`` (1-based): capped exponential with jitter.

    A server's ``Retry-After`` is honoured as a floor (but still capped).
    """
    exp = min(cap, base * 2 ** (attempt - 1))
    delay = exp / 2 + rng.uniform(0, exp / 2)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return min(delay, max(cap, retry_after or 0.0))
