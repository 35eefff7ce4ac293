"""A comparison's identity (spec, input hash, comparison_id) and its state in the database.

Status walks ``created -> submitting -> submitted -> running -> finished -> loaded`` (or
``failed``). The request ID is stored as soon as the server returns it, so an interrupted run
resumes polling. ``submitting`` is written before the POST: a run that dies there, or whose
POST got no answer, leaves the comparison ``in_doubt`` (the job may be queued): it is never
re-submitted without ``--force``. ``reported_at`` is set when the report is written, so a run
that stopped between loading and reporting is finished by the next one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import duckdb

import chromdiff
from chromdiff.design.inputs import (
    check_analysis,
    check_genome,
    check_groups,
    check_label,
    check_threshold,
    validate_ids,
)
from chromdiff.design.userdata import experiment_names, is_user_line, parse_user_line
from chromdiff.errors import InputError
from chromdiff.parsing import count_order

STATUSES = (
    "created", "submitting", "in_doubt", "submitted", "running", "finished", "loaded", "failed",
)  # fmt: skip
#: What the user can do about a submission in doubt (quoted in errors).
IN_DOUBT_HELP = (
    "if you know its request ID (the ChIP-Atlas site or e-mail), resume it with chromdiff "
    "compare --request-id ID (same inputs and --comparison-id); otherwise --force submits anew "
    "(the lost copy may still run on the server)"
)


@dataclass
class ComparisonSpec:
    """Everything that defines a comparison (and so its input hash)."""

    ids_a: list[str]
    ids_b: list[str]
    genome: str = "hg38"
    analysis: str = "diffbind"
    threshold: int | None = None
    title: str | None = None
    description_a: str = "dataset A"
    description_b: str = "dataset B"
    extra: dict = field(default_factory=dict)

    def validated(self) -> ComparisonSpec:
        """Return a checked copy: IDs validated/de-duplicated, defaults filled in.

        Raises
        ------
        InputError
            Bad IDs, an ID in both groups, unknown genome/analysis, a bad threshold, or a
            title/description with characters the server refuses.
        """
        analysis = check_analysis(self.analysis)
        genome = check_genome(self.genome)
        ids_a = validate_ids(self.ids_a, "group A", analysis)
        ids_b = validate_ids(self.ids_b, "group B", analysis)
        check_groups(ids_a, ids_b)
        threshold = check_threshold(analysis, self.threshold)
        title = self.title or f"chromdiff {genome} {analysis}"
        check_label(title, "title")
        check_label(self.description_a, "description A")
        check_label(self.description_b, "description B")
        if self.description_a == self.description_b:
            raise InputError(f"descriptions of A and B are both {self.description_a!r}")
        return ComparisonSpec(
            ids_a, ids_b, genome, analysis, threshold, title, self.description_a,
            self.description_b,
        )  # fmt: skip

    def names(self, grp: str) -> list[str]:
        """Return group ``grp``'s experiment names: IDs, and ``URL_<grp><k>`` for user lines."""
        return experiment_names(list(self.ids_a if grp == "A" else self.ids_b), grp)

    @property
    def names_a(self) -> list[str]:
        """Experiment names of group A (see :meth:`names`)."""
        return self.names("A")

    @property
    def names_b(self) -> list[str]:
        """Experiment names of group B (see :meth:`names`)."""
        return self.names("B")

    def user_data(self) -> list[tuple[str, str, object]]:
        """Return ``(name, grp, UserData)`` for every user-data line, in input order."""
        out = []
        for grp, entries in (("A", self.ids_a), ("B", self.ids_b)):
            for name, entry in zip(experiment_names(list(entries), grp), entries, strict=True):
                if is_user_line(entry):
                    out.append((name, grp, parse_user_line(entry, name, self.analysis)))
        return out

    def input_hash(self) -> str:
        """Return the sha256 of the canonical JSON of the inputs (architecture.md)."""
        payload = {
            "analysis": self.analysis,
            "genome": self.genome,
            "threshold": self.threshold,
            "ids_a": list(self.ids_a),
            "ids_b": list(self.ids_b),
            "description_a": self.description_a,
            "description_b": self.description_b,
            "title": self.title,
        }
        canon = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canon.encode()).hexdigest()

    def default_id(self, *, local: bool = False) -> str:
        """Return ``<genome>_<analysis>_<first 10 hex of input_hash>`` (``local``: ``_local_``)."""
        infix = "local_" if local else ""
        return f"{self.genome}_{self.analysis}_{infix}{self.input_hash()[:10]}"


def log_event(
    con: duckdb.DuckDBPyConnection, comparison_id: str | None, event: str, message: str = "",
    level: str = "info",
) -> None:  # fmt: skip
    """Append one event to ``run_log``."""
    con.execute(
        "insert into run_log (comparison_id, level, event, message) values (?, ?, ?, ?)",
        [comparison_id, level, event, message],
    ).fetchall()


_STATE_COLUMNS = (
    "status", "request_id", "input_hash", "reported_at", "error", "updated_at", "base_url",
)  # fmt: skip


def get_state(con: duckdb.DuckDBPyConnection, comparison_id: str) -> dict | None:
    """Return the stored state (``_STATE_COLUMNS``: status, request ID, ...), or ``None``."""
    rows = con.execute(
        f"select {', '.join(_STATE_COLUMNS)} from comparisons where comparison_id = ?",
        [comparison_id],
    ).fetchall()
    if not rows:
        return None
    return dict(zip(_STATE_COLUMNS, rows[0], strict=True))


def enrichment_run_id(comparison_id: str) -> str:
    """Return the run id under which a comparison's enrichment rows are stored."""
    return f"comparison:{comparison_id}"


def same_endpoint(state: dict | None, base_url: str | None) -> bool:
    """Return True unless ``state`` was stored from another endpoint than ``base_url``.

    A result of the fake server (or a local run) is not the real service's: the same inputs
    sent elsewhere are a new job, never a reason to keep the stored rows.
    """
    if state is None or base_url is None or not state.get("base_url"):
        return True
    return str(state["base_url"]).rstrip("/") == str(base_url).rstrip("/")


def plan(state: dict | None, input_hash: str, force: bool, base_url: str | None = None) -> str:
    """Decide what to do: ``submit``, ``resume``, ``finish``, ``skip``, ``in_doubt`` or ``failed``.

    ``skip``: loaded and reported with the same inputs and not ``force``. ``finish``: loaded but
    the annotation/report step did not finish. ``resume``: same inputs, a request ID, and status
    submitted/running/finished (poll or download instead of resubmitting). ``in_doubt``: a
    submission may have reached the server without its answer being stored
    (``submitting``/``in_doubt``): never re-sent without ``force``. ``failed``: the server's
    answer about its job was final (failed, lost, expired, refused): the same job would end the
    same way, so it is not resubmitted without ``force`` (``--request-id`` of that request
    resumes it: the compare flow's ``prepare``). Anything else (new, failed before a request ID
    existed, changed inputs, another endpoint than ``base_url``, ``force``) is ``submit``.
    """
    if state is None or force or state["input_hash"] != input_hash:
        return "submit"
    if not same_endpoint(state, base_url):
        return "submit"
    if state["status"] == "loaded":
        return "skip" if state.get("reported_at") else "finish"
    if state["request_id"] and state["status"] in ("submitted", "running", "finished"):
        return "resume"
    if state["status"] in ("submitting", "in_doubt"):
        return "in_doubt"
    if state["status"] == "failed" and state["request_id"]:
        return "failed"
    return "submit"


#: Statuses of a stored comparison that hold a job or a result: replacing it would lose them.
HOLDING = ("submitting", "in_doubt", "submitted", "running", "finished", "loaded")


#: ``comparisons.base_url`` of a comparison computed on this machine starts so (``--local``).
LOCAL_URL_PREFIX = "local:"

_HOLDER_SQL = (
    "select status, input_hash, n_a, description_a, n_b, description_b, title, base_url"
    " from comparisons where comparison_id = ?"
)


def refuse_other_inputs(
    con: duckdb.DuckDBPyConnection, comparison_id: str, input_hash: str
) -> None:
    """Refuse to reuse a comparison ID whose stored job or result came from other inputs.

    A run naming an existing comparison with other inputs used to reset it silently (its job
    and result replaced, e.g. an ad-hoc run given the nightly batch's ID). A comparison that
    holds nothing (``created``, or ``failed``: correcting its inputs is the way on) is not
    refused. The caller skips this check for ``force`` and for a batch (its file names its
    comparisons: an edited one is submitted anew under its name).

    Raises
    ------
    InputError
        Naming the stored comparison (status, groups, title) and the ways on.
    """
    row = con.execute(_HOLDER_SQL, [comparison_id]).fetchone()
    if row is None or row[1] == input_hash or row[0] not in HOLDING:
        return
    raise _refusal(comparison_id, row)


def refuse_other_local_inputs(
    con: duckdb.DuckDBPyConnection, comparison_id: str, spec: ComparisonSpec
) -> None:
    """:func:`refuse_other_inputs` for a ``--local`` run, whose stored hash also covers files.

    A local comparison's stored hash changes with its files, engine and pipeline version
    (:mod:`chromdiff.local.fingerprint`): those recompute it under its ID. Refused are a
    comparison that is not local (``base_url`` not :data:`LOCAL_URL_PREFIX`: a ChIP-Atlas job or
    result) and a local one of other inputs (``local_runs.spec_hash``: IDs, genome, analysis,
    labels; not known for a run of an older version, which is not refused).
    """
    row = con.execute(_HOLDER_SQL, [comparison_id]).fetchone()
    if row is None or row[0] not in HOLDING:
        return
    if str(row[7]).startswith(LOCAL_URL_PREFIX):
        stored = con.execute(
            "select spec_hash from local_runs where comparison_id = ?", [comparison_id]
        ).fetchall()
        if not stored or stored[0][0] in (None, spec.input_hash()):
            return
    raise _refusal(comparison_id, row)


def _refusal(comparison_id: str, row: tuple) -> InputError:
    """Return the error refusing ``comparison_id``, from its ``_HOLDER_SQL`` row."""
    status, _, n_a, desc_a, n_b, desc_b, title, base_url = row
    local = str(base_url).startswith(LOCAL_URL_PREFIX)
    where = "computed on this machine" if local else "from ChIP-Atlas"
    return InputError(
        f"comparison {comparison_id} already holds a {status} job or result of other inputs "
        f"({n_a} {desc_a} vs {n_b} {desc_b}, title {title!r}, {where}); nothing was sent: leave "
        "out the comparison ID (one is derived from the inputs) or choose another, or run with "
        "--force (flow parameter force=true) to replace it"
    )


def in_doubt_error(comparison_id: str, state: dict):
    """Return the error refusing to re-submit a comparison whose submission is in doubt."""
    from chromdiff.errors import SubmissionInDoubtError

    why = state.get("error") or "the run stopped while submitting"
    return SubmissionInDoubtError(
        f"comparison {comparison_id}: an earlier submission may have reached ChIP-Atlas without "
        f"its request ID being stored ({why}; {state.get('updated_at')}); it is not re-sent: "
        f"{IN_DOUBT_HELP}"
    )


def failed_error(comparison_id: str, state: dict):
    """Return the error refusing to resubmit a comparison whose job ended for good."""
    from chromdiff.errors import JobFailedError

    rid = state.get("request_id")
    return JobFailedError(
        f"comparison {comparison_id}: ChIP-Atlas request {rid} ended for good in an earlier run "
        f"({state.get('error') or 'failed'}); it is not resubmitted, as the same job would end "
        "the same way: correct the inputs, or run again with --force to submit a new job "
        f"(chromdiff compare --comparison-id {comparison_id} --request-id {rid} waits for that "
        "job again, if it may still run)"
    )


def register(
    con: duckdb.DuckDBPyConnection, comparison_id: str, spec: ComparisonSpec, *,
    base_url: str, simulated: bool = False, params: dict | None = None,
    input_hash: str | None = None,
) -> None:  # fmt: skip
    """Create or reset the comparison row, its experiments and params (one transaction).

    ``input_hash``: what the stored state is compared with on the next run (default
    ``spec.input_hash()``; a local run's also covers its files and engine).

    The comparison goes back to ``created`` with no request ID, and the previous result rows
    (regions, counts, annotation, raw files) are deleted in the same transaction: the rows of a
    comparison always belong to its ``request_id`` (a re-submission that fails leaves none).
    """
    from chromdiff.warehouse.db import transaction
    from chromdiff.warehouse.load import drop_results

    with transaction(con):
        drop_results(con, comparison_id)
        con.execute(
            """insert or replace into comparisons (comparison_id, title, analysis, genome,
                 description_a, description_b, threshold, n_a, n_b, input_hash, base_url,
                 request_id, status, simulated, chromdiff_version, created_at, updated_at)
               values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, 'created', ?, ?,
                 coalesce((select created_at from comparisons where comparison_id = ?),
                          current_timestamp), current_timestamp)""",
            [
                comparison_id, spec.title, spec.analysis, spec.genome, spec.description_a,
                spec.description_b, spec.threshold, len(spec.ids_a), len(spec.ids_b),
                input_hash or spec.input_hash(), base_url, simulated, chromdiff.__version__,
                comparison_id,
            ],
        ).fetchall()  # fmt: skip
        # DuckDB's insert or replace keeps the columns it does not list: a re-registered
        # comparison must not keep the previous run's result facts (its rows were deleted)
        con.execute(
            "update comparisons set result_format = null, n_regions = null, error = null,"
            " submitted_at = null, finished_at = null, loaded_at = null, reported_at = null"
            " where comparison_id = ?",
            [comparison_id],
        ).fetchall()
        con.execute("delete from experiments where comparison_id = ?", [comparison_id]).fetchall()
        rows = []
        for grp, ids in (("A", spec.names_a), ("B", spec.names_b)):
            order = {e: i for i, e in enumerate(count_order(ids), 1)}
            rows += [(comparison_id, e, grp, i, order[e]) for i, e in enumerate(ids, 1)]
        con.executemany(
            "insert into experiments (comparison_id, experiment_id, grp, input_order,"
            " count_order) values (?, ?, ?, ?, ?)",
            rows,
        )
        con.execute(
            "delete from user_experiments where comparison_id = ?", [comparison_id]
        ).fetchall()
        user = [
            (comparison_id, name, grp, u.bigwig, u.peaks or None, u.read_length or None, u.line)
            for name, grp, u in spec.user_data()
        ]
        if user:
            con.executemany("insert into user_experiments values (?, ?, ?, ?, ?, ?, ?)", user)
        params = params or {}
        cols = ["comparison_id", *params]
        con.execute(
            f"insert or replace into comparison_params ({', '.join(cols)}) "
            f"values ({', '.join('?' for _ in cols)})",
            [comparison_id, *params.values()],
        ).fetchall()
        log_event(con, comparison_id, "registered", f"input_hash={input_hash or spec.input_hash()}")


def apply_thresholds(
    con: duckdb.DuckDBPyConnection, comparison_id: str, params: dict | None
) -> bool:
    """Store the thresholds ``params`` (e.g. fdr, min_abs_logfc) of a registered comparison.

    Returns whether any stored value changed. Significance is a view over the stored result, so
    a new threshold needs no new job: the caller makes the comparison's report (and
    enrichment) again; ``reported_at`` is cleared in the same transaction, so a run stopped
    before that report is finished by the next one. A comparison without stored parameters is
    left alone (``register`` writes them).
    """
    params = {k: v for k, v in (params or {}).items() if v is not None}
    if not params:
        return False
    cols = ", ".join(params)
    row = con.execute(
        f"select {cols} from comparison_params where comparison_id = ?", [comparison_id]
    ).fetchone()
    if row is None or all(old == new for old, new in zip(row, params.values(), strict=True)):
        return False
    con.execute(
        f"update comparison_params set {', '.join(f'{k} = ?' for k in params)} "
        "where comparison_id = ?",
        [*params.values(), comparison_id],
    ).fetchall()
    # the report no longer shows these thresholds: until it is made again, a rerun finishes
    con.execute(
        "update comparisons set reported_at = null where comparison_id = ?", [comparison_id]
    ).fetchall()
    before = ", ".join(f"{k} {old}" for k, old in zip(params, row, strict=True))
    after = ", ".join(f"{k} {v}" for k, v in params.items())
    log_event(con, comparison_id, "thresholds", f"{before} -> {after}")
    return True


def check_thresholds(
    analysis: str, fdr: float, min_abs_logfc: float,
    names: tuple[str, str] = ("--fdr", "--min-abs-logfc"),
) -> None:  # fmt: skip
    """Check a significance rule before anything is sent (``names``: how the user wrote them).

    Raises
    ------
    InputError
        ``fdr`` outside (0, 1], ``min_abs_logfc`` below 0, or, for dmr, above 1: a methylation
        difference is a difference of levels between 0 and 1 (metilene's input), so no region
        could pass and the result would read "0 significant" (20 percentage points is 0.2).
    """
    if not 0 < fdr <= 1:
        raise InputError(f"{names[0]} {fdr:g}: must be in (0, 1]")
    if min_abs_logfc < 0:
        raise InputError(f"{names[1]} {min_abs_logfc:g}: must be >= 0")
    if analysis == "dmr" and min_abs_logfc > 1:
        raise InputError(
            f"{names[1]} {min_abs_logfc:g} for a dmr comparison: its effect is a difference of "
            "methylation levels between 0 and 1, so no region could pass; for 20 percentage "
            "points give 0.2"
        )


def plan_thresholds(
    con: duckdb.DuckDBPyConnection, comparison_id: str, action: str, params: dict | None
) -> str:
    """Apply new thresholds to a comparison already registered; return the action to take.

    ``action`` is :func:`plan`'s. Unless it is ``submit`` (``register`` stores the thresholds),
    ``params`` are stored with :func:`apply_thresholds`; a ``skip`` becomes ``finish`` when they
    changed: no new job, the enrichment and report are made again.
    """
    if action == "submit" or not apply_thresholds(con, comparison_id, params):
        return action
    return "finish" if action == "skip" else action


def set_request(con: duckdb.DuckDBPyConnection, comparison_id: str, request_id: str) -> None:
    """Store the request ID the server returned; status becomes ``submitted``."""
    con.execute(
        "update comparisons set request_id = ?, status = 'submitted', submitted_at ="
        " current_timestamp, updated_at = current_timestamp, error = null"
        " where comparison_id = ?",
        [request_id, comparison_id],
    ).fetchall()
    log_event(con, comparison_id, "submitted", request_id)


def set_reported(con: duckdb.DuckDBPyConnection, comparison_id: str) -> None:
    """Record that the comparison's annotation and report are written (``reported_at``)."""
    con.execute(
        "update comparisons set reported_at = current_timestamp where comparison_id = ?",
        [comparison_id],
    ).fetchall()
    log_event(con, comparison_id, "reported")


def set_error(con: duckdb.DuckDBPyConnection, comparison_id: str, error: str) -> None:
    """Keep the status but record why the last run stopped (a resumable interruption)."""
    con.execute(
        "update comparisons set error = ?, updated_at = current_timestamp where comparison_id = ?",
        [error, comparison_id],
    ).fetchall()
    log_event(con, comparison_id, "interrupted", error, "warning")


def set_status(
    con: duckdb.DuckDBPyConnection, comparison_id: str, status: str, error: str | None = None
) -> None:
    """Move a comparison to ``status`` (``failed`` records ``error`` and logs it)."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    finished = ", finished_at = current_timestamp" if status == "finished" else ""
    con.execute(
        f"update comparisons set status = ?, error = ?, updated_at = current_timestamp{finished}"
        " where comparison_id = ?",
        [status, error, comparison_id],
    ).fetchall()
    level = "error" if status == "failed" else "warning" if status == "in_doubt" else "info"
    log_event(con, comparison_id, status, error or "", level)
