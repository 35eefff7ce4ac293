"""The embedded human GO as gene sets: direct annotations propagated to every ancestor term."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from chromdiff.enrichment.build_go import DATA_DIR, ONTOLOGIES, PROVENANCE


def _parquet(name: str, data_dir: Path | None) -> str:
    return f"'{(data_dir or DATA_DIR) / f'{name}.parquet'}'"


def load_go_sets(
    con: duckdb.DuckDBPyConnection,
    ontology: str,
    table: str,
    *,
    evidence_exclude: tuple[str, ...] = (),
    data_dir: Path | None = None,
) -> int:
    """Create temp table ``table(set_id, set_name, gene_id)`` with one ontology's gene sets.

    Each gene is annotated to its direct terms and to every ancestor of them (the embedded
    closure, all relationship types), which reproduces org.Hs.eg.db's ``GOALL`` map that
    clusterProfiler's ``enrichGO`` uses. ``evidence_exclude`` drops evidence codes before
    propagation (none by default, as ``enrichGO``). Returns the number of (set, gene) pairs.
    """
    ontology = ontology.upper()
    if ontology not in ONTOLOGIES:
        raise ValueError(f"ontology must be one of {', '.join(ONTOLOGIES)}, not {ontology!r}")
    excl = ", ".join(f"'{e}'" for e in evidence_exclude) or "''"
    con.execute(
        f"""create or replace temp table {table} as
        select s.set_id, t.term as set_name, s.gene_id from (
            select distinct c.ancestor_id as set_id, d.gene_id
            from {_parquet("go_hs_direct", data_dir)} d
            join {_parquet("go_closure", data_dir)} c on c.go_id = d.go_id
            where d.ontology = ? and d.evidence not in ({excl})) s
        join {_parquet("go_terms", data_dir)} t on t.go_id = s.set_id""",
        [ontology],
    )
    return con.execute(f"select count(*) from {table}").fetchall()[0][0]


def go_gene_sets(ontology: str = "BP", **kwargs) -> pd.DataFrame:
    """Return one ontology's propagated gene sets as a DataFrame (set_id, set_name, gene_id)."""
    con = duckdb.connect()
    try:
        load_go_sets(con, ontology, "_cd_sets", **kwargs)
        return con.execute("select * from _cd_sets order by set_id, gene_id::bigint").df()
    finally:
        con.close()


def go_version() -> str:
    """Return the one-line version string of the embedded GO."""
    return PROVENANCE["version"]
