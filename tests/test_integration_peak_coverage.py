"""Every peak of an integration is accounted for: in a pair, or counted in a note.

The usual ChIPseeker + merge recipe drops a peak silently when its nearest transcript has no
gene or its gene is not in the DE table. On the real matched AR pair (tests/data/README.md:
BETA's test data, LNCaP AR ChIP-seq peaks 3656_peaks.bed and the limma table of DHT vs
vehicle, hg19) a quarter of the peaks are such: here each is counted in ``int_input_notes``.
"""

from __future__ import annotations

import pytest

from chromdiff.integration.pipeline import run_integration
from chromdiff.warehouse.db import connect
from tests.realdata import DATA

AR = DATA / "real" / "beta_AR_LNCaP_hg19"


@pytest.fixture(scope="module")
def ar(tmp_path_factory):
    db = tmp_path_factory.mktemp("coverage") / "ar.duckdb"
    run_integration(db, rna=AR / "AR_diff_expr.tsv.gz", peaks=AR / "3656_peaks.bed.gz",
                    genome="hg19", integration_id="ar")  # fmt: skip
    with connect(db, read_only=True) as con:
        notes = {
            k: (n, ex, msg)
            for k, n, ex, msg in con.execute(
                "select kind, n, example, message from int_input_notes "
                "where integration_id = 'ar' and side = 'peaks'"
            ).fetchall()
        }
        paired, peaks, fkbp5 = con.execute(
            """select (select count(distinct peak_id) from integration_pairs
                       where integration_id = 'ar'),
                      (select count(*) from int_peaks where integration_id = 'ar'),
                      (select list(distinct l.symbol order by l.symbol) from int_links l
                       join int_peak_annotation a using (integration_id, peak_id)
                       where integration_id = 'ar' and a.genic_symbol = 'FKBP5'
                         and l.peak_id not in (select peak_id from integration_pairs
                                               where integration_id = 'ar'))"""
        ).fetchall()[0]
    return notes, paired, peaks, fkbp5


def test_every_peak_is_paired_or_counted(ar):
    notes, paired, peaks, _ = ar
    counted = sum(notes[k][0] for k in ("no_gene_link", "gene_not_measured", "unannotated_chrom")
                  if k in notes)  # fmt: skip
    assert notes["gene_not_measured"][0] > 1000 and notes["no_gene_link"][0] > 0
    assert paired + counted == peaks == 7059


def test_a_peak_side_without_fold_changes_says_why_every_pair_is_other(ar):
    notes, *_ = ar
    n, _, message = notes["no_differential_columns"]
    assert n == 7059 and "every pair is 'Other'" in message


def test_intronic_fkbp5_peaks_linked_to_an_unmeasured_microrna_are_counted(ar):
    # FKBP5's intronic AR peaks have MIR5690 (inside FKBP5, not on the array) as nearest gene
    notes, _, _, fkbp5 = ar
    assert fkbp5 == ["MIR5690"]
    assert "absent from the DE table" in notes["gene_not_measured"][2]


def test_the_cli_header_counts_genes_apart_from_unmatched_rows(capsys):
    """The AR limma table: 20,675 rows after duplicates, 2,185 of them not in the annotation."""
    from chromdiff.cli.cmd_integrate import print_summary

    print_summary({
        "integration_id": "ar", "n_peaks": 7059, "n_genes": 20675, "annotation_id": "embedded:hg19",
        "genes": {"unmatched": 2185}, "notes": [], "report": {"html": "r.html"},
        "stats": {"n_significant_pairs": 0, "pearson_r": None, "ks_p_up": 1e-13, "ks_p_down": 0.4},
    })  # fmt: skip
    head = capsys.readouterr().out.splitlines()[0]
    assert head == ("integration ar: 7,059 peaks x 18,490 genes (+2,185 DE rows not in the "
                    "annotation) (embedded:hg19)")  # fmt: skip
