"""Batched rows are put in key order from DuckDB's thread blocks (oracle: a full sort)."""

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


def _spy_take(monkeypatch):
    calls = []
    real = keyorder._full_sort

    def full_sort(table, keys):
        calls.append(1)
        return real(table, keys)

    monkeypatch.setattr(keyorder, "_full_sort", full_sort)
    return calls


def test_interleaved_thread_blocks_are_reordered_without_a_sort(monkeypatch):
    """Row groups handed to two threads in turn: each thread's run is ascending."""
    size = keyorder.MIN_BLOCK
    groups = [list(range(1 + size * g, 1 + size * (g + 1))) for g in range(6)]
    keys = [k for g in groups[0::2] for k in g] + [k for g in groups[1::2] for k in g]
    table = pa.concat_tables([_table(keys[:700]), _table(keys[700:])])  # chunked like DuckDB's
    calls = _spy_take(monkeypatch)
    got = in_key_order(table)
    assert got.equals(_sorted(table)) and not calls
    assert got.column("region_key").to_pylist() == list(range(1, 6 * size + 1))


def test_rows_already_in_order_are_returned_as_they_are():
    table = _table([3, 8, 9, 20])  # ascending but not consecutive
    assert in_key_order(table) is table
    assert in_key_order(_table([5])).num_rows == 1
    assert in_key_order(_table([])).num_rows == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_any_other_order_is_sorted_in_full(monkeypatch, seed):
    """Shuffled keys, gaps between the blocks, or more blocks than MAX_RUNS: a full sort."""
    rng = np.random.default_rng(seed)
    keys = rng.permutation(np.arange(1, 2001) * (1 + seed))
    table = _table(keys)
    calls = _spy_take(monkeypatch)
    assert in_key_order(table).equals(_sorted(table)) and calls
    calls.clear()
    monkeypatch.setattr(keyorder, "MIN_BLOCK", 2)
    blocks = _table([5, 6, 1, 2, 9, 10])  # three blocks that fit end to end
    assert in_key_order(blocks).equals(_sorted(blocks)) and not calls
    monkeypatch.setattr(keyorder, "MAX_RUNS", 2)  # over the limit
    assert in_key_order(blocks).equals(_sorted(blocks)) and calls


def test_blocks_that_interleave_are_sorted_in_full(monkeypatch):
    """Two blocks of consecutive keys whose ranges overlap cannot be laid end to end."""
    table = _table([4, 5, 6, 1, 2, 3, 5])  # 5 twice: no order of slices is ascending
    monkeypatch.setattr(keyorder, "MIN_BLOCK", 1)
    calls = _spy_take(monkeypatch)
    got = in_key_order(table)
    assert calls and got.column("region_key").to_pylist() == [1, 2, 3, 4, 5, 5, 6]
