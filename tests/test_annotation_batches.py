"""Annotation in batches (``annotate --regions``) writes exactly what one call writes."""

from __future__ import annotations

import duckdb
import pytest

from chromdiff.annotation import annotate_regions, ensure_annotation
from chromdiff.annotation.batches import annotate_to_file
from chromdiff.regions.reader import read_regions
from tests.realdata import REAL

PEAKS = REAL / "chipseeker_geo_peaks_hg19" / "GSM1174481_ARmo_1nM_peaks.bed.gz"


@pytest.mark.parametrize("suffix", [".tsv", ".csv", ".parquet"])
def test_batches_equal_one_call(tmp_path, suffix):
    con = duckdb.connect()
    aid = ensure_annotation(con, genome="hg19")
    n = read_regions(con, PEAKS, "r").n_rows
    assert n == 2296
    out = tmp_path / f"ann{suffix}"
    assert annotate_to_file(con, "r", aid, out, batch_rows=500) == n  # 5 batches
    annotate_regions(con, "select region_key, chrom, start, stop from r", aid, "one")
    reader = "read_parquet" if suffix == ".parquet" else "read_csv"
    got = duckdb.sql(f"select * from {reader}('{out}')").fetchall()
    cols = duckdb.sql(f"select * from {reader}('{out}') limit 0").columns
    want = con.execute('select * rename (stop as "end") from one order by region_key').fetchall()
    assert cols[:4] == ["region_key", "chrom", "start", "end"] and len(got) == n

    # text files hold text: compare as the file spells each value
    def norm(rows):
        return [tuple("" if v is None else str(v) for v in r) for r in rows]

    assert norm(got) == norm(want)
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no part left behind
