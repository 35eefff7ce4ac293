"""Read a region file into a regions table and write annotation results to a file."""

from __future__ import annotations

from pathlib import Path

from chromdiff.duckcore import duckdb
from chromdiff.regions.reader import read_regions


def read_bed(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> int:
    """Load the regions of ``path`` into ``table`` (``region_key, chrom, start, stop``).

    The one region reader (:func:`chromdiff.regions.reader.read_regions`): BED3..BED6+,
    narrowPeak, or a table with a header (DiffBind report, MACS xls-style), gzipped or not.
    ``region_key`` is the row's 1-based file line. Returns the number of regions.

    Raises
    ------
    InputError
        Naming file, line and column of the first row that is not a region.
    """
    return read_regions(con, path, table).n_rows


def write_query(
    con: duckdb.DuckDBPyConnection, query: str, out: Path, *, header: bool = True
) -> None:
    """Write the rows of ``query`` to ``out`` (.parquet, .csv, else tab-separated), streamed.

    ``header``: whether a text file starts with the column names.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".parquet":
        opts = "format parquet, compression zstd"
    elif out.suffix == ".csv":
        opts = f"header {str(header).lower()}, delimiter ','"
    else:
        opts = f"header {str(header).lower()}, delimiter '\t'"
    con.execute(f"copy ({query}) to '{out}' ({opts})")


def write_table(con: duckdb.DuckDBPyConnection, table: str, out: Path) -> None:
    """Write ``table`` to ``out`` (see :func:`write_query`); ``stop`` becomes ``end``."""
    write_query(con, f'select * rename (stop as "end") from {table} order by region_key', out)
