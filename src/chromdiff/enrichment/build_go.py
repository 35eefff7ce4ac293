"""Build the embedded human Gene Ontology from Debian's GO.db and org.Hs.eg.db SQLite files.

Run ``uv run python -m chromdiff.enrichment.build_go [GO.sqlite] [org.Hs.eg.sqlite]`` (defaults:
the files of Debian ``r-bioc-go.db`` 3.16.0 and ``r-bioc-org.hs.eg.db`` 3.16.0 under
``/usr/lib/R/site-library``). It writes four zstd Parquet files into
``src/chromdiff/data/enrichment/``:

* ``go_terms.parquet``: go_id, ontology (BP/MF/CC), term — every term of GO.db's ``go_term``;
* ``go_parents.parquet``: go_id, parent_id, relationship — GO.db's ``go_{bp,mf,cc}_parents``
  (is_a, part_of, regulates, positively/negatively regulates; the edges GO.db's ancestor maps
  follow);
* ``go_hs_direct.parquet``: gene_id (Entrez), go_id, ontology, evidence — org.Hs.eg.db's direct
  annotations ``go_bp``/``go_mf``/``go_cc``;
* ``go_closure.parquet``: go_id, ancestor_id — the reflexive transitive closure of
  ``go_parents`` within each ontology (every relationship type), computed here.

Genes are propagated to every ancestor at load time (:mod:`chromdiff.enrichment.go`: direct
annotations joined with the closure); the result equals org.Hs.eg.db's ``go_*_all`` tables
(``GOALL``, what clusterProfiler's ``enrichGO`` uses), checked in
``tests/test_enrichment_go.py``. Rows are sorted so a rebuild is byte-identical.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import duckdb
import pandas as pd

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "enrichment"
SITE = Path("/usr/lib/R/site-library")
GO_SQLITE = SITE / "GO.db" / "extdata" / "GO.sqlite"
ORG_SQLITE = SITE / "org.Hs.eg.db" / "extdata" / "org.Hs.eg.sqlite"
ONTOLOGIES = ("BP", "MF", "CC")

#: Provenance of the embedded GO (recorded in ``enrichment_results.set_version``).
PROVENANCE = {
    "source": "Debian r-bioc-go.db 3.16.0 + r-bioc-org.hs.eg.db 3.16.0",
    "version": "GO go-basic.obo 2022-07-01; Entrez Gene gene2go 2022-Sep12",
    "licence": "GO: CC BY 4.0; org.Hs.eg.db/GO.db packages Artistic-2.0; NCBI data public",
}


def read_go(go_sqlite: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (terms, parents) from a GO.db SQLite file."""
    con = sqlite3.connect(f"file:{go_sqlite}?mode=ro", uri=True)
    try:
        terms = pd.read_sql(
            "select go_id, ontology, term from go_term where ontology in ('BP','MF','CC')", con
        )
        parts = []
        for ont in ONTOLOGIES:
            parts.append(
                pd.read_sql(
                    f"""select c.go_id as go_id, p.go_id as parent_id,
                               r.relationship_type as relationship
                        from go_{ont.lower()}_parents r
                        join go_term c on c._id = r._id
                        join go_term p on p._id = r._parent_id""",
                    con,
                )
            )
    finally:
        con.close()
    parents = pd.concat(parts, ignore_index=True)
    return terms, parents


def read_direct(org_sqlite: Path, ontology: str) -> pd.DataFrame:
    """Return org.Hs.eg.db's direct annotations of one ontology (gene_id, go_id, evidence)."""
    con = sqlite3.connect(f"file:{org_sqlite}?mode=ro", uri=True)
    try:
        return pd.read_sql(
            f"""select g.gene_id as gene_id, a.go_id as go_id, a.evidence as evidence
                from go_{ontology.lower()} a join genes g on g._id = a._id""",
            con,
        )
    finally:
        con.close()


def read_org_all(org_sqlite: Path, ontology: str) -> pd.DataFrame:
    """Return org.Hs.eg.db's propagated ``go_*_all`` pairs (gene_id, go_id), distinct."""
    con = sqlite3.connect(f"file:{org_sqlite}?mode=ro", uri=True)
    try:
        return pd.read_sql(
            f"""select distinct g.gene_id as gene_id, a.go_id as go_id
                from go_{ontology.lower()}_all a join genes g on g._id = a._id""",
            con,
        )
    finally:
        con.close()


#: Relationships followed when propagating a gene to a term's ancestors: all of GO.db's
#: ``go_*_parents`` edges, as its ancestor maps (and so org.Hs.eg.db's ``go_*_all``) do.
PROPAGATE_VIA = ("isa", "part of", "regulates", "positively regulates", "negatively regulates")


def closure_sql(data_dir: Path) -> str:
    """Return SQL for the reflexive ancestor closure (go_id, ancestor_id) within each ontology."""
    rels = ", ".join(f"'{r}'" for r in PROPAGATE_VIA)
    terms = f"'{data_dir / 'go_terms.parquet'}'"
    return f"""
        with recursive anc(go_id, ancestor_id) as (
            select go_id, go_id from {terms}
            union
            select a.go_id, p.parent_id from anc a
            join (select * from '{data_dir / "go_parents.parquet"}'
                  where relationship in ({rels})) p on p.go_id = a.ancestor_id)
        select a.go_id, a.ancestor_id from anc a
        join {terms} t1 on t1.go_id = a.go_id
        join {terms} t2 on t2.go_id = a.ancestor_id
        where t1.ontology = t2.ontology"""


def build(go_sqlite: Path, org_sqlite: Path, out: Path) -> dict[str, int]:
    """Write the four Parquet files into ``out``; return their row counts."""
    out.mkdir(parents=True, exist_ok=True)
    terms, parents = read_go(go_sqlite)
    direct = pd.concat(
        [read_direct(org_sqlite, o).assign(ontology=o) for o in ONTOLOGIES], ignore_index=True
    )[["gene_id", "go_id", "ontology", "evidence"]]
    con = duckdb.connect()
    tables = {
        "go_terms": (terms, "go_id"),
        "go_parents": (parents, "go_id, parent_id, relationship"),
        "go_hs_direct": (direct, "ontology, go_id, gene_id::bigint, evidence"),
    }
    counts = {}
    for name, (df, order) in tables.items():
        con.register("df", df)
        con.execute(
            f"copy (select * from df order by {order}) to '{out / name}.parquet' "
            "(format parquet, compression zstd, compression_level 19)"
        )
        con.unregister("df")
        counts[name] = len(df)
    con.execute("set memory_limit = '2GB'")
    path = out / "go_closure.parquet"
    con.execute(
        f"""copy ({closure_sql(out)} order by go_id, ancestor_id) to '{path}'
        (format parquet, compression zstd, compression_level 19)"""
    )
    counts["go_closure"] = con.execute(f"select count(*) from '{path}'").fetchall()[0][0]
    return counts


def main(argv: list[str] | None = None) -> None:
    """Build the embedded GO; print row counts."""
    argv = sys.argv[1:] if argv is None else argv
    go_sqlite = Path(argv[0]) if argv else GO_SQLITE
    org_sqlite = Path(argv[1]) if len(argv) > 1 else ORG_SQLITE
    print(build(go_sqlite, org_sqlite, DATA_DIR))


if __name__ == "__main__":
    main()
