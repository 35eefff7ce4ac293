"""HTTP client for the ChIP-Atlas Diff Analysis (WABI) API.

Polling follows chip-atlas.org itself: the fast probe ``?info=result&format=html`` (404 until the
job ends, then 200; public/js/pj/diff_analysis_result.js:107-125, app.rb:459-474). A job can end
without ever writing that page (DA's organism/assay check exits without ``handle_error``), never
run, or be forgotten after a week, so the status and the log are also read every
``status_interval_s``: an ``[ERROR]`` line, ``finished`` without a result, a lasting
``not-found`` or an unknown request ID (HTTP 400) end the wait at once with the server's reason.
A finished job is not a successful job: its log is read for ``[ERROR]`` lines before anything is
downloaded. Only GET and POST are sent: WABI answers 405 to HEAD.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import requests

from chromdiff.chipatlas.lost import NotFoundStreak, lost_message
from chromdiff.chipatlas.protocol import (
    RESULTS_KEPT_DAYS,
    JobStatus,
    SubmitRequest,
    error_lines,
    is_result_page,
    parse_key_values,
    parse_request_id,
    parse_status,
    request_time,
    server_error_message,
)
from chromdiff.chipatlas.retry import (
    TransientHTTPError,
    backoff_delay,
    is_transient_status,
    nothing_sent,
    parse_retry_after,
)
from chromdiff.errors import (
    JobExpiredError,
    JobFailedError,
    JobLostError,
    JobTimeoutError,
    RequestRejectedError,
    ResultArchiveError,
    ResultNotReadyError,
    ServerUnavailableError,
    SubmissionInDoubtError,
)
from chromdiff.settings import Settings, get_settings

#: Callback for progress: ``on_poll(state, elapsed_seconds)``.
PollCallback = Callable[[str, float], None]
_CHUNK = 1 << 20


class Reading(NamedTuple):
    """One read of a job's log and status while polling.

    ``state`` is ``waiting``, ``running``, ``finished``, ``not-found`` or ``unknown`` (the status
    could not be read); ``log`` is None when the server has no log (yet); ``status`` is the
    parsed status answer, when there was one.
    """

    state: str
    log: str | None
    status: JobStatus | None = None

    def account(self) -> str:
        """How the scheduler's account says the job ended (``""``: no failure named)."""
        return self.status.failure_note() if self.status else ""


class ChipAtlasClient:
    """Talk to one ChIP-Atlas WABI endpoint.

    Parameters
    ----------
    base_url : str, optional
        Endpoint ending in ``/wabi/chipatlas/``; defaults to the ``CHROMDIFF_BASE_URL`` setting.
    session : requests.Session, optional
        Injected session (tests, connection pooling).
    settings : Settings, optional
        Timeouts, polling period and deadline, archive bounds.
    max_retries : int
        Extra tries for transient failures (timeouts, connection errors, 429, 5xx).
    backoff_base, backoff_cap : float
        Exponential backoff (seconds) between those tries, with jitter.
    sleep, clock : callable
        Replaced in tests to avoid real waiting (``clock`` is the monotonic time polling uses).
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        session: requests.Session | None = None,
        settings: Settings | None = None,
        max_retries: int = 4,
        backoff_base: float = 1.0,
        backoff_cap: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or get_settings()
        url = base_url or self.settings.base_url
        self.base_url = url if url.endswith("/") else url + "/"
        self.session = session or requests.Session()
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.sleep = sleep
        self.clock = clock

    # -- transport ---------------------------------------------------------------------------
    def _timeout(self, read: float | None = None) -> tuple[float, float]:
        return (self.settings.connect_timeout_s, read or self.settings.read_timeout_s)

    def _request(
        self, method: str, url: str, *, allow_404: bool = False, read_timeout: float | None = None,
        resend: bool = True, raw_status: bool = False, retries: int | None = None, **kwargs,
    ) -> requests.Response:  # fmt: skip
        """Send one request, retrying transient failures with backoff; map errors to types.

        With ``resend=False`` (the submit POST) a failure is retried only when the request cannot
        have reached the server (:func:`nothing_sent`); otherwise :class:`SubmissionInDoubtError`.
        With ``raw_status`` only timeouts and connection errors are retried and any HTTP answer
        is returned as it is. ``retries`` overrides ``max_retries`` (extra tries) for this call.
        """
        max_retries = self.max_retries if retries is None else retries
        attempt = 0
        while True:
            attempt += 1
            try:
                resp = self.session.request(
                    method, url, timeout=self._timeout(read_timeout), **kwargs
                )
                if raw_status:
                    return resp
                if is_transient_status(resp.status_code):
                    retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                    raise TransientHTTPError(
                        resp.status_code,
                        f"HTTP {resp.status_code} from {url}: {server_error_message(resp.text)}",
                        retry_after,
                    )
            except (requests.Timeout, requests.ConnectionError, TransientHTTPError) as exc:
                if not resend and not nothing_sent(exc):
                    raise SubmissionInDoubtError(
                        f"the submission to {url} may have reached ChIP-Atlas but its answer "
                        f"was lost ({_describe(exc)}, try {attempt}); it was not re-sent, so "
                        "that no second copy of the job is queued"
                    ) from exc
                if attempt > max_retries:
                    what = "could not reach" if not resend else "did not answer"
                    tail = "; nothing was submitted" if not resend else ""
                    raise ServerUnavailableError(
                        f"ChIP-Atlas {what} {method} {url} after {attempt} tries "
                        f"({_describe(exc)}){tail}"
                    ) from exc
                retry_after = getattr(exc, "retry_after", None)
                self.sleep(backoff_delay(attempt, self.backoff_base, self.backoff_cap, retry_after))
                continue
            if resp.status_code == 404 and allow_404:
                return resp
            if 400 <= resp.status_code < 500:
                raise RequestRejectedError(
                    f"ChIP-Atlas refused the request (HTTP {resp.status_code}): "
                    f"{server_error_message(resp.text)}"
                )
            return resp

    def _job_url(self, request_id: str) -> str:
        return self.base_url + request_id

    # -- API ---------------------------------------------------------------------------------
    def check_health(self) -> None:
        """Raise :class:`ServerUnavailableError` unless ``GET base`` answers ``chipatlas``.

        chip-atlas.org refuses to submit otherwise (public/js/pj/diff_analysis.js:116-133,
        app.rb:30-38, :478-479; script/maintenance/check_wabi.sh:55-74). An HTTP error answer
        (e.g. 503 during maintenance) is final at once; only timeouts and connection errors are
        retried.
        """
        try:
            resp = self._request("GET", self.base_url, raw_status=True)
        except ServerUnavailableError as exc:  # never reached: say what that means for the job
            raise ServerUnavailableError(f"{exc}; nothing was submitted, try again later") from exc
        body = resp.text.strip()
        if resp.status_code != 200 or body != "chipatlas":
            raise ServerUnavailableError(
                f"ChIP-Atlas Diff Analysis is unavailable at {self.base_url} (health check "
                f"answered HTTP {resp.status_code} {body[:60]!r}); nothing was submitted, "
                "try again later"
            )

    def submit(self, request: SubmitRequest) -> str:
        """Validate and submit ``request``; return the request ID at once.

        The POST is sent once; it is re-sent only if the connection was never made (or on 429).
        A redirect is not followed: requests would re-send it as a GET, which queues nothing.

        Raises
        ------
        SubmissionInDoubtError
            If the request may have reached the server but no answer came back.
        RequestRejectedError
            If the server answered with a redirect (3xx): nothing was submitted; the message
            names the ``Location`` to use as the base URL.
        """
        request.validate()
        resp = self._request(
            "POST", self.base_url, data=request.form(), resend=False, allow_redirects=False
        )
        if 300 <= resp.status_code < 400:
            raise RequestRejectedError(_redirect_message(self.base_url, resp))
        return parse_request_id(resp.text)

    def result_ready(self, request_id: str) -> bool | None:
        """Return whether the job's result page exists (the fast probe chip-atlas.org uses).

        True for DA's page (HTTP 200, empty: :func:`is_result_page`), False for 404 (not yet),
        None for any other answer (e.g. a proxy's HTML page with status 200): no verdict.
        """
        resp = self._request(
            "GET", self._job_url(request_id), params={"info": "result", "format": "html"},
            allow_404=True,
        )  # fmt: skip
        if resp.status_code == 404:
            return False
        return True if is_result_page(resp.status_code, resp.text) else None

    def status(self, request_id: str) -> JobStatus:
        """Return the job's scheduler status (slow on the real server; a fallback only)."""
        resp = self._request(
            "GET", self._job_url(request_id), params={"info": "status", "format": "text"}
        )
        return parse_status(resp.text)

    def log(self, request_id: str) -> str | None:
        """Return the job's log text, or None while it does not exist."""
        resp = self._request(
            "GET", self._job_url(request_id), params={"info": "result", "format": "log"},
            allow_404=True,
        )  # fmt: skip
        return None if resp.status_code == 404 else resp.text

    def _probe(self, request_id: str) -> bool | None:
        """Return True once the result page exists, False before, None for no verdict.

        None: the probe failed, or answered something other than the page.
        """
        try:
            return self.result_ready(request_id)
        except (ServerUnavailableError, RequestRejectedError):
            return None

    def _lost(self, request_id: str, reason: str) -> JobLostError:
        """Return the error for a job the server no longer (or never) knew, naming why."""
        submitted = request_time(request_id)
        if submitted is not None:
            age = (datetime.now() - submitted).total_seconds() / 86400
            if age > RESULTS_KEPT_DAYS:
                return JobExpiredError(
                    f"ChIP-Atlas request {request_id} has expired: it was submitted on "
                    f"{submitted:%Y-%m-%d} ({age:.0f} days ago) and results are kept "
                    f"{RESULTS_KEPT_DAYS} days (server: {reason}); run again with --force to "
                    "submit a new job"
                )
        return JobLostError(
            f"ChIP-Atlas does not know job {request_id} (server: {reason}): it never ran, was "
            "lost or has expired; run again with --force to submit a new job"
        )

    def _not_found(
        self, request_id: str, streak: NotFoundStreak, now: float, reading: Reading
    ) -> JobFailedError:
        """Return the error for a job whose status stayed not-found.

        :class:`JobExpiredError` if the ID is a week old; :class:`JobFailedError` when the
        scheduler's account says how the job ended (time limit, memory, ...); else
        :class:`JobLostError`.
        """
        expired = self._lost(request_id, f"status not-found {streak.reads} times")
        if isinstance(expired, JobExpiredError):
            return expired
        kind = JobFailedError if streak.account else JobLostError
        return kind(lost_message(request_id, streak, now, reading.log))

    def _check(self, request_id: str) -> Reading:
        """Read the log and the status; raise if the job failed or is unknown.

        The state is ``unknown`` when the status could not be read (a slow or failing status
        call is not a verdict on the job).
        """
        try:
            log = self.log(request_id)
        except (ServerUnavailableError, RequestRejectedError):
            log = ""
        errors = error_lines(log or "")
        if errors:
            raise JobFailedError(f"ChIP-Atlas job {request_id} failed: {' | '.join(errors[:5])}")
        try:  # one short try: the call is slow on the real server (app.rb:459)
            resp = self._request(
                "GET", self._job_url(request_id), params={"info": "status", "format": "text"},
                raw_status=True, retries=0, read_timeout=self.settings.status_timeout_s,
            )  # fmt: skip
        except ServerUnavailableError:
            return Reading("unknown", log)
        if resp.status_code == 400:
            # no job behind this ID (WABI: JobIdNotInitializedException, ChipatlasController
            # .java:252-262): never issued, or removed after a week
            fields = parse_key_values(resp.text)
            said = "; ".join(v for k in ("Message", "error-message") if (v := fields.get(k)))
            raise self._lost(request_id, f"HTTP 400 {said or server_error_message(resp.text)}")
        if resp.status_code != 200:
            return Reading("unknown", log)
        status = parse_status(resp.text)
        known = status.state in ("waiting", "running", "finished", "not-found")
        return Reading(status.state if known else "unknown", log, status)

    def wait(
        self,
        request_id: str,
        *,
        deadline_s: float | None = None,
        interval_s: float | None = None,
        on_poll: PollCallback | None = None,
        status_interval_s: float | None = None,
        not_found_window_s: float | None = None,
    ) -> None:
        """Poll until the job ends, then check its log for errors.

        Every ``interval_s`` the fast probe asks whether the result page exists. The first poll
        and then every ``status_interval_s``, counted from the end of the previous read, also
        read the log and the status (one short try: a slow status call is no verdict and does
        not crowd out the probe); also at every poll while the probe gets no verdict.

        Raises
        ------
        JobFailedError
            If the log holds ``[ERROR]`` lines (quoted), the job finished without a result, or
            the status stayed ``not-found`` (as below) while the scheduler's account says how
            the job ended (``TIMEOUT``, ``OUT_OF_MEMORY``, ...: quoted).
        JobLostError
            If every status read over ``not_found_window_s`` (at least three) answered
            ``not-found`` and the result page is still absent (:mod:`chromdiff.chipatlas.lost`:
            WABI also says not-found when its scheduler query fails), or the server does not
            know the request ID (HTTP 400); :class:`JobExpiredError` when the ID is older than
            the week results are kept.
        JobTimeoutError
            If the job is still queued or running after ``deadline_s``; the request ID can be
            resumed.
        """
        deadline_s = self.settings.poll_deadline_s if deadline_s is None else deadline_s
        interval = self.settings.poll_interval_s if interval_s is None else interval_s
        every = self.settings.status_interval_s if status_interval_s is None else status_interval_s
        window = (
            self.settings.not_found_window_s if not_found_window_s is None else not_found_window_s
        )
        start = self.clock()
        last_check, streak = None, NotFoundStreak()
        while True:
            ready = self._probe(request_id)
            elapsed = self.clock() - start
            state = "finished" if ready else "running"
            due = last_check is None or ready is None or elapsed - last_check >= every
            if not ready and due:
                reading = self._check(request_id)
                state = reading.state
                last_check = elapsed = self.clock() - start  # the next read: from its end
                if state == "finished" and self._probe(request_id) is False:
                    account = f" ({reading.account()})" if reading.account() else ""
                    raise JobFailedError(
                        f"ChIP-Atlas job {request_id} finished without a result: the status is "
                        "'finished' but there is no result page and its log has no [ERROR] line"
                        + account
                    )
                streak.update(state, elapsed, reading.account())
                if ready is False and streak.lasted(elapsed, window):  # and still no page
                    raise self._not_found(request_id, streak, elapsed, reading)
            if on_poll:
                on_poll(state, elapsed)
            if state == "finished":
                break
            if elapsed + interval > deadline_s:
                raise JobTimeoutError(
                    f"job {request_id} still {state} after {elapsed:.0f} s (deadline "
                    f"{deadline_s:.0f} s); rerun to resume polling the same request"
                )
            self.sleep(interval)
        self.raise_if_failed(request_id)

    def raise_if_failed(self, request_id: str) -> None:
        """Raise :class:`JobFailedError` quoting the log's error lines, if there are any."""
        errors = error_lines(self.log(request_id) or "")
        if errors:
            quoted = " | ".join(errors[:5])
            raise JobFailedError(f"ChIP-Atlas analysis {request_id} failed: {quoted}")

    def download_zip(self, request_id: str, dest: str | Path) -> Path:
        """Stream the result ZIP to ``dest`` (written to ``dest.part`` then renamed).

        A download cut short (connection reset, fewer bytes than ``Content-Length``), an HTML
        page served in place of the ZIP, or a 404 for a request younger than the week results
        are kept is fetched again, up to ``max_retries`` more times.

        Raises
        ------
        JobFailedError
            If there is no ZIP because the job failed (the log's errors are quoted);
            :class:`JobExpiredError` when there is none and the ID is older than a week.
        ResultArchiveError
            If the download is larger than the archive bound, or the server kept answering
            an HTML page instead of the ZIP.
        ServerUnavailableError
            If every try was cut short (the job's result stays on the server: fetch it again).
        ResultNotReadyError
            If every try answered 404 without a failed log, for a request younger than a week:
            the job may not be done (DA moves the ZIP into place just before it writes the
            result page, DA:750, :756); not final, a rerun waits for it again.
        """
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._download_once(request_id, dest)
            except _DOWNLOAD_CUT as exc:
                if attempt <= self.max_retries:
                    self.sleep(backoff_delay(attempt, self.backoff_base, self.backoff_cap))
                    continue
                if isinstance(exc, _HtmlPage):
                    raise ResultArchiveError(f"{exc} (after {attempt} tries)") from exc
                if isinstance(exc, _NoZipYet):
                    raise ResultNotReadyError(
                        f"no result ZIP for {request_id} yet (HTTP 404, {attempt} tries) and "
                        "no [ERROR] in its log: the job may still be running (DA moves the ZIP "
                        "into place just before it writes its result page); the request is "
                        "kept: rerun to wait for it and download the result"
                    ) from exc
                raise ServerUnavailableError(
                    f"download of the result ZIP of {request_id} failed after {attempt} tries "
                    f"({_describe(exc)}); the finished job's result stays on the server about "
                    "a week: rerun to download it again"
                ) from exc

    def _download_once(self, request_id: str, dest: Path) -> Path:
        """One try of :meth:`download_zip`; raises a ``_DOWNLOAD_CUT`` error another may fix.

        ``_CutShort``/``_HtmlPage`` for a bad body, ``_NoZipYet`` for a 404 of a request younger
        than a week whose log holds no error.
        """
        resp = self._request(
            "GET", self._job_url(request_id), params={"info": "result", "format": "zip"},
            allow_404=True, read_timeout=self.settings.zip_timeout_s, stream=True,
        )  # fmt: skip
        if resp.status_code == 404:
            self.raise_if_failed(request_id)
            lost = self._lost(request_id, "HTTP 404 for the result ZIP")
            if isinstance(lost, JobExpiredError):  # the ID is older than the week results are kept
                raise lost
            raise _NoZipYet(f"no result ZIP for {request_id} (HTTP 404)")
        part = dest.with_name(dest.name + ".part")
        expected = resp.headers.get("Content-Length")
        written = 0
        try:
            with resp, part.open("wb") as fh:
                for chunk in resp.iter_content(_CHUNK):
                    if written == 0 and chunk.lstrip()[:1] == b"<":
                        raise _HtmlPage(
                            f"the server returned an HTML page instead of the result ZIP of "
                            f"{request_id} (HTTP {resp.status_code}, "
                            f"{resp.headers.get('Content-Type', 'no Content-Type')}): "
                            f"{_html_text(chunk)!r}"
                        )
                    written += len(chunk)
                    if written > self.settings.max_zip_bytes:
                        raise ResultArchiveError(
                            f"result archive of {request_id} exceeds "
                            f"{self.settings.max_zip_bytes} bytes"
                        )
                    fh.write(chunk)
            if expected is not None and expected.isdigit() and written != int(expected):
                raise _CutShort(f"short body: {written} of {expected} bytes")
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        part.replace(dest)
        return dest


class _CutShort(Exception):
    """The ZIP body ended before ``Content-Length`` bytes."""


class _HtmlPage(Exception):
    """An HTML page came back where the result ZIP was expected."""


class _NoZipYet(Exception):
    """404 for the ZIP of a request younger than a week, and no error in its log."""


#: Failures of one download try that another try may fix (the job's result is still there).
_DOWNLOAD_CUT = (
    requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError,
    _CutShort, _HtmlPage, _NoZipYet,
)  # fmt: skip


def _redirect_message(base_url: str, resp: requests.Response) -> str:
    """Say that a submission answered with a redirect sent nothing, and where to send it."""
    from urllib.parse import urljoin

    location = resp.headers.get("Location")
    target = urljoin(base_url, location) if location else "(no Location given)"
    return (
        f"ChIP-Atlas answered the submission to {base_url} with a redirect (HTTP "
        f"{resp.status_code} to {target}); nothing was submitted (a redirected POST is not "
        "followed: it would arrive as a GET and queue nothing): run again with --base-url "
        "set to the endpoint to use" + (f", --base-url {target}" if location else "")
    )


def _html_text(chunk: bytes, limit: int = 80) -> str:
    """Return the visible text at the start of an HTML page (tags dropped), for the message."""
    import re

    text = re.sub(r"<[^>]*>", " ", chunk[:4096].decode("utf-8", "replace"))
    return " ".join(text.split())[:limit]


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TransientHTTPError):
        return f"HTTP {exc.status}"
    if isinstance(exc, requests.ConnectTimeout):
        return "connect timeout"
    if isinstance(exc, requests.Timeout):
        return "timeout"
    if isinstance(exc, _CutShort):
        return str(exc)
    if isinstance(exc, _HtmlPage):
        return "an HTML page instead of the ZIP"
    if isinstance(exc, _NoZipYet):
        return "HTTP 404 for the ZIP"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        import re

        why = re.search(r"Connection broken: (\w+\([^)]*\))", str(exc))
        return "connection broken during the download" + (f": {why.group(1)}" if why else "")
    if nothing_sent(exc):
        return "connection refused"
    return "connection error"
