"""Batch bookkeeping: run each comparison, isolate failures, attach QC verdicts.

A failure never stops the others; QC verdicts come from ``qc_findings``; rows go to
``batch_results`` and a ``batch_summary.md`` table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from chromdiff.batch.spec import BatchItem
from chromdiff.errors import drop_tracebacks
from chromdiff.warehouse.db import transaction, writer


def run_items(items: Iterable[BatchItem], run_one: Callable[[BatchItem], dict]) -> list[dict]:
    """Call ``run_one`` for every item; a failure becomes a ``failed`` row, never an exception.

    ``run_one`` returns the comparison flow's summary dict (``status``, ``skipped``,
    ``n_regions``, ...). Returns one dict per item with ``comparison_id, status, skipped,
    n_regions, error``.
    """
    rows = []
    for item in items:
        try:
            out = run_one(item)
            status = "skipped" if out.get("skipped") else str(out.get("status") or "loaded")
            rows.append({"comparison_id": item.name, "status": status,
                         "skipped": bool(out.get("skipped")), "n_regions": out.get("n_regions"),
                         "error": None})  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - reported per comparison, batch continues
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            rows.append({"comparison_id": item.name, "status": "failed", "skipped": False,
                         "n_regions": None, "error": f"{type(exc).__name__}: {msg}"})  # fmt: skip
            # logged where it was raised (Prefect logs a failed run's traceback); the frames it
            # holds would keep DuckDB objects alive until exit, reported there as leaks
            drop_tracebacks(exc)
    return rows


def record_batch(db_path: str, batch_run_id: str, rows: list[dict]) -> list[dict]:
    """Add the QC verdict of each loaded/skipped comparison and store the rows atomically.

    Verdict (view ``qc_verdict``): ``fail`` for a major finding about the data, ``warn`` for
    minor findings or design limits only (e.g. n <= 3 per group), ``pass`` for none; ``None``
    for failed comparisons.
    """
    out = []
    with writer(db_path) as con, transaction(con):
        for row in rows:
            verdict, n, reason = None, None, None
            if row["status"] != "failed":
                verdict, n, reason = con.execute(
                    "select verdict, n_findings, reason from qc_verdict where comparison_id = ?",
                    [row["comparison_id"]],
                ).fetchone() or ("pass", 0, None)
            full = row | {"qc_verdict": verdict, "n_findings": n, "qc_reason": reason}
            con.execute(
                "insert or replace into batch_results (batch_run_id, comparison_id, status, "
                "skipped, n_regions, qc_verdict, n_findings, error) values (?,?,?,?,?,?,?,?)",
                [batch_run_id, full["comparison_id"], full["status"], full["skipped"],
                 full["n_regions"], verdict, n, full["error"]],
            )  # fmt: skip
            out.append(full)
    return out


def summary_markdown(rows: list[dict], *, title: str = "Batch summary",
                     run_url: Callable[[str], str] | None = None) -> str:  # fmt: skip
    """Return the Markdown summary: counts, then one table row per comparison.

    ``run_url(flow_run_id)`` links each comparison to its Prefect run page (rows carrying a
    ``flow_run_id``); the Prefect artifact uses it, the ``batch_summary.md`` file does not.
    """
    counts = {s: sum(r["status"] == s for r in rows) for s in ("loaded", "skipped", "failed")}
    lines = [
        f"# {title}",
        "",
        f"{len(rows)} comparisons: {counts['loaded']} loaded, {counts['skipped']} skipped "
        f"(unchanged inputs), {counts['failed']} failed.",
        "",
        "| comparison | status | regions | QC verdict | findings | QC reason | error |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        err = (r.get("error") or "").replace("|", "\\|")
        nf = "" if r.get("n_findings") is None else r["n_findings"]
        n = "" if r.get("n_regions") is None else r["n_regions"]  # 0 regions is shown: 0
        name = r["comparison_id"]
        if run_url and r.get("flow_run_id"):
            name = f"[{name}]({run_url(r['flow_run_id'])})"
        lines.append(
            f"| {name} | {r['status']} | {n} | "
            f"{r.get('qc_verdict') or ''} | {nf} | {r.get('qc_reason') or ''} | {err} |"
        )
    return "\n".join(lines) + "\n"


def write_summary(rows: list[dict], path: str | Path, *, title: str = "Batch summary") -> Path:
    """Write :func:`summary_markdown` (without run links) to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(summary_markdown(rows, title=title))
    return path
