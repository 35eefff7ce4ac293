"""A comparison's identity (spec, input hash, comparison_id) and its state in the database.

Status walks ``created -> submitted -> running -> finished -> loaded`` (or ``failed``). The
request ID is stored as soon as the server returns it, so an interrupted run resumes polling.
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
    validate_ids,
)
from chromdiff.errors import InputError
from chromdiff.parsing import count_order

STATUSES = ("created", "submitted", "running", "finished", "loaded", "failed")
#: Default ``threshold`` the official site sends per analysis (chipatlas_api.md §1.2).
DEFAULT_THRESHOLD = {"diffbind": 50, "dmr": 999}
DIFFBIND_THRESHOLDS = (50, 100, 200, 500)


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
        ids_a = validate_ids(self.ids_a, "group A")
        ids_b = validate_ids(self.ids_b, "group B")
        check_groups(ids_a, ids_b)
        threshold = DEFAULT_THRESHOLD[analysis] if self.threshold is None else int(self.threshold)
        if analysis == "diffbind" and threshold not in DIFFBIND_THRESHOLDS:
            raise InputError(
                f"threshold {threshold} invalid for diffbind; choose one of "
                f"{', '.join(map(str, DIFFBIND_THRESHOLDS))}"
            )
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

    def default_id(self) -> str:
        """Return ``<genome>_<analysis>_<first 10 hex of input_hash>``."""
        return f"{self.genome}_{self.analysis}_{self.input_hash()[:10]}"


def log_event(
    con: duckdb.DuckDBPyConnection, comparison_id: str | None, event: str, message: str = "",
    level: str = "info",
) -> None:  # fmt: skip
    """Append one event to ``run_log``."""
    con.execute(
        "insert into run_log (comparison_id, level, event, message) values (?, ?, ?, ?)",
        [comparison_id, level, event, message],
    ).fetchall()


def get_state(con: duckdb.DuckDBPyConnection, comparison_id: str) -> dict | None:
    """Return ``{status, request_id, input_hash}`` of a comparison, or ``None`` if unknown."""
    rows = con.execute(
        "select status, request_id, input_hash from comparisons where comparison_id = ?",
        [comparison_id],
    ).fetchall()
    if not rows:
        return None
    return dict(zip(("status", "request_id", "input_hash"), rows[0], strict=True))


def plan(state: dict | None, input_hash: str, force: bool) -> str:
    """Decide what to do with a comparison: ``submit``, ``resume`` or ``skip``.

    ``skip``: already loaded with the same inputs and not ``force``. ``resume``: same inputs, a
    request ID, and status submitted/running/finished (poll or download instead of resubmitting).
    Anything else (new, failed, changed inputs, ``force``) is ``submit``.
    """
    if state is None or force or state["input_hash"] != input_hash:
        return "submit"
    if state["status"] == "loaded":
        return "skip"
    if state["request_id"] and state["status"] in ("submitted", "running", "finished"):
        return "resume"
    return "submit"


def register(
    con: duckdb.DuckDBPyConnection, comparison_id: str, spec: ComparisonSpec, *,
    base_url: str, simulated: bool = False, params: dict | None = None,
) -> None:  # fmt: skip
    """Create or reset the comparison row, its experiments and params (one transaction).

    The comparison goes back to ``created`` with no request ID; any previous regions stay until
    the next successful load replaces them atomically.
    """
    from chromdiff.warehouse.db import transaction

    with transaction(con):
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
                spec.input_hash(), base_url, simulated, chromdiff.__version__, comparison_id,
            ],
        ).fetchall()  # fmt: skip
        con.execute("delete from experiments where comparison_id = ?", [comparison_id]).fetchall()
        rows = []
        for grp, ids in (("A", spec.ids_a), ("B", spec.ids_b)):
            order = {e: i for i, e in enumerate(count_order(ids), 1)}
            rows += [(comparison_id, e, grp, i, order[e]) for i, e in enumerate(ids, 1)]
        con.executemany(
            "insert into experiments (comparison_id, experiment_id, grp, input_order,"
            " count_order) values (?, ?, ?, ?, ?)",
            rows,
        )
        params = params or {}
        cols = ["comparison_id", *params]
        con.execute(
            f"insert or replace into comparison_params ({', '.join(cols)}) "
            f"values ({', '.join('?' for _ in cols)})",
            [comparison_id, *params.values()],
        ).fetchall()
        log_event(con, comparison_id, "registered", f"input_hash={spec.input_hash()}")


def set_request(con: duckdb.DuckDBPyConnection, comparison_id: str, request_id: str) -> None:
    """Store the request ID the server returned; status becomes ``submitted``."""
    con.execute(
        "update comparisons set request_id = ?, status = 'submitted', submitted_at ="
        " current_timestamp, updated_at = current_timestamp, error = null"
        " where comparison_id = ?",
        [request_id, comparison_id],
    ).fetchall()
    log_event(con, comparison_id, "submitted", request_id)


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
    log_event(con, comparison_id, status, error or "", "error" if status == "failed" else "info")
