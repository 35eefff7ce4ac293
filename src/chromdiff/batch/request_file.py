"""``request.json`` files of earlier versions' batch fan-outs, adopted once by any runner.

Earlier versions submitted a fan-out's jobs on the task runner and kept the request ID only in
``<output>/<comparison_id>/request.json`` (``{"request_id": ..., "input_hash": ...}``, or
``"submitting": true`` while the POST was out); the database row stayed ``created``. The fan-out
now submits from the writer process, so the request ID is stored in ``comparisons`` at once
(:mod:`chromdiff.design.comparison`). A file left by an interrupted older batch is moved into the
database by whichever runner comes next, then deleted: it is read at most once.
"""

from __future__ import annotations

import json
from pathlib import Path

from chromdiff.design.comparison import get_state, set_request, set_status
from chromdiff.warehouse.db import writer

#: Statuses of a row that may have been left behind by an older fan-out's submission.
_ADOPTABLE = ("created", "submitting", "in_doubt")


def request_file(out_dir: str | Path) -> Path:
    """Return the ``request.json`` of a comparison's output folder."""
    return Path(out_dir) / "request.json"


def adopt_request_file(
    db_path: str, comparison_id: str, out_dir: str | Path, input_hash: str, force: bool
) -> str | None:
    """Store what an older fan-out's ``request.json`` says in the comparison's row; delete it.

    A request ID for the same inputs on a row without one becomes the row's request (status
    ``submitted``: the next plan resumes it); a file still marked ``submitting`` makes a
    ``created`` row ``in_doubt`` (the POST may have reached the server). ``force`` (submit anew)
    and a file of other inputs discard the file. Opens the database only when the file exists.

    Returns
    -------
    str or None
        The adopted request ID.
    """
    path = request_file(out_dir)
    if not path.is_file():
        return None
    try:
        saved = json.loads(path.read_text())
    except (OSError, ValueError):
        saved = {}
    rid = None
    if not force and saved.get("input_hash") == input_hash:
        with writer(db_path) as con:
            state = get_state(con, comparison_id)
            if state and not state["request_id"] and state["status"] in _ADOPTABLE:
                if saved.get("request_id"):
                    rid = str(saved["request_id"])
                    set_request(con, comparison_id, rid)
                elif saved.get("submitting") and state["status"] == "created":
                    why = "an earlier batch stopped while submitting"
                    set_status(con, comparison_id, "in_doubt", why)
    path.unlink(missing_ok=True)
    return rid
