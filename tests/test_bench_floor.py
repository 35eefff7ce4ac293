"""The load floor of ``BENCHMARKS.md`` ends in the same rows as chromdiff's real load.

``bench.loadfloor`` skips every check, so its time bounds what any validated load can reach;
that bound only means something if it writes what ``warehouse.load_bed`` writes. Both load the
same generated BED into their own database and the stored rows are compared.
"""

from __future__ import annotations

import duckdb

from bench.gen_diffbind import ids, write_bed
from bench.loadfloor import floor_load
from bench.loadwork import COMPARISON_ID, chromdiff_load, prepare_db

_ROWS = (
    "select r.region_id, chrom, start, stop, logfc, pvalue, qvalue, mean_count_a, mean_count_b,"
    " counts_a, counts_b from regions r join region_count_vectors v using (comparison_id,"
    " region_id) order by r.region_id"
)


def test_floor_load_writes_what_load_bed_writes(tmp_path):
    bed = write_bed(tmp_path / "r.bed", 2000)
    ids_a, ids_b = ids()
    real, floor = tmp_path / "real.duckdb", tmp_path / "floor.duckdb"
    for path in (real, floor):
        prepare_db(path, ids_a, ids_b)
    assert chromdiff_load(bed, real, ids_a, ids_b)["n_regions"] == 2000
    out = floor_load(bed, floor, COMPARISON_ID)
    assert out["n_regions"] == 2000 and out["read_s"] > 0 and out["write_s"] > 0
    rows = [duckdb.connect(str(p), read_only=True).execute(_ROWS).fetchall() for p in (real, floor)]
    assert len(rows[0]) == 2000 and rows[0] == rows[1]
    # a second floor load replaces the rows, as a reload does
    floor_load(bed, floor, COMPARISON_ID)
    assert duckdb.connect(str(floor), read_only=True).execute(
        "select count(*) from regions"
    ).fetchall() == [(2000,)]
