"""Export the whole warehouse (every table, optionally every view) as Parquet files."""

from __future__ import annotations

from pathlib import Path

from chromdiff.warehouse.db import connect


def export_parquet(
    db_path: str, out_dir: str | Path, *, views: bool = False, wait_s: float = 5.0
) -> dict[str, Path]:
    """Write one ``<name>.parquet`` per table (and view when ``views``) of ``db_path``.

    The database is opened read-only. Column ``stop`` is exported as ``end`` (BED convention
    of exports, docs/architecture.md).

    Returns
    -------
    dict of str to Path
        Object name -> written file.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    with connect(db_path, read_only=True, wait_s=wait_s) as con:
        types = "('BASE TABLE', 'VIEW')" if views else "('BASE TABLE')"
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                f"where table_schema = 'main' and table_type in {types} order by table_name"
            ).fetchall()
        ]
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
            target = str(path).replace("'", "''")
            con.execute(f"copy (select {select} from \"{name}\") to '{target}' (format parquet)")
            written[name] = path
    return written
