"""The integration steps as plain functions on a database path (no Prefect).

``flows/integrate.py`` wires the same steps as tasks; tests and the benchmark call
:func:`run_integration` directly. A run is all or nothing (:mod:`chromdiff.integration.staging`):
load writes under a staging id, link / stats / report work on it, and :func:`publish_step`
swaps the report folder and the rows in at the end; on any failure :func:`discard_step` drops
what was staged, so the previous rows and report of the id stay as they were.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from chromdiff.integration import staging
from chromdiff.integration.link import link_peaks
from chromdiff.integration.load import load_inputs
from chromdiff.integration.stats import compute_stats
from chromdiff.warehouse import db

logger = logging.getLogger(__name__)


def load_step(db_path: str | Path, **kwargs: object) -> dict:
    """Validate and load both sides under the staging id (see :func:`load_inputs`)."""
    with db.writer(db_path) as con:
        return load_inputs(con, staged=True, **kwargs)


def link_step(db_path: str | Path, integration_id: str) -> dict:
    """Annotate the peaks and write the peak–gene links."""
    with db.writer(db_path) as con:
        return link_peaks(con, integration_id)


def stats_step(db_path: str | Path, integration_id: str) -> dict:
    """Compute correlations, the sensitivity grid and BETA's tests."""
    with db.writer(db_path) as con:
        return compute_stats(con, integration_id)


def report_step(
    db_path: str | Path,
    integration_id: str,
    out_dir: str | Path,
    name: str | None = None,
    *,
    publish: bool = True,
    export_formats: str | None = None,
) -> dict:
    """Render charts, Markdown and HTML of ``integration_id``'s rows into ``out_dir/<name>/``.

    With ``publish=False`` the report stays in ``out_dir/.<name>.partial`` for
    :func:`publish_step`. ``export_formats``: see
    :func:`~chromdiff.report.exports.resolve_formats`.
    """
    from chromdiff.integration.report import render_integration

    with db.connect(db_path, wait_s=30) as con:
        return render_integration(
            con, integration_id, out_dir, name=name, publish=publish, formats_text=export_formats
        )


def publish_step(
    db_path: str | Path, staged: str, integration_id: str, out_dir: str | Path | None = None
) -> None:
    """Swap the staged report (when ``out_dir``) and rows in; mark the integration ``done``.

    The report folder is swapped first; if the database transaction then fails, the previous
    folder is moved back before the error propagates.
    """
    moved = staging.swap_in_report(out_dir, integration_id) if out_dir is not None else None
    try:
        with db.writer(db_path) as con:
            staging.publish_rows(con, staged, integration_id)
    except BaseException:
        if out_dir is not None:
            staging.restore_report(out_dir, integration_id, moved)
        raise
    if moved is not None:
        shutil.rmtree(moved)


def discard_step(
    db_path: str | Path, staged: str, integration_id: str, out_dir: str | Path | None = None
) -> None:
    """Drop what a failed run staged: its rows and its partial report folder.

    Called while another error propagates, so its own failure is only logged (the next run of
    the same id overwrites the staged rows anyway).
    """
    try:
        with db.writer(db_path) as con:
            staging.discard_rows(con, staged)
        if out_dir is not None:
            staging.discard_report(out_dir, integration_id)
    except Exception as exc:  # noqa: BLE001 - never mask the error that made the run fail
        logger.warning("could not discard the staged rows of %s: %s", integration_id, exc)


def run_integration(
    db_path: str | Path, *, out_dir: str | Path | None = None, **kwargs: object
) -> dict:
    """Run load → link → stats (→ report when ``out_dir`` is given) → publish; return a summary.

    Any failure leaves the database and the report folder as they were before the run.
    """
    summary = load_step(db_path, **kwargs)
    iid, staged = summary["integration_id"], summary["staged_id"]
    try:
        summary["links"] = link_step(db_path, staged)
        summary["stats"] = stats_step(db_path, staged)
        if out_dir is not None:
            summary["report"] = report_step(db_path, staged, out_dir, iid, publish=False)
        publish_step(db_path, staged, iid, out_dir)
    except BaseException:
        discard_step(db_path, staged, iid, out_dir)
        raise
    return summary
