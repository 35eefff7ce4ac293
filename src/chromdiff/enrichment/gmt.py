"""Read user gene-set files in GMT format (MSigDB, KEGG, Reactome exports), any organism."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from chromdiff.errors import InputError


def read_gmt(path: str | Path) -> pd.DataFrame:
    """Parse a GMT file into ``set_id``, ``set_name``, ``gene_id`` rows (one per set member).

    Each non-blank line is ``name<TAB>description<TAB>gene<TAB>gene...``. As in clusterProfiler's
    ``read.gmt`` the first field is the set's id; the description becomes ``set_name`` (the id
    when the description is empty or ``na``/a URL). Duplicate genes within a set count once.

    Raises
    ------
    InputError
        Naming the file and line: fewer than three fields, an empty set name, no genes, a set
        name given twice, or no sets at all.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: GMT file not found")
    rows: list[tuple[str, str, str]] = []
    seen: dict[str, int] = {}
    with path.open(encoding="utf-8", errors="strict") as fh:
        try:
            lines = list(fh)
        except UnicodeDecodeError as e:
            raise InputError(f"{path}: not a UTF-8 text GMT file ({e.reason})") from None
    for lineno, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 3:
            raise InputError(
                f"{path}:{lineno}: GMT lines need name<TAB>description<TAB>genes..., got "
                f"{len(fields)} tab-separated field(s)"
            )
        name, desc = fields[0].strip(), fields[1].strip()
        genes = sorted({g.strip() for g in fields[2:] if g.strip()})
        if not name:
            raise InputError(f"{path}:{lineno}: empty gene-set name")
        if not genes:
            raise InputError(f"{path}:{lineno}: gene set {name!r} lists no genes")
        if name in seen:
            raise InputError(
                f"{path}:{lineno}: gene set {name!r} already defined on line {seen[name]}"
            )
        seen[name] = lineno
        label = name if desc.lower() in ("", "na") or desc.startswith("http") else desc
        rows.extend((name, label, g) for g in genes)
    if not rows:
        raise InputError(f"{path}: no gene sets in the file")
    return pd.DataFrame(rows, columns=["set_id", "set_name", "gene_id"])


def load_gmt_sets(con: duckdb.DuckDBPyConnection, path: str | Path, table: str) -> int:
    """Create temp table ``table(set_id, set_name, gene_id)`` from a GMT file; return its rows."""
    df = read_gmt(path)
    con.register("_cd_gmt_df", df)
    try:
        con.execute(f"create or replace temp table {table} as select * from _cd_gmt_df")
    finally:
        con.unregister("_cd_gmt_df")
    return len(df)
