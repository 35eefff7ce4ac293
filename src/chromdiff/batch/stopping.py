"""Stop a batch fan-out's fetches when the batch is interrupted (Ctrl-C, SIGTERM).

The thread pool of a ``threads`` fan-out waits for its running fetches when the flow ends, and
a fetch polls its job for hours: an interrupted batch hung until the poll deadline. Each fan-out
takes a stop token; its fetches sleep (between polls, between retries) on that token's event,
and the flow sets it when it stops, so they end at once. In another process (a Dask worker) the
token is unknown and the sleep is a plain one: Dask's own shutdown ends those workers.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

_EVENTS: dict[str, threading.Event] = {}


class FetchStopped(Exception):
    """The batch stopped while this fetch waited; its job stays resumable."""


def new_stop_token() -> str:
    """Return a new token whose fetches run until :func:`stop` is called with it."""
    token = uuid.uuid4().hex
    _EVENTS[token] = threading.Event()
    return token


def stop(token: str) -> None:
    """Wake and stop every fetch sleeping under ``token`` (one starting later stops at once)."""
    event = _EVENTS.get(token)
    if event is not None:
        event.set()


def sleeper(token: str | None) -> Callable[[float], None]:
    """Return a ``sleep(seconds)`` that raises :class:`FetchStopped` once ``token`` is stopped."""
    event = _EVENTS.get(token or "") or threading.Event()

    def sleep(seconds: float) -> None:
        if event.wait(seconds):
            raise FetchStopped("the batch stopped; the job stays resumable: run it again")

    return sleep
