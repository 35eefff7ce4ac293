"""Single-writer fan-out: workers parse results to Parquet partitions, one writer loads them.

DuckDB allows one writer process per file, so tasks that run on Dask workers never open the
database: :func:`parse_to_partition` writes
``<root>/<comparison_id>/{regions,region_count_vectors}.parquet``
and :func:`load_partitions`, run once in the flow's process, loads every partition atomically.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from chromdiff.parsing import parse_result
from chromdiff.warehouse.db import transaction, writer

TABLES = ("regions", "region_count_vectors")


def _with_id(table: pa.Table, comparison_id: str) -> pa.Table:
    return table.add_column(
        0, "comparison_id", pa.array([comparison_id] * table.num_rows, pa.string())
    )


def parse_to_partition(
    bed_path: str, analysis: str, ids_a: list[str], ids_b: list[str], comparison_id: str, root: str,
    server_order: bool = False,
) -> dict:  # fmt: skip
    """Parse one result BED and write its regions and counts as a Parquet partition.

    ``ids_a``/``ids_b`` and ``server_order`` are as in :func:`chromdiff.parsing.parse_result`.

    Returns
    -------
    dict
        ``comparison_id, dir, result_format, n_regions, warnings, pid`` (pid of the worker).
    """
    parsed = parse_result(bed_path, analysis, ids_a, ids_b, server_order=server_order)
    out = Path(root) / comparison_id
    out.mkdir(parents=True, exist_ok=True)
    pq.write_table(_with_id(parsed.regions, comparison_id), out / "regions.parquet")
    vectors = _with_id(parsed.count_vectors, comparison_id)
    pq.write_table(vectors, out / "region_count_vectors.parquet")
    return {"comparison_id": comparison_id, "dir": str(out), "result_format": parsed.result_format,
            "n_regions": parsed.regions.num_rows, "warnings": list(parsed.warnings),
            "pid": os.getpid()}  # fmt: skip


def load_partitions(db_path: str, partitions: list[dict]) -> dict[str, int]:
    """Load partitions into ``regions`` / ``region_count_vectors`` in one transaction (one writer).

    Rows of each comparison are replaced, so loading twice gives the same tables.
    Returns the number of regions loaded per comparison.
    """
    loaded: dict[str, int] = {}
    with writer(db_path) as con, transaction(con):
        for part in partitions:
            cid = part["comparison_id"]
            for table in TABLES:
                path = str(Path(part["dir"]) / f"{table}.parquet").replace("'", "''")
                cols = pq.read_schema(path).names
                collist = ", ".join(f'"{c}"' for c in cols)
                con.execute(f"delete from {table} where comparison_id = ?", [cid])
                con.execute(
                    f"insert into {table} ({collist}) select {collist} from read_parquet('{path}')"
                )
            loaded[cid] = con.execute(
                "select count(*) from regions where comparison_id = ?", [cid]
            ).fetchone()[0]
    return loaded
