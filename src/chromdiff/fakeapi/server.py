"""The fake ChIP-Atlas WABI server: a threaded HTTP server on loopback.

Endpoints (all under ``/wabi/chipatlas/``, as in ``shared/ref/chipatlas_api.md`` §1 and §12):
health ``GET /``, submit ``POST /``, ``GET /<id>?info=status``, and ``?info=result`` with
``format=html|tsv`` (404 until done), ``format=log`` and ``format=zip``. Errors are JSON bodies
shaped like WABI's. Results are simulated and say so.
"""

from __future__ import annotations

import json
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from chromdiff.chipatlas.protocol import ANALYSES, GENOMES, LABEL_RE
from chromdiff.fakeapi import formats
from chromdiff.fakeapi.da import (
    DAInputs,
    check_arguments,
    count_columns,
    map_inputs,
    samples_lines,
    sort_ids,
)
from chromdiff.fakeapi.scenario import Scenario
from chromdiff.fakeapi.simulate import simulate_diffbind, simulate_dmr

PREFIX = "/wabi/chipatlas/"
_KIND = {"status:": "status", "status:text": "status", "result:html": "probe",
         "result:tsv": "probe", "result:log": "log", "result:zip": "zip"}  # fmt: skip
#: ``format`` values WABI's GET validation lets through (ChipatlasGetRequest.java:15; default
#: ``text``, :16), plus ``log`` and ``zip``, which the live server serves (app.rb:376,
#: public/js/pj/diff_analysis_result.js:37). Any other answers 400 before the ID is looked at
#: (ChipatlasController.java:244-250).
_FORMATS = ("text", "json", "xml", "bigfile", "imagefile", "requestfile", "tsv", "html", "log",
            "zip")  # fmt: skip
_REQUIRED = ("bedAFile", "bedBFile", "typeA", "typeB", "title", "descriptionA", "descriptionB",
             "antigenClass", "cellClass", "genome")  # fmt: skip


@dataclass
class Job:
    """One submitted job and its lazily built result."""

    rid: str
    form: dict[str, str]
    da: DAInputs = field(default_factory=DAInputs)
    polls: int = 0
    zip_bytes: bytes | None = None
    log_text: str = ""


@dataclass
class State:
    """Server-wide state: the scenario, jobs, request counter and journal."""

    scenario: Scenario
    jobs: dict[str, Job] = field(default_factory=dict)
    n_requests: int = 0
    n_submits: int = 0
    n_zips: int = 0
    n_probes: int = 0
    n_status_misses: int = 0
    journal: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _now() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def _validate(form: dict[str, str]) -> str | None:
    missing = [k for k in _REQUIRED if not form.get(k, "").strip()]
    if missing:
        return f"BAD_REQUEST ({', '.join(missing)} must not be empty)"
    for key in ("title", "descriptionA", "descriptionB", "antigenClass", "cellClass"):
        if not all(LABEL_RE.match(c) for c in form[key]):
            return f"BAD_REQUEST ({key} has characters outside [a-zA-Z0-9_ .-])"
    if form["antigenClass"] not in ANALYSES:
        return "BAD_REQUEST (antigenClass)"
    if form["genome"] not in GENOMES:
        return "BAD_REQUEST (genome)"
    try:
        if not 1 <= int(form.get("permTime", "1")) <= 100 or int(form.get("threshold", "0")) < 0:
            return "BAD_REQUEST (permTime/threshold)"
    except ValueError:
        return "BAD_REQUEST (permTime/threshold must be integers)"
    return None


def _ids(text: str, grp: str = "A") -> list[str]:
    # user-data lines (first field http...) are named URL_A1, URL_A2, ... per group, as the real
    # server does (inutano/chip-atlas script/update_2025/DA/DA:228-233)
    out, k = [], 0
    for line in text.splitlines():
        if not line.strip():
            continue
        first = line.split()[0]
        if first.startswith("http"):
            k += 1
            first = f"URL_{grp}{k}"
        out.append(first)
    return out


def _label_value(srx: str) -> float:
    """Return the ``label_counts`` value of an experiment: its number mod 100000, over 100."""
    return int("".join(c for c in srx if c.isdigit()) or 0) % 100_000 / 100


def build_result(job: Job, sc: Scenario) -> bytes:
    """Simulate the job's result and pack the ZIP (applying the archive-defect knobs).

    Count columns follow the server: the SRXs DA kept (GSMs mapped, dropped IDs left out), in
    the glob order of their ``.count`` files (DA:537, edgeR.r:64); the IGV lists are ``sort``ed
    (DA:674-675).
    """
    form = job.form
    ids_a, ids_b = job.da.srx_a, job.da.srx_b
    columns = count_columns(ids_a, ids_b, sc.collation)
    col_a = [s for s, g in columns if g == "A"]
    col_b = [s for s, g in columns if g == "B"]
    dmr = form["antigenClass"] == "dmr"
    legacy = sc.result_format == "diffbind_2024" and not dmr
    if legacy:  # the 2024 script counts in its SRX_LST order, as submitted (script :262-296)
        col_a, col_b = list(ids_a), list(ids_b)
    if sc.empty_result:
        bed = ""
    elif dmr:
        bed = formats.dmr_bed(simulate_dmr(sc.n_regions, sc.seed, form["genome"]))
    else:
        sim = simulate_diffbind(
            len(col_a), len(col_b), sc.n_regions, sc.seed, sex_confound=sc.sex_confound,
            cluster=sc.cluster, chrm_significant=sc.chrm_significant, statistics=sc.statistics,
            genome=form["genome"],
        )  # fmt: skip
        if sc.label_counts and len(sim.start):
            sim.counts_a[0, :] = [_label_value(s) for s in col_a]
            sim.counts_b[0, :] = [_label_value(s) for s in col_b]
        bed = formats.diffbind_bed(sim, legacy=legacy)
    title, da, db = form["title"], form["descriptionA"], form["descriptionB"]
    # the IGV lists are `sort` of the group's SRX list, duplicates kept (DA:674-675)
    sorted_a = sort_ids(sorted(ids_a), sc.collation)
    sorted_b = sort_ids(sorted(ids_b), sc.collation)
    igv = (
        formats.legacy_igv_bed(bed, title, form["genome"], col_a, col_b, da, db)
        if legacy
        else formats.igv_bed(bed, title, form["genome"], sorted_a, sorted_b, da, db, dmr)
    )
    files = {
        "wabi_result.bed": bed,
        "wabi_result.igv.bed": igv,
        "wabi_result.xml": formats.session_xml(form["genome"], sorted_a, sorted_b, title, dmr),
        "wabi_result.log": job.log_text,
        "README.md": formats.README,
    }
    data = formats.result_zip(
        files, slip=sc.zip_slip, bomb=sc.zip_bomb, duplicate=sc.duplicate_suffix
    )
    if sc.corrupt_zip:
        return b"<html><body>Internal error</body></html>"
    if sc.truncated_zip:
        return data[: len(data) // 2]
    return data


#: What a reverse proxy in front of WABI may serve with status 200 in place of a file.
_PROXY_PAGE = (
    "<!DOCTYPE html><html><head><title>Service Temporarily Unavailable</title></head>"
    "<body><h1>Service Temporarily Unavailable</h1><p>The server is temporarily unable to "
    "service your request. Please try again later.</p></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    """Routes WABI requests; behaviour comes from the server's :class:`State`."""

    server_version = "WABI-fake/1.0"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt: str, *args) -> None:  # quiet
        """Do not log each request to stderr."""

    @property
    def state(self) -> State:
        """The shared server state."""
        return self.server.state  # type: ignore[attr-defined]

    def _send(self, status: int, body: bytes | str, ctype: str = "text/plain; charset=utf-8",
              headers: dict | None = None) -> None:  # fmt: skip
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _json_error(
        self, status: int, message: str, error: str, headers: dict | None = None
    ) -> None:
        body = {"Message: ": "Runtime error.", "format": "text", "parameters": None,
                "current-time": _now(), "Message": message, "error-message": error}  # fmt: skip
        self._send(status, json.dumps(body), "application/json", headers)

    def _count(self, counter: str) -> int:
        """Add one to the server-wide ``counter`` (a :class:`State` field); return it."""
        with self.state.lock:
            setattr(self.state, counter, getattr(self.state, counter) + 1)
            return getattr(self.state, counter)

    def _redirected(self, url) -> bool:
        """Apply ``redirect_to`` (a moved endpoint): answer 301 to the same path under it."""
        target = self.state.scenario.redirect_to
        if not target:
            return False
        rest = url.path[len(PREFIX) :] if url.path.startswith(PREFIX) else ""
        location = target + rest + (f"?{url.query}" if url.query else "")
        self._send(301, f"Moved Permanently: {location}\n", headers={"Location": location})
        return True

    def _misbehave(self, kind: str) -> bool:
        """Apply the request-level knobs; return True when the request was answered (badly)."""
        sc = self.state.scenario
        n = self._count("n_requests")
        if sc.stall_seconds and sc.stall_on == kind:
            time.sleep(sc.stall_seconds)
        if n <= sc.reset_first_n:
            self.close_connection = True
            self.connection.close()
            return True
        if n <= sc.reset_first_n + sc.fail_first_n:
            self._json_error(sc.fail_status, "Error", f"INTERNAL_SERVER_ERROR (simulated {n})")
            return True
        if n <= sc.reset_first_n + sc.fail_first_n + sc.rate_limit_first_n:
            self._json_error(
                429, "Too many requests", "TOO_MANY_REQUESTS (simulated)",
                {"Retry-After": str(sc.retry_after)},
            )  # fmt: skip
            return True
        return False

    def do_HEAD(self) -> None:
        """Refuse HEAD with 405, as WABI does.

        WABI maps its routes to GET and POST only (ChipatlasController.java:233, :348; Spring
        3.2, pom.xml:32 does not add HEAD to GET mappings).
        """
        url = urlparse(self.path)
        self.state.journal.append({"method": "HEAD", "path": url.path, "query": url.query})
        self.send_response(405)
        self.send_header("Allow", "GET, POST")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        """Health, status, result (html/tsv/log/zip)."""
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.state.journal.append({"method": "GET", "path": url.path, "query": query})
        if self._redirected(url):
            return None
        if not url.path.startswith(PREFIX):
            return self._send(404, "not found")
        rid = url.path[len(PREFIX) :]
        kind = "health" if not rid else query.get("info", "") + ":" + query.get("format", "")
        kind = _KIND.get(kind, kind)
        if self._misbehave(kind):
            return None
        if not rid:
            down = self.state.scenario.health_down
            return self._send(503 if down else 200, "maintenance" if down else "chipatlas")
        if query.get("format", "text") not in _FORMATS:
            return self._json_error(
                400, "Error (GET parameters validation error)", "BAD_REQUEST (format)"
            )
        job = self.state.jobs.get(rid)
        if job is None:
            return self._unknown(rid, kind)
        if kind == "status":
            return self._status(rid, job)
        return self._result(job, kind)

    def _unknown(self, rid: str, kind: str) -> None:
        """Answer for a request ID the server does not hold.

        Never issued, or its working directory was removed after a week
        (ChipatlasRequestValidationUtil.java:93-95).
        """
        if kind == "status":
            # no job-ID file -> JobIdNotInitializedException -> 400 (WabiJobInfo.java:160-171,
            # ChipatlasController.java:256-261)
            return self._json_error(
                400,
                "Error (jp.ac.nig.ddbj.wabi.job.JobIdNotInitializedException)",
                "BAD_REQUEST (null)",
            )
        if kind == "probe":  # ChipatlasController.java:272-277
            return self._json_error(
                404,
                "Error ( Result html file of your request id have been NOT FOUND, "
                "or still running.)",
                "NOT_FOUND (null)",
            )
        return self._json_error(404, "Error ( request id NOT FOUND )", "NOT_FOUND (request id)")

    def _fate(self, job: Job) -> str:
        """Return how the job ends.

        ``ok``, ``error`` (``handle_error``: [ERROR] and the html marker), ``silent`` ([ERROR]
        without the html marker, DA:359), ``never``, ``killed`` (by the scheduler) or
        ``noresult``.
        """
        sc = self.state.scenario
        if sc.never_runs:
            return "never"
        if sc.killed_as:
            return "killed"
        if sc.job_error:
            return "error"
        ids = set(_ids(job.form["bedAFile"], "A")) | set(_ids(job.form["bedBFile"], "B"))
        if sc.error_ids and ids & set(sc.error_ids):
            return "error"
        if job.da.error:
            return "silent" if job.da.silent_exit else "error"
        return "noresult" if sc.no_result else "ok"

    def _error_message(self, job: Job) -> str | None:
        fate = self._fate(job)
        if fate not in ("error", "silent"):
            return None
        if job.da.error:
            return job.da.error
        # knobs job_error / error_ids: a handle_error failure (DA:375-376)
        return "The following file was not correctly downloaded or identified."

    def _finished(self, job: Job) -> bool:
        sc = self.state.scenario
        job.polls += 1
        return not sc.never_finish and job.polls > sc.polls_to_finish

    def _waiting(self, job: Job) -> bool:
        """Return True while the job is queued (asked about at most once, as :meth:`_status`)."""
        return job.polls <= 1 and not self._done(job)

    def _done(self, job: Job) -> bool:
        sc = self.state.scenario
        return not sc.never_finish and job.polls > sc.polls_to_finish

    def _status(self, rid: str, job: Job) -> None:
        sc, fate = self.state.scenario, self._fate(job)
        ended = fate != "never" and self._finished(job)
        if fate == "never":
            state, info = "not-found", ""
        elif ended and fate == "killed":
            # no finished marker, not in the queue: not-found, with the scheduler's account
            # appended (WabiJobInfo.java:195-200)
            state, info = "not-found", f"JobID State\n1 {sc.killed_as}\n1.batch {sc.killed_as}"
        elif ended:
            # the wrapper touches its finished marker whatever DA's exit status
            # (ChipatlasController.java:521), so a failed DA still reads "finished"
            state, info = "finished", "JobID State\n1 COMPLETED"
        elif self._count("n_status_misses") <= sc.status_not_found_first_n:
            # the scheduler query failed: not-found for a running job (WabiJobInfo.java:195-254)
            state, info = "not-found", ""
        else:
            state, info = ("waiting" if job.polls == 1 else "running"), "JobID State\n1 RUNNING"
        self._send(
            200,
            f"request-ID: {rid}\nstatus: {state}\ncurrent-time: {_now()}\nsystem-info: \n{info}\n",
        )

    def _log(self, job: Job, done: bool) -> str:
        sc = self.state.scenario
        if job.da.before_start:  # handle_error in parse_arguments: the log's only line (DA:49)
            return f"[ERROR] {job.da.error}\n"
        dmr = job.form["antigenClass"] == "dmr"
        fate = self._fate(job)
        columns = None
        if fate in ("ok", "noresult") and not dmr:
            columns = count_columns(job.da.srx_a, job.da.srx_b, sc.collation)
        return formats.job_log(
            job.rid, job.form, legacy=sc.result_format == "diffbind_2024",
            error=self._error_message(job) if done else None, done=done,
            warnings=job.da.warnings, samples=samples_lines(columns) if columns else None,
        )  # fmt: skip

    def _result(self, job: Job, kind: str) -> None:
        sc = self.state.scenario
        fate = self._fate(job)
        if kind == "probe":
            if self._count("n_probes") <= sc.probe_html_first_n:  # a proxy answered instead
                return self._send(200, _PROXY_PAGE, "text/html")
            # DA writes wabi_result.html at the end of a successful run (DA:756) or in
            # handle_error (DA:50); ChipatlasController.java:267-278 serves it or answers 404
            finished = self._finished(job)  # every probe counts towards the job's progress
            if fate not in ("ok", "error") or not finished:
                return self._json_error(
                    404,
                    "Error ( Result html file of your request id have been NOT FOUND, "
                    "or still running.)",
                    "NOT_FOUND (result)",
                )
            job.log_text = self._log(job, done=True)
            return self._send(200, "", "text/html")
        if kind == "log":
            # no log until DA runs (DA:220-223 remove it, DA:764 starts it); app.rb:374-380
            # answers 404 while there is none
            if fate == "never" or self._waiting(job):
                return self._json_error(404, "Error ( log NOT FOUND )", "NOT_FOUND (log)")
            done = self._done(job) and fate != "killed"  # killed: no End line (DA:777)
            return self._send(200, self._log(job, done=done))
        if kind == "zip":
            if fate != "ok" or not self._done(job):
                return self._json_error(
                    404, "Error ( Result zip file NOT FOUND, or still running.)", "NOT_FOUND (zip)"
                )
            if job.zip_bytes is None:
                # the ZIP holds a copy of the log taken before the End lines (DA:726)
                job.log_text = self._log(job, done=False)
                job.zip_bytes = build_result(job, self.state.scenario)
            n = self._count("n_zips")
            if n <= sc.zip_html_first_n:
                return self._send(200, _PROXY_PAGE, "text/html")
            if n <= sc.zip_html_first_n + sc.zip_cut_first_n:
                return self._cut(job.zip_bytes, reset=sc.zip_cut_as == "reset")
            return self._send(200, job.zip_bytes, "application/zip")
        if kind.startswith("result:"):  # a valid format that is no result (:294-300)
            return self._json_error(
                404, "Error ( Appoint tsv or html in format parameter.)", "NOT_FOUND (format)"
            )
        return self._json_error(400, "Error (GET parameters validation error)", "BAD_REQUEST")

    def _cut(self, data: bytes, *, reset: bool) -> None:
        """Announce all of ``data`` but send half of it, then reset or close the connection."""
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self._drop(reset=reset)

    def _drop(self, *, reset: bool) -> None:
        """Close the connection; ``reset`` sends a TCP RST (SO_LINGER 0) instead of a FIN."""
        if reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _lose_answer(self, rid: str) -> bool:
        """Apply ``submit_lost_*``: the job is queued already; return True if its answer is lost."""
        sc = self.state.scenario
        n = self._count("n_submits")
        if n > sc.submit_lost_first_n:
            return False
        if sc.submit_lost_as == "500":
            self._json_error(500, "Error", f"INTERNAL_SERVER_ERROR (after queueing {rid})")
        elif sc.submit_lost_as == "timeout":
            time.sleep(sc.stall_seconds)
            self._send(200, f"requestId: {rid}\nparameters: null\n")
        else:
            self._drop(reset=True)
        return True

    def _new_request_id(self, bump: int = 0) -> str:
        """Return ``wabi_chipatlas_YYYY-MMDD-HHMM-SS-<ms>-<suffix>`` as WABI builds it.

        Milliseconds are not zero-padded; the suffix is a zero-padded random 0..1000000, so 6 or
        7 digits (ChipatlasJobInfo.java:141-155).
        """
        sc = self.state.scenario
        now = datetime.now()
        ms = now.microsecond // 1000 if sc.rid_millis is None else sc.rid_millis
        suffix = random.randint(0, 1_000_000) if sc.rid_suffix is None else sc.rid_suffix - bump
        return f"wabi_chipatlas_{now:%Y-%m%d-%H%M-%S}-{ms}-{suffix:06d}"

    def do_POST(self) -> None:
        """Submit a job."""
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length).decode("utf-8", "replace")
        form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        self.state.journal.append({"method": "POST", "path": self.path, "form": form})
        if self._redirected(urlparse(self.path)):
            return None
        if self._misbehave("submit"):
            return None
        problem = _validate(form)
        if problem:
            return self._json_error(400, "Error (POST parameters validation error)", problem)
        sc = self.state.scenario
        rid, bump = self._new_request_id(), 0
        while rid in self.state.jobs:  # ChipatlasJobInfo.java:158-161: a taken ID is redrawn
            bump += 1
            rid = self._new_request_id(bump)
        # DA checks its arguments first (DA:761), then maps the IDs (DA:770-771)
        da = check_arguments(form) or map_inputs(
            form, sc.gsm_map, sc.wrong_organism_ids, sc.wrong_assay_ids
        )
        # WABI queues the job (qsub2) before it writes the answer:
        # oogasawa/wabi_chipatlas-java ChipatlasController.java:185; a later IOException still
        # answers 500 (lines 195-204). So a lost answer does not mean a lost job.
        self.state.jobs[rid] = Job(rid, form, da)
        if self._lose_answer(rid):
            return None
        if form.get("format") == "json":
            return self._send(
                200,
                json.dumps({"requestId": rid, "parameters": None, "current-time": _now()}),
                "application/json",
            )
        return self._send(
            200,
            f"requestId: {rid}\nparameters: null\ncurrent-time: {_now()}\n"
            "start-time: \ncurrent-state: \n",
        )


class FakeChipAtlas:
    """The fake server in a background thread on 127.0.0.1.

    Parameters
    ----------
    scenario : Scenario, optional
        Behaviour; keyword ``knobs`` override its fields.
    port : int
        0 picks a free port.
    """

    def __init__(self, scenario: Scenario | None = None, port: int = 0, **knobs) -> None:
        base = scenario or Scenario()
        self.state = State(Scenario.from_dict({**base.__dict__, **knobs}))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.httpd.state = self.state  # type: ignore[attr-defined]
        self.thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """Endpoint URL ending in ``/wabi/chipatlas/``."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{PREFIX}"

    @property
    def journal(self) -> list[dict]:
        """Every request received (method, path, query or form)."""
        return self.state.journal

    def start(self) -> FakeChipAtlas:
        """Serve in a daemon thread."""
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FakeChipAtlas:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
