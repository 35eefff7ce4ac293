"""The database explains itself: a ``COMMENT ON`` for every table and view, from its SQL file.

Views: the header comment of the view's file (``-- name: description``); tables: the comment
block just above ``create table ... name`` in ``sql/schema/``. Either way its first sentence,
after ``name:``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import duckdb

from chromdiff.warehouse.sqlfiles import TABLE_RE, schema_files, sql_dir, view_files

#: Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "cf.")


def _first_sentence(text: str) -> str:
    """Return ``text`` up to the first full stop that ends a sentence (not ``e.g.``)."""
    for match in re.finditer(r"\.(\s|$)", text):
        head = text[: match.start() + 1]
        if not head.lower().endswith(_ABBREVIATIONS):
            return head.strip()
    return text.strip()


def _strip_name(text: str, name: str) -> str:
    return re.sub(rf"^{re.escape(name)}\s*:\s*", "", text.strip())


def table_descriptions(path: Path) -> dict[str, str]:
    """Return ``{table: description}`` for every ``create table`` of one schema file."""
    lines = path.read_text().splitlines()
    out = {}
    for i, line in enumerate(lines):
        match = TABLE_RE.match(line)
        if not match:
            continue
        name, block, j = match.group(1), [], i - 1
        # the comment block just above (a `create sequence` line in between is allowed)
        while j >= 0 and (lines[j].startswith("--") or lines[j].lower().startswith("create seq")):
            if lines[j].startswith("--"):
                block.insert(0, lines[j][2:].strip())
            j -= 1
        named = next((k for k, b in enumerate(block) if re.match(rf"{name}\s*:", b)), None)
        if named is not None:
            out[name] = _first_sentence(_strip_name(" ".join(block[named:]), name))
    return out


def view_description(path: Path) -> str | None:
    """Return the first sentence of a view file's header comment (``-- name: description``)."""
    block = []
    for line in path.read_text().splitlines():
        if not line.startswith("--"):
            break
        block.append(line[2:].strip())
    return _first_sentence(_strip_name(" ".join(block), path.stem)) or None


@lru_cache(maxsize=4)
def _descriptions(root: str) -> tuple[tuple[str, str, str], ...]:
    rows = []
    for path in schema_files():
        rows += [("table", name, d) for name, d in table_descriptions(path).items()]
    for path in view_files():
        d = view_description(path)
        if d:
            rows.append(("view", path.stem, d))
    return tuple(rows)


def descriptions() -> list[tuple[str, str, str]]:
    """Return ``(kind, name, description)`` of every table and view described in ``sql/``."""
    return list(_descriptions(str(sql_dir())))


def apply_comments(con: duckdb.DuckDBPyConnection) -> None:
    """``COMMENT ON`` every table and view of :func:`descriptions` that exists (one batch)."""
    present = {
        name for (name,) in con.execute(
            "select table_name from duckdb_tables() where not internal union all "
            "select view_name from duckdb_views() where not internal"
        ).fetchall()
    }  # fmt: skip
    sql = [
        f"comment on {kind} {name} is '{text.replace(chr(39), chr(39) * 2)}';"
        for kind, name, text in descriptions()
        if name in present
    ]
    if sql:
        con.execute("\n".join(sql))
