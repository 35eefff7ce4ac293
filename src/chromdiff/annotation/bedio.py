"""Read a BED / peak file into a regions table and write annotation results to a file."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb

from chromdiff.errors import InputError


def read_bed(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> int:
    """Load the first three columns of ``path`` (BED, narrowPeak, …) into ``table``.

    ``region_key`` is the 1-based data line number. ``track``/``browser``/``#`` lines are skipped.

    Raises
    ------
    InputError
        Naming file, line and column of the first row that is not ``chrom  start  stop``
        with integers ``0 <= start < stop``.
    """
    if not path.exists():
        raise InputError(f"{path}: file not found")
    rows = []
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            f = line.rstrip("\n\r").split("\t")
            if len(f) < 3:
                raise InputError(f"{path}: line {lineno}: expected >= 3 tab-separated columns")
            for col in (1, 2):
                if not f[col].strip().isascii() or not f[col].strip().isdigit():
                    raise InputError(
                        f"{path}: line {lineno}, column {col + 1}: {f[col]!r} is not an integer"
                    )
            s, e = int(f[1]), int(f[2])
            if s >= e:
                raise InputError(f"{path}: line {lineno}, column 3: stop {e} <= start {s}")
            rows.append((lineno, f[0], s, e))
    if not rows:
        raise InputError(f"{path}: no regions")
    import pyarrow as pa

    names = ("region_key", "chrom", "start", "stop")
    arrow = pa.table({name: [r[i] for r in rows] for i, name in enumerate(names)})
    con.register("_cd_bed_arrow", arrow)
    con.execute(f"create or replace table {table} as select * from _cd_bed_arrow")
    con.unregister("_cd_bed_arrow")
    return len(rows)


def write_table(con: duckdb.DuckDBPyConnection, table: str, out: Path) -> None:
    """Write ``table`` to ``out`` (.parquet, .csv, else tab-separated); ``stop`` becomes ``end``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    query = f'select * rename (stop as "end") from {table} order by region_key'
    if out.suffix == ".parquet":
        opts = "format parquet, compression zstd"
    elif out.suffix == ".csv":
        opts = "header true, delimiter ','"
    else:
        opts = "header true, delimiter '\t'"
    con.execute(f"copy ({query}) to '{out}' ({opts})")
