"""bigWig coverage becomes DA's read counts (``DA:499-514``), checked two independent ways.

1. A hand-computed bigWig: whole bedGraph lines (not clipped), adjacent equal values merged
   as ``bigWigToBedGraph`` prints them, ``%g`` values, ``int((sum / sf + 0.5) / rl) + 1``.
2. DA's own tools on the fixtures: each bigWig dumped to bedGraph (kent's loop written out
   plainly here), ``bedtools intersect -a bg -b peak_list -wa -wb | cut -f2-4,8`` and an awk
   sum with the scale factor awk computes from the metadata (marker ``bedtools``).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from chromdiff.design.comparison import ComparisonSpec
from chromdiff.design.inputs import read_ids
from chromdiff.local import run
from chromdiff.local.coverage import open_bigwig, reads_from_coverage, region_sums

SIM = Path(__file__).parent / "data" / "local" / "sim"


def _bigwig(path: Path, entries) -> Path:
    import pyBigWig

    bw = pyBigWig.open(str(path), "w")
    bw.addHeader([("chr1", 1000)])
    bw.addEntries(["chr1"] * len(entries), [s for s, _, _ in entries],
                  ends=[e for _, e, _ in entries], values=[v for _, _, v in entries])  # fmt: skip
    bw.close()
    return path


def test_hand_computed_counts(tmp_path):
    bw = open_bigwig(_bigwig(tmp_path / "x.bw", [(0, 10, 2.0), (10, 20, 2.0), (20, 30, 1.5),
                                                 (40, 45, 0.1234567)]), "x")  # fmt: skip
    chrom = np.array(["chr1", "chr1", "chr1", "chr1"], object)
    start, end = np.array([15, 30, 44, 100]), np.array([25, 40, 46, 200])
    sums, touched = region_sums(bw, chrom, start, end)
    # [15,25): merged line [0,20) x 2 = 40 plus [20,30) x 1.5 = 15; [44,46): 5 x %g(0.1234567)
    np.testing.assert_allclose(sums, [55.0, 0.0, 5 * 0.123457, 0.0], rtol=1e-12)
    assert touched.tolist() == [True, False, True, False]
    # int((55 + 0.5) / 10) + 1 = 6; untouched -> 0; int((0.617 + 0.5) / 10) + 1 = 1
    assert reads_from_coverage(sums, touched, 1.0, 10.0).tolist() == [6, 0, 1, 0]
    # public bigWigs are RPM: divided by the scale factor first
    assert reads_from_coverage(sums, touched, 0.5, 10.0).tolist() == [12, 0, 1, 0]


def _kent_bedgraph(path: Path, out: Path) -> Path:
    """Write what bigWigToBedGraph prints (merge equal adjacent values, ``%g``)."""
    import pyBigWig

    bw = pyBigWig.open(str(path))
    with out.open("w") as fh:
        for chrom in bw.chroms():
            run_start = prev_end = None
            val = None
            for s, e, v in bw.intervals(chrom) or ():
                if run_start is not None and not (prev_end == s and val == v):
                    fh.write(f"{chrom}\t{run_start}\t{prev_end}\t{val:g}\n")
                    run_start = None
                if run_start is None:
                    run_start, val = s, v
                prev_end = e
            if run_start is not None:
                fh.write(f"{chrom}\t{run_start}\t{prev_end}\t{val:g}\n")
    bw.close()
    return out


_AWK_SCALE = (
    'BEGIN { OFS = "\\t"; print id, 1000000 / (reads * (m / 100) * (1 - d / 100) * lay), rl }'
)
_AWK_COUNT = (
    "BEGIN { getline < scale; sf = $2; rl = $3 } "
    "{ sum[$4] += ($2 - $1) * $3 } "
    "END { for (i in sum) print i, int((sum[i] / sf + 0.5) / rl) + 1 }"
)


def _meta():
    with (SIM / "cache" / "hg38" / "metadata.tsv").open() as fh:
        return {r["experiment_id"]: r for r in csv.DictReader(fh, delimiter="\t")}


@pytest.mark.bedtools
@pytest.mark.skipif(shutil.which("bedtools") is None, reason="needs bedtools")
def test_counts_equal_bedtools_intersect_and_awk(tmp_path):
    spec = ComparisonSpec(read_ids(SIM / "mine.txt"), read_ids(SIM / "public.txt")).validated()
    samples = run.resolve_samples(spec, SIM / "cache")
    regions = run.build_regions(samples)
    peak_list = tmp_path / "peak_list"
    rows = zip(regions.chrom, regions.start, regions.end, strict=True)
    peak_list.write_text(
        "".join(f"{c}\t{s}\t{e}\tpeak_{i}\n" for i, (c, s, e) in enumerate(rows, 1))
    )
    meta = _meta()
    for sample in samples:
        bg = _kent_bedgraph(Path(sample.bigwig), tmp_path / f"{sample.name}.bg")
        scale = tmp_path / f"{sample.name}.scale"
        if sample.user:
            scale.write_text(f"{sample.name}\t1\t{int(sample.read_length)}\n")
        else:
            m = meta[sample.name]
            with scale.open("w") as fh:
                subprocess.run(
                    ["awk", "-v", f"id={sample.name}", "-v", f"reads={m['reads']}",
                     "-v", f"m={m['mapped_pct']}", "-v", f"d={m['duplicates_pct']}",
                     "-v", f"lay={m['layout']}", "-v", f"rl={m['read_length']}", _AWK_SCALE],
                    check=True, stdout=fh,
                )  # fmt: skip
        pipe = (
            f"bedtools intersect -a {bg} -b {peak_list} -wa -wb | cut -f2-4,8 | "
            f"awk -F'\\t' -v scale={scale} '{_AWK_COUNT}'"
        )
        out = subprocess.run(pipe, shell=True, check=True, capture_output=True, text=True).stdout
        expected = np.zeros(len(regions), np.int64)
        for line in out.split("\n"):
            if line:
                name, value = line.split()
                expected[int(name.removeprefix("peak_")) - 1] = int(value)
        mine = run.count_sample(sample, regions)
        assert (expected > 0).sum() > 100
        np.testing.assert_array_equal(mine, expected, err_msg=sample.name)
