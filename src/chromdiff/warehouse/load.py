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

from chromdiff.design.comparison import enrichment_run_id, log_event
from chromdiff.errors import ChromdiffError
from chromdiff.parsing import ParsedResult
from chromdiff.parsing.samples import ServerLayout
from chromdiff.parsing.stage import REGION_COLUMNS, stage_result, unstage
from chromdiff.warehouse.db import transaction

#: Raw files whose text is also stored in ``raw_files.content`` (small, useful for provenance).
TEXT_KINDS = ("log", "readme", "igv_xml")
MAX_CONTENT_BYTES = 1 << 20
#: Tables holding per-comparison result rows, replaced on every load.
RESULT_TABLES = ("region_annotation", "region_count_vectors", "regions", "raw_files")
#: Tables of results derived from a comparison's regions (under its ``enrichment_run_id``).
DERIVED_TABLES = ("enrichment_results", "enrichment_notes")


def drop_results(con: duckdb.DuckDBPyConnection, comparison_id: str) -> None:
    """Delete the comparison's result rows and what was derived from them (its enrichment)."""
    for table in RESULT_TABLES:
        con.execute(f"delete from {table} where comparison_id = ?", [comparison_id]).fetchall()
    for table in DERIVED_TABLES:
        con.execute(f"delete from {table} where run_id = ?", [enrichment_run_id(comparison_id)])


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
        out.append(RawFile(kind, dest.name, str(dest.resolve()), size, sha256_file(dest), content))
    return out


def tidy_raw_folder(zip_path: Path) -> None:
    """Leave the downloaded ZIP alone in its folder once loaded.

    Removes the ``extracted`` copy beside it (the ZIP holds those files) and the ZIP of an
    earlier request of the comparison (``--force``, another ``--request-id``): its rows were
    replaced, and ``raw_files`` names only this one.
    """
    shutil.rmtree(zip_path.parent / "extracted", ignore_errors=True)
    for old in zip_path.parent.glob("wabi_chipatlas_*.zip"):
        if old != zip_path:
            old.unlink(missing_ok=True)


def raw_files_in_zip(files: dict[str, Path | None], zip_path: Path) -> list[RawFile]:
    """Return the records of a result archive kept as its ZIP alone (no extracted copy).

    Each extracted member (kind → path, as :func:`chromdiff.chipatlas.archive.extract_result_zip`
    returns them) is recorded with the ZIP's ``path`` and its own name, size, SHA-256 and (small
    text kinds) content; the ZIP itself as kind ``zip``. Read the members before deleting them.
    """
    out = []
    for kind, src in files.items():
        if src is None:
            continue
        src = Path(src)
        size = src.stat().st_size
        content = None
        if kind in TEXT_KINDS and size <= MAX_CONTENT_BYTES:
            content = src.read_bytes().decode("utf-8", errors="replace")
        path = src if kind == "zip" else zip_path
        # absolute: a path relative to the run's working directory is found from nowhere else
        out.append(RawFile(kind, src.name, str(Path(path).resolve()), size, sha256_file(src),
                           content))  # fmt: skip
    return out


def _check_registered(con: duckdb.DuckDBPyConnection, comparison_id: str) -> None:
    known = con.execute(
        "select count(*) from comparisons where comparison_id = ?", [comparison_id]
    ).fetchall()[0][0]
    if not known:
        raise ChromdiffError(f"comparison {comparison_id} is not registered; register it first")


def _replace(
    con: duckdb.DuckDBPyConnection,
    comparison_id: str,
    result_format: str,
    warnings: list[str],
    sources: tuple[str, str | None],
    raw_files: list[RawFile] | None,
    t0: float,
    layout: ServerLayout | None = None,
) -> dict:
    """Delete the comparison's result rows and insert ``sources`` (regions, counts) atomically.

    With a ``layout``, each experiment's server ID, count position and drop reason are written
    in the same transaction (sql/schema/003_experiments.sql).
    """
    regions_from, counts_from = sources
    with transaction(con):
        if layout is not None:
            _store_layout(con, comparison_id, layout)
        drop_results(con, comparison_id)
        n_regions = con.execute(
            "insert into regions by name select ?::varchar as comparison_id, s.*"
            f" from ({regions_from}) s",
            [comparison_id],
        ).fetchall()[0][0]
        n_counts = 0
        if counts_from is not None:
            con.execute(
                "insert into region_count_vectors by name select ?::varchar as comparison_id,"
                f" region_id, counts_a, counts_b from ({counts_from})",
                [comparison_id],
            ).fetchall()
            n_counts = con.execute(
                "select coalesce(sum(len(counts_a) + len(counts_b)), 0) from region_count_vectors"
                " where comparison_id = ?",
                [comparison_id],
            ).fetchall()[0][0]
        for f in raw_files or []:
            con.execute(
                "insert into raw_files values (?, ?, ?, ?, ?, ?, ?)",
                [comparison_id, f.kind, f.name, f.path, f.bytes, f.sha256, f.content],
            ).fetchall()
        con.execute(
            "update comparisons set status = 'loaded', result_format = ?, n_regions = ?,"
            " loaded_at = current_timestamp, updated_at = current_timestamp, error = null,"
            " reported_at = null"
            " where comparison_id = ?",
            [result_format, n_regions, comparison_id],
        ).fetchall()
        seconds = time.perf_counter() - t0
        for w in warnings:
            log_event(con, comparison_id, "parse_warning", w, "warning")
        log_event(
            con, comparison_id, "loaded",
            f"{n_regions} regions, {n_counts} counts, format {result_format}, {seconds:.3f} s",
        )  # fmt: skip
    return {"n_regions": n_regions, "n_counts": n_counts, "seconds": seconds}


def _store_layout(con: duckdb.DuckDBPyConnection, comparison_id: str, layout: ServerLayout) -> None:
    """Record how the server used each submitted ID (inside the caller's transaction)."""
    con.executemany(
        "update experiments set server_id = ?, count_order = ?, dropped = ?, unattributed = ?"
        " where comparison_id = ? and experiment_id = ?",
        [
            (e.server_id, e.count_order, e.dropped, e.unattributed, comparison_id, e.experiment_id)
            for e in layout.experiments
        ],
    )
    log_event(
        con, comparison_id, "sample_order",
        f"count columns from {layout.source}: A={','.join(layout.columns_a)};"
        f" B={','.join(layout.columns_b)}",
    )  # fmt: skip


def load_result(
    con: duckdb.DuckDBPyConnection,
    comparison_id: str,
    parsed: ParsedResult,
    raw_files: list[RawFile] | None = None,
) -> dict:
    """Replace the comparison's result rows with ``parsed`` in one transaction.

    Deletes the comparison's ``regions``, ``region_count_vectors``, ``region_annotation`` and
    ``raw_files`` rows, inserts the new ones, records ``parsed.layout`` (the server's use of each
    experiment) in ``experiments``, and marks the comparison ``loaded``. Any failure
    rolls everything back: the database is left exactly as before. Re-running with the same
    input leaves row counts unchanged. :func:`load_bed` does the same straight from the file.

    Returns
    -------
    dict
        ``n_regions``, ``n_counts``, ``seconds``.
    """
    t0 = time.perf_counter()
    _check_registered(con, comparison_id)
    con.register("_load_regions", parsed.regions.select(REGION_COLUMNS))
    con.register("_load_counts", parsed.count_vectors.select(["region_id", "counts_a", "counts_b"]))
    try:
        sources = ("select * from _load_regions", "select * from _load_counts")
        return _replace(
            con, comparison_id, parsed.result_format, parsed.warnings, sources, raw_files, t0,
            parsed.layout,
        )  # fmt: skip
    finally:
        con.unregister("_load_regions")
        con.unregister("_load_counts")


def load_bed(
    con: duckdb.DuckDBPyConnection,
    comparison_id: str,
    bed_path: str | Path,
    analysis: str,
    ids_a: list[str],
    ids_b: list[str],
    raw_files: list[RawFile] | None = None,
) -> dict:
    """Parse, validate and load a result BED inside ``con`` (no Arrow or Python copy of the rows).

    Same checks and errors as :func:`chromdiff.parsing.parse_result`, same rows and atomicity
    as :func:`load_result`: the file is read into a temporary table of ``con`` and validated
    with SQL before the one transaction that replaces the comparison's rows.

    Returns
    -------
    dict
        ``n_regions``, ``n_counts``, ``seconds``, ``result_format``, ``warnings``.

    Raises
    ------
    ParseError
        On the first bad row (nothing written).
    """
    t0 = time.perf_counter()
    _check_registered(con, comparison_id)
    staged = stage_result(con, bed_path, analysis, list(ids_a), list(ids_b))
    try:
        out = _replace(
            con, comparison_id, staged.result_format, staged.warnings,
            (staged.regions_sql, staged.counts_sql), raw_files, t0,
        )  # fmt: skip
    finally:
        unstage(con)
    return out | {"result_format": staged.result_format, "warnings": list(staged.warnings)}
