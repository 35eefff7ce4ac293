"""The integration steps as plain functions on a database path (no Prefect).

``flows/integrate.py`` wires the same steps as tasks; tests and the benchmark call
:func:`run_integration` directly.
"""

from __future__ import annotations

from pathlib import Path

from chromdiff.integration.link import link_peaks
from chromdiff.integration.load import load_inputs
from chromdiff.integration.stats import compute_stats
from chromdiff.warehouse import db


def load_step(db_path: str | Path, **kwargs: object) -> dict:
    """Validate and load both sides (see :func:`~chromdiff.integration.load.load_inputs`)."""
    with db.writer(db_path) as con:
        return load_inputs(con, **kwargs)


def link_step(db_path: str | Path, integration_id: str) -> dict:
    """Annotate the peaks and write the peak–gene links."""
    with db.writer(db_path) as con:
        return link_peaks(con, integration_id)


def stats_step(db_path: str | Path, integration_id: str) -> dict:
    """Compute correlations, the sensitivity grid and BETA's tests."""
    with db.writer(db_path) as con:
        return compute_stats(con, integration_id)


def report_step(db_path: str | Path, integration_id: str, out_dir: str | Path) -> dict:
    """Render charts, Markdown and HTML for one integration; return the written paths."""
    from chromdiff.integration.report import render_integration

    with db.connect(db_path, wait_s=30) as con:
        return render_integration(con, integration_id, out_dir)


def run_integration(
    db_path: str | Path, *, out_dir: str | Path | None = None, **kwargs: object
) -> dict:
    """Run load → link → stats (→ report when ``out_dir`` is given); return a summary."""
    summary = load_step(db_path, **kwargs)
    iid = summary["integration_id"]
    summary["links"] = link_step(db_path, iid)
    summary["stats"] = stats_step(db_path, iid)
    if out_dir is not None:
        summary["report"] = report_step(db_path, iid, out_dir)
    return summary
