"""Regions past their chromosome's end: the sign of another assembly, said where it shows.

The real AR ChIP-seq peaks of BETA's demo are hg19. Run as hg38 (a plausible slip), some lie
beyond the end of an hg38 chromosome: annotation and integration gave them genes like any
other, and nothing looked wrong. The ends are UCSC's chromInfo sizes (hg38 chr1
248,956,422 bp, chr21 46,709,983 bp); the test counts the overruns itself with pandas.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from chromdiff.integration.load import load_inputs
from chromdiff.regions.chromsizes import DATA_DIR
from chromdiff.warehouse import db
from tests.cli_run import run_cli
from tests.realdata import REAL

PEAKS = REAL / "beta_AR_LNCaP_hg19" / "3656_peaks.bed.gz"
RNA = REAL / "deseq2_GSE37704_hg38" / "deseq_results.csv.gz"


def _overruns(genome: str) -> tuple[int, int]:
    peaks = pd.read_csv(PEAKS, sep="\t", header=None, usecols=[0, 1, 2], names=["c", "s", "e"])
    size = pd.read_csv(DATA_DIR / f"{genome}.tab", sep="\t").set_index("chrom")["size"]
    past = peaks["e"] > peaks["c"].map(size)
    return int(past.sum()), len(peaks)


def test_annotate_warns_of_regions_past_the_ends_of_the_genome_given(tmp_path, capsys):
    n, total = _overruns("hg38")
    assert n > 0 and _overruns("hg19")[0] == 0
    code, _out, err = run_cli(["annotate", "--regions", str(PEAKS), "--genome", "hg38",
                               "--out", str(tmp_path / "a.tsv")], capsys)  # fmt: skip
    assert code == 0
    assert re.search(
        rf"warning: {n:,} of {total:,} regions run past the end of their chromosome in hg38, "
        r"e\.g\. chr\w+:\d+-\d+ \(chr\w+ is \d+ bp\): are they from another assembly\? They are "
        r"annotated as given\.",
        err,
    ), err
    code, _out, err = run_cli(["annotate", "--regions", str(PEAKS), "--genome", "hg19",
                               "--out", str(tmp_path / "b.tsv")], capsys)  # fmt: skip
    assert code == 0 and "past the end" not in err


@pytest.mark.parametrize("genome", ["hg38", "hg19"])
def test_integrate_notes_peaks_past_the_ends(tmp_path, genome):
    n, total = _overruns(genome)
    with db.writer(tmp_path / "i.duckdb") as con:
        s = load_inputs(con, rna=RNA, peaks=PEAKS, genome=genome, integration_id="i")
        rows = con.execute(
            "select n from int_input_notes where integration_id = 'i' and kind = 'past_chrom_end'"
        ).fetchall()
    past = [x for x in s["notes"] if "past the end" in x]
    if n:
        assert rows == [(n,)] and past[0].startswith(f"peaks: {n:,} of {total:,} regions run past")
    else:
        assert rows == [] and past == []


def test_annotate_with_a_gtf_checks_the_ends_of_the_genome_given(tmp_path, capsys):
    """With ``--gtf``, ``--genome`` names the assembly whose ends are checked. Yeast (sacCer3,
    R64-1-1): chrI is 230,218 bp (RefSeq NC_001133.9), so a region ending at 231,000 is not on
    it; the same run without ``--genome`` checks nothing (a GTF says no assembly)."""
    gtf = tmp_path / "yeast.gtf"
    attrs = 'gene_id "YAL069W"; transcript_id "YAL069W_mRNA"; gene_name "YAL069W";'
    gtf.write_text("".join(f"chrI\tSGD\t{kind}\t335\t649\t.\t+\t.\t{attrs}\n"
                           for kind in ("transcript", "exon")))  # fmt: skip
    bed = tmp_path / "r.bed"
    bed.write_text("chrI\t100\t500\nchrI\t230000\t230218\nchrI\t230000\t231000\n")
    args = ["annotate", "--regions", str(bed), "--gtf", str(gtf), "--out", str(tmp_path / "o")]
    code, _out, err = run_cli([*args, "--genome", "sacCer3"], capsys)
    assert code == 0
    assert (
        "warning: 1 of 3 regions run past the end of their chromosome in sacCer3, e.g. "
        "chrI:230001-231000 (chrI is 230218 bp)" in err
    ), err
    code, _out, err = run_cli(args, capsys)
    assert code == 0 and "past the end" not in err
