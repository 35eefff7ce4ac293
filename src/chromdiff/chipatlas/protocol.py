"""The ChIP-Atlas Diff Analysis protocol: form payload, validation, response parsing.

Everything here is pure (no I/O). The rules come from ``shared/ref/chipatlas_api.md`` §1 (form
fields exactly as chip-atlas.org sends them, WABI's server-side validation, response formats)
and §6 (how a failed job shows in its log).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from chromdiff.design.inputs import DEFAULT_THRESHOLD, check_threshold
from chromdiff.design.userdata import is_user_line
from chromdiff.errors import ChipAtlasError, InputError

GENOMES = ("hg38", "hg19", "mm10", "mm9", "rn6", "dm6", "dm3", "ce11", "ce10", "sacCer3")
ANALYSES = {
    "diffbind": "Differential peak regions (ChIP/ATAC/DNase-seq, edgeR)",
    "dmr": "Differentially methylated regions (Bisulfite-seq, metilene)",
}
#: WABI validates title/descriptions against this class (HTTP 400 otherwise).
LABEL_RE = re.compile(r"^[A-Za-z0-9_ .-]*$")
#: WABI request IDs: ``wabi_chipatlas_YYYY-MMDD-HHMM-SS-<ms>-<suffix>``. The milliseconds are not
#: zero-padded (1-3 digits) and the suffix is a zero-padded random 0..1000000, so 6 or 7 digits
#: (oogasawa/wabi_chipatlas-java ChipatlasJobInfo.java:148-155).
REQUEST_ID_RE = re.compile(
    r"^wabi_chipatlas_(\d{4})-(\d{2})(\d{2})-(\d{2})(\d{2})-(\d{2})-\d{1,3}-\d{6,7}$"
)
#: Results are kept for a week (views/diff_analysis_result.haml:36); WABI then removes the job's
#: working directory and no longer knows the ID (ChipatlasRequestValidationUtil.java:93-95).
RESULTS_KEPT_DAYS = 7
SBATCH_OPTIONS = "-p epyc -t 180"
#: A finished job is not a successful job: these mark failure in the 2025 and 2024 logs.
_ERROR_MARKERS = ("[ERROR]", "Abnormal termination")
#: How the scheduler ended a job other than by completing it: SLURM job states as ``sacct``
#: names them (the site submits with ``sbatch -p epyc -t 180``, public/js/pj/diff_analysis.js:154;
#: check_wabi.sh:133-140 reads the SLURM state ``COMPLETED`` from the status body). WABI appends
#: the scheduler's account to a ``not-found`` status (WabiJobInfo.java:195-200; qacct in the 2021
#: UGE code, the SLURM wording here is inferred). A job killed this way never reaches the
#: wrapper's last line, which touches the finished marker (ChipatlasController.java:521).
SCHEDULER_FAILURES = {
    "TIMEOUT": "it reached its time limit (the site's sbatch -t 180: 3 h)",
    "OUT_OF_MEMORY": "it ran out of memory",
    "FAILED": "the job script exited with an error",
    "CANCELLED": "it was cancelled",
    "NODE_FAIL": "its compute node failed",
    "PREEMPTED": "it was preempted",
    "BOOT_FAIL": "its compute node failed to boot",
    "DEADLINE": "it missed its deadline",
}
_SCHEDULER_STATE_RE = re.compile(r"\b(COMPLETED|" + "|".join(SCHEDULER_FAILURES) + r")\b")


@dataclass(frozen=True)
class SubmitRequest:
    """One Diff Analysis submission.

    Parameters
    ----------
    analysis : {"diffbind", "dmr"}
    genome : str
        One of :data:`GENOMES`.
    ids_a, ids_b : list of str
        Experiment IDs of group A and B, in the user's order.
    title, description_a, description_b : str
        Labels; only letters, digits, space, ``_``, ``.`` and ``-`` are accepted by the server.
    threshold : int, optional
        Defaults to what the site sends (50 for diffbind, 999 for dmr).
    """

    analysis: str
    genome: str
    ids_a: list[str]
    ids_b: list[str]
    title: str = "chromdiff"
    description_a: str = "dataset A"
    description_b: str = "dataset B"
    threshold: int | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def effective_threshold(self) -> int:
        """Return the threshold sent to the server."""
        return DEFAULT_THRESHOLD[self.analysis] if self.threshold is None else int(self.threshold)

    def validate(self) -> SubmitRequest:
        """Check every field as WABI does, before anything is sent.

        Raises
        ------
        InputError
            Naming the first offending field.
        """
        if self.analysis not in ANALYSES:
            raise InputError(f"analysis {self.analysis!r} is not one of {', '.join(ANALYSES)}")
        if self.genome not in GENOMES:
            raise InputError(f"genome {self.genome!r} is not one of {', '.join(GENOMES)}")
        for name in ("ids_a", "ids_b"):
            if not getattr(self, name):
                raise InputError(f"group {name[-1].upper()} has no experiment IDs")
            for i, entry in enumerate(getattr(self, name), 1):
                # the service fetches user data itself: only http(s) lines (DA:229 `$1 ~ /^http/`)
                if is_user_line(entry) and not entry.strip().startswith("http"):
                    raise InputError(
                        f"group {name[-1].upper()}: item {i}: local files ({entry.split()[0]}) "
                        "can only be analysed with --local; the service needs http(s) URLs"
                    )
        for name in ("title", "description_a", "description_b"):
            value = getattr(self, name)
            if not value or not value.strip():
                raise InputError(f"{name} must not be empty")
            bad = sorted({c for c in value if not LABEL_RE.match(c)})
            if bad:
                raise InputError(
                    f"{name} {value!r} has characters the server refuses: {''.join(bad)!r} "
                    "(allowed: letters, digits, space, '_', '.', '-')"
                )
        check_threshold(self.analysis, self.threshold)  # DA's list (DA:94), not only WABI's >= 0
        return self

    def form(self) -> dict[str, str]:
        """Return the form fields exactly as chip-atlas.org posts them (all strings)."""
        return {
            "address": "",
            "antigenClass": self.analysis,
            "title": self.title,
            "genome": self.genome,
            "typeA": "srx",
            "bedAFile": "\n".join(self.ids_a),
            "descriptionA": self.description_a,
            "typeB": "srx",
            "bedBFile": "\n".join(self.ids_b),
            "descriptionB": self.description_b,
            "format": "text",
            "result": "www",
            "cellClass": "empty",
            "permTime": "1",
            "sbatchOptions": SBATCH_OPTIONS,
            "threshold": str(self.effective_threshold()),
            **self.extra,
        }


@dataclass(frozen=True)
class JobStatus:
    """A parsed ``?info=status`` answer.

    ``state`` is waiting, running, finished or not-found; ``scheduler_states`` the job states
    the scheduler's account in ``system-info`` names (``COMPLETED``, ``TIMEOUT``, ...), in order.
    """

    state: str
    raw: str
    scheduler_states: tuple[str, ...] = ()

    @property
    def completed(self) -> bool | None:
        """True when the account says COMPLETED only, False when it names a failure, else None."""
        if not self.scheduler_states:
            return None
        return self.failure is None

    @property
    def failure(self) -> str | None:
        """The first failure state of the scheduler's account (``TIMEOUT``, ...), if any."""
        return next((s for s in self.scheduler_states if s in SCHEDULER_FAILURES), None)

    def failure_note(self) -> str:
        """Say how the scheduler ended the job (``""`` when the account names no failure)."""
        if self.failure is None:
            return ""
        return f"the scheduler's account says {self.failure}: {SCHEDULER_FAILURES[self.failure]}"


def parse_key_values(text: str) -> dict[str, str]:
    """Parse WABI's ``key: value`` (or tab-separated) text, or a JSON object, into a dict."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            return {str(k).rstrip(": "): "" if v is None else str(v) for k, v in data.items()}
    out: dict[str, str] = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z][\w-]*)\s*[:\t]\s?(.*)$", line)
        if match and match.group(1) not in out:
            out[match.group(1)] = match.group(2).strip()
    return out


def parse_request_id(text: str) -> str:
    """Return the request ID of a submit answer.

    Raises
    ------
    ChipAtlasError
        If the answer holds no well-formed request ID (the message quotes the answer's start).
    """
    fields = parse_key_values(text)
    candidate = fields.get("requestId", "").split()
    rid = candidate[-1] if candidate else ""
    if not REQUEST_ID_RE.match(rid):
        snippet = " ".join(text.split())[:200]
        raise ChipAtlasError(f"the server's answer holds no request ID: {snippet!r}")
    return rid


def request_time(request_id: str) -> datetime | None:
    """Return the submission time written in a request ID (server local time), or None."""
    match = REQUEST_ID_RE.match(request_id)
    if not match:
        return None
    try:
        return datetime(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def parse_status(text: str) -> JobStatus:
    """Parse a ``?info=status`` body; an unexpected body gives state ``unknown``."""
    fields = parse_key_values(text)
    state = fields.get("status", "").strip().lower() or "unknown"
    account = text.split("system-info", 1)[-1]  # the scheduler's output follows this key
    return JobStatus(state, text, tuple(_SCHEDULER_STATE_RE.findall(account)))


def is_result_page(status: int, body: str) -> bool:
    """Return True when ``?info=result&format=html`` answered with DA's result page.

    DA ``touch``es an empty ``wabi_result.html`` once the ZIP is in place (DA:750, :756) or in
    ``handle_error`` (DA:50), and WABI copies that file line by line (StreamToHtmlView.java:43-55,
    served by ChipatlasController.java:267-270): HTTP 200 with an empty body. Any other 200 (a
    proxy's "Service Temporarily Unavailable" page, an error body) is not that page.
    """
    return status == 200 and not body.strip()


def error_lines(log_text: str) -> list[str]:
    """Return the lines of a job log that mark failure (``[ERROR]``, ``![ERROR]``, abnormal end)."""
    return [
        line.strip() for line in log_text.splitlines() if any(m in line for m in _ERROR_MARKERS)
    ]


def server_error_message(body: str) -> str:
    """Return the most useful message of a WABI JSON error body (or the body's start)."""
    fields = parse_key_values(body)
    for key in ("error-message", "Message"):
        if fields.get(key):
            return fields[key]
    return " ".join(body.split())[:200] or "(empty body)"
