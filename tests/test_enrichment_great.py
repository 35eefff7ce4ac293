"""GREAT region enrichment on a hand-computed genome (domains, fractions and p-values by hand)."""

from __future__ import annotations

from math import comb

import duckdb
import pandas as pd
import pytest

from chromdiff.enrichment.great import great
from chromdiff.errors import InputError
from chromdiff.regions.chromsizes import chrom_sizes
from chromdiff.warehouse.db import apply_schema

SIZES = {"chr1": 1_000_000, "chr2": 500_000, "chr3": 100_000}
GENOME = 1_600_000
# Regulatory domains (basal 5 kb up / 1 kb down, inclusive, + extension to 1 Mb), by hand:
#   g1 + TSS 100,000 chr1: basal [95,000, 101,001) -> [0, 495,000) (stops at g2's basal start)
#   g2 + TSS 500,000 chr1: basal [495,000, 501,001) -> [101,001, 1,000,000) (clipped to chr1)
#   g3 - TSS 200,000 chr2: basal [199,000, 205,001) -> [0, 500,000)
#   g4 + TSS  50,000 chr3: -> [0, 100,000)
GENES = [
    ("g1", "chr1", "+", 100_000),
    ("g2", "chr1", "+", 500_000),
    ("g3", "chr2", "-", 200_000),
    ("g4", "chr3", "+", 50_000),
]
SETS = {"T1": ["g1"], "T2": ["g1", "g2"], "T3": ["g3", "g4"], "T4": ["g2", "g3"]}
REGIONS = [  # key, chrom, start, stop; midpoints: 1,500 (g1); 300,050 (g1+g2); 800,005 (g2)
    (1, "chr1", 1_000, 2_000),
    (2, "chr1", 300_000, 300_100),
    (3, "chr1", 800_000, 800_010),
    (4, "chr2", 10, 20),  # g3
    (5, "chrUn_x", 10, 20),  # not an assembled chromosome: not counted
]


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    apply_schema(con)
    for gid, chrom, strand, tss in GENES:
        con.execute(
            "insert into ann_genes values ('hand', ?, ?, ?, ?, ?, ?, ?)",
            [gid, gid.upper(), chrom, tss - 10, tss + 10, strand, tss],
        )
        con.execute(
            "insert into ann_transcripts values ('hand', ?, ?, ?, ?, ?, ?, ?)",
            [f"NM_{gid}", gid, gid.upper(), chrom, tss - 10, tss + 10, strand],
        )
    rows = [(s, f"term {s}", g) for s, gs in SETS.items() for g in gs]
    con.register("sets_df", pd.DataFrame(rows, columns=["set_id", "set_name", "gene_id"]))
    con.execute("create temp table sets as select * from sets_df")
    con.register("r_df", pd.DataFrame(REGIONS, columns=["region_key", "chrom", "start", "stop"]))
    con.execute("create table regs as select * from r_df")
    return con


def _binom_sf(k: int, n: int, p: float) -> float:
    return sum(comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


def test_binomial_and_gene_hypergeometric_by_hand():
    con = _con()
    res = great(con, "select * from regs", "hand", "sets", SIZES, min_size=1)
    b = res[res.method == "great_binomial"].set_index("set_id")
    frac = {
        "T1": 495_000 / GENOME,
        "T2": 1_000_000 / GENOME,  # union of [0, 495,000) and [101,001, 1,000,000)
        "T3": 600_000 / GENOME,
        "T4": (1_000_000 - 101_001 + 500_000) / GENOME,
    }
    hits = {"T1": 2, "T2": 3, "T3": 1, "T4": 3}  # regions 1,2 / 1,2,3 / 4 / 2,3,4
    for t, f in frac.items():
        assert b.loc[t, "genome_fraction"] == pytest.approx(f, rel=1e-12)
        assert b.loc[t, "k"] == hits[t] and b.loc[t, "n_query"] == 4
        assert b.loc[t, "pvalue"] == pytest.approx(_binom_sf(hits[t], 4, f), rel=1e-12)
        assert b.loc[t, "fold"] == pytest.approx(hits[t] / (4 * f), rel=1e-12)
    # Genes: N = 4 annotated genes with a domain, n = 3 hit (g1, g2, g3).
    h = res[res.method == "great_hypergeometric"].set_index("set_id")
    assert (h.universe_size == 4).all() and (h.n_query == 3).all()
    assert h.loc["T1", "pvalue"] == pytest.approx(comb(1, 1) * comb(3, 2) / comb(4, 3))
    assert h.loc["T2", "pvalue"] == pytest.approx(comb(2, 2) * comb(2, 1) / comb(4, 3))
    assert h.loc["T3", "pvalue"] == pytest.approx(1.0)  # 1 of 2 hit: P(X >= 1) = 1
    assert h.loc["T2", "genes"] in ("g1/g2", "g2/g1")
    assert h.loc["T2", "fold"] == pytest.approx(2 / (3 * 2 / 4))


def test_region_background_hypergeometric_by_hand():
    con = _con()
    con.execute("insert into regs values (6, 'chr3', 70000, 70010)")
    res = great(
        con,
        "select * from regs where region_key in (1, 2)",
        "hand",
        "sets",
        SIZES,
        background_sql="select * from regs",
        min_size=1,
    )
    r = res.set_index("set_id")
    assert set(res.method) == {"great_regions_hypergeometric"}
    # Background N = 5 regions on assembled chromosomes; T1 holds K = 2 of them, both foreground.
    assert r.loc["T1", "universe_size"] == 5 and r.loc["T1", "n_query"] == 2
    assert r.loc["T1", "pvalue"] == pytest.approx(comb(2, 2) * comb(3, 0) / comb(5, 2))
    # T4 (g2, g3): background regions 2, 3, 4 (K = 3); foreground hit: region 2 only.
    assert r.loc["T4", "k"] == 1
    assert r.loc["T4", "pvalue"] == pytest.approx(1 - comb(3, 0) * comb(2, 2) / comb(5, 2))


def test_bad_region_input_is_one_clear_error():
    con = _con()
    with pytest.raises(InputError, match="A-enriched: no region on the genome"):
        great(
            con,
            "select * from regs where chrom = 'chrUn_x'",
            "hand",
            "sets",
            SIZES,
            label="A-enriched",
        )
    with pytest.raises(InputError, match="1 regions are not in the background"):
        great(
            con,
            "select * from regs",
            "hand",
            "sets",
            SIZES,
            background_sql="select * from regs where region_key > 1",
            min_size=1,
        )


def test_embedded_chromosome_sizes():
    hg38 = chrom_sizes("hg38")
    assert hg38["chr1"] == 248_956_422 and "chrM" not in hg38 and len(hg38) == 24
    with pytest.raises(InputError, match="no chromosome sizes for genome 'xx'"):
        chrom_sizes("xx")


def test_term_coverage_is_the_union_of_domains_by_brute_force():
    """``genome_bp``: nested, touching, overlapping, duplicate and disjoint domains."""
    import random

    from chromdiff.enrichment.great import _term_table

    rng = random.Random(7)
    dom = []
    for i in range(60):
        start = rng.randrange(0, 400)
        dom.append((f"g{i}", rng.choice(["chr1", "chr2"]), start, start + rng.randrange(1, 120)))
    dom += [("g60", "chr1", 10, 20), ("g61", "chr1", 20, 30), ("g62", "chr1", 12, 15)]
    dom += [("g63", "chr1", 10, 20)]  # a second domain of a gene, equal to g60's
    sets = [(f"T{j}", f"term {j}", f"g{g}") for j in range(25) for g in rng.sample(range(64), 6)]
    sets += [("N", "nested", g) for g in ("g60", "g61", "g62", "g63")]
    con = duckdb.connect()
    con.register("dom_df", pd.DataFrame(dom, columns=["gene_id", "chrom", "start", "stop"]))
    con.execute("create temp table _cd_dom as select * from dom_df")
    con.register("sets_df", pd.DataFrame(sets, columns=["set_id", "set_name", "gene_id"]))
    con.execute("create temp table sets as select * from sets_df")
    _term_table(con, "sets", 1, None)
    got = dict(con.execute("select set_id, genome_bp from _cd_terms").fetchall())
    for set_id in {s for s, _, _ in sets}:
        genes = {g for s, _, g in sets if s == set_id}
        covered = {(c, x) for g, c, a, b in dom if g in genes for x in range(a, b)}
        assert got[set_id] == len(covered), set_id
    assert got["N"] == 20
