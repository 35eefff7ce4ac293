"""Export the whole warehouse (every table, optionally every view) as Parquet files."""

from __future__ import annotations

from pathlib import Path

from chromdiff.warehouse.db import connect
from chromdiff.warehouse.filewrite import copy_to


def export_parquet(
    db_path: str, out_dir: str | Path, *, views: bool = False, wait_s: float = 5.0
) -> dict[str, Path]:
    """Write one ``<name>.parquet`` per table (and view when ``views``) of ``db_path``.

    The database is opened read-only. Column ``stop`` is exported as ``end`` (BED convention
    of exports, docs/architecture.md). Each file is written under a temporary name and renamed
    in place (an interrupted export leaves no truncated file under a final name); files of
    this database's objects not exported this time (views, without ``views``) are removed.

    Returns
    -------
    dict of str to Path
        Object name -> written file.
    """
    out = Path(out_dir)
    written: dict[str, Path] = {}
    with connect(db_path, read_only=True, wait_s=wait_s) as con:  # before the folder is made
        kinds = dict(
            con.execute(
                "select table_name, table_type from information_schema.tables "
                "where table_schema = 'main' order by table_name"
            ).fetchall()
        )
        names = [n for n, kind in kinds.items() if views or kind == "BASE TABLE"]
        out.mkdir(parents=True, exist_ok=True)
        for name in names:
            cols = [
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = 'main' and table_name = ? order by ordinal_position",
                    [name],
                ).fetchall()
            ]
            select = ", ".join('"stop" as "end"' if c == "stop" else f'"{c}"' for c in cols)
            path = out / f"{name}.parquet"
            copy_to(con, path, f'select {select} from "{name}"', "format parquet")
            written[name] = path
    # a view file of an earlier --views export would read as this export's: removed (only files
    # named after this database's objects; anything else in the folder is left alone)
    for name in kinds.keys() - written.keys():
        (out / f"{name}.parquet").unlink(missing_ok=True)
    return written
