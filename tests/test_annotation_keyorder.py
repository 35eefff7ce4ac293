"""Batched rows are put in key order from DuckDB's thread runs (oracle: a full sort)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from chromdiff.annotation import keyorder
from chromdiff.annotation.keyorder import in_key_order


def _table(keys):
    keys = np.asarray(keys, dtype=np.int64)
    return pa.table(
        {
            "region_key": keys,
            "symbol": pa.array([f"G{k}" if k % 5 else None for k in keys], pa.string()),
            "tss": pa.array([k * 10 for k in keys], pa.int64()),
        }
    )


def _sorted(table):
    return table.sort_by("region_key")


def _spy_full_sort(monkeypatch):
    calls = []
    real = keyorder._full_sort

    def full_sort(table, order):
        calls.append(1)
        return real(table, order)

    monkeypatch.setattr(keyorder, "_full_sort", full_sort)
    return calls


def _thread_runs(keys, size):
    """``keys`` cut into row groups of ``size``, handed to two threads in turn."""
    groups = [keys[i : i + size] for i in range(0, len(keys), size)]
    return [k for g in groups[0::2] for k in g] + [k for g in groups[1::2] for k in g]


@pytest.mark.parametrize("step", [1, 3])
def test_interleaved_thread_runs_are_reordered_without_a_sort(monkeypatch, step):
    """Row groups handed to two threads in turn; step 3: keys with gaps (lines skipped)."""
    size = keyorder.MIN_BLOCK
    keys = _thread_runs(list(range(1, 6 * size * step + 1, step)), size)
    table = pa.concat_tables([_table(keys[:700]), _table(keys[700:])])  # chunked like DuckDB's
    calls = _spy_full_sort(monkeypatch)
    got = in_key_order(table)
    assert got.equals(_sorted(table)) and not calls
    assert got.column("region_key").to_pylist() == list(range(1, 6 * size * step + 1, step))


def test_rows_already_in_order_are_returned_as_they_are():
    table = _table([3, 8, 8, 20])  # ascending, gaps and a repeated key
    assert in_key_order(table) is table
    assert in_key_order(_table([5])).num_rows == 1
    assert in_key_order(_table([])).num_rows == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_any_other_order_is_sorted_in_full(monkeypatch, seed):
    """Shuffled keys (with gaps for seeds 1, 2), then ranges over the limits: a full sort."""
    rng = np.random.default_rng(seed)
    table = _table(rng.permutation(np.arange(1, 2001) * (1 + seed)))
    calls = _spy_full_sort(monkeypatch)
    assert in_key_order(table).equals(_sorted(table)) and calls
    calls.clear()
    monkeypatch.setattr(keyorder, "MIN_BLOCK", 2)
    ranges = _table([5, 6, 1, 2, 9, 10])  # three ranges of rows that fit end to end
    assert in_key_order(ranges).equals(_sorted(ranges)) and not calls
    monkeypatch.setattr(keyorder, "MAX_RUNS", 2)  # over the limit
    assert in_key_order(ranges).equals(_sorted(ranges)) and calls


def test_equal_keys_keep_their_order(monkeypatch):
    """A repeated key across runs: both rows kept, in their order in the table."""
    monkeypatch.setattr(keyorder, "MIN_BLOCK", 1)
    table = _table([4, 5, 6, 1, 2, 3, 5])
    table = table.set_column(1, "symbol", pa.array(list("abcdefg")))
    got = in_key_order(table)
    assert got.column("region_key").to_pylist() == [1, 2, 3, 4, 5, 5, 6]
    assert got.column("symbol").to_pylist() == ["d", "e", "f", "a", "b", "g", "c"]


def test_keys_are_read_from_sliced_chunks_of_any_integer_type(monkeypatch):
    """Chunks that are slices (a buffer offset), an empty chunk and an int32 key column."""
    monkeypatch.setattr(keyorder, "MIN_BLOCK", 1)
    base = _table([9, 1, 7, 3, 5, 2, 8, 4, 6, 0])
    table = pa.concat_tables([base.slice(1, 4), base.slice(0, 0), base.slice(5, 4)])
    assert in_key_order(table).column("region_key").to_pylist() == [1, 2, 3, 4, 5, 6, 7, 8]
    narrow = table.set_column(0, "region_key", table.column("region_key").cast(pa.int32()))
    calls = _spy_full_sort(monkeypatch)
    monkeypatch.setattr(keyorder, "MAX_RUNS", 1)
    got = in_key_order(narrow)
    assert got.column("region_key").to_pylist() == [1, 2, 3, 4, 5, 6, 7, 8] and calls
    assert got.column("tss").to_pylist() == [10, 20, 30, 40, 50, 60, 70, 80]


def test_a_key_with_nulls_is_refused():
    table = pa.table({"region_key": pa.array([2, None, 1], pa.int64())})
    with pytest.raises(ValueError, match="nulls"):
        in_key_order(table)


def test_ordering_and_writing_a_batch_never_import_pandas(tmp_path):
    """Importing pandas costs ~0.7 s of CPU; pyarrow's ``to_numpy``/``pa.array`` would do it."""
    import subprocess
    import sys

    code = f"""
import sys, duckdb
from pathlib import Path
from chromdiff.annotation import keyorder
from chromdiff.annotation.arrowsink import ArrowSink
keyorder.MIN_BLOCK = 1
con = duckdb.connect()
q = "select (range * 7919) % 5000 as region_key, 'g' || range as symbol, range as tss"
q += " from range(5000)"
t = keyorder.in_key_order(con.sql(q).to_arrow_table())
for name in ("o.tsv", "o.parquet"):
    sink = ArrowSink(Path({str(tmp_path)!r}) / name)
    sink.put(t)
    sink.close()
print(t.num_rows, "pandas" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["5000", "False"]
    assert len((tmp_path / "o.tsv").read_text().splitlines()) == 5001
