"""Whether a database already holds this chromdiff's schema (table ``schema_stamp``).

:func:`chromdiff.warehouse.db.apply_schema` runs every DDL file, the migrations, ~100 view files
and a ``COMMENT ON`` per table and view: about 0.2 s, paid by every :func:`~chromdiff.warehouse.db.
writer` (a comparison opens one a dozen times). It ends by stamping the database with
:func:`fingerprint`; :func:`is_current` lets a writer skip it when the stamp matches and every
table, view and column of the schema is as it stamped them (a view dropped by hand is re-created
on the next write).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import duckdb

from chromdiff.warehouse.sqlfiles import TABLE_RE, schema_files, sql_dir, view_files


@lru_cache(maxsize=4)
def _fingerprint(root: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    from chromdiff.warehouse import comments, migrations

    h = hashlib.sha256()
    tables: list[str] = []
    for path in [*schema_files(), *view_files()]:
        text = path.read_bytes()
        h.update(f"{path.parent.name}/{path.name}\0".encode() + text + b"\0")
        if path.parent.name == "schema":
            tables += TABLE_RE.findall(text.decode())
    for module in (migrations, comments):
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest(), tuple(tables), tuple(p.stem for p in view_files())


def fingerprint() -> str:
    """Return the hash of this chromdiff's schema (SQL files, migrations, comments)."""
    return _fingerprint(str(sql_dir()))[0]


def _catalog(con: duckdb.DuckDBPyConnection) -> str:
    """Return a hash of the columns (name, type) of this schema's tables and views in ``con``."""
    _, tables, views = _fingerprint(str(sql_dir()))
    return con.execute(
        """select md5(coalesce(string_agg(table_name || '.' || column_name || ':' || data_type,
                                          ',' order by table_name, column_index), ''))
        from duckdb_columns() where schema_name = 'main' and database_name = current_database()
          and table_name in $names""",
        {"names": sorted({*tables, *views})},
    ).fetchall()[0][0]


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Return True when ``con``'s database carries this schema's stamp, objects and columns.

    A table, view or column dropped (or changed) since the stamp makes it False, so the next
    writer applies the schema (and the migrations) again.
    """
    try:
        rows = con.execute(
            "select fingerprint, catalog from schema_stamp order by applied_at desc limit 1"
        ).fetchall()
    except duckdb.CatalogException:  # no schema_stamp table: an empty or older database
        return False
    return bool(rows) and rows[0] == (fingerprint(), _catalog(con))


def stamp(con: duckdb.DuckDBPyConnection) -> None:
    """Record that ``con``'s database now holds this schema (hash and catalog)."""
    con.execute("delete from schema_stamp")
    con.execute("insert into schema_stamp values (?, ?, now())", [fingerprint(), _catalog(con)])
