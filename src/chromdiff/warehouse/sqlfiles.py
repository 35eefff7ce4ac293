"""Locate and read the project's SQL files (``sql/``): schema DDL and one view per file."""

from __future__ import annotations

import os
import re
from pathlib import Path

from chromdiff._env import REPO_ROOT

#: A table's DDL in ``sql/schema/`` (group 1: its name), one per line start.
TABLE_RE = re.compile(r"^create\s+table\s+if\s+not\s+exists\s+(\w+)", re.I | re.M)

#: Folders holding one ``create or replace view <stem>`` per file, applied after the schema.
VIEW_FOLDERS = ("views", "qc", "annotation", "integration", "enrichment", "reports")


def sql_dir() -> Path:
    """Return the ``sql/`` folder (``CHROMDIFF_SQL_DIR`` overrides; else the source checkout)."""
    override = os.environ.get("CHROMDIFF_SQL_DIR")
    if override:
        return Path(override)
    if REPO_ROOT is not None:
        return REPO_ROOT / "sql"
    return Path(__file__).parents[1] / "sql"


def schema_files() -> list[Path]:
    """Return the DDL files of ``sql/schema/`` in numbered order."""
    return sorted((sql_dir() / "schema").glob("*.sql"))


def view_files() -> list[Path]:
    """Return every view file, folder by folder in :data:`VIEW_FOLDERS` order, then by name."""
    files: list[Path] = []
    for folder in VIEW_FOLDERS:
        files.extend(sorted((sql_dir() / folder).glob("*.sql")))
    return files


def view_file(name: str) -> Path:
    """Return the file defining view ``name``.

    Raises
    ------
    FileNotFoundError
        If no view file has that stem; the message lists the available views.
    """
    for path in view_files():
        if path.stem == name:
            return path
    available = ", ".join(sorted(p.stem for p in view_files()))
    raise FileNotFoundError(f"no SQL view named {name!r}; available: {available}")
