"""Which files have 1-based starts, checked against each file's own evidence, not our rule.

* MACS peak tables (``_peaks.xls``) write ``start + 1`` (MACS2 ``PeakIO.write_to_xls``): the same
  MACS2 run's BED peaks are one base to the left, and MACS 1.4's ``length`` column is
  end − start + 1 in ChIPseeker's real ``sample_peaks.txt``. They were read as 0-based, one
  base too long on the left.
* Galaxy's DiffBind tabular report is 0-based (tools-iuc ``diffbind.R``: "Output as 0-based
  tabular", ``Start=start(resSorted) - 1``): the same Galaxy test run's BED output has the same
  coordinates. It was read as 1-based because DiffBind's own reports are.
* MACS2 leaves an empty line inside its ``#`` block: such a file was refused ("cannot tell the
  column separator").
"""

from __future__ import annotations

import gzip

import duckdb
import pytest
from click.testing import CliRunner

from chromdiff.cli.cmd_annotate import command
from chromdiff.integration.pipeline import run_integration
from chromdiff.regions.reader import read_regions
from chromdiff.warehouse import db
from tests.realdata import DATA, REAL

MACS2 = DATA / "macs2"
GALAXY = REAL / "diffbind_galaxy_hg19"


@pytest.fixture
def con():
    c = duckdb.connect()
    yield c
    c.close()


def _regions(con, path) -> list[tuple]:
    read_regions(con, path, "r")
    return con.execute("select chrom, start, stop from r order by region_key").fetchall()


def test_macs14_length_column_is_the_interval_length(con):
    path = REAL / "chipseeker_geo_peaks_hg19" / "sample_peaks.txt.gz"
    info = read_regions(con, path, "r")
    assert (info.tool, info.base) == ("macs", 1)
    with gzip.open(path, "rt") as fh:
        lengths = [int(line.split("\t")[3]) for line in fh.read().splitlines()[1:]]
    got = [r[0] for r in con.execute("select stop - start from r order by region_key").fetchall()]
    assert got == lengths and len(got) == 150


@pytest.mark.parametrize("blank_before_header", [False, True])
def test_macs2_xls_equals_the_same_runs_bed(con, tmp_path, blank_before_header):
    text = (MACS2 / "Disteche_sample_1_peaks.xls").read_text()
    if blank_before_header:
        text = text.replace("# d = 200\n", "# d = 200\n\n")
    xls = tmp_path / "peaks.xls"
    xls.write_text(text)
    bed = _regions(con, MACS2 / "Disteche_sample_1_peaks.bed")
    assert _regions(con, xls) == bed == [
        ("chr1", 3670689, 3671130), ("chr1", 3671621, 3672654), ("chr1", 3671621, 3672654),
    ]  # fmt: skip
    lengths = [int(line.split("\t")[3]) for line in text.splitlines() if line.startswith("chr1")]
    assert [stop - start for _, start, stop in bed] == lengths


def test_galaxy_diffbind_report_equals_its_bed(con):
    tab = _regions(con, GALAXY / "diffbind_out_diffbind.tab")
    assert tab == _regions(con, GALAXY / "diffbind_out_diffbind.bed")
    assert tab[2] == ("chr18", 346463, 347342)


@pytest.mark.parametrize(
    ("header", "base"),
    [
        ("Chr\tStart\tEnd\tConc\tConc_A\tConc_B\tFold\tp-value\tFDR", 1),  # DBA_DATA_FRAME
        ("seqnames\tstart\tend\twidth\tstrand\tConc\tFold\tp.value\tFDR", 1),  # as.data.frame
        ("Chrom\tStart\tEnd\tName\tScore\tStrand\tConc\tFold\tp.value\tFDR", 0),  # Galaxy
    ],
)
def test_diffbind_layouts_keep_their_own_base(con, tmp_path, header, base):
    n = len(header.split("\t"))
    row = ["chr18", "1001", "2000"] + {
        9: ["5", "6", "4", "1.5", "0.001", "0.01"],
        10: ["1000", "*", "5", "1.5", "0.001", "0.01"] if base else
            ["DiffBind", "0", ".", "5", "1.5", "0.001", "0.01"],
    }[n]  # fmt: skip
    path = tmp_path / "report.tsv"
    path.write_text(header + "\n" + "\t".join(row) + "\n")
    assert _regions(con, path) == [("chr18", 1001 - base, 2000)]


def test_annotate_cli_macs_distance_equals_bed(tmp_path):
    runner = CliRunner()
    rows = {}
    for name in ("Disteche_sample_1_peaks.xls", "Disteche_sample_1_peaks.bed"):
        out = tmp_path / f"{name}.tsv"
        res = runner.invoke(command, ["--regions", str(MACS2 / name), "--genome", "mm10",
                                      "--out", str(out)])  # fmt: skip
        assert res.exit_code == 0, res.output
        lines = out.read_text().splitlines()
        cols = lines[0].split("\t")
        rows[name] = [
            tuple(ln.split("\t")[cols.index(c)] for c in ("start", "end", "distance_to_tss"))
            for ln in lines[1:]
        ]
    assert rows["Disteche_sample_1_peaks.xls"] == rows["Disteche_sample_1_peaks.bed"]


def test_integrate_stores_galaxy_diffbind_as_written(tmp_path):
    path = tmp_path / "db.duckdb"
    run_integration(path, rna=REAL / "beta_AR_LNCaP_hg19" / "CUF_expr.diff.gz",
                    peaks=GALAXY / "diffbind_out_diffbind.tab", genome="hg19",
                    integration_id="galaxy")  # fmt: skip
    with db.connect(path, read_only=True) as c:
        base = c.execute(
            "select coordinate_base from integrations where integration_id = 'galaxy'"
        ).fetchall()
        starts = c.execute(
            "select start from int_peaks where integration_id = 'galaxy' order by peak_id"
        ).fetchall()
    assert base == [(0,)]
    assert [s for (s,) in starts] == [394599, 111566, 346463, 399013, 371109]
