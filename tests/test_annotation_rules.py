"""Hand-built cases for every feature category and boundary (expected values computed by hand).

Toy annotation on chr1 (0-based half-open):
G1 + tx [10000,20000) exons [10000,11000) [15000,16000) [19000,20000), TSS 10000,
   5'UTR [10000,10200), 3'UTR [19500,20000);
G2 - tx [50000,60000) exons [50000,51000) [55000,55500) [59000,60000), TSS 59999;
G3 + tx [70000,80000) exons [70000,71000) [79000,80000), TSS 70000.
"""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chromdiff.annotation import annotate_regions, link_great, link_within_distance
from chromdiff.warehouse.db import apply_schema
from tests.logcheck import logs_warning

AID = "hand"
GENES = [
    ("G1", "+", 10000, 20000, [(10000, 11000), (15000, 16000), (19000, 20000)]),
    ("G2", "-", 50000, 60000, [(50000, 51000), (55000, 55500), (59000, 60000)]),
    ("G3", "+", 70000, 80000, [(70000, 71000), (79000, 80000)]),
]


def make_con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    apply_schema(con)
    for gid, strand, s, e, exons in GENES:
        tss = s if strand == "+" else e - 1
        con.execute(
            "insert into ann_genes values (?, ?, ?, 'chr1', ?, ?, ?, ?)",
            [AID, gid, gid + "SYM", s, e, strand, tss],
        )
        con.execute(
            "insert into ann_transcripts values (?, ?, ?, ?, 'chr1', ?, ?, ?)",
            [AID, "T" + gid[1], gid, gid + "SYM", s, e, strand],
        )
        for a, b in exons:
            con.execute(
                "insert into ann_exons values (?, ?, 'chr1', ?, ?, ?)", [AID, gid, a, b, strand]
            )
    con.execute(
        "insert into ann_utrs values (?, 'T1', 'G1', 'chr1', 10000, 10200, '+', '5UTR')", [AID]
    )
    con.execute(
        "insert into ann_utrs values (?, 'T1', 'G1', 'chr1', 19500, 20000, '+', '3UTR')", [AID]
    )
    return con


@pytest.fixture(scope="module")
def con():
    return make_con()


def annotate(con, regions, **opts):
    con.execute(
        "create or replace table rr (region_key bigint, chrom varchar, start bigint, stop bigint)"
    )
    con.executemany(
        "insert into rr values (?, ?, ?, ?)", [(i, c, s, e) for i, (c, s, e) in enumerate(regions)]
    )
    annotate_regions(con, "select * from rr", AID, "out", **opts)
    return con.execute(
        "select region_key, feature, annotation, gene_id, distance_to_tss, nearest_label "
        "from out order by region_key"
    ).fetchall()


CASES = [
    # (start, stop, feature, annotation, gene, distance, label)
    ((6900, 7001), "Promoter", "Promoter (2-3kb)", "G1", -3000, "G1SYM (-3.0kb)"),
    ((6900, 7000), "Distal Intergenic", "Distal Intergenic", "G1", -3001, "G1SYM (-3.0kb)"),
    ((13000, 13100), "Promoter", "Promoter (2-3kb)", "G1", 3000, "G1SYM"),
    ((13001, 13100), "Intron", "Intron (G1SYM/G1, intron 1 of 2)", "G1", 3001, "G1SYM"),
    ((9990, 10010), "Promoter", "Promoter (<=1kb)", "G1", 0, "G1SYM"),
    ((9000, 9150), "Promoter", "Promoter (<=1kb)", "G1", -851, "G1SYM (-851bp)"),
    ((62000, 62100), "Promoter", "Promoter (2-3kb)", "G2", -2001, "G2SYM (-2.0kb)"),
    ((62998, 63100), "Promoter", "Promoter (2-3kb)", "G2", -2999, "G2SYM (-3.0kb)"),
    ((63000, 63100), "Distal Intergenic", "Distal Intergenic", "G2", -3001, "G2SYM (-3.0kb)"),
    ((58000, 58100), "Promoter", "Promoter (1-2kb)", "G2", 1900, "G2SYM"),
    ((15100, 15200), "Exon", "Exon (G1SYM/G1, exon 2 of 3)", "G1", 5100, "G1SYM"),
    ((17000, 17100), "Intron", "Intron (G1SYM/G1, intron 2 of 2)", "G1", 7000, "G1SYM"),
    ((52000, 52100), "Intron", "Intron (G2SYM/G2, intron 2 of 2)", "G2", 7900, "G2SYM"),
    ((55100, 55200), "Exon", "Exon (G2SYM/G2, exon 2 of 3)", "G2", 4800, "G2SYM"),
    ((19600, 19700), "3' UTR", "3' UTR", "G1", 9600, "G1SYM"),
    ((21000, 21100), "Downstream", "Downstream (1-2kb)", "G1", 11000, None),
    ((20000, 20050), "Downstream", "Downstream (<1kb)", "G1", 10000, None),
    ((23000, 23100), "Distal Intergenic", "Distal Intergenic", "G1", 13000, None),
    ((49000, 49100), "Distal Intergenic", "Distal Intergenic", "G2", 10900, None),
    ((59500, 70500), "Promoter", "Promoter (<=1kb)", "G2", 0, "G2SYM"),
]


@pytest.mark.parametrize(("span", "feature", "annotation", "gene", "dist", "label"), CASES)
def test_hand_case(con, span, feature, annotation, gene, dist, label):
    [row] = annotate(con, [("chr1", *span)])
    assert row[1:] == (feature, annotation, gene, dist, label)


def test_five_prime_utr_when_promoter_window_narrow(con):
    [row] = annotate(con, [("chr1", 10150, 10180)], tss_region=(-100, 100))
    assert row[1:3] == ("5' UTR", "5' UTR")
    [row] = annotate(con, [("chr1", 10150, 10180)])
    assert row[2] == "Promoter (<=1kb)"


def test_priority_is_configurable(con):
    prio = ("Exon", "Intron", "5UTR", "3UTR", "Promoter", "Downstream", "Intergenic")
    [row] = annotate(con, [("chr1", 10150, 10180)], priority=prio)
    assert row[2] == "Exon (G1SYM/G1, exon 1 of 3)"


def test_downstream_quirk_and_corrected_rule(con):
    # Just 5' of G2's coordinates = 3' end of the minus-strand gene: ChIPseeker never sees it.
    [row] = annotate(con, [("chr1", 49000, 49100)])
    assert row[1] == "Distal Intergenic"
    [row] = annotate(con, [("chr1", 49000, 49100)], downstream="both")
    assert row[1:3] == ("Downstream", "Downstream (<1kb)")  # gap = 50001 - 49100 = 901


def test_chrom_names_reconciled_and_unknown_warned(con, caplog):
    with logs_warning(caplog, "1 of 2 regions are on chromosomes with no annotation"):
        rows = annotate(con, [("1", 9990, 10010), ("chr5", 100, 200)])
    assert rows[0][1] == "Promoter" and rows[1][1] is None


def test_links_within_distance_and_great(con):
    con.execute(
        "create or replace table rr (region_key bigint, chrom varchar, start bigint, stop bigint)"
    )
    con.execute("insert into rr values (1, 'chr1', 52000, 52100), (2, 'chr1', 29950, 30050)")
    link_within_distance(con, "select * from rr", AID, "w", max_distance=10000)
    assert con.execute("select region_key, gene_id, distance from w").fetchall() == [
        (1, "G2", 7900)
    ]
    link_great(con, "select * from rr", AID, "g")
    # domains: G1 [0,58999), G2 [11001,65000), G3 [65000,1071001); midpoint 30000 and 52050
    got = con.execute("select region_key, gene_id, distance from g order by 1, 2").fetchall()
    assert got == [(1, "G1", 42050), (1, "G2", 7949), (2, "G1", 20000), (2, "G2", 29999)]
    dom = con.execute("select gene_id, start, stop from _cd_great order by 1").fetchall()
    assert dom == [("G1", 0, 58999), ("G2", 11001, 65000), ("G3", 65000, 1071001)]


CATS = {"Promoter", "5' UTR", "3' UTR", "Exon", "Intron", "Downstream", "Distal Intergenic"}
regions = st.lists(
    st.tuples(st.integers(0, 90_000), st.integers(1, 15_000)).map(
        lambda t: ("chr1", t[0], t[0] + t[1])
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=30, deadline=None)
@given(regions, st.randoms())
def test_one_category_each_and_order_independent(rs, rnd):
    con = make_con()
    rows = annotate(con, rs)
    assert len(rows) == len(rs) and all(r[1] in CATS for r in rows)
    order = list(range(len(rs)))
    rnd.shuffle(order)
    con.execute("create or replace table rr2 as select * from rr order by hash(region_key)")
    annotate_regions(con, "select * from rr2", AID, "out2")
    again = con.execute(
        "select region_key, feature, annotation, gene_id, distance_to_tss, nearest_label "
        "from out2 order by region_key"
    ).fetchall()
    assert again == rows


def test_bad_regions_raise_one_line_errors(con):
    from chromdiff.errors import InputError

    with pytest.raises(InputError, match="region_key is not unique"):
        annotate_regions(
            con,
            "select 1 as region_key, 'chr1' as chrom, 5 as start, 9 as stop "
            "union all select 1, 'chr1', 20, 30",
            AID,
            "bad",
        )
    with pytest.raises(InputError, match="region_key 7: need a chrom and 0 <= start < stop"):
        annotate_regions(
            con, "select 7 as region_key, 'chr1' as chrom, 9 as start, 9 as stop", AID, "bad"
        )


def test_chrom_name_candidates():
    from chromdiff.annotation.chrnames import candidates

    assert candidates("chr1") == ["chr1", "1"]
    assert candidates("X") == ["X", "chrX"]
    assert candidates("MT")[:2] == ["MT", "chrM"] and "MT" in candidates("chrM")
