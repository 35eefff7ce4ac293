"""Run history: rows in flow_runs for completed and failed runs, queryable by SQL."""

from __future__ import annotations

import json

import duckdb
import pytest

import chromdiff
from chromdiff.warehouse.db import connect
from chromdiff.warehouse.history import record_run


def test_completed_run_records_parameters_versions_and_timing(tmp_path):
    db = str(tmp_path / "h.duckdb")
    params = {"ids_a": ["SRX1", "SRX2"], "genome": "hg38", "fdr": 0.05}
    with record_run(db, "compare", params, run_id="r1") as run:
        run.update(result_format="diffbind_2025", annotation_id="hg38", comparison_id="c1")
    with connect(db, read_only=True) as con:
        row = con.execute(
            "select flow_name, parameters, chromdiff_version, duckdb_version, prefect_version, "
            "state, result_format, annotation_id, comparison_id, duration_s >= 0, "
            "finished_at >= started_at, parameters->>'$.genome' from flow_runs where run_id = 'r1'"
        ).fetchone()
    assert row[0] == "compare"
    assert json.loads(row[1]) == params
    assert row[2] == chromdiff.__version__
    assert row[3] == duckdb.__version__
    assert row[4] is not None
    assert row[5:9] == ("completed", "diffbind_2025", "hg38", "c1")
    assert row[9] is True and row[10] is True
    assert row[11] == "hg38"


def test_failed_run_keeps_one_line_error_and_reraises(tmp_path):
    db = str(tmp_path / "h.duckdb")
    with pytest.raises(RuntimeError, match="boom"):
        with record_run(db, "batch", {"n": 2}, run_id="r2"):
            raise RuntimeError("boom\nsecond line")
    with connect(db, read_only=True) as con:
        state, error = con.execute(
            "select state, error from flow_runs where run_id = 'r2'"
        ).fetchone()
    assert (state, error) == ("failed", "boom")


def test_unknown_field_rejected(tmp_path):
    with pytest.raises(ValueError, match="unknown run fields"):
        with record_run(str(tmp_path / "h.duckdb"), "x", {}, run_id="r3") as run:
            run.update(colour="red")
