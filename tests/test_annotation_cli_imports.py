"""``chromdiff annotate --regions`` runs on DuckDB's compiled module alone (chromdiff.duckcore)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.realdata import REAL

PEAKS = REAL / "chipseeker_geo_peaks_hg19" / "GSM1174481_ARmo_1nM_peaks.bed.gz"

_SCRIPT = """
import sys
from chromdiff.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    assert not exc.code, exc.code
heavy = sorted(m for m in ("duckdb", "pyarrow", "pandas", "prefect", "logging") if m in sys.modules)
print("loaded:", ",".join(heavy))
"""


@pytest.mark.parametrize("links", ["nearest", "none"])
def test_annotate_regions_skips_the_duckdb_package(tmp_path, links):
    out = tmp_path / "out.tsv"
    argv = ["annotate", "--regions", str(PEAKS), "--genome", "hg19", "--out", str(out)]
    argv += ["--links", links]
    subprocess.run([sys.executable, "-c", _SCRIPT, *argv], check=True)  # builds the cache once
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, *argv], check=True, capture_output=True, text=True
    )
    assert proc.stdout.strip().endswith("loaded:"), proc.stdout
    assert len(out.read_text().splitlines()) == 2296 + 1  # every region has a gene, plus header
