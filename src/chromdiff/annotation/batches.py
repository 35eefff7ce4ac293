"""Annotate a large region table to a file in batches, so memory does not grow with the input.

The engine's work tables (nearest TSS, feature hits) hold every region of a call; the labelled
result more again (about 580 bytes per region all told, 6 GB for 10M regions in one call).
Here the regions are annotated :data:`BATCH_ROWS` at a time (by ``rowid`` ranges of the region
table, which the region reader fills in file order) and each batch's labelled rows are fetched
as Arrow, put in key order without a DuckDB sort (:mod:`~chromdiff.annotation.keyorder`) and
handed to a writer thread (:mod:`~chromdiff.annotation.arrowsink`) that writes it
while DuckDB computes the next batch: Parquet always, tab-separated text when there are several
batches (the bytes DuckDB's own writer would write). A CSV file, or a single batch of text, is
written by one ``copy`` per batch straight from the query that builds it, to a part file; parts
are joined into the output by the kernel (``copy_file_range``; the first part is the output
itself). Memory stays at about two batches' results and one batch's work tables plus the region
table itself; the file is in ``region_key`` order as a single call would write it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from chromdiff.annotation.annotate import annotation_select
from chromdiff.annotation.bedio import write_query
from chromdiff.annotation.cache import derived_tables
from chromdiff.annotation.staging import chrom_renames, drop_scratch
from chromdiff.duckcore import duckdb

#: Regions per batch (about 0.6 GB of work tables).
BATCH_ROWS = 1_000_000


def annotate_to_file(
    con: duckdb.DuckDBPyConnection,
    regions_table: str,
    annotation_id: str,
    out: Path,
    *,
    batch_rows: int = BATCH_ROWS,
    counts: dict[str, int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **options,
) -> int:
    """Annotate every row of ``regions_table`` (``region_key, chrom, start, stop``) into ``out``.

    ``out``: ``.parquet``, ``.csv`` or tab-separated (see
    :func:`~chromdiff.annotation.bedio.write_query`); ``options`` go to
    :func:`~chromdiff.annotation.annotate.annotate_regions`. ``counts``: the table was read by
    :func:`chromdiff.regions.reader.read_regions` (regions checked) and these are its
    :attr:`~chromdiff.regions.reader.RegionFile.chrom_counts`: the chromosome names are checked
    once, not per batch, and the batches are not staged. ``progress(done, total)`` is called
    after each batch when there are several (regions annotated so far, all regions). Returns the
    rows written. The output appears only when complete (parts are written beside it and
    removed).
    """
    n = con.execute(f"select count(*) from {regions_table}").fetchall()[0][0]
    tables = derived_tables(con, annotation_id)
    renames = None
    if counts is not None:
        renames = chrom_renames(con, annotation_id, counts, tables)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.tmp{out.suffix}")
    parts: list[Path] = []
    # Parquet, and tab-separated text of several batches: DuckDB computes the next batch while a
    # thread writes this one (see arrowsink); otherwise each batch is one DuckDB COPY
    sink = None
    if out.suffix == ".parquet" or (out.suffix != ".csv" and n > batch_rows):
        import duckdb as duckdb_package  # noqa: F401 - adds the relational API to ``con``

        from chromdiff.annotation.arrowsink import ArrowSink
        from chromdiff.annotation.keyorder import in_key_order

        sink = ArrowSink(tmp)
    try:
        for i, lo in enumerate(range(0, max(n, 1), batch_rows)):
            src = (
                f"select region_key, chrom, start, stop from {regions_table} "
                f"where rowid >= {lo} and rowid < {lo + batch_rows}"
            )
            sql = annotation_select(
                con,
                src,
                annotation_id,
                tables=tables,
                renames=renames,
                ordered=sink is not None,
                **options,
            )
            query = f'select * rename (stop as "end") from ({sql})'
            table = None
            if sink is not None:
                # rows mostly in order: put in order here, not by a sort over wide rows
                table = in_key_order(con.sql(query).to_arrow_table())
            else:
                part = tmp if i == 0 else out.with_name(f".{out.name}.part{i}{out.suffix}")
                if i:
                    parts.append(part)
                write_query(con, f"{query} order by region_key", part, header=i == 0)
            drop_scratch(con, tables)
            if table is not None:
                sink.put(table)
            if progress is not None and n > batch_rows:
                progress(min(lo + batch_rows, n), n)
        if sink is not None:
            done, sink = sink, None
            done.close()
        if parts:
            with open(tmp, "r+b") as dst:  # not "ab": copy_file_range refuses O_APPEND
                for part in parts:
                    _append(part, dst)
        os.replace(tmp, out)
    finally:
        if sink is not None:
            sink.abort()
        for p in [*parts, tmp]:
            p.unlink(missing_ok=True)
    return n


def _append(part: Path, dst) -> None:
    """Append file ``part`` to binary file ``dst`` (open for writing), in the kernel if it can."""
    dst.flush()
    start = dst.seek(0, os.SEEK_END)
    with open(part, "rb") as src:
        size = os.fstat(src.fileno()).st_size
        try:
            done = 0
            while done < size:
                k = os.copy_file_range(src.fileno(), dst.fileno(), size - done)
                if k == 0:
                    break
                done += k
            if done == size:
                return
        except (AttributeError, OSError):  # not on this system or file system
            pass
        os.truncate(dst.fileno(), start)  # drop what a partial kernel copy appended
        dst.seek(start)
        src.seek(0)
        shutil.copyfileobj(src, dst, 1 << 20)
