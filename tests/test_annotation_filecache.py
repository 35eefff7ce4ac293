"""The embedded build's cache key is memoised beside the cache and follows its input files."""

from __future__ import annotations

import os
import shutil

from chromdiff.annotation import filecache


def test_key_is_memoised_and_follows_the_inputs(tmp_path, monkeypatch):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    files = []
    for path in filecache._inputs("hg38"):  # the real schema file and Parquet files
        files.append(inputs / path.name)
        shutil.copy2(path, files[-1])
    monkeypatch.setattr(filecache, "_inputs", lambda genome: list(files))
    folder = tmp_path / "cache"

    key = filecache._key("hg38", folder)
    assert key == filecache._key_from_bytes("hg38", files)  # the bytes' hash, first time
    memo = folder / "hg38.key"
    stamp, memo_key = memo.read_text().split("\n")[:2]
    assert memo_key == key and all(str(f) in stamp for f in files)

    # same stamp: the memo is read, the Parquet is not hashed again
    memo.write_text(f"{stamp}\nffffffffffffffff\n")
    assert filecache._key("hg38", folder) == "ffffffffffffffff"

    # an input rewritten (a reinstalled or rebuilt build): new stamp, key hashed from the bytes
    with open(files[-1], "ab") as fh:
        fh.write(b"\0")
    new = filecache._key("hg38", folder)
    assert new == filecache._key_from_bytes("hg38", files) and new not in (key, "ffffffffffffffff")

    # same size, new content and modification time: still noticed
    data = bytearray(files[-1].read_bytes())
    data[-1] = 1
    files[-1].write_bytes(bytes(data))
    st = files[-1].stat()
    os.utime(files[-1], ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert filecache._key("hg38", folder) == filecache._key_from_bytes("hg38", files) != new


def test_key_without_a_writable_folder(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    key = filecache._key("hg38", blocker / "cache")  # cannot be created: hashed, not memoised
    assert key == filecache._key_from_bytes("hg38", filecache._inputs("hg38"))


def _aged(path, age_s):
    """Create ``path`` with a modification time ``age_s`` seconds ago."""
    path.write_bytes(b"x")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - int(age_s * 1e9)))
    return path


def test_prune_keeps_the_most_recently_used(tmp_path):
    old = [_aged(tmp_path / f"hg38-{i}.duckdb", 100 * (i + 1)) for i in range(5)]  # 0 newest
    spare = _aged(tmp_path / "hg38-new.duckdb", 10_000)  # oldest time, but just used: spared
    other = _aged(tmp_path / "mm10-a.duckdb", 50_000)
    hidden = _aged(tmp_path / ".hg38-tmp.duckdb", 50_000)  # a file being written
    removed = filecache.prune_cache(tmp_path, "hg38-*.duckdb", 3, spare=spare)
    assert sorted(removed) == sorted(old[2:])
    assert sorted(tmp_path.iterdir()) == sorted([*old[:2], spare, other, hidden])
    assert filecache.prune_cache(tmp_path / "missing", "x-*", 1, spare=spare) == []


def test_a_new_build_file_prunes_old_ones_and_a_hit_marks_use(tmp_path, monkeypatch):
    """embedded_db: writing hg19's file keeps the KEEP_BUILDS most recently used of hg19."""
    monkeypatch.setenv("CHROMDIFF_CACHE_DIR", str(tmp_path))
    folder = tmp_path / "annotation"
    folder.mkdir()
    stale = [_aged(folder / f"hg19-old{i}.duckdb", 1000 * (i + 1)) for i in range(4)]
    other = _aged(folder / "hg38-old.duckdb", 9000)
    path = filecache.embedded_db("hg19")  # built now
    kept = {path, *stale[: filecache.KEEP_BUILDS - 1], other}
    assert set(folder.glob("*.duckdb")) == kept
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 5_000_000_000))
    before = path.stat().st_mtime
    assert filecache.embedded_db("hg19") == path and path.stat().st_mtime > before  # used


def test_new_db_file_renames_on_success_and_leaves_nothing_on_error(tmp_path):
    import duckdb
    import pytest

    path = tmp_path / "cache" / "hg19-abc.duckdb"
    with pytest.raises(RuntimeError, match="half-built"):
        with filecache.new_db_file(path) as tmp:
            duckdb.connect(tmp).execute("create table t as select 1 as x").close()
            raise RuntimeError("half-built")
    assert list(path.parent.iterdir()) == []  # no file, no temporary name, no .wal
    with filecache.new_db_file(path) as tmp:
        con = duckdb.connect(tmp)
        con.execute("create table t as select 1 as x")
        con.close()
    assert list(path.parent.iterdir()) == [path]
    assert duckdb.connect(str(path), read_only=True).sql("from t").fetchall() == [(1,)]
