"""A read-only DuckDB file per embedded build, holding its tables and derived tables.

``chromdiff annotate --regions`` without ``--db`` used to load the embedded Parquet files into an
in-memory database and derive the engine's tables (:mod:`chromdiff.annotation.cache`) on every
run (~0.6 s). They are now built once into ``<cache dir>/annotation/<genome>-<key>.duckdb`` and
opened read-only (~0.04 s). ``key`` hashes the build's Parquet bytes, the derived-table layout
(:data:`~chromdiff.annotation.cache.CACHE_VERSION`), the provenance and the annotation schema
file, so a rebuilt Parquet, a new layout or a schema change gets a new file; a file is written
under a temporary name and renamed into place, so concurrent first runs are safe. Cache dir:
``$CHROMDIFF_CACHE_DIR``, else ``$XDG_CACHE_HOME/chromdiff``, else ``~/.cache/chromdiff``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import duckdb

from chromdiff.annotation.cache import CACHE_VERSION
from chromdiff.annotation.embedded import DATA_DIR, PROVENANCE


def cache_dir() -> Path:
    """Directory of chromdiff's file caches (see the module docstring)."""
    env = os.environ.get("CHROMDIFF_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "chromdiff"


def _key(genome: str) -> str:
    from chromdiff.warehouse.sqlfiles import schema_files

    h = hashlib.sha256(f"v{CACHE_VERSION} {PROVENANCE[genome]!r}".encode())
    for path in schema_files():
        if path.name.startswith("010_"):
            h.update(path.read_bytes())
    for table in ("genes", "transcripts", "exons"):
        h.update((DATA_DIR / f"{genome}_{table}.parquet").read_bytes())
    return h.hexdigest()[:16]


def embedded_db(genome: str) -> Path:
    """Return the cache file of embedded build ``genome``, building it on first use."""
    path = cache_dir() / "annotation" / f"{genome}-{_key(genome)}.duckdb"
    if path.exists():
        return path
    from chromdiff.annotation.load import ensure_annotation

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{genome}-", suffix=".duckdb", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # DuckDB creates the file itself
    try:
        con = duckdb.connect(tmp)
        try:
            ensure_annotation(con, genome=genome)
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, tmp + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return path


def open_embedded(genome: str) -> duckdb.DuckDBPyConnection:
    """Open the cache file of ``genome`` read-only (work tables must be ``temp`` tables)."""
    return duckdb.connect(str(embedded_db(genome)), read_only=True)
