"""An experiment whose bigWig covers no union region, as the server's DA script handles it.

DA:516-538 (inutano/chip-atlas script/update_2025/DA/DA, ``combine_counts``) creates a count
column when it first meets an experiment's count line, so an experiment with an empty ``.count``
file has no column and edgeR.r (lines 19-21) compares the others. Counts are at least 1 wherever
a coverage line overlaps a region, so an all-zero column is such an experiment.
"""

from __future__ import annotations

import numpy as np
import pytest

from chromdiff.errors import ChromdiffError
from chromdiff.local.run import Regions, count_table, diffbind
from chromdiff.local.samples import Sample
from chromdiff.parsing.samples import resolve_layout


def _samples(names_groups):
    return [Sample(n, g, f"{n}.bw", f"{n}.bed", 1.0, 50.0, True) for n, g in names_groups]


def _counts(n_regions, zero=()):
    rng = np.random.default_rng(3)
    out = []
    for k in range(5):
        c = rng.integers(5, 200, n_regions)
        out.append(np.zeros(n_regions, dtype=c.dtype) if k in zero else c)
    return out


GROUPS = [("A1", "A"), ("A2", "A"), ("B1", "B"), ("B2", "B"), ("B3", "B")]


def test_an_experiment_with_no_count_line_gets_no_column():
    names, _, matrix = count_table(_samples(GROUPS), _counts(50, zero=(4,)))
    assert names == ["A1", "A2", "B1", "B2"] and matrix.shape == (50, 4)


def test_the_comparison_runs_without_it_and_the_loader_says_so(tmp_path):
    n = 300
    regions = Regions(np.array(["chr1"] * n), np.arange(n) * 1000, np.arange(n) * 1000 + 500)
    out = diffbind(_samples(GROUPS), regions, _counts(n, zero=(4,)), tmp_path)
    log = (tmp_path / "wabi_result.log").read_text()
    assert "[WARNING] B3 (group B) has no coverage over any region" in log
    assert "<samples> B3" not in log and "<samples> B2 B" in log
    assert out["n_tested"] > 0
    lay = resolve_layout(["A1", "A2"], ["B1", "B2", "B3"], log_text=log)
    assert (lay.columns_a, lay.columns_b) == (["A1", "A2"], ["B1", "B2"])
    dropped = {e.experiment_id: e.dropped for e in lay.experiments if e.dropped}
    assert list(dropped) == ["B3"]  # recorded, and so a QC finding (qc_dropped_ids)


def test_a_group_with_no_coverage_at_all_is_a_clear_error(tmp_path):
    regions = Regions(np.array(["chr1"] * 20), np.arange(20) * 1000, np.arange(20) * 1000 + 500)
    with pytest.raises(ChromdiffError, match="group B: no experiment has coverage"):
        diffbind(_samples(GROUPS), regions, _counts(20, zero=(2, 3, 4)), tmp_path)
