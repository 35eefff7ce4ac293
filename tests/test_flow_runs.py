"""What a run tells about itself: its flow_runs row names its comparison from the moment that is
known, whatever the run's end."""

from __future__ import annotations

import pytest

from chromdiff.design.comparison import ComparisonSpec
from chromdiff.design.examples import get_example
from chromdiff.warehouse.db import connect

EX = get_example("tp53_molm13_vs_k562")


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
    with pytest.raises(ChromdiffError):  # named by the caller, refused by validation
        compare(list(EX.ids_a), list(EX.ids_b), genome="hg99", comparison_id="named", **kw)
    with pytest.raises(ChromdiffError):  # derived from the inputs, the service is down
        compare(list(EX.ids_a), list(EX.ids_b), **kw)
    derived = ComparisonSpec(list(EX.ids_a), list(EX.ids_b), title="runs simulated").validated()
    assert _runs(db) == [("compare", "failed", "named"),
                         ("compare", "failed", derived.default_id())]  # fmt: skip
