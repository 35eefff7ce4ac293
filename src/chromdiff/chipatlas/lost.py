"""When a job whose status reads ``not-found`` is called lost, and what the error then says.

WABI answers ``status: not-found`` for a job that is neither queued, running nor finished
(oogasawa/wabi_chipatlas-java WabiJobInfo.java:187-200), but also whenever its scheduler query
misbehaves: ``qstatStatus`` swallows exceptions and unrecognised ``qstat`` output as ""
(WabiJobInfo.java:207-254), which :195-200 then report as not-found for a job still running.
chip-atlas.org never reads the status call (inutano/chip-atlas app.rb:459). So one not-found is no
verdict: a job is called lost only when every status read over a window (at least
:data:`MIN_READS` of them) said not-found and the result page is still absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

#: Fewest consecutive not-found reads before a job may be called lost (however long the window).
MIN_READS = 3


@dataclass
class NotFoundStreak:
    """The status reads in a row that answered ``not-found``.

    Attributes
    ----------
    reads : int
        How many.
    since : float or None
        Clock time (the client's monotonic clock) of the first of them.
    since_wall : datetime or None
        Wall-clock time of the first of them, for the message.
    account : str
        How the scheduler's account (appended to a not-found status) says the job ended, e.g.
        ``the scheduler's account says TIMEOUT: ...``; empty when it names no failure.
    """

    reads: int = 0
    since: float | None = None
    since_wall: datetime | None = None
    account: str = ""

    def update(self, state: str, now: float, account: str = "") -> None:
        """Count one status read: ``not-found`` extends the streak, a job state ends it.

        ``unknown`` (the call failed or answered nothing readable) neither extends nor ends it.
        """
        if state == "not-found":
            if self.since is None:
                self.since, self.since_wall = now, datetime.now()
            self.reads += 1
            self.account = account or self.account
        elif state != "unknown":
            self.reads, self.since, self.since_wall, self.account = 0, None, None, ""

    def lasted(self, now: float, window_s: float) -> bool:
        """Return True once the streak has :data:`MIN_READS` reads and spans ``window_s``."""
        return self.since is not None and self.reads >= MIN_READS and now - self.since >= window_s

    def describe(self, now: float) -> str:
        """Say what was seen: how many not-found reads, over how long, since when."""
        since = f", since {self.since_wall:%H:%M:%S}" if self.since_wall else ""
        span = now - (self.since if self.since is not None else now)
        return (
            f"every status read answered not-found ({self.reads} reads over "
            f"{_duration(span)}{since})"
        )


def log_note(log: str | None) -> str:
    """Say what the job's log showed: none (DA never started), its last line, or nothing."""
    if log is None:
        return "it has no log (DA never started)"
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    return f"its log stops at {lines[-1][:120]!r}" if lines else "its log is empty or unreadable"


def lost_message(request_id: str, streak: NotFoundStreak, now: float, log: str | None) -> str:
    """Return the error message for a job called lost, naming what was observed.

    When the scheduler's account says how the job ended (time limit, memory, ...) the message
    says that instead: DA killed that way writes neither ``[ERROR]`` nor its result page.
    """
    if streak.account:
        return (
            f"ChIP-Atlas job {request_id} ended without a result: {streak.account}; "
            f"{streak.describe(now)}, its result page does not exist and {log_note(log)}; run "
            "again with --force to submit a new job"
        )
    return (
        f"ChIP-Atlas job {request_id} looks lost: {streak.describe(now)}, its result page does "
        f"not exist and {log_note(log)}; it never ran, was lost or has expired. WABI also "
        "answers not-found when its scheduler query fails: if the job may still run, run again "
        f"with --request-id {request_id} to wait for it again; --force submits a new job"
    )


def _duration(seconds: float) -> str:
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"
