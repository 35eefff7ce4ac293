"""``annotate --regions`` stops with one error line when nothing can be annotated.

Before, a GTF naming its contigs by RefSeq accession (NCBI's GRCh38 GTF: ``NC_000001.11`` is
chr1, per the GRCh38.p14 assembly report) against ``chr1`` regions, or a GTF whose exon rows lack
``transcript_id``, gave a warning that the chromosomes "have no annotation", all-empty rows and
exit code 0. The GTFs here are the real GENCODE v29 chr1 subset (pyranges' example data),
rewritten in those two ways.
"""

from __future__ import annotations

import gzip
import re

from tests.cli_run import run_cli
from tests.realdata import ANNOTATION

GENCODE = ANNOTATION / "pyranges_gencode_v29_chr1_subset.gtf.gz"


def _gencode_rows() -> list[str]:
    with gzip.open(GENCODE, "rt") as fh:
        return [line for line in fh if not line.startswith("#")]


def _regions(tmp_path):
    bed = tmp_path / "r.bed"  # DDX11L1's first exon (chr1:11,869-12,227) and WASH7P's span
    bed.write_text("chr1\t11900\t12000\nchr1\t20000\t20100\n")
    return bed


def test_refseq_contig_names_against_ucsc_regions_are_one_error(tmp_path, capsys):
    gtf = tmp_path / "ncbi_names.gtf"
    gtf.write_text("".join(re.sub(r"^chr1\t", "NC_000001.11\t", r) for r in _gencode_rows()))
    out = tmp_path / "o.tsv"
    code, stdout, err = run_cli(["annotate", "--gtf", str(gtf), "--regions",
                                 str(_regions(tmp_path)), "--out", str(out)], capsys)  # fmt: skip
    assert code != 0 and not out.exists() and stdout == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: none of the 2 regions is on a chromosome of the annotation")
    assert "regions on chr1" in lines[0] and "annotation chromosomes: NC_000001.11" in lines[0]


def test_a_gtf_without_transcript_ids_is_one_error(tmp_path, capsys):
    rows = [r for r in _gencode_rows() if r.split("\t")[2] == "exon"]
    gtf = tmp_path / "no_tx.gtf"
    gtf.write_text("".join(re.sub(r' transcript_id "[^"]*";', "", r) for r in rows))
    code, _stdout, err = run_cli(["annotate", "--gtf", str(gtf), "--regions",
                                  str(_regions(tmp_path)), "--out", str(tmp_path / "o.tsv")],
                                 capsys)  # fmt: skip
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert re.fullmatch(
        rf"error: {re.escape(str(gtf))}: no transcript could be built: its {len(rows):,} exon "
        r"rows have no transcript_id and no transcript or gene row names one",
        lines[0],
    ), lines[0]


def test_the_same_gtf_with_ucsc_names_annotates(tmp_path, capsys):
    """Control: the unmodified subset annotates both regions (DDX11L1 exon, WASH7P)."""
    gtf = tmp_path / "gencode.gtf"
    gtf.write_text("".join(_gencode_rows()))
    out = tmp_path / "o.tsv"
    code, _stdout, _err = run_cli(["annotate", "--gtf", str(gtf), "--regions",
                                   str(_regions(tmp_path)), "--out", str(out)], capsys)  # fmt: skip
    assert code == 0
    rows = [line.split("\t") for line in out.read_text().splitlines()[1:]]
    assert [r[4] for r in rows] != ["", ""] and all(r[4] for r in rows)
