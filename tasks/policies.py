"""Retry policies shared by the Prefect tasks (declared once, here)."""

from __future__ import annotations

from typing import Any


def _is_transient_state(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: retry only transient network failures.

    Uses :func:`chromdiff.chipatlas.retry.is_transient` on the exception the state holds;
    user errors (bad input, a rejected request, a failed job) are never retried.
    """
    from chromdiff.chipatlas.retry import is_transient

    try:
        state.result()
    except Exception as exc:  # noqa: BLE001 - the state's own exception, classified below
        return bool(is_transient(exc))
    return False


#: Options for tasks that talk to the network (submit, download): 3 retries, exponential delays.
NETWORK_RETRY: dict[str, Any] = {
    "retries": 3,
    "retry_delay_seconds": [10, 30, 90],
    "retry_condition_fn": _is_transient_state,
}
