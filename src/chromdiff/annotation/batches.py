"""Annotate a large region table to a file in batches, so memory does not grow with the input.

The engine's work tables (staged regions, nearest TSS, feature hits, the labelled result) hold
every region of a call: about 580 bytes per region, 6 GB for 10M regions in one call. Here the
regions are annotated :data:`BATCH_ROWS` at a time (by ``rowid`` ranges of the region table,
which the region reader fills in file order) and each batch's rows are written straight to a part
file; the parts are then joined into the output (text files byte by byte, Parquet by one DuckDB
copy). Memory stays at one batch's work tables plus the region table itself; the file is in
``region_key`` order as a single call would write it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from chromdiff.annotation.annotate import annotate_regions
from chromdiff.annotation.bedio import write_query
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
    **options,
) -> int:
    """Annotate every row of ``regions_table`` (``region_key, chrom, start, stop``) into ``out``.

    ``out``: ``.parquet``, ``.csv`` or tab-separated (see
    :func:`~chromdiff.annotation.bedio.write_query`); ``options`` go to
    :func:`~chromdiff.annotation.annotate.annotate_regions`. Returns the rows written. The
    output appears only when complete (parts are written beside it and removed).
    """
    n = con.execute(f"select count(*) from {regions_table}").fetchall()[0][0]
    out.parent.mkdir(parents=True, exist_ok=True)
    parts: list[Path] = []
    tmp = out.with_name(f".{out.stem}.tmp{out.suffix}")
    try:
        for i, lo in enumerate(range(0, max(n, 1), batch_rows)):
            src = (
                f"select region_key, chrom, start, stop from {regions_table} "
                f"where rowid >= {lo} and rowid < {lo + batch_rows}"
            )
            annotate_regions(con, src, annotation_id, "temp._cd_batch", **options)
            part = out.with_name(f".{out.name}.part{i}{out.suffix}")
            parts.append(part)
            query = 'select * rename (stop as "end") from _cd_batch order by region_key'
            write_query(con, query, part, header=i == 0)
            con.execute("drop table if exists _cd_batch")
        if out.suffix == ".parquet":
            files = ", ".join("'" + str(p).replace("'", "''") + "'" for p in parts)
            write_query(con, f"select * from read_parquet([{files}])", tmp)
        else:
            with open(tmp, "wb") as dst:
                for part in parts:
                    with open(part, "rb") as src_fh:
                        shutil.copyfileobj(src_fh, dst, 1 << 20)
        os.replace(tmp, out)
    finally:
        for p in [*parts, tmp]:
            p.unlink(missing_ok=True)
    return n
