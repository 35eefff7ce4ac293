"""Batch bookkeeping: run each comparison, isolate failures, attach QC verdicts.

A failure never stops the others; QC verdicts come from ``qc_findings``; rows go to
``batch_results`` and a ``batch_summary.md`` table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from chromdiff.batch.spec import BatchItem
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
    return rows


def record_batch(db_path: str, batch_run_id: str, rows: list[dict]) -> list[dict]:
    """Add the QC verdict of each loaded/skipped comparison and store the rows atomically.

    Verdict: ``fail`` when ``qc_findings`` has a major finding, ``warn`` for minor ones only,
    ``pass`` for none; ``None`` for failed comparisons.
    """
    out = []
    with writer(db_path) as con, transaction(con):
        for row in rows:
            verdict, n = None, None
            if row["status"] != "failed":
                n, n_major = con.execute(
                    "select count(*), count(*) filter (where severity = 'major') "
                    "from qc_findings where comparison_id = ?",
                    [row["comparison_id"]],
                ).fetchone()
                verdict = "fail" if n_major else ("warn" if n else "pass")
            full = row | {"qc_verdict": verdict, "n_findings": n}
            con.execute(
                "insert or replace into batch_results (batch_run_id, comparison_id, status, "
                "skipped, n_regions, qc_verdict, n_findings, error) values (?,?,?,?,?,?,?,?)",
                [batch_run_id, full["comparison_id"], full["status"], full["skipped"],
                 full["n_regions"], verdict, n, full["error"]],
            )  # fmt: skip
            out.append(full)
    return out


def write_summary(rows: list[dict], path: str | Path, *, title: str = "Batch summary") -> Path:
    """Write a Markdown table listing every comparison's status and QC verdict."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    counts = {s: sum(r["status"] == s for r in rows) for s in ("loaded", "skipped", "failed")}
    lines = [
        f"# {title}",
        "",
        f"{len(rows)} comparisons: {counts['loaded']} loaded, {counts['skipped']} skipped "
        f"(unchanged inputs), {counts['failed']} failed.",
        "",
        "| comparison | status | regions | QC verdict | findings | error |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        err = (r.get("error") or "").replace("|", "\\|")
        nf = "" if r.get("n_findings") is None else r["n_findings"]
        lines.append(
            f"| {r['comparison_id']} | {r['status']} | {r.get('n_regions') or ''} | "
            f"{r.get('qc_verdict') or ''} | {nf}"
            f" | {err} |"
        )
    path.write_text("\n".join(lines) + "\n")
    return path
