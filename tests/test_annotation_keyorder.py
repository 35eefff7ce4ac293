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
