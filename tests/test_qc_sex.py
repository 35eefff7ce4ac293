"""Sex-chromosome confound QC views (chipatlas_api.md §8 checks 1-2), at and past thresholds."""

from __future__ import annotations

import json

import pytest

from chromdiff.warehouse.db import apply_schema, connect
from tests.warehouse_rows import add_comparison, add_regions, background, findings


@pytest.fixture
def con():
    with connect() as c:
        apply_schema(c)
        add_comparison(c)
        add_regions(c, "cmp1", background())
        yield c


def sex_rows(chrom, n_a, n_b, *, sig=False, a=100.0, b=5.0, offset=0):
    """``n_a`` A-enriched and ``n_b`` B-enriched regions on ``chrom`` with group means a, b."""
    q = 0.001 if sig else 0.5
    rows = []
    for i in range(n_a + n_b):
        s = 10_000_000 * i + 1000 + offset
        lfc = 2.0 if i < n_a else -2.0
        rows.append(
            {"chrom": chrom, "start": s, "stop": s + 500, "logfc": lfc, "qvalue": q, "a": a, "b": b}
        )
    return rows


def test_clean_case_has_no_sex_finding(con):
    add_regions(con, "cmp1", sex_rows("chrX", 5, 5, a=50, b=50))
    assert findings(con, "qc_sex_chrom_all") == []
    assert findings(con, "qc_sex_chrom_sig") == []


@pytest.mark.parametrize(
    ("n_a", "n_b", "fires"),
    [
        (3, 0, True),
        (2, 0, False),  # sex_min_all = 3
        (4, 1, True),
        (7, 2, False),
    ],  # dominant fraction 0.80 (>=) vs 7/9 = 0.78
)
def test_all_regions_count_and_fraction(con, n_a, n_b, fires):
    add_regions(con, "cmp1", sex_rows("chrY", n_a, n_b))
    rows = findings(con, "qc_sex_chrom_all")
    assert bool(rows) is fires
    if fires:
        check, severity, detail, evidence = rows[0]
        assert (check, severity) == ("sex_chrom_confound", "major")
        assert detail.startswith("chrY sex chromosome confound")
        assert json.loads(evidence)["enriched"] == "A"


@pytest.mark.parametrize(("b", "fires"), [(9.99, True), (10.0, False)])  # ratio < 0.10 (strict)
def test_all_regions_depletion_ratio(con, b, fires):
    add_regions(con, "cmp1", sex_rows("chrX", 4, 0, a=100.0, b=b))
    assert bool(findings(con, "qc_sex_chrom_all")) is fires


def test_tie_goes_to_b_and_threshold_is_read_from_params():
    with connect() as c:
        apply_schema(c)
        add_comparison(c, sex_all_frac=0.5)
        add_regions(c, "cmp1", sex_rows("chrY", 2, 2, a=5.0, b=100.0))
        (row,) = findings(c, "qc_sex_chrom_all")
        assert json.loads(row[3])["enriched"] == "B"


@pytest.mark.parametrize(
    ("n_a", "n_b", "fires"),
    [
        (2, 0, True),
        (1, 0, False),  # sex_min_sig = 2
        (67, 33, True),
        (2, 1, False),
    ],  # 0.67 exactly fires; 2/3 = 0.6667 < 0.67 does not
)
def test_significant_regions_count_and_fraction(con, n_a, n_b, fires):
    add_regions(con, "cmp1", sex_rows("chrY", n_a, n_b, sig=True))
    assert bool(findings(con, "qc_sex_chrom_sig")) is fires


def test_significant_uses_dominant_rows_only_and_dedups_all(con):
    # 3 significant A rows depleted in B; 1 significant B row with a high B count.
    rows = sex_rows("chrY", 3, 0, sig=True, a=100.0, b=1.0)
    rows += sex_rows("chrY", 0, 1, sig=True, a=100.0, b=50.0, offset=5)
    add_regions(con, "cmp1", rows)
    (sig,) = findings(con, "qc_sex_chrom_sig")
    # over the 3 dominant rows only: 1/100 (all 4 significant rows would give 13.25/100)
    assert json.loads(sig[3])["depletion_ratio"] == pytest.approx(0.01)
    assert findings(con, "qc_sex_chrom_all") == []  # 3/4 = 0.75 < 0.80
    # six more A rows: all-scope 9/10 and ratio (9 + 50)/10/100 = 0.059 < 0.1 -> fires
    add_regions(con, "cmp1", sex_rows("chrY", 6, 0, a=100.0, b=1.0, offset=7))
    stats = con.execute(
        "select scope, fires from sex_chrom_stats where chrom = 'chrY' order by scope"
    ).fetchall()
    assert stats == [("all", True), ("significant", True)]
    assert findings(con, "qc_sex_chrom_all") == []  # dropped: the significant finding wins
    checks = [r[0] for r in con.execute("select check_name from qc_findings").fetchall()]
    assert checks.count("sex_chrom_confound_significant") == 1


def test_sex_check_ignores_filtered_rows(con):
    # three chrY rows under 10 bp are excluded from the analysis set, so no confound
    rows = [
        {"chrom": "chrY", "start": 100 * i, "stop": 100 * i + 9, "logfc": 2.0, "a": 100, "b": 1}
        for i in range(3)
    ]
    add_regions(con, "cmp1", rows)
    assert findings(con, "qc_sex_chrom_all") == []


@pytest.mark.parametrize(("genome", "fires"), [("sacCer3", False), ("ce11", True), ("dm6", True)])
def test_yeast_chrX_is_not_a_sex_chromosome(genome, fires):
    """sacCer3's chromosomes are chrI-chrXVI (chipatlas_api.md §7.4): its chrX is chromosome
    10, and yeast has no sex chromosomes; worm (XX/XO) and fly (XY) chrX are."""
    with connect() as c:
        apply_schema(c)
        add_comparison(c, genome=genome)
        add_regions(c, "cmp1", sex_rows("chrX", 4, 0, sig=True))
        got = findings(c, "qc_sex_chrom_all") + findings(c, "qc_sex_chrom_sig")
    assert bool(got) is fires


@pytest.mark.parametrize(
    ("genome", "given", "order"),
    [  # chipatlas_api.md §7.4 sets; yeast's chrX is chromosome 10, worm's the sex chromosome
        ("sacCer3", ["chrXVI", "chrX", "chrII", "chrI", "chrIV", "chrIX", "chrM"],
         ["chrI", "chrII", "chrIV", "chrIX", "chrX", "chrXVI", "chrM"]),
        ("ce11", ["chrX", "chrV", "chrI", "chrII", "chrM"],
         ["chrI", "chrII", "chrV", "chrX", "chrM"]),
        ("dm6", ["chrX", "chr3R", "chr2L", "chr2R", "chr3L", "chr4", "chrY"],
         ["chr2L", "chr2R", "chr3L", "chr3R", "chr4", "chrX", "chrY"]),
        ("hg38", ["chrX", "chr10", "chr2", "chr1", "chrY", "chrM"],
         ["chr1", "chr2", "chr10", "chrX", "chrY", "chrM"]),
    ],
)  # fmt: skip
def test_chromosome_chart_order_is_each_genomes_own(genome, given, order):
    """The chart put yeast's and worm's chrX before chrI and fly's X before 2L."""
    with connect() as c:
        apply_schema(c)
        add_comparison(c, genome=genome)
        rows = [{"chrom": ch, "start": 1000 * i, "stop": 1000 * i + 500, "logfc": 2.0,
                 "qvalue": 0.001} for i, ch in enumerate(given)]  # fmt: skip
        add_regions(c, "cmp1", rows)
        got = c.execute("select chrom from rpt_chrom_distribution order by chrom_order").fetchall()
    assert [r[0] for r in got] == order


@pytest.mark.parametrize("min_abs_logfc", [0.0, 3.0])
def test_an_effect_cutoff_does_not_make_the_significant_check_fire(min_abs_logfc):
    """|log2FC| >= c keeps rows whose depleted/enriched ratio is <= ~2^-c by construction: with
    c = 3 the two strongest chrY hits (ratio 0.083) fired the check although chrY's q-significant
    rows split 7 A vs 5 B with no depletion. The check reads the q-value rule only (§8 check 2)."""
    with connect() as c:
        apply_schema(c)
        add_comparison(c, min_abs_logfc=min_abs_logfc)
        rows = [{"chrom": "chrY", "start": 1_000_000 * i, "stop": 1_000_000 * i + 500,
                 "logfc": 1.0 if i < 5 else -1.0, "qvalue": 0.001, "a": 100.0 if i < 5 else 50.0,
                 "b": 50.0 if i < 5 else 100.0} for i in range(10)]  # fmt: skip
        rows += [{"chrom": "chrY", "start": 20_000_000 + 1_000_000 * i,
                  "stop": 20_000_000 + 1_000_000 * i + 500, "logfc": 3.6, "qvalue": 0.001,
                  "a": 174.6, "b": 14.4} for i in range(2)]  # fmt: skip
        add_regions(c, "cmp1", rows)
        assert findings(c, "qc_sex_chrom_sig") == []
        stats = c.execute(
            "select n, n_a, n_b from sex_chrom_stats where chrom = 'chrY' and scope = 'significant'"
        ).fetchall()
        assert stats == [(12, 7, 5)]
        sig = c.execute("select count(*) from regions_significant where chrom = 'chrY'").fetchall()
        assert sig == [(2 if min_abs_logfc else 12,)]  # the cutoff still rules significance
