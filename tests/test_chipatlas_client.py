"""The client's retry, error and polling logic with a scripted HTTP session (no sockets)."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
import requests

from chromdiff.chipatlas.client import ChipAtlasClient
from chromdiff.chipatlas.protocol import SubmitRequest
from chromdiff.chipatlas.retry import backoff_delay, nothing_sent
from chromdiff.errors import (
    JobExpiredError,
    JobFailedError,
    JobLostError,
    JobTimeoutError,
    RequestRejectedError,
    ResultArchiveError,
    ServerUnavailableError,
    SubmissionInDoubtError,
)
from chromdiff.settings import Settings

BASE = "http://127.0.0.1:9/wabi/chipatlas/"
RID = "wabi_chipatlas_2026-0101-1200-00-001-000042"
#: submitted just now (7-digit suffix, milliseconds not zero-padded, as WABI writes them)
RID_NOW = f"wabi_chipatlas_{datetime.now():%Y-%m%d-%H%M-%S}-7-1000000"


def response(status=200, text="", headers=None, body: bytes | None = None):
    resp = requests.Response()
    resp.status_code = status
    resp.headers.update(headers or {})
    resp.raw = io.BytesIO(body if body is not None else text.encode())
    return resp


class ScriptedSession:
    """Answers each request with the next scripted item (a Response or an exception)."""

    def __init__(self, *script):
        self.script = list(script)
        self.calls = []

    def request(self, method, url, timeout=None, **kwargs):
        self.calls.append((method, url, kwargs.get("params"), kwargs.get("data")))
        item = self.script.pop(0)
        if callable(item):
            item = item()
        if isinstance(item, BaseException):
            raise item
        return item


def client(*script, **kw):
    sleeps = []
    c = ChipAtlasClient(
        BASE,
        session=ScriptedSession(*script),
        settings=Settings(poll_interval_s=1),
        sleep=sleeps.append,
        **kw,
    )
    c.sleeps = sleeps
    return c


def submit_request():
    return SubmitRequest("diffbind", "hg38", ["SRX1"], ["SRX2"], "t", "a", "b")


def test_health_check():
    client(response(text="chipatlas\n")).check_health()
    with pytest.raises(ServerUnavailableError, match="unavailable"):
        client(response(text="maintenance")).check_health()
    c = client(response(503, text="maintenance"))  # an HTTP answer is final: no retries
    with pytest.raises(ServerUnavailableError, match=r"HTTP 503 'maintenance'.*nothing was"):
        c.check_health()
    assert len(c.session.calls) == 1


def test_submit_posts_form_and_returns_request_id():
    c = client(response(text=f"requestId: {RID}\nparameters: null\n"))
    assert c.submit(submit_request()) == RID
    method, url, _, data = c.session.calls[0]
    assert (method, url) == ("POST", BASE)
    assert data["bedAFile"] == "SRX1" and data["sbatchOptions"] == "-p epyc -t 180"


def test_5xx_burst_then_success_is_retried_with_backoff():
    c = client(response(500), response(503), response(502), response(200, text="[INFO] ok\n"))
    assert c.log(RID) == "[INFO] ok\n"
    assert len(c.session.calls) == 4 and len(c.sleeps) == 3


def refused():
    """A ``requests.ConnectionError`` as requests raises it when nothing listens on the port."""
    from urllib3.exceptions import MaxRetryError, NewConnectionError

    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111]")
    return requests.ConnectionError(MaxRetryError(None, BASE, reason))


@pytest.mark.parametrize(
    "lost",
    [response(500), response(503), requests.ReadTimeout("slow"),
     requests.ConnectionError("Connection aborted: reset by peer")],
)  # fmt: skip
def test_submit_is_never_resent_once_it_may_have_reached_the_server(lost):
    c = client(lost, response(text=f"requestId: {RID}\n"))
    with pytest.raises(SubmissionInDoubtError, match="not re-sent"):
        c.submit(submit_request())
    assert len(c.session.calls) == 1 and c.sleeps == []


def test_submit_is_resent_when_nothing_reached_the_server():
    c = client(refused(), requests.ConnectTimeout("connect"), response(text=f"requestId: {RID}\n"))
    assert c.submit(submit_request()) == RID
    assert len(c.session.calls) == 3
    c = client(*[refused()] * 3, max_retries=2)
    with pytest.raises(ServerUnavailableError, match=r"after 3 tries .*nothing was submitted"):
        c.submit(submit_request())


def test_429_honours_retry_after():
    c = client(response(429, headers={"Retry-After": "7"}), response(text=f"requestId: {RID}\n"))
    c.submit(submit_request())
    assert c.sleeps[0] >= 7


def test_timeouts_and_connection_errors_are_retried_then_give_up():
    c = client(
        requests.ReadTimeout("slow"), requests.ConnectionError("reset"), response(text="chipatlas")
    )
    c.check_health()
    c = client(*[requests.ConnectionError("reset")] * 3, max_retries=2)
    with pytest.raises(ServerUnavailableError, match=r"after 3 tries.*nothing was submitted"):
        c.check_health()


def test_400_is_not_retried_and_quotes_the_server():
    body = (
        '{"Message": "Error (POST parameters validation error)", '
        '"error-message": "BAD_REQUEST (genome)"}'
    )
    c = client(response(400, text=body))
    with pytest.raises(RequestRejectedError, match=r"HTTP 400.*BAD_REQUEST \(genome\)"):
        c.submit(submit_request())
    assert len(c.session.calls) == 1


def test_wait_uses_fast_probe_and_reads_status_and_log_at_the_status_interval():
    c = client(
        response(404, text="{}"),  # poll 1: probe, then (first poll) log and status
        response(404, text="{}"),
        response(text="status: running\n"),
        response(404, text="{}"),  # poll 2: probe only (status interval not reached)
        response(200, text=""),  # poll 3: finished
        response(text="[INFO] Start\n[INFO] End\n"),
    )
    polls = []
    c.wait(RID, on_poll=lambda state, elapsed: polls.append(state), status_interval_s=60)
    assert polls == ["running", "running", "finished"]
    params = [call[2] for call in c.session.calls]
    assert params.count({"info": "status", "format": "text"}) == 1
    assert params[-1] == {"info": "result", "format": "log"}
    assert all(call[0] == "GET" for call in c.session.calls)  # never HEAD (405 on WABI)


class Clock:
    """A monotonic clock that moves only when told (the client's ``sleep`` advances it)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


STATUS = {"info": "status", "format": "text"}


def test_slow_status_is_tried_once_and_the_next_read_is_counted_from_its_end():
    clock = Clock()

    def hangs():  # the status call uses up its whole read timeout, then fails
        clock.advance(20)
        return requests.ReadTimeout("status too slow")

    script = [
        response(404), response(404), hangs,  # t=0: probe, log, status (ends at t=20)
        *[response(404)] * 5,  # t=30..70: the probe alone (the next read is due at t=80)
        response(404), response(404), response(text="status: running\n"),  # t=80: read
        response(200), response(text="[INFO] End\n"),  # t=90: finished
    ]  # fmt: skip
    c = ChipAtlasClient(BASE, session=ScriptedSession(*script), settings=Settings(),
                        sleep=clock.advance, clock=clock)  # fmt: skip
    polls = []
    c.wait(RID, interval_s=10, status_interval_s=60, on_poll=lambda s, t: polls.append((s, t)))
    params = [call[2] for call in c.session.calls]
    assert params.count(STATUS) == 2 and not c.session.script  # one try per read
    assert polls[0] == ("unknown", 20) and polls[-1] == ("finished", 90)
    assert [t for s, t in polls].count(80) == 1 and len(polls) == 8


def test_finished_job_with_error_in_log_fails_quoting_the_line():
    log = '[INFO] x\n[ERROR] "SRX1" does not correspond to an experiment for hg38.\n'
    c = client(response(200), response(text=log))
    with pytest.raises(JobFailedError, match='SRX1" does not correspond'):
        c.wait(RID)


def test_error_in_log_without_result_page_ends_the_wait_at_once():
    # DA's organism check ends with `awk ... || exit 1`: [ERROR] in the log, no result page
    log = '[INFO] x\n[ERROR] "SRX1" does not correspond to an experiment for hg38.\n'
    c = client(response(404), response(text=log))
    with pytest.raises(JobFailedError, match=f'{RID} failed: .*"SRX1" does not correspond'):
        c.wait(RID)
    assert len(c.session.calls) == 2 and c.sleeps == []


def test_finished_without_result_is_final():
    c = client(
        response(404), response(text="[INFO] Start\n"), response(text="status: finished\n"),
        response(404),
    )  # fmt: skip
    with pytest.raises(JobFailedError, match=f"{RID} finished without a result"):
        c.wait(RID)


def test_probe_failure_falls_back_to_status():
    c = client(
        *[response(503)] * 5,
        response(404),
        response(text="status: finished\nsystem-info: COMPLETED\n"),
        *[response(503)] * 5,
        response(text="[INFO] ok\n"),
        max_retries=4,
    )
    c.wait(RID)
    assert c.session.calls[6][2] == {"info": "status", "format": "text"}


class RoutedSession:
    """Answers by what is asked (``info:format``): ``routes[key]()`` gives the next answer."""

    def __init__(self, **routes):
        self.routes = routes
        self.calls = []

    def request(self, method, url, timeout=None, **kwargs):
        params = kwargs.get("params") or {}
        self.calls.append((method, url, params, kwargs.get("data")))
        return self.routes[f"{params.get('info')}_{params.get('format')}"]()


def polled(clock, **routes):
    return ChipAtlasClient(BASE, session=RoutedSession(**routes), settings=Settings(),
                           sleep=clock.advance, clock=clock)  # fmt: skip


def test_not_found_must_last_the_whole_window_before_a_job_is_called_lost():
    clock = Clock()
    c = polled(clock, result_html=lambda: response(404), result_log=lambda: response(404),
               status_text=lambda: response(text="status: not-found\n"))  # fmt: skip
    with pytest.raises(JobLostError) as err:
        c.wait(RID_NOW, interval_s=10, status_interval_s=60, not_found_window_s=300)
    message = str(err.value)
    assert clock.now == 300 and not isinstance(err.value, JobExpiredError)
    assert sum(call[2] == STATUS for call in c.session.calls) == 6  # t = 0, 60, ..., 300
    assert f"job {RID_NOW} looks lost: every status read answered not-found (6 reads over " in (
        message
    )
    assert "5 min" in message and "result page does not exist" in message
    assert "it has no log (DA never started)" in message
    assert f"--request-id {RID_NOW} to wait for it again" in message and "--force" in message


def test_not_found_from_a_failing_scheduler_query_does_not_end_a_live_job():
    # WABI says not-found when qstat fails (WabiJobInfo.java:207-254): 4 reads in 3 min
    clock, answers = Clock(), iter(["not-found"] * 4 + ["running"])
    c = polled(
        clock,
        result_html=lambda: response(200 if clock.now >= 400 else 404),
        result_log=lambda: response(text="[INFO] <time> Start\n"),
        status_text=lambda: response(text=f"status: {next(answers, 'running')}\n"),
    )
    c.wait(RID_NOW, interval_s=10, status_interval_s=60, not_found_window_s=300)
    assert clock.now == 400


def test_lost_job_unknown_and_expired_ids_and_deadline():
    unknown = '{"Message": "Error (JobIdNotInitializedException)", "error-message": "BAD_REQUEST"}'
    c = client(response(404), response(404), response(400, text=unknown))
    with pytest.raises(JobLostError, match=r"does not know job .*JobIdNotInitialized"):
        c.wait(RID_NOW)
    c = client(response(404), response(404), response(400, text=unknown))
    with pytest.raises(JobExpiredError, match=f"{RID} has expired: .*2026-01-01.*--force"):
        c.wait(RID)
    c = client(*[response(404)] * 10, response(text="status: running\n"))
    with pytest.raises(JobTimeoutError, match=RID):
        c.wait(RID, deadline_s=0.5, interval_s=1)


def test_download_streams_to_file(tmp_path):
    c = client(response(200, body=b"PK\x03\x04fake"))
    out = c.download_zip(RID, tmp_path / "r.zip")
    assert out.read_bytes() == b"PK\x03\x04fake"
    assert not (tmp_path / "r.zip.part").exists()


def test_download_cut_short_is_fetched_again(tmp_path):
    zip_bytes = b"PK\x03\x04" + b"x" * 96
    broken = requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead")

    def cut():  # the body ends after 10 of the 100 announced bytes
        return response(200, headers={"Content-Length": "100"}, body=zip_bytes[:10])

    c = client(cut, broken, response(200, headers={"Content-Length": "100"}, body=zip_bytes))
    assert c.download_zip(RID, tmp_path / "r.zip").read_bytes() == zip_bytes
    assert len(c.session.calls) == 3 and len(c.sleeps) == 2
    c = client(*[cut] * 3, max_retries=2)
    with pytest.raises(ServerUnavailableError, match=r"after 3 tries \(short body: 10 of 100"):
        c.download_zip(RID, tmp_path / "s.zip")
    assert not list(tmp_path.glob("s.zip*"))


def test_html_page_instead_of_the_zip_is_named(tmp_path):
    page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    html = response(200, headers={"Content-Type": "text/html"}, body=page)
    c = client(html, max_retries=0)
    with pytest.raises(ResultArchiveError, match=r"HTML page instead of the result ZIP.*Bad Gate"):
        c.download_zip(RID, tmp_path / "r.zip")
    assert not list(tmp_path.glob("r.zip*"))


def test_download_404_after_failed_job_surfaces_the_log(tmp_path):
    c = client(response(404), response(text="[ERROR] bigWigToBedGraph failed.\n"))
    with pytest.raises(JobFailedError, match="bigWigToBedGraph"):
        c.download_zip(RID, tmp_path / "r.zip")


def test_transient_classification_and_backoff():
    assert nothing_sent(requests.ConnectTimeout()) and nothing_sent(refused())
    assert not nothing_sent(requests.ReadTimeout()) and not nothing_sent(requests.ConnectionError())
    delays = [backoff_delay(a, 1.0, 30.0) for a in range(1, 8)]
    assert all(0.5 <= d <= 30 for d in delays)
    assert backoff_delay(1, 1.0, 30.0, retry_after=12) >= 12
