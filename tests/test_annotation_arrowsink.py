"""The writer thread of batched annotation output writes DuckDB's bytes (the oracle)."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from chromdiff.annotation.arrowsink import ArrowSink, plain_text

ODD = ["", "x\ty", 'q"q', "n\nl", "r\rr", "a b", " lead", "NULL", "com,ma", "ünï"]


def _table(strings, start):
    n = len(strings)
    return pa.table(
        {
            "region_key": pa.array(range(start, start + n), pa.int64()),
            "symbol": pa.array(strings, pa.string()),
            "tss": pa.array([None if i % 3 == 0 else i * 1000 for i in range(n)], pa.int64()),
        }
    )


def _duckdb_bytes(tables, path):
    con = duckdb.connect()
    con.register("t", pa.concat_tables(tables))
    con.execute(f"copy t to '{path}' (header true, delimiter '\t')")
    return path.read_bytes()


@pytest.mark.parametrize("odd", [None, *ODD])
def test_tsv_bytes_equal_duckdb_copy(tmp_path, odd):
    """Plain batches by pyarrow, a batch holding ``odd`` (quoted by DuckDB) by DuckDB itself."""
    tables = [
        _table(["GAPDH", "TP53", None, "MIR21"], 1),
        _table(["A", odd, "B"], 5),
        _table(["C"] * 5, 8),
    ]
    sink = ArrowSink(tmp_path / "out.tsv")
    for t in tables:
        sink.put(t)
    sink.close()
    got = (tmp_path / "out.tsv").read_bytes()
    assert got == _duckdb_bytes(tables, tmp_path / "want.tsv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.tsv", "want.tsv"]  # no part left


def test_plain_text_flags_what_duckdb_quotes():
    assert plain_text(_table(["A", None, "a b", "NULL"], 1))
    for odd in ["", "x\ty", 'q"q', "n\nl", "r\rr"]:
        assert not plain_text(_table(["A", odd], 1)), repr(odd)


def test_parquet_holds_every_table_in_order(tmp_path):
    tables = [_table(["A", None], 1), _table(["B", "C", "D"], 3)]
    sink = ArrowSink(tmp_path / "out.parquet")
    for t in tables:
        sink.put(t)
    sink.close()
    assert pq.read_table(tmp_path / "out.parquet").equals(pa.concat_tables(tables))


def test_writer_error_is_raised_in_the_caller(tmp_path):
    sink = ArrowSink(tmp_path / "missing" / "out.tsv")  # no such folder
    with pytest.raises(OSError):
        sink.put(_table(["A"], 1))
        sink.close()
    with pytest.raises(OSError):  # and again on every later call
        sink.put(_table(["A"], 1))


def test_put_after_close_is_an_error(tmp_path):
    sink = ArrowSink(tmp_path / "out.tsv")
    sink.close()
    assert (tmp_path / "out.tsv").read_bytes() == b""
    with pytest.raises(RuntimeError, match="closed"):
        sink.put(_table(["A"], 1))


def test_abort_stops_the_thread(tmp_path):
    sink = ArrowSink(tmp_path / "out.tsv")
    sink.put(_table(["A"], 1))
    sink.abort()
    assert not sink._thread.is_alive()
