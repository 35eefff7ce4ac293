"""Integration views on a hand-built integration: categories, every score, per-gene, BETA RP.

Rows are inserted straight into the ``int_*`` tables, so the views are checked against values
computed by hand here (no reader or annotation involved).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from chromdiff.warehouse import db

# peak_id: (logfc, padj);  gene: (logfc, padj);  links: (peak, gene, distance)
PEAKS = {1: (2.0, 0.01), 2: (-3.0, 1e-4), 3: (1.5, 0.001), 4: (-2.0, 0.02), 5: (0.5, 0.5),
         6: (2.0, 0.0), 7: (0.2, 0.9)}  # fmt: skip
GENES = {"A": (3.0, 0.001), "B": (-2.0, 1e-6), "C": (-1.5, 0.01), "D": (2.0, 0.03),
         "E": (4.0, 0.2), "F": (1.2, 0.04)}  # fmt: skip
LINKS = [(1, "A", 500), (2, "B", -20_000), (3, "C", 150_000), (4, "D", 0), (5, "E", 1_000),
         (6, "F", 2_500), (7, "A", 100)]  # fmt: skip
EXPECTED_CATEGORY = {1: "Concordant up", 2: "Concordant down", 3: "Discordant open/down",
                     4: "Discordant closed/up", 5: "Other", 6: "Concordant up",
                     7: "Other"}  # fmt: skip
FEATURE = {1: "Promoter", 2: "Distal Intergenic", 3: "Intron", 4: "Promoter", 5: "Exon",
           6: "Promoter", 7: "Promoter"}  # fmt: skip


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = tmp_path_factory.mktemp("scores") / "h.duckdb"
    with db.writer(path) as c:
        c.execute(
            "insert into integrations (integration_id, title, genome, peaks_source, rna_source,"
            " link_rule, atac_lfc, atac_padj, rna_lfc, rna_padj, status) values ('h', 'hand',"
            " 'hg38', 'hand', 'hand', 'nearest', 1, 0.05, 1, 0.05, 'linked')"
        )
        for pid, (lfc, padj) in PEAKS.items():
            c.execute(
                "insert into int_peaks (integration_id, peak_id, chrom, start, stop, logfc, padj)"
                " values ('h', ?, 'chr1', ?, ?, ?, ?)",
                [pid, pid * 1000, pid * 1000 + 100, lfc, padj],
            )
            c.execute(
                "insert into int_peak_annotation (integration_id, peak_id, feature) "
                "values ('h', ?, ?)",
                [pid, FEATURE[pid]],
            )
        for i, (g, (lfc, padj)) in enumerate(GENES.items()):
            c.execute(
                "insert into int_genes (integration_id, row_id, input_id, logfc, padj, gene_id,"
                " gene_symbol) values ('h', ?, ?, ?, ?, ?, ?)",
                [i, g, lfc, padj, g, g],
            )
        c.executemany(
            "insert into int_links values ('h', ?, ?, ?, ?, 'nearest')",
            [(p, g, g, d) for p, g, d in LINKS],
        )
        # BETA links: gene A has peaks at 0 and 50 kb from its TSS, D one at 100 kb, C none
        c.executemany(
            "insert into int_rp_links values ('h', ?, ?, ?)",
            [(1, "A", 0), (6, "A", 50_000), (4, "D", 100_000), (2, "B", 10_000)],
        )
        yield c


def _neglog(p: float) -> float:
    return -math.log10(max(p, 1e-300))


def test_categories(con):
    got = dict(con.execute("select peak_id, category from integration_pairs").fetchall())
    assert got == EXPECTED_CATEGORY


def test_every_score_by_hand(con):
    rows = con.execute(
        "select peak_id, product_score, significance_score, weighted_score, distance_weight,"
        " distance_weighted_score, z_product from integration_scores order by peak_id"
    ).fetchall()
    x = np.array([PEAKS[p][0] for p, _, _ in sorted(LINKS)])
    y = np.array([GENES[g][0] for _, g, _ in sorted(LINKS)])
    zx = (x - x.mean()) / x.std(ddof=1)
    zy = (y - y.mean()) / y.std(ddof=1)
    for (pid, prod, sig, weighted, dw, dws, zprod), (_, gene, dist), zp in zip(
        rows, sorted(LINKS), zx * zy, strict=True
    ):
        a_lfc, a_p = PEAKS[pid]
        r_lfc, r_p = GENES[gene]
        assert prod == pytest.approx(a_lfc * r_lfc)
        assert sig == pytest.approx(_neglog(a_p) + _neglog(r_p))
        assert weighted == pytest.approx(a_lfc * r_lfc * (_neglog(a_p) + _neglog(r_p)))
        assert dw == pytest.approx(math.exp(-min(abs(dist), 100_000) / 10_000))
        assert dws == pytest.approx(weighted * dw)
        assert zprod == pytest.approx(zp)
    by_id = {r[0]: r for r in rows}
    assert by_id[1][2] == pytest.approx(5.0)  # -log10(0.01) - log10(0.001)
    assert by_id[1][4] == pytest.approx(math.exp(-0.05))  # 500 bp
    assert by_id[3][4] == pytest.approx(math.exp(-10))  # 150 kb capped at 100 kb
    assert by_id[6][2] == pytest.approx(300 + _neglog(0.04))  # padj = 0 floored at 1e-300
    assert by_id[4][4] == 1.0  # distance 0


def test_per_gene_counts_each_gene_once(con):
    rows = con.execute(
        "select gene_id, n_peaks, n_significant_peaks, lead_peak_id, category "
        "from integration_genes order by gene_id"
    ).fetchall()
    assert rows[0] == ("A", 2, 1, 1, "Concordant up")  # peak 7 ('Other') is not the lead
    summary = {
        r[0]: r[1:]
        for r in con.execute(
            "select category, n_pairs, n_peaks, n_genes from integration_category_summary"
        ).fetchall()
    }
    assert summary == {
        "Concordant up": (2, 2, 2),
        "Concordant down": (1, 1, 1),
        "Discordant open/down": (1, 1, 1),
        "Discordant closed/up": (1, 1, 1),
        "Other": (2, 2, 1),  # pairs 5 and 7, but only gene E has 'Other' as its lead
    }


def test_feature_summary(con):
    rows = con.execute(
        "select feature, category, n_pairs, fraction_of_feature from integration_feature_summary"
        " where feature = 'Promoter' order by category"
    ).fetchall()
    assert rows == [
        ("Promoter", "Concordant up", 2, pytest.approx(0.5)),
        ("Promoter", "Discordant closed/up", 1, pytest.approx(0.25)),
        ("Promoter", "Other", 1, pytest.approx(0.25)),
    ]


def test_beta_regulatory_potential(con):
    rp = dict(con.execute("select gene_id, rp from integration_rp").fetchall())
    assert rp["A"] == pytest.approx(math.exp(-0.5) + math.exp(-(0.5 + 4 * 0.5)))
    assert rp["D"] == pytest.approx(math.exp(-4.5))  # 100 kb: e^-4.5 ≈ 0.011
    assert rp["B"] == pytest.approx(math.exp(-(0.5 + 0.4)))
    assert rp["C"] == 0 and rp["E"] == 0
    classes = dict(con.execute("select gene_id, de_class from integration_rp").fetchall())
    assert classes == {"A": "up", "B": "down", "C": "down", "D": "up", "E": "notdiff",
                       "F": "up"}  # fmt: skip


def test_rank_product(con):
    rows = con.execute(
        "select direction, gene_id, r_binding, r_expr, rank_product, target_rank "
        "from integration_targets order by direction, target_rank"
    ).fetchall()
    n = 6  # genes in integration_rp
    # rp ranks: A 1, B 2, D 3; logFC desc: E 1, A 2, D 3, F 4; logFC asc: B 1, C 2
    assert rows == [
        ("down", "B", 2, 1, pytest.approx((2 / n) * (1 / n)), 1),
        ("up", "A", 1, 2, pytest.approx((1 / n) * (2 / n)), 1),
        ("up", "D", 3, 3, pytest.approx((3 / n) * (3 / n)), 2),
    ]
