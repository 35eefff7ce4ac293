"""Load a parsed result into DuckDB: atomic (one transaction) and idempotent (delete, then insert).

Raw result files are copied to ``<output>/<comparison_id>/raw/`` with their sha256 first; the
database rows for them are written inside the same transaction as the regions.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from chromdiff.comparison import log_event
from chromdiff.db import transaction
from chromdiff.errors import ChromdiffError
from chromdiff.parsing import ParsedResult
from chromdiff.parsing.result import REGION_COLUMNS

#: Raw files whose text is also stored in ``raw_files.content`` (small, useful for provenance).
TEXT_KINDS = ("log", "readme", "igv_xml")
MAX_CONTENT_BYTES = 1 << 20
#: Tables holding per-comparison result rows, replaced on every load.
RESULT_TABLES = ("region_annotation", "region_counts", "regions", "raw_files")


@dataclass(frozen=True)
class RawFile:
    """A kept result file: ``kind`` (bed, igv_bed, igv_xml, log, readme, zip) and its copy."""

    kind: str
    name: str
    path: str
    bytes: int
    sha256: str
    content: str | None = None


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def store_raw_files(files: dict[str, Path | None], dest_dir: Path) -> list[RawFile]:
    """Copy each present file of ``files`` (kind → path) into ``dest_dir``; return their records."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    out = []
    for kind, src in files.items():
        if src is None:
            continue
        src = Path(src)
        dest = dest_dir / src.name
        if src.resolve() != dest.resolve():
            shutil.copyfile(src, dest)
        size = dest.stat().st_size
        content = None
        if kind in TEXT_KINDS and size <= MAX_CONTENT_BYTES:
            content = dest.read_bytes().decode("utf-8", errors="replace")
        out.append(RawFile(kind, dest.name, str(dest), size, sha256_file(dest), content))
    return out


def _with_id(table: pa.Table, comparison_id: str) -> pa.Table:
    return table.add_column(
        0, "comparison_id", pa.array([comparison_id] * table.num_rows, pa.string())
    )


def load_result(
    con: duckdb.DuckDBPyConnection,
    comparison_id: str,
    parsed: ParsedResult,
    raw_files: list[RawFile] | None = None,
) -> dict:
    """Replace the comparison's result rows with ``parsed`` in one transaction.

    Deletes the comparison's ``regions``, ``region_counts``, ``region_annotation`` and
    ``raw_files`` rows, inserts the new ones, and marks the comparison ``loaded``. Any failure
    rolls everything back: the database is left exactly as before. Re-running with the same
    input leaves row counts unchanged.

    Returns
    -------
    dict
        ``n_regions``, ``n_counts``, ``seconds``.
    """
    t0 = time.perf_counter()
    known = con.execute(
        "select count(*) from comparisons where comparison_id = ?", [comparison_id]
    ).fetchall()[0][0]
    if not known:
        raise ChromdiffError(f"comparison {comparison_id} is not registered; register it first")
    regions = parsed.regions.select(REGION_COLUMNS)
    counts = parsed.counts.select(["region_id", "experiment_id", "count"])
    con.register("_load_regions", regions)
    con.register("_load_counts", counts)
    try:
        with transaction(con):
            for table in RESULT_TABLES:
                con.execute(
                    f"delete from {table} where comparison_id = ?", [comparison_id]
                ).fetchall()
            con.execute(
                "insert into regions by name select ?::varchar as comparison_id, *"
                " from _load_regions",
                [comparison_id],
            ).fetchall()
            con.execute(
                "insert into region_counts by name select ?::varchar as comparison_id, *"
                " from _load_counts",
                [comparison_id],
            ).fetchall()
            for f in raw_files or []:
                con.execute(
                    "insert into raw_files values (?, ?, ?, ?, ?, ?, ?)",
                    [comparison_id, f.kind, f.name, f.path, f.bytes, f.sha256, f.content],
                ).fetchall()
            con.execute(
                "update comparisons set status = 'loaded', result_format = ?, n_regions = ?,"
                " loaded_at = current_timestamp, updated_at = current_timestamp, error = null"
                " where comparison_id = ?",
                [parsed.result_format, regions.num_rows, comparison_id],
            ).fetchall()
            seconds = time.perf_counter() - t0
            for w in parsed.warnings:
                log_event(con, comparison_id, "parse_warning", w, "warning")
            log_event(
                con, comparison_id, "loaded",
                f"{regions.num_rows} regions, {counts.num_rows} counts, "
                f"format {parsed.result_format}, {seconds:.3f} s",
            )  # fmt: skip
    finally:
        con.unregister("_load_regions")
        con.unregister("_load_counts")
    return {"n_regions": regions.num_rows, "n_counts": counts.num_rows, "seconds": seconds}
