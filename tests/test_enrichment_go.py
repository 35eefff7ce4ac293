"""The embedded GO: deterministic build, propagation equal to org.Hs.eg.db's own GOALL tables."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pytest

from chromdiff.enrichment.build_go import ORG_SQLITE, build, read_org_all
from chromdiff.enrichment.go import go_gene_sets, load_go_sets

CUT = Path(__file__).parent / "data" / "enrichment"
SEED = "GO:0006919"


def test_build_is_deterministic_and_propagates_to_every_ancestor(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    counts = build(CUT / "go_cut.sqlite", CUT / "org_cut.sqlite", a)
    build(CUT / "go_cut.sqlite", CUT / "org_cut.sqlite", b)
    for f in sorted(a.glob("*.parquet")):
        assert f.read_bytes() == (b / f.name).read_bytes(), f.name
    assert counts["go_terms"] == 38  # the 39th is GO.db's "all" root, not BP/MF/CC
    # The cut holds GO:0006919 and its ancestors only: every term is an ancestor of the seed.
    assert counts["go_parents"] == 70 and counts["go_closure"] >= 38
    con = duckdb.connect()
    seed_anc = con.execute(
        f"select count(*) from '{a}/go_closure.parquet' where go_id = ?", [SEED]
    ).fetchall()[0][0]
    assert seed_anc == 38
    sets = go_gene_sets("BP", data_dir=a)
    org = sqlite3.connect(CUT / "org_cut.sqlite")
    direct_seed = {
        r[0]
        for r in org.execute(
            "select g.gene_id from go_bp a join genes g using (_id) where a.go_id = ?", [SEED]
        )
    }
    assert direct_seed, "the cut must annotate a gene to the seed term"
    for gene in direct_seed:
        assert set(sets.loc[sets.gene_id == gene, "set_id"]) == set(
            con.execute(f"select go_id from '{a}/go_terms.parquet'").df()["go_id"]
        )
    # A term's set is the union of its descendants' direct genes: the root holds every gene.
    root = sets[sets.set_id == "GO:0008150"]
    assert set(root.gene_id) == {r[0] for r in org.execute("select distinct gene_id from genes")}


@pytest.mark.skipif(
    not ORG_SQLITE.is_file(), reason="needs Debian r-bioc-org.hs.eg.db (apt-get install)"
)
@pytest.mark.goseq
@pytest.mark.parametrize("ontology", ["BP", "MF", "CC"])
def test_embedded_propagation_equals_org_hs_eg_db_goall(ontology):
    """The independent fact: org.Hs.eg.db's go_*_all (built by AnnotationDbi from GO.db)."""
    ours = go_gene_sets(ontology)
    ref = read_org_all(ORG_SQLITE, ontology)
    a = set(zip(ours.gene_id, ours.set_id, strict=True))
    b = set(zip(ref.gene_id, ref.go_id, strict=True))
    assert len(a) > 200_000
    assert a == b


def test_load_go_sets_names_terms_and_rejects_unknown_ontology():
    con = duckdb.connect()
    n = load_go_sets(con, "MF", "s")
    assert n > 200_000
    name = con.execute("select any_value(set_name) from s where set_id = 'GO:0003677'").fetchall()
    assert name[0][0] == "DNA binding"
    with pytest.raises(ValueError, match="ontology"):
        load_go_sets(con, "XX", "s")
