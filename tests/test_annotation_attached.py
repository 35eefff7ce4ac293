"""annotate_comparison reads an embedded build's derived tables from its read-only cache file."""

from __future__ import annotations

import duckdb
import pytest

from chromdiff.annotation import annotate_comparison, annotate_regions, ensure_annotation
from chromdiff.warehouse.db import apply_schema
from tests.realdata import REAL

PEAKS = REAL / "chipseeker_geo_peaks_hg19" / "GSM1174480_ARmo_0M_peaks.bed.gz"
COLUMNS = (
    "annotation, feature, gene_id, symbol, gene_strand, gene_start, gene_stop, tss, "
    "distance_to_tss, nearest_label, annotation_id, tx_id, genic_gene_id, genic_symbol"
)


@pytest.fixture
def con():
    """A warehouse with one hg19 comparison whose regions are 812 real AR peaks (GEO)."""
    c = duckdb.connect()
    apply_schema(c)
    c.execute(
        "insert into comparisons (comparison_id, title, analysis, genome, description_a, "
        "description_b, threshold, n_a, n_b, input_hash, base_url, status) values "
        "('c1', 't', 'diffbind', 'hg19', 'a', 'b', 50, 2, 2, 'h', 'u', 'loaded')"
    )
    c.execute(
        f"""insert into regions (comparison_id, region_id, chrom, start, stop)
        select 'c1', row_number() over (), column0, column1, column2
        from read_csv('{PEAKS}', header = false, delim = '\t')"""
    )
    return c


def _attached(con):
    return con.execute(
        "select database_name from duckdb_databases() where database_name = '_cd_embedded'"
    ).fetchall()


def _has_cache_schema(con):
    return bool(
        con.execute(
            "select 1 from duckdb_schemas() where schema_name = 'annotation_cache'"
            " and database_name = current_database()"
        ).fetchall()
    )


def _engine_rows(con, aid):
    """The same regions annotated by annotate_regions on tables derived in the warehouse."""
    annotate_regions(
        con,
        "select region_id as region_key, chrom, start, stop from regions",
        aid,
        "direct",
    )
    return con.execute(f"select region_key, {COLUMNS} from direct order by 1").fetchall()


def _stored(con):
    return con.execute(f"select region_id, {COLUMNS} from region_annotation order by 1").fetchall()


def test_rows_equal_the_warehouse_derived_ones(con):
    assert annotate_comparison(con, "c1") == 812
    # read from the cache file: the warehouse derived nothing, and the file is detached
    assert not _has_cache_schema(con) and not _attached(con)
    stored = _stored(con)
    assert _engine_rows(con, "embedded:hg19") == stored
    assert _has_cache_schema(con)  # annotate_regions derived them in the warehouse
    assert {r[11] for r in stored} == {"embedded:hg19"}
    assert sum(r[4] == "MIR6077" for r in stored) == 5


def test_an_older_build_in_the_warehouse_is_not_read_from_the_file(con):
    """A warehouse holding other gene models under the embedded id (an older chromdiff's, or
    edited) uses its own: the file holds the current build's."""
    aid = ensure_annotation(con, "hg19")
    # the "older build": no MIR6077 transcripts (5 peaks' nearest gene), another fingerprint
    con.execute("delete from ann_transcripts where symbol = 'MIR6077'")
    con.execute("update annotation_sources set version = 'older'")
    assert annotate_comparison(con, "c1", aid) == 812
    assert _has_cache_schema(con) and not _attached(con)
    stored = _stored(con)
    assert _engine_rows(con, aid) == stored
    assert not any(r[4] == "MIR6077" for r in stored)
