"""The local pipeline's statistics equal real edgeR's on the same count table (marker ``edger``).

The count table the pipeline writes (``count_table.csv``, DA's ``combine_counts`` layout) is
given to ``tests/data/edger_oracle.R`` (real edgeR 3.40 through Rscript, the calls of
``edgeR.r``); the result BED the pipeline wrote must carry the same kept rows, logFC, p, FDR
and normalised counts. Designs: 3 vs 3 on the fixtures (user data vs cached public data), 1 vs 1
(the GLM deviance dispersion branch and CPM), and 1 vs 2; the fixture count tables hold
all-zero-but-one rows and rows ``filterByExpr`` removes. ``--engine r`` gives the same BED.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chromdiff.design.comparison import ComparisonSpec
from chromdiff.design.inputs import read_ids
from chromdiff.local import run
from tests.test_edger_oracle import _edger_available, run_edger

SIM = Path(__file__).parent / "data" / "local" / "sim"
BED_COLUMNS = ["chrom", "start", "end", "counts_a", "counts_b", "logFC", "PValue", "FDR"]

pytestmark = [
    pytest.mark.edger,
    pytest.mark.skipif(not _edger_available(), reason="needs Rscript with edgeR (r-bioc-edger)"),
]


def _pipeline(tmp_path: Path, n_a: int, n_b: int, engine: str = "numpy"):
    spec = ComparisonSpec(read_ids(SIM / "mine.txt")[:n_a],
                          read_ids(SIM / "public.txt")[:n_b]).validated()  # fmt: skip
    samples = run.resolve_samples(spec, SIM / "cache")
    regions = run.build_regions(samples)
    counts = [run.count_sample(s, regions) for s in samples]
    out = run.diffbind(samples, regions, counts, tmp_path / engine, engine)
    bed = pd.read_csv(out["files"]["bed"], sep="\t", header=None, names=BED_COLUMNS)
    table = pd.read_csv(out["files"]["count_table"])
    return spec, regions, out, bed, table


@pytest.mark.parametrize(("n_a", "n_b"), [(3, 3), (1, 1), (1, 2)])
def test_bed_statistics_equal_real_edger_on_the_same_counts(tmp_path, n_a, n_b):
    spec, regions, out, bed, table = _pipeline(tmp_path, n_a, n_b)
    names_a, names_b = sorted(spec.names_a), sorted(spec.names_b)
    assert list(table.columns) == ["Peak", *sorted(names_a + names_b)]  # glob (sorted) order
    raw = table[names_a + names_b].to_numpy()
    assert (raw == 0).any() and ((raw > 0).sum(1) == 1).any()  # zero and single-sample rows
    ed = run_edger(raw, n_a, n_b, tmp_path)
    keep = ed["keep"].to_numpy()
    assert 0 < keep.sum() < len(keep)  # filterByExpr removes rows
    kept = ed[keep]
    assert len(bed) == out["n_tested"] == keep.sum()
    # the BED rows are the kept peaks, in peak-list order
    peaks = table["Peak"].to_numpy()[keep]
    idx = np.array([int(p.removeprefix("peak_")) - 1 for p in peaks])
    assert (np.diff(idx) > 0).all()
    assert bed["chrom"].tolist() == regions.chrom[idx].tolist()
    np.testing.assert_array_equal(bed["start"], regions.start[idx])
    np.testing.assert_allclose(bed["logFC"], kept["logFC"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(bed["PValue"], kept["PValue"], rtol=1e-6, atol=1e-300)
    np.testing.assert_allclose(bed["FDR"], kept["FDR"], rtol=1e-6, atol=1e-300)
    cols_a = [f"A{i}" for i in range(n_a)]
    cols_b = [f"B{i}" for i in range(n_b)]
    for col, cols in (("counts_a", cols_a), ("counts_b", cols_b)):
        written = np.array([[float(v) for v in str(c).split(",")] for c in bed[col]])
        np.testing.assert_allclose(written, kept[cols].to_numpy(), rtol=0, atol=0.0051)


def test_engine_r_writes_the_same_bed(tmp_path):
    *_, bed_numpy, _ = _pipeline(tmp_path, 3, 3, "numpy")
    *_, bed_r, _ = _pipeline(tmp_path, 3, 3, "r")
    assert bed_r[BED_COLUMNS[:5]].equals(bed_numpy[BED_COLUMNS[:5]])
    for col in ("logFC", "PValue", "FDR"):
        np.testing.assert_allclose(bed_r[col], bed_numpy[col], rtol=1e-8, atol=1e-12)


def test_numbers_are_written_as_r_write_table_writes_them(tmp_path):
    """logFC/P/FDR columns: ``r_number`` equals R's ``write.table`` text for the same doubles."""
    import subprocess

    from chromdiff.local.bedout import r_number

    rng = np.random.default_rng(3)
    values = np.concatenate([
        rng.normal(0, 3, 200), 10.0 ** rng.uniform(-300, 5, 200), rng.uniform(0, 1, 100),
        [0.0, 1.0, 0.5, 1e-4, 1e-3, 123456.0, 1e5, 1e15, -0.25, 1 / 3, 2.5e-320],
    ])  # fmt: skip
    src = tmp_path / "v.txt"
    src.write_text("\n".join(repr(float(v)) for v in values) + "\n")
    code = (
        f"x <- as.numeric(readLines('{src}')); "
        "write.table(data.frame(x = x), stdout(), row.names = FALSE, col.names = FALSE)"
    )
    out = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, check=True)
    assert [r_number(float(v)) for v in values] == out.stdout.split()
