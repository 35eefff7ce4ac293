"""Mouse symbols against a human build (and the reverse) are matched, but the user is told.

Symbols match case-insensitively, so a mouse table run as hg38 matched most genes (5,356 of
8,000) with no hint. The symbols here are the real MGI symbols of the embedded mm10 build
(refGene) that also name an hg38 gene, and the real HGNC symbols of the hg38 build.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from chromdiff.annotation.embedded import DATA_DIR
from chromdiff.enrichment.adhoc import enrich_genes
from chromdiff.integration.load import load_inputs
from chromdiff.warehouse import db
from chromdiff.warehouse.db import apply_schema
from tests.realdata import REAL

PEAKS = REAL / "chipseeker_geo_peaks_hg19" / "GSM1174480_ARmo_0M_peaks.bed.gz"


def _symbols(genome: str, n: int = 300) -> list[str]:
    return [r[0] for r in duckdb.sql(
        f"""select distinct m.symbol from '{DATA_DIR}/mm10_genes.parquet' m
        join '{DATA_DIR}/hg38_genes.parquet' h on upper(h.symbol) = upper(m.symbol)
        where m.symbol <> h.symbol order by 1 limit {n}"""
        if genome == "mm10" else
        f"select distinct symbol from '{DATA_DIR}/hg38_genes.parquet' "
        f"where symbol is not null and symbol not like '%orf%' order by 1 limit {n}"
    ).fetchall()]  # fmt: skip


@pytest.mark.parametrize(("source", "warned"), [("mm10", True), ("hg38", False)])
def test_enrich_genes_says_when_symbols_look_like_the_other_species(tmp_path, source, warned):
    genes = tmp_path / "genes.txt"
    genes.write_text("\n".join(_symbols(source)) + "\n")
    con = duckdb.connect()
    apply_schema(con)
    notes: list[str] = []
    enrich_genes(con, genes, notes=notes)
    said = "written in mouse style (e.g. " in notes[0]
    assert said is warned, notes
    if warned:
        assert notes[0].endswith("is the table from mouse? Then give --genome mm10")


@pytest.mark.parametrize(("genome", "warned"), [("hg38", True), ("mm10", False)])
def test_integrate_notes_a_mouse_table_read_as_human(tmp_path, genome, warned):
    syms = _symbols("mm10")
    table = pd.DataFrame({"gene": syms, "log2FoldChange": [1.5] * len(syms),
                          "padj": [0.01] * len(syms)})  # fmt: skip
    rna = tmp_path / "mouse_de.csv"
    table.to_csv(rna, index=False)
    with db.writer(tmp_path / "i.duckdb") as con:
        s = load_inputs(con, rna=rna, peaks=PEAKS, genome=genome, integration_id="m")
        kinds = [r[0] for r in con.execute(
            "select kind from int_input_notes where integration_id = 'm'").fetchall()]  # fmt: skip
    assert ("symbol_species" in kinds) is warned
    assert any("written in mouse style" in n for n in s["notes"]) is warned


@pytest.mark.parametrize(("species", "warned"), [("human", True), ("mouse", False)])
def test_a_gmt_of_the_other_species_is_flagged_like_a_gene_list(tmp_path, species, warned):
    """A human GMT (HGNC spelling of the hg38 build) run with --genome mm10 matched the mouse
    genes ignoring case and said nothing; the mouse spelling (MGI, mm10 build) is fine."""
    pairs = duckdb.sql(
        f"""select distinct m.symbol, h.symbol from '{DATA_DIR}/mm10_genes.parquet' m
        join '{DATA_DIR}/hg38_genes.parquet' h on upper(h.symbol) = upper(m.symbol)
        where m.symbol <> h.symbol and h.symbol = upper(h.symbol) order by 1 limit 60"""
    ).fetchall()
    sets = [h if species == "human" else m for m, h in pairs]
    gmt = tmp_path / "sets.gmt"
    gmt.write_text(f"S1\tna\t{chr(9).join(sets[:30])}\nS2\tna\t{chr(9).join(sets[30:])}\n")
    genes = tmp_path / "genes.txt"
    genes.write_text("\n".join(m for m, _ in pairs[:10]) + "\n")
    con = duckdb.connect()
    apply_schema(con)
    notes: list[str] = []
    enrich_genes(con, genes, genome="mm10", ontologies=(), gmt=gmt, min_size=1, notes=notes)
    said = [n for n in notes if "written in human style" in n]
    assert len(said) == int(warned), notes
    if warned:
        assert said[0].startswith("gmt:sets.gmt: 60 of 60 symbols matched by name are written")
        assert said[0].endswith("is the GMT from human? Then use a mouse collection "
                                "(e.g. MSigDB's mouse gene sets)")  # fmt: skip
