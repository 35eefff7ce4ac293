"""DuckDB for short command-line paths: the compiled module, the ``duckdb`` package as fallback.

``import duckdb`` costs ~70 ms on this project's machines, most of it in the Python layer that
the package wraps around its compiled module: the relational API (``duckdb._relation``), the
expression classes and the version lookup through ``importlib.metadata``. The compiled module
``_duckdb`` imports in ~16 ms and already holds everything a path that sends SQL text and fetches
rows needs: ``connect``, the connection's ``execute``/``fetchall``/``close`` and the exception
classes (``Error`` and its subclasses are the very objects ``duckdb`` re-exports). On a
``chromdiff annotate --regions`` of 100k regions (~0.15 s of work), that import is a third of the
run.

Modules on such a path import ``duckdb`` from here; whatever needs the relational API
(``con.sql``, ``duckdb.sql``, relations, Arrow/pandas scans) imports the ``duckdb`` package
itself. That import patches the same connection class, so a connection opened here then has
those methods too. When the compiled module is not importable under this name (a DuckDB release
that lays it out differently), the package is used: same behaviour, the old start-up cost.
"""

from __future__ import annotations

try:
    import _duckdb as duckdb
except ImportError:  # pragma: no cover - another DuckDB layout
    import duckdb  # type: ignore[no-redef]

__all__ = ["duckdb"]
