"""Dask fan-out: parse on a local Dask cluster (worker processes), load with one DuckDB writer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chromdiff.batch.runners import make_task_runner
from chromdiff.errors import InputError
from chromdiff.parsing import parse_result
from chromdiff.warehouse.db import connect

DATA = Path(__file__).parent / "data" / "parsing"
A = ["SRX999", "SRX1000", "SRX1001"]
B = ["SRX6", "SRX5"]
RESULTS = [
    {"bed_path": str(DATA / "diffbind_2025.bed"), "analysis": "diffbind", "ids_a": A, "ids_b": B,
     "comparison_id": "c2025"},
    {"bed_path": str(DATA / "diffbind_2024.bed"), "analysis": "diffbind", "ids_a": A, "ids_b": B,
     "comparison_id": "c2024"},
    {"bed_path": str(DATA / "dmr.bed"), "analysis": "dmr", "ids_a": A, "ids_b": B,
     "comparison_id": "cdmr"},
]  # fmt: skip


def test_runner_selection(monkeypatch):
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    from chromdiff.settings import get_settings

    assert isinstance(make_task_runner(), ThreadPoolTaskRunner)
    local = make_task_runner("dask", n_workers=3)
    assert isinstance(local, DaskTaskRunner) and local.cluster_kwargs["n_workers"] == 3
    monkeypatch.setenv("CHROMDIFF_DASK_ADDRESS", "tcp://10.0.0.5:8786")
    get_settings.cache_clear()
    try:
        assert make_task_runner("dask").address == "tcp://10.0.0.5:8786"
    finally:
        get_settings.cache_clear()
    with pytest.raises(InputError, match="unknown task runner 'ray'"):
        make_task_runner("ray")


def _expected(r: dict) -> list[dict]:
    return parse_result(r["bed_path"], r["analysis"], r["ids_a"], r["ids_b"]).regions.to_pylist()


def _check_loaded(db: str) -> None:
    with connect(db, read_only=True) as con:
        for r in RESULTS:
            cur = con.execute(
                "select * exclude (comparison_id) from regions where comparison_id = ? "
                "order by region_id", [r["comparison_id"]],
            )  # fmt: skip
            cols = [d[0] for d in cur.description]
            got = [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
            exp = _expected(r)
            assert len(got) == len(exp) > 0
            for g, e in zip(got, exp, strict=True):
                assert {k: g[k] for k in e} == e
            # the lists themselves: the region_counts view also needs registered experiments
            n_counts = con.execute(
                "select coalesce(sum(len(counts_a) + len(counts_b)), 0) from region_count_vectors"
                " where comparison_id = ?", [r["comparison_id"]],
            ).fetchone()[0]  # fmt: skip
            assert n_counts == parse_result(r["bed_path"], r["analysis"], A, B).counts.num_rows


def test_partitions_without_prefect_are_idempotent(tmp_path):
    from chromdiff.warehouse.partitions import load_partitions, parse_to_partition

    db = str(tmp_path / "w.duckdb")
    parts = [parse_to_partition(**r, root=str(tmp_path / "parts")) for r in RESULTS]
    load_partitions(db, parts)
    load_partitions(db, parts)  # replaces, never duplicates
    _check_loaded(db)


@pytest.mark.prefect
@pytest.mark.timeout(300)
def test_dask_local_cluster_fan_out_single_writer(tmp_path):
    from flows.batch import load_results

    db = str(tmp_path / "w.duckdb")
    out = load_results(RESULTS, db, str(tmp_path / "parts"), runner="dask", n_workers=2)
    pids = {p["pid"] for p in out["partitions"]}
    assert os.getpid() not in pids  # parsing ran in Dask worker processes
    assert out["loaded"] == {r["comparison_id"]: len(_expected(r)) for r in RESULTS}
    _check_loaded(db)
