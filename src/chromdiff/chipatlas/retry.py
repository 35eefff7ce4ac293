"""Which failures are worth retrying, and how long to wait between tries.

Only transient failures are retried: timeouts, connection errors, HTTP 429 and 5xx. A 400 (the
server refused the fields) or a failed analysis never is: retrying cannot change the answer.
"""

from __future__ import annotations

import random

import requests

from chromdiff.errors import ChipAtlasError, ServerUnavailableError


class TransientHTTPError(ChipAtlasError):
    """An HTTP answer that may succeed if asked again (429 or 5xx)."""

    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def is_transient_status(status: int) -> bool:
    """Return True for HTTP statuses worth retrying (429 and every 5xx)."""
    return status == 429 or 500 <= status <= 599


def is_transient(exc: BaseException) -> bool:
    """Return True when ``exc`` is a transient network failure (used as Prefect's retry condition).

    Notes
    -----
    :class:`ServerUnavailableError` (the client's own retries ran out) counts as transient, so a
    task-level retry minutes later may still succeed.
    """
    return isinstance(
        exc,
        requests.Timeout | requests.ConnectionError | TransientHTTPError | ServerUnavailableError,
    )


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
