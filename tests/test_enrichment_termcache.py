"""GREAT's term tables from the cache file equal the ones built (real peaks, hg19, GO BP)."""

from __future__ import annotations

import pytest

from chromdiff.enrichment import go, termcache
from chromdiff.enrichment.comparison import enrich_comparison
from chromdiff.regions.chromsizes import chrom_sizes
from chromdiff.warehouse.db import writer
from tests.test_enrichment_comparison import make_db


@pytest.fixture(scope="module")
def dbp(tmp_path_factory):
    return make_db(tmp_path_factory.mktemp("tc") / "w.duckdb")


COLS = "query, method, set_id, set_name, k, n_query, set_size, universe_size, pvalue, padj, genes"


def _results(con, **kwargs):
    enrich_comparison(con, "cbx7_vs_ar", **kwargs)
    return con.execute(f"select {COLS} from enrichment_comparison order by all").fetchall()


def test_cached_tables_give_the_same_results(dbp, tmp_path, monkeypatch):
    monkeypatch.setenv("CHROMDIFF_CACHE_DIR", str(tmp_path / "cache"))
    with writer(dbp) as con:
        built = _results(con)
        files = list((tmp_path / "cache" / "enrichment").glob("great-*.duckdb"))
        assert len(files) == 1  # written once, under its key

        def no_load(*args, **kwargs):
            raise AssertionError("GO sets loaded although the cache holds the tables")

        monkeypatch.setattr(go, "load_go_sets", no_load)
        assert _results(con) == built  # from the cache file
        # another term size limit: another key, built again (and then cached too)
        monkeypatch.undo()
        monkeypatch.setenv("CHROMDIFF_CACHE_DIR", str(tmp_path / "cache"))
        _results(con, min_size=10)
        assert len(list((tmp_path / "cache" / "enrichment").glob("great-*.duckdb"))) == 2
        assert not list((tmp_path / "cache" / "enrichment").glob(".great-*"))  # no leftovers


def test_a_broken_or_unwritable_cache_is_not_used(dbp, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("CHROMDIFF_CACHE_DIR", str(cache))
    with writer(dbp) as con:
        built = _results(con)
        (path,) = (cache / "enrichment").glob("great-*.duckdb")
        path.write_bytes(b"not a database")
        assert _results(con) == built  # the file is skipped, the tables built again
        monkeypatch.setenv("CHROMDIFF_CACHE_DIR", str(tmp_path / "file"))
        (tmp_path / "file").write_text("a file where the cache folder would be")
        assert _results(con) == built
        left = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        assert not left & {*termcache.TABLES, "_cd_sets_go_bp"}  # no term table left behind


def test_key_follows_every_input(dbp):
    sizes = chrom_sizes("hg19")
    with writer(dbp) as con:
        con.execute("select 1")  # the annotation is loaded by the tests above or here:
        from chromdiff.annotation import ensure_annotation

        aid = ensure_annotation(con, genome="hg19")
        key = termcache.cache_key(con, aid, "BP", sizes, 5, None)
        assert key == termcache.cache_key(con, aid, "bp", dict(sizes), 5, None)
        others = {
            termcache.cache_key(con, aid, "MF", sizes, 5, None),
            termcache.cache_key(con, aid, "BP", sizes, 6, None),
            termcache.cache_key(con, aid, "BP", sizes, 5, 500),
            termcache.cache_key(con, aid, "BP", {**sizes, "chr1": 1}, 5, None),
        }
        assert key not in others and len(others) == 4
        assert termcache.cache_key(con, "no-such-annotation", "BP", sizes, 5, None) is None


def test_no_source_files_means_no_cache(dbp, tmp_path, monkeypatch):
    """A bytecode-only install cannot hash the builders' source: no cache, same results."""

    def no_source(obj):
        raise OSError("could not get source code")

    monkeypatch.setenv("CHROMDIFF_CACHE_DIR", str(tmp_path / "cache"))
    with writer(dbp) as con:
        built = _results(con)
        monkeypatch.setattr(termcache.inspect, "getsource", no_source)
        assert _results(con) == built
    assert len(list((tmp_path / "cache" / "enrichment").glob("great-*"))) == 1  # the first


def test_adhoc_regions_use_the_cache_too(tmp_path, monkeypatch):
    """``chromdiff enrich --regions``: same rows from the cache as built."""
    import duckdb

    from chromdiff.enrichment.adhoc import enrich_regions
    from chromdiff.warehouse.db import apply_schema
    from tests.test_enrichment_comparison import P

    monkeypatch.setenv("CHROMDIFF_CACHE_DIR", str(tmp_path / "cache"))
    bed = P / "GSM1295077_CBX7_BF_ChipSeq_mergedReps_peaks.bed.gz"

    def run():
        con = duckdb.connect()
        apply_schema(con)
        df = enrich_regions(con, bed, genome="hg19")
        return df.sort_values(["method", "set_id"], ignore_index=True)

    built = run()
    monkeypatch.setattr(go, "load_go_sets", lambda *a, **k: pytest.fail("GO sets loaded"))
    cached = run()
    assert len(built) > 100 and built.equals(cached)


def test_cache_files_are_marked_when_used_and_pruned_when_written(tmp_path, monkeypatch):
    """Writing a term cache file keeps the KEEP most recently used; loading one marks it."""
    import os

    import duckdb

    con = duckdb.connect()
    for t in termcache.TABLES:
        con.execute(f"create temp table {t} as select 1 as x")
    folder = tmp_path / "enrichment"
    folder.mkdir()
    old = []
    for i in range(3):
        old.append(folder / f"great-old{i}.duckdb")
        old[-1].write_bytes(b"x")
        os.utime(old[-1], (1_000_000 - i, 1_000_000 - i))  # old0 the most recently used
    monkeypatch.setattr(termcache, "KEEP", 2)
    new = folder / "great-new.duckdb"
    termcache._save(con, new)
    assert sorted(folder.iterdir()) == sorted([new, old[0]])
    os.utime(new, (1_000, 1_000))
    assert termcache._load(con, new) and new.stat().st_mtime > 1_000_000
