"""What a run tells about itself: its name in the Prefect UI, and its flow_runs row, which names
its comparison from the moment that is known, whatever the run's end; a fan-out batch records
a row per comparison as a sequential one does."""

from __future__ import annotations

import pytest

from chromdiff.design.comparison import ComparisonSpec
from chromdiff.design.examples import get_example
from chromdiff.warehouse.db import connect

EX = get_example("tp53_molm13_vs_k562")


def _name(state) -> str:
    """Return the Prefect flow run name of a final state."""
    import asyncio

    from prefect.client.orchestration import get_client

    async def read():
        async with get_client() as client:
            return await client.read_flow_run(state.state_details.flow_run_id)

    return asyncio.run(read()).name


def _runs(db: str) -> list[tuple]:
    with connect(db, read_only=True) as con:
        return con.execute(
            "select flow_name, state, comparison_id from flow_runs order by started_at"
        ).fetchall()


@pytest.mark.prefect
def test_failed_compare_runs_name_their_comparison(fake_chipatlas_factory, fast_polling, tmp_path):
    """flow_runs.comparison_id was written on success only: failed runs had NULL."""
    from chromdiff.errors import ChromdiffError
    from flows.compare import compare

    down = fake_chipatlas_factory(health_down=True)
    db = str(tmp_path / "r.duckdb")
    kw = dict(db_path=db, output_dir=str(tmp_path / "out"), base_url=down.base_url,
              title="runs simulated")  # fmt: skip
    # named by the caller and refused by validation; derived from the inputs, the service down
    named = compare(list(EX.ids_a), list(EX.ids_b), genome="hg99", comparison_id="named",
                    return_state=True, **kw)  # fmt: skip
    derived = compare(list(EX.ids_a), list(EX.ids_b), return_state=True, **kw)
    assert named.is_failed() and derived.is_failed()
    assert isinstance(derived.result(raise_on_failure=False), ChromdiffError)
    cid = ComparisonSpec(list(EX.ids_a), list(EX.ids_b), title="runs simulated").validated(
    ).default_id()  # fmt: skip
    assert _runs(db) == [("compare", "failed", "named"), ("compare", "failed", cid)]
    # the UI names runs by what they work on (they were Prefect's random 'vague-hound')
    assert (_name(named), _name(derived)) == ("compare-named", f"compare-{cid}")


@pytest.mark.prefect
def test_a_fan_out_batch_records_a_row_per_comparison_and_names_its_run(
    fake_chipatlas_factory, fast_polling, tmp_path
):
    """docs/operations.md promised a flow_runs row for each comparison; a fan-out wrote none."""
    import yaml

    from flows.batch import run_batch

    server = fake_chipatlas_factory(n_regions=300)
    groups = {"ids_a": list(EX.ids_a), "ids_b": list(EX.ids_b)}
    f = tmp_path / "nightly.yaml"
    f.write_text(yaml.safe_dump({"comparisons": [
        {"name": "good", "title": "fan rows simulated", **groups},
        {"name": "bad", "genome": "hg99", **groups},
    ]}))  # fmt: skip
    db = str(tmp_path / "b.duckdb")
    rows, state = run_batch(str(f), db_path=db, output_dir=str(tmp_path / "out"),
                            base_url=server.base_url, runner="threads")  # fmt: skip
    assert [r["status"] for r in rows] == ["loaded", "failed"]
    assert _name(state) == "batch-nightly"
    with connect(db, read_only=True) as con:
        got = con.execute(
            "select comparison_id, state, result_format, parameters->>'$.runner',"
            " parameters->>'$.batch_run_id' = (select run_id from flow_runs"
            "   where flow_name = 'batch') from flow_runs where flow_name = 'compare'"
            " order by comparison_id"
        ).fetchall()
    assert got == [("bad", "failed", None, "threads", True),
                   ("good", "completed", "diffbind_2025", "threads", True)]  # fmt: skip
