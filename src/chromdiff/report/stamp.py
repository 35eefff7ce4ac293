"""What a comparison's report folder was rendered from, so a stale one is never taken as current.

``render_comparison`` writes :data:`STAMP` last, holding the comparison's result (request,
load time, region count) and every stored parameter (thresholds, top N, ...). A skipped rerun
with another ``--output`` renders there unless the folder's stamp equals the database's:
a folder made at ``--fdr 0.05`` is rendered again after a run at ``--fdr 0.01``, even when that
run wrote its report elsewhere, or was interrupted before its own.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

#: Hidden file in a comparison's report folder (written after ``report.html``).
STAMP = ".chromdiff-report.json"


def report_key(con: duckdb.DuckDBPyConnection, comparison_id: str) -> str:
    """Return the JSON text identifying what a report of ``comparison_id`` shows now."""
    result = con.execute(
        "select request_id, loaded_at, n_regions from comparisons where comparison_id = ?",
        [comparison_id],
    ).fetchall()
    cur = con.execute("select * from comparison_params where comparison_id = ?", [comparison_id])
    params = cur.fetchall()
    names = [d[0] for d in cur.description]
    key = {
        "comparison_id": comparison_id,
        "result": [str(v) for v in result[0]] if result else None,
        "params": dict(zip(names, map(str, params[0]), strict=True)) if params else None,
    }
    return json.dumps(key, sort_keys=True)


def write_stamp(out_dir: Path, key: str) -> None:
    """Write ``key`` into ``out_dir``'s stamp (through a temporary file: never half-written)."""
    tmp = out_dir / f"{STAMP}.part"
    tmp.write_text(key)
    tmp.replace(out_dir / STAMP)


def is_current(out_dir: Path, key: str) -> bool:
    """Whether ``out_dir`` holds a complete report whose stamp is ``key``."""
    stamp = out_dir / STAMP
    return (out_dir / "report.html").is_file() and stamp.is_file() and stamp.read_text() == key
