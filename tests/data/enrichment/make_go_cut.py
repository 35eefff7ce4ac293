"""Write the small GO cut used by tests/test_enrichment_go.py (run once; output committed).

Source: Debian r-bioc-go.db 3.16.0 (GO.sqlite) and r-bioc-org.hs.eg.db 3.16.0
(org.Hs.eg.sqlite). Kept: the BP term GO:0006919 (activation of cysteine-type endopeptidase
activity involved in apoptotic process) and every ancestor of it, the edges among them, and the
direct BP annotations to those terms of five genes (CASP3 836, CASP9 842, APAF1 317, CYCS 54205,
BAX 581), written as SQLite files with the same tables and columns the build reads.
"""

import sqlite3
import sys
from pathlib import Path

GO = "/usr/lib/R/site-library/GO.db/extdata/GO.sqlite"
ORG = "/usr/lib/R/site-library/org.Hs.eg.db/extdata/org.Hs.eg.sqlite"
OUT = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
SEED = "GO:0006919"
GENES = ("836", "842", "317", "54205", "581")

go = sqlite3.connect(GO)
ids = {
    r[0]
    for r in go.execute(
        "select _id from go_term where go_id = ? union select a._id from go_bp_offspring a "
        "join go_term t on t._id = a._offspring_id where t.go_id = ?",
        (SEED, SEED),
    )
}
q = ",".join(map(str, sorted(ids)))
terms = go.execute(f"select _id, go_id, term, ontology from go_term where _id in ({q})").fetchall()
parents = go.execute(
    f"select _id, _parent_id, relationship_type from go_bp_parents "
    f"where _id in ({q}) and _parent_id in ({q})"
).fetchall()
go_ids = [t[1] for t in terms]
org = sqlite3.connect(ORG)
gq = ",".join(f"'{g}'" for g in GENES)
genes = org.execute(f"select _id, gene_id from genes where gene_id in ({gq})").fetchall()
tq = ",".join(f"'{t}'" for t in go_ids)
ann = org.execute(
    f"select a._id, a.go_id, a.evidence from go_bp a join genes g on g._id = a._id "
    f"where g.gene_id in ({gq}) and a.go_id in ({tq})"
).fetchall()
(OUT / "go_cut.sqlite").unlink(missing_ok=True)
(OUT / "org_cut.sqlite").unlink(missing_ok=True)
o = sqlite3.connect(OUT / "go_cut.sqlite")
o.execute("create table go_term (_id integer, go_id text, term text, ontology text)")
o.executemany("insert into go_term values (?,?,?,?)", sorted(terms))
for ont in ("bp", "mf", "cc"):
    o.execute(
        f"create table go_{ont}_parents (_id integer, _parent_id integer, relationship_type text)"
    )
o.executemany("insert into go_bp_parents values (?,?,?)", sorted(parents))
o.commit()
o = sqlite3.connect(OUT / "org_cut.sqlite")
o.execute("create table genes (_id integer, gene_id text)")
o.executemany("insert into genes values (?,?)", sorted(genes))
for ont in ("bp", "mf", "cc"):
    o.execute(f"create table go_{ont} (_id integer, go_id text, evidence text)")
o.executemany("insert into go_bp values (?,?,?)", sorted(ann))
o.commit()
print(len(terms), "terms", len(parents), "edges", len(genes), "genes", len(ann), "annotations")
