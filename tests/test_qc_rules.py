"""QC views other than the sex-chromosome confound: one clean case and one planted defect per rule,
at and just past each threshold (chipatlas_api.md §8)."""

from __future__ import annotations

import json

import pytest

from chromdiff.warehouse.db import apply_schema, connect
from tests.warehouse_rows import add_comparison, add_regions, background, findings


@pytest.fixture
def db():
    with connect() as c:
        apply_schema(c)
        yield c


def region(chrom, start, size=500, *, sig=False, lfc=2.0, a=50.0, b=50.0):
    return {
        "chrom": chrom,
        "start": start,
        "stop": start + size,
        "logfc": lfc,
        "qvalue": 0.001 if sig else 0.5,
        "a": a,
        "b": b,
    }


def test_clean_comparison_has_no_findings(db):
    add_comparison(db)
    add_regions(db, "cmp1", background(80))
    assert db.execute("select count(*) from qc_findings").fetchall()[0][0] == 0


# --- non-standard contigs ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("genome", "chrom", "fires"),
    [
        ("hg38", "chrUn_KI270742v1", True),
        ("hg38", "chr1_KI270706v1_random", True),
        ("hg38", "chrEBV", True),
        ("hg38", "chrM", False),
        ("hg38", "chr22", False),
        ("mm10", "chr20", True),
        ("mm10", "chr19", False),
        ("dm6", "chr2L", False),
        ("dm6", "chrU", True),
        ("unknowngenome", "chr22", False),
        ("unknowngenome", "chr2L", True),
    ],
)
def test_nonstandard_contigs(db, genome, chrom, fires):
    add_comparison(db, genome=genome)
    add_regions(db, "cmp1", [*background(8, chrom="chrX"), region(chrom, 100, sig=True)])
    rows = findings(db, "qc_nonstandard_contigs")
    assert bool(rows) is fires
    if fires:
        ev = json.loads(rows[0][3])
        assert (rows[0][1], ev["n"], ev["n_contigs"], ev["n_significant"]) == ("minor", 1, 1, 1)


# --- tiny regions -----------------------------------------------------------------------------
@pytest.mark.parametrize(("size", "fires"), [(9, True), (10, False), (0, True)])
def test_tiny_regions_at_threshold(db, size, fires):
    add_comparison(db)
    add_regions(db, "cmp1", [*background(8), region("chr2", 100, size)])
    rows = findings(db, "qc_tiny_regions")
    assert bool(rows) is fires
    if fires:
        assert json.loads(rows[0][3])["min_size"] == size


def test_tiny_threshold_is_a_parameter(db):
    add_comparison(db, min_region_bp=20)
    add_regions(db, "cmp1", [region("chr2", 100, 19), region("chr2", 1000, 20)])
    (row,) = findings(db, "qc_tiny_regions")
    assert json.loads(row[3])["n"] == 1


# --- chrM -------------------------------------------------------------------------------------
def chrm(n, n_sig, size=500):
    return [region("chrM", 100 + 1000 * i, size, sig=i < n_sig) for i in range(n)]


@pytest.mark.parametrize(
    ("n_bg", "n", "n_sig", "expected"),
    [
        (40, 3, 1, "minor"),
        (40, 2, 1, None),
        (40, 3, 0, None),  # chrm_min_regions 3, >= 1 sig
        (400, 5, 5, "major"),
        (400, 5, 4, "minor"),  # chrm_major_n 5 (4/104 < 10 %)
        (72, 3, 2, "major"),
        (76, 3, 2, "minor"),
    ],  # 2 of 20 = 10 % (major), 2 of 21 (minor)
)
def test_chrm_enrichment(db, n_bg, n, n_sig, expected):
    add_comparison(db)
    add_regions(db, "cmp1", background(n_bg) + chrm(n, n_sig))
    rows = findings(db, "qc_chrm")
    assert [r[1] for r in rows] == ([expected] if expected else [])


def test_chrm_skipped_for_dmr(db):
    add_comparison(db, analysis="dmr")
    rows = [dict(r, meth_diff=0.3) for r in chrm(6, 6, size=15)]
    add_regions(db, "cmp1", rows)
    assert findings(db, "qc_chrm") == [] and findings(db, "qc_chrm_tiny") == []
    assert findings(db, "qc_small_median") == []


def test_cluster_check_is_not_run_for_dmr(db):
    """Ten A-hyper DMRs within 1 Mb read "May be a copy-number amplification": a copy-number
    change does not move a methylation level, and metilene splits blocks into neighbours."""
    add_comparison(db, analysis="dmr")
    add_regions(db, "cmp1", [dict(r, meth_diff=0.4) for r in cluster(10, 1_000_000)])
    assert findings(db, "qc_clusters") == []


def test_chrm_counts_only_filtered_rows(db):
    add_comparison(db)
    # 2 real chrM regions + 1 under 10 bp: below chrm_min_regions once the tiny one is filtered
    add_regions(db, "cmp1", background(40) + chrm(2, 1) + [region("chrM", 9000, 5, sig=True)])
    assert findings(db, "qc_chrm") == []


@pytest.mark.parametrize(("size", "fires"), [(19, True), (20, False), (10, True)])
def test_chrm_tiny_doubly_suspect(db, size, fires):
    add_comparison(db)
    add_regions(db, "cmp1", background(40) + chrm(3, 1, size=size))
    rows = findings(db, "qc_chrm_tiny")
    assert bool(rows) is fires
    if fires:
        assert rows[0][1] == "major" and json.loads(rows[0][3])["min_size"] == size


# --- genomic clusters -------------------------------------------------------------------------
def cluster(n, span, chrom="chr8", *, b=50.0):
    step = span // (n - 1)
    starts = [10_000_000 + step * i for i in range(n - 1)] + [10_000_000 + span]
    return [region(chrom, s, 400, sig=True, a=60.0, b=b) for s in starts]


@pytest.mark.parametrize(
    ("n", "span", "fires"),
    [(10, 2_000_000, True), (10, 2_000_001, False), (9, 100_000, False), (11, 2_000_001, True)],
)
def test_cluster_window_and_count(db, n, span, fires):
    add_comparison(db)
    add_regions(db, "cmp1", background(40) + cluster(n, span))
    rows = findings(db, "qc_clusters")
    assert bool(rows) is fires
    if fires:
        ev = json.loads(rows[0][3])
        assert ev["chrom"] == "chr8" and ev["n"] == 10 and rows[0][1] == "minor"


def test_cluster_location_reads_as_a_genome_browser_locus(db):
    """1-based start, as every report location (a BED start 10,000,000 is base 10,000,001)."""
    add_comparison(db)
    add_regions(db, "cmp1", cluster(10, 1_000_000))
    (row,) = findings(db, "qc_clusters")
    assert " at chr8:10,000,001-11,000,400; " in row[2]


def test_cluster_needs_cluster_min_significant_overall(db):
    add_comparison(db)
    add_regions(db, "cmp1", cluster(10, 1_000_000))  # exactly 10 overall: fires
    assert len(findings(db, "qc_clusters")) == 1
    with connect() as c:
        apply_schema(c)
        add_comparison(c, cluster_min=11)
        add_regions(c, "cmp1", cluster(10, 1_000_000))
        assert findings(c, "qc_clusters") == []


@pytest.mark.parametrize(("b", "near_zero"), [(0.99, True), (1.0, False)])
def test_cluster_near_zero_note(db, b, near_zero):
    add_comparison(db)
    add_regions(db, "cmp1", cluster(10, 1_000_000, b=b))
    (row,) = findings(db, "qc_clusters")
    assert ("near-zero counts" in row[2]) is near_zero


# --- MA asymmetry -----------------------------------------------------------------------------
def ma_rows(n_a, mean_a, n_b, mean_b):
    rows = [
        region("chr3", 1_000_000 * i, sig=True, lfc=1.5, a=mean_a, b=mean_a) for i in range(n_a)
    ]
    rows += [
        region("chr4", 1_000_000 * i, sig=True, lfc=-1.5, a=mean_b, b=mean_b) for i in range(n_b)
    ]
    return rows


@pytest.mark.parametrize(
    ("n_a", "mean_a", "n_b", "mean_b", "lower"),
    [
        (3, 32.0, 3, 16.0, "B"),  # medians 5 vs 4: difference exactly 1.0
        (3, 32.0, 3, 2**4.01, None),  # 0.99
        (3, 32.0, 2, 1.0, None),  # only 2 B-enriched hits
        (2, 32.0, 3, 1.0, None),  # only 2 A-enriched hits
        (3, 0.01, 3, 1.0, "A"),  # A floored at log2(0.1) = -3.32, B at 0
    ],
)
def test_ma_asymmetry(db, n_a, mean_a, n_b, mean_b, lower):
    add_comparison(db)
    add_regions(db, "cmp1", ma_rows(n_a, mean_a, n_b, mean_b))
    rows = findings(db, "qc_ma_asymmetry")
    assert len(rows) == (1 if lower else 0)
    if lower:
        assert f"(group {lower} significant hits at low counts)" in rows[0][2]


def test_ma_asymmetry_text_has_no_negative_zero(db):
    add_comparison(db)
    add_regions(db, "cmp1", ma_rows(3, 0.997, 3, 4.0))  # log2(0.997) = -0.0043: rounds to 0
    detail = findings(db, "qc_ma_asymmetry")[0][2]
    assert "median log2 mean count 0.0 for A-enriched vs 2.0 for B-enriched" in detail, detail


def test_ma_floor_is_applied(db):
    add_comparison(db, ma_floor=0.5)
    add_regions(db, "cmp1", ma_rows(3, 0.01, 3, 0.9))  # log2(0.5) = -1 vs log2(0.9) = -0.15
    assert findings(db, "qc_ma_asymmetry") == []


# --- small median size ------------------------------------------------------------------------
@pytest.mark.parametrize(("n", "size", "fires"), [(5, 99, True), (5, 100, False), (4, 50, False)])
def test_small_median(db, n, size, fires):
    add_comparison(db)
    add_regions(db, "cmp1", [region("chr5", 10_000 * i, size, sig=True) for i in range(n)])
    rows = findings(db, "qc_small_median")
    assert bool(rows) is fires
    if fires:
        assert f"median {size}bp" in rows[0][2]


# --- sample size ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("n_a", "n_b", "expected"),
    [(3, 3, "major"), (4, 4, "minor"), (5, 5, None), (1, 8, "major"), (8, 4, "minor")],
)
def test_sample_size(db, n_a, n_b, expected):
    add_comparison(db, n_a=n_a, n_b=n_b)
    rows = findings(db, "qc_sample_size")
    assert [r[1] for r in rows] == ([expected] if expected else [])
    if expected:
        assert f"(n={n_a} vs n={n_b})" in rows[0][2]


def test_qc_findings_union_shape(db):
    add_comparison(db, n_a=3, n_b=3)
    add_regions(db, "cmp1", [*background(40), region("chrUn_x", 5, 5)])
    cols = [d[0] for d in db.execute("select * from qc_findings limit 0").description]
    assert cols[:5] == ["comparison_id", "check_name", "severity", "detail", "evidence"]
    got = db.execute("select check_name from qc_findings order by check_order").fetchall()
    assert [g[0] for g in got] == ["nonstandard_contigs", "tiny_regions", "sample_size"]


# --- verdicts (issue 19, item 10) -----------------------------------------------------------
def _verdict(db, cid="cmp1"):
    return db.execute(
        "select verdict, n_findings, reason from qc_verdict where comparison_id = ?", [cid]
    ).fetchone()


@pytest.mark.parametrize(
    "name",
    ["official_hg_diffbind", "official_mm_diffbind", "official_hg_dmr", "tp53_molm13_vs_k562"],
)
def test_chipatlas_example_designs_are_not_failed_for_their_size(db, name):
    """n <= 3 per group is a limit of the design (warn), not a defect of the data (fail)."""
    from chromdiff.design.examples import get_example

    ex = get_example(name)
    add_comparison(db, analysis=ex.analysis, n_a=len(ex.ids_a), n_b=len(ex.ids_b))
    add_regions(db, "cmp1", background(40))
    verdict, n, reason = _verdict(db)
    assert (verdict, n) == ("warn", 1)
    if min(len(ex.ids_a), len(ex.ids_b)) <= 3:
        assert reason.startswith("usable with caution: the design has very few experiments")


def test_a_major_data_finding_fails_and_nothing_passes(db):
    from tests.test_qc_sex import sex_rows

    add_comparison(db, "clean")
    add_regions(db, "clean", background(40))
    add_comparison(db, "confound", n_a=3, n_b=3)
    add_regions(db, "confound", [*background(40), *sex_rows("chrY", 5, 0)])
    assert _verdict(db, "clean") == ("pass", 0, "no QC findings")
    verdict, n, reason = _verdict(db, "confound")
    assert (verdict, n) == ("fail", 2)
    assert reason.startswith("major finding about the data (sex_chrom_confound")


@pytest.mark.parametrize(
    ("analysis", "says", "never", "q"),
    [
        ("diffbind", "edgeR's dispersion", "metilene", "approximate"),
        # metilene's tests pool CpG x experiment values (metseg.c mannwhitney(la[0], l*noA, ...)):
        # few experiments overstate the evidence, they do not coarsen it
        ("dmr", "every CpG of every experiment as an observation", "edgeR", "optimistic"),
    ],
)
def test_sample_size_is_worded_for_the_method(db, analysis, says, never, q):
    add_comparison(db, analysis=analysis, n_a=2, n_b=2)
    ((_, severity, detail, _),) = findings(db, "qc_sample_size")
    assert severity == "major" and says in detail and never not in detail
    assert f"treat q-values as {q}" in detail


# --- empty result -----------------------------------------------------------------------------
@pytest.mark.parametrize(("analysis", "words"), [("dmr", "metilene found no DMRs, or failed"),
                                                 ("diffbind", "Nothing was compared")])  # fmt: skip
def test_empty_result_is_a_major_finding(db, analysis, words):
    """An empty result can mean metilene failed silently on the server (docs/chipatlas.md)."""
    add_comparison(db, analysis=analysis)
    add_comparison(db, "full", analysis=analysis)
    add_regions(db, "full", background(8))
    ((check, severity, detail, _),) = findings(db, "qc_empty_result")
    assert (check, severity) == ("empty_result", "major") and words in detail
    assert findings(db, "qc_empty_result", "full") == []
    verdict = db.execute("select verdict from qc_verdict where comparison_id = 'cmp1'").fetchone()
    assert verdict == ("fail",)


def test_verdict_reason_names_each_cause_under_its_own_heading_once(db):
    """The reason listed every finding under the heading of the worst one: a minor cluster read
    "the design has very few experiments per group (genomic_cluster, sample_size)", and 25
    cluster findings were 25 names. Now each kind once, counted, under its heading."""
    from tests.test_qc_sex import sex_rows

    clusters = [r for c in ("chr2", "chr3", "chr8") for r in cluster(10, 1_000_000, chrom=c)]
    add_comparison(db, "design", n_a=3, n_b=3)
    add_regions(db, "design", background(40) + clusters)
    add_comparison(db, "data", n_a=3, n_b=3)
    add_regions(db, "data", background(40) + clusters + sex_rows("chrY", 5, 0))
    got = db.execute(
        "select comparison_id, check_name, severity from qc_findings order by all"
    ).fetchall()
    design = [("design", "genomic_cluster", "minor")] * 3 + [("design", "sample_size", "major")]
    assert [g for g in got if g[0] == "design"] == design
    data = {(c, s) for cid, c, s in got if cid == "data"} - {("genomic_cluster", "minor"),
                                                             ("sample_size", "major")}  # fmt: skip
    assert {s for _, s in data} == {"major"}
    names = ", ".join(sorted(c for c, _ in data))  # sex_chrom_confound(_significant): check order
    assert _verdict(db, "design") == ("warn", 4, (
        "usable with caution: the design has very few experiments per group (sample_size); "
        "minor findings (genomic_cluster ×3)"))  # fmt: skip
    assert _verdict(db, "data") == ("fail", 4 + len(data), (
        f"major finding about the data ({names}): see the report before use; also the "
        "design: very few experiments per group (sample_size); minor findings "
        "(genomic_cluster ×3)"))  # fmt: skip
