"""GREAT on a comparison in the warehouse: real peaks (ChIPseeker's GEO samples, hg19) as the
A-enriched (CBX7, Polycomb) and B-enriched (AR, 100 nM) regions of a hand-built comparison."""

from __future__ import annotations

import gzip

import pytest

from chromdiff.enrichment.comparison import enrich_comparison
from chromdiff.errors import InputError
from chromdiff.warehouse.db import writer
from tests.realdata import REAL
from tests.warehouse_rows import add_comparison, add_regions

P = REAL / "chipseeker_geo_peaks_hg19"


def _rows(name: str, logfc: float) -> list[dict]:
    with gzip.open(P / name, "rt") as fh:
        return [
            dict(chrom=c, start=int(s), stop=int(e), logfc=logfc, qvalue=0.001, a=50, b=10)
            for c, s, e in (line.split("\t")[:3] for line in fh)
        ]


def make_db(path):
    """A warehouse with comparisons ``cbx7_vs_ar`` (hg19, real peaks) and ``mouse`` (mm10)."""
    with writer(path) as con:
        add_comparison(con, "cbx7_vs_ar", genome="hg19")
        add_regions(
            con, "cbx7_vs_ar", _rows("GSM1295077_CBX7_BF_ChipSeq_mergedReps_peaks.bed.gz", 2)
        )
        add_regions(con, "cbx7_vs_ar", _rows("GSM1174482_ARmo_100nM_peaks.bed.gz", -2))
        add_comparison(con, "mouse", genome="mm10")
        add_regions(con, "mouse", [dict(chrom="chr1", start=4_000_000, stop=4_000_500,
                                        logfc=3, qvalue=0.001, a=50, b=5)])  # fmt: skip
    return path


@pytest.fixture(scope="module")
def dbp(tmp_path_factory):
    return make_db(tmp_path_factory.mktemp("cmp") / "w.duckdb")


def test_great_whole_genome_both_directions(dbp):
    with writer(dbp) as con:
        out = enrich_comparison(con, "cbx7_vs_ar")
        assert out["rows"] > 1000
        n_sig = dict(
            con.execute(
                "select direction, count(*) from regions_significant "
                "where comparison_id = 'cbx7_vs_ar' "
                "and chrom not like '%\\_%' escape '\\' and chrom <> 'chrM' group by 1"
            ).fetchall()
        )
        got = dict(
            con.execute(
                "select query, max(n_query) from enrichment_comparison "
                "where method = 'great_binomial' group by query"
            ).fetchall()
        )
        top_dev = con.execute(
            "select set_name from enrichment_comparison where query = 'A-enriched' "
            "and method = 'great_hypergeometric' and rank <= 10"
        ).fetchall()
        best = con.execute(
            "select min(padj) from enrichment_comparison where query = 'A-enriched'"
        ).fetchall()[0][0]
    assert got == {"A-enriched": n_sig["A"], "B-enriched": n_sig["B"]}
    # Polycomb (CBX7) binds developmental regulators: GREAT's gene test says so.
    assert any("development" in r[0] or "morphogenesis" in r[0] for r in top_dev)
    assert best < 1e-20


def test_tested_regions_background(dbp):
    with writer(dbp) as con:
        enrich_comparison(con, "cbx7_vs_ar", background="tested")
        methods = {r[0] for r in con.execute(
            "select distinct method from enrichment_comparison").fetchall()}  # fmt: skip
        n_bg = con.execute("select max(universe_size) from enrichment_comparison").fetchall()[0][0]
        n_tested = con.execute(
            "select count(*) from regions_filtered where comparison_id = 'cbx7_vs_ar' "
            "and chrom not like '%\\_%' escape '\\' and chrom <> 'chrM'"
        ).fetchall()[0][0]
    assert methods == {"great_regions_hypergeometric"}
    assert n_bg == n_tested


def test_mouse_without_gene_sets_is_skipped_with_a_note_and_gmt_by_symbol(dbp, tmp_path):
    with writer(dbp) as con:
        out = enrich_comparison(con, "mouse")
        assert out["rows"] == 0
        assert any("no embedded gene sets for genome 'mm10'" in n for n in out["notes"])
        # the hint names the command that takes --gmt (compare has no such option)
        assert any("run chromdiff enrich --comparison mouse --gmt FILE" in n for n in out["notes"])
        sym = con.execute(
            "select symbol from ann_genes where annotation_id = 'embedded:mm10' "
            "and chrom = 'chr1' and symbol is not null order by abs(tss - 4000250) limit 5"
        ).fetchall()
        gmt = tmp_path / "m.gmt"
        gmt.write_text("NEAR\tgenes near\t" + "\t".join(s[0].upper() for s in sym) + "\n")
        out = enrich_comparison(con, "mouse", gmt=gmt, min_size=1)
        rows = con.execute(
            "select set_source, k, symbols from enrichment_comparison where comparison_id = 'mouse'"
        ).fetchall()
    assert any("matched 5 genes by symbol" in n for n in out["notes"])
    assert rows and rows[0][0] == "gmt:m.gmt" and rows[0][1] == 1


def test_unknown_comparison_and_background():
    import duckdb

    from chromdiff.warehouse.db import apply_schema

    con = duckdb.connect()
    apply_schema(con)
    with pytest.raises(InputError, match="comparison 'nope' is not in the database"):
        enrich_comparison(con, "nope")
    with pytest.raises(InputError, match="background must be"):
        enrich_comparison(con, "nope", background="x")


def test_dmr_queries_are_named_hyper(tmp_path):
    """A dmr comparison's GREAT queries read A-hyper / B-hyper (they read A-/B-enriched)."""
    with writer(tmp_path / "m.duckdb") as con:
        add_comparison(con, "m", genome="hg19", analysis="dmr")
        rows = _rows("GSM1174482_ARmo_100nM_peaks.bed.gz", 0)[:400]
        add_regions(con, "m", [dict(r, meth_diff=0.4 if i % 2 else -0.4)
                               for i, r in enumerate(rows)])  # fmt: skip
        enrich_comparison(con, "m")
        queries = {r[0] for r in con.execute("select distinct query from enrichment_results")
                   .fetchall()}  # fmt: skip
    assert queries == {"A-hyper", "B-hyper"}


def test_notes_say_why_greats_n_differs_and_that_a_direction_found_no_term(tmp_path):
    """Significant chrM regions are not on GREAT's genome: a note counts them (the report's
    n = ... is the significant count minus them). A direction whose regions lie in no gene's
    domain (hg19 chrY at 40 Mb: the heterochromatic block, no gene within reach) was tested:
    a note says so, as the results table has no row for it."""
    rows = _rows("GSM1295077_CBX7_BF_ChipSeq_mergedReps_peaks.bed.gz", 2)[:300]
    mito = [dict(chrom="chrM", start=1000 * i, stop=1000 * i + 300, logfc=3, qvalue=0.001,
                 a=50, b=5) for i in range(1, 4)]  # fmt: skip
    desert = [dict(chrom="chrY", start=40_000_000 + 5000 * i, stop=40_000_000 + 5000 * i + 300,
                   logfc=-3, qvalue=0.001, a=5, b=50) for i in range(2)]  # fmt: skip
    with writer(tmp_path / "n.duckdb") as con:
        add_comparison(con, "notes", genome="hg19")
        add_regions(con, "notes", rows + mito + desert)
        out = enrich_comparison(con, "notes")
        n_query = con.execute(
            "select max(n_query) from enrichment_comparison where query = 'A-enriched' "
            "and method = 'great_binomial'"
        ).fetchall()[0][0]
    notes = " | ".join(out["notes"])
    assert "3 of the 303 significant regions lie off hg19's assembled chromosomes" in notes
    assert n_query == 300
    assert "GO:BP: tested; no term's domains hold any of the B-enriched regions" in notes
