"""The batch flow end to end on the fake server: a failing comparison does not stop the others,
and a rerun skips unchanged comparisons."""

from __future__ import annotations

import pytest

from chromdiff.design.examples import get_example
from chromdiff.warehouse.db import connect

EX = get_example("tp53_molm13_vs_k562")


def _summary_artifact(flow_run_id) -> str:
    """Return the Markdown of the ``batch-summary`` artifact of a flow run."""
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    async def read() -> list:
        async with get_client() as client:
            flt = ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
            return await client.read_artifacts(artifact_filter=flt)

    (art,) = [a for a in asyncio.run(read()) if a.key == "batch-summary"]
    assert art.type == "markdown"
    return art.data


@pytest.mark.prefect
def test_batch_isolates_failure_and_rerun_skips(server, tmp_path):
    from flows.batch import run_batch

    f = tmp_path / "b.yaml"
    ids_a, ids_b = ", ".join(EX.ids_a), ", ".join(EX.ids_b)
    f.write_text(
        "comparisons:\n"
        f"  - {{name: good, ids_a: [{ids_a}], ids_b: [{ids_b}], title: batch test simulated}}\n"
        f"  - {{name: bad, genome: hg99, ids_a: [{ids_a}], ids_b: [{ids_b}]}}\n"
        f"  - {{name: typo, ids_a: [SRX586597O], ids_b: [{ids_b}]}}\n"  # stopped the batch
    )
    db, out = str(tmp_path / "b.duckdb"), str(tmp_path / "out")
    got, state = run_batch(str(f), db_path=db, output_dir=out, base_url=server.base_url)
    rows = {r["comparison_id"]: r for r in got}
    # the parent run's final state says a comparison failed (not a green Completed)
    assert state.is_failed() and state.message == "2 of 3 comparisons failed: bad, typo"
    assert _summary_artifact(state.state_details.flow_run_id).count("/runs/flow-run/") == 3
    assert rows["typo"]["status"] == "failed" and "SRX586597O" in rows["typo"]["error"]
    assert rows["good"]["status"] == "loaded" and rows["good"]["n_regions"] > 0
    assert rows["good"]["qc_verdict"] in ("pass", "warn", "fail")
    assert rows["bad"]["status"] == "failed" and "hg99" in rows["bad"]["error"]
    again = {r["comparison_id"]: r for r in run_batch(str(f), db_path=db, output_dir=out,
                                                   base_url=server.base_url)[0]}  # fmt: skip
    assert again["good"]["status"] == "skipped"
    with connect(db, read_only=True) as con:
        runs = con.execute(
            "select flow_name, state, count(*) from flow_runs group by all order by all"
        ).fetchall()
    assert ("batch", "failed", 2) in runs
    assert ("compare", "completed", 2) in runs and ("compare", "failed", 4) in runs
    assert "| bad | failed |" in (tmp_path / "out" / "batch_summary.md").read_text()


@pytest.mark.prefect
def test_batch_job_failing_on_the_server_does_not_stop_the_others(
    fake_chipatlas_factory, fast_polling, tmp_path
):
    from flows.batch import run_batch

    server = fake_chipatlas_factory(n_regions=2000, error_ids=("SRX5865982",))
    all_a, ok_a, ok_b = ", ".join(EX.ids_a), ", ".join(EX.ids_a[:3]), ", ".join(EX.ids_b)
    f = tmp_path / "b.yaml"
    f.write_text(
        "comparisons:\n"
        f"  - {{name: fails, ids_a: [{all_a}], ids_b: [{ok_b}], title: x simulated}}\n"
        f"  - {{name: works, ids_a: [{ok_a}], ids_b: [{ok_b}], title: y simulated}}\n"
    )
    db, out = str(tmp_path / "b.duckdb"), str(tmp_path / "out")
    rows = {r["comparison_id"]: r for r in run_batch(str(f), db_path=db, output_dir=out,
                                                  base_url=server.base_url)[0]}  # fmt: skip
    assert rows["fails"]["status"] == "failed"
    assert "was not correctly downloaded" in rows["fails"]["error"]  # handle_error, DA:375
    assert rows["works"]["status"] == "loaded" and rows["works"]["n_regions"] == 2000
    with connect(db, read_only=True) as con:
        status = dict(con.execute("select comparison_id, status from comparisons").fetchall())
        n_fail_rows = con.execute(
            "select count(*) from regions where comparison_id = 'fails'"
        ).fetchall()[0][0]
    assert status == {"fails": "failed", "works": "loaded"} and n_fail_rows == 0
    # --force --only: re-submit the failed comparison alone; the loaded one is not touched
    posts = sum(1 for r in server.journal if r["method"] == "POST")
    with connect(db, read_only=True) as con:
        before = con.execute("select request_id, loaded_at from comparisons "
                             "where comparison_id = 'works'").fetchall()  # fmt: skip
    again, state = run_batch(str(f), db_path=db, output_dir=out, base_url=server.base_url,
                             force=True, only=["fails"])  # fmt: skip
    assert [r["comparison_id"] for r in again] == ["fails"] and again[0]["status"] == "failed"
    assert state.message == "1 of 1 comparisons failed: fails"
    assert sum(1 for r in server.journal if r["method"] == "POST") == posts + 1
    with connect(db, read_only=True) as con:
        after = con.execute("select request_id, loaded_at from comparisons "
                            "where comparison_id = 'works'").fetchall()  # fmt: skip
    assert after == before
