"""A comparison ID that holds another comparison's job or result is never replaced silently.

The ``compare-adhoc`` deployment defaulted to the nightly batch's comparison ID: a run given
other experiments reset that comparison and replaced its result (labels still the nightly's).
"""

from __future__ import annotations

import pytest

from chromdiff.design.comparison import (
    ComparisonSpec,
    refuse_other_inputs,
    refuse_other_local_inputs,
    register,
    set_status,
)
from chromdiff.design.examples import get_example
from chromdiff.errors import InputError
from chromdiff.warehouse.db import connect, writer

EX = get_example("tp53_molm13_vs_k562")


def test_only_a_comparison_holding_a_job_or_result_is_refused(tmp_path):
    db = str(tmp_path / "r.duckdb")
    spec = ComparisonSpec(list(EX.ids_a), list(EX.ids_b), description_a="MOLM-13",
                          description_b="K-562").validated()  # fmt: skip
    other = ComparisonSpec(list(EX.ids_b), list(EX.ids_a)).validated().input_hash()
    with writer(db) as con:
        refuse_other_inputs(con, "n1", other)  # a new ID
        register(con, "n1", spec, base_url="http://127.0.0.1:9/")
        refuse_other_inputs(con, "n1", other)  # created: nothing to lose
        for status in ("running", "loaded"):
            set_status(con, "n1", status)
            refuse_other_inputs(con, "n1", spec.input_hash())  # the same inputs: resumed/skipped
            with pytest.raises(InputError, match=f"n1 already holds a {status} job or result"):
                refuse_other_inputs(con, "n1", other)
        set_status(con, "n1", "failed", "the job failed")
        refuse_other_inputs(con, "n1", other)  # failed: corrected inputs are the way on


def test_a_local_run_is_refused_another_comparisons_id_not_its_own_new_files(tmp_path):
    """A local comparison's stored hash covers its files: new files recompute under its ID."""
    db = str(tmp_path / "r.duckdb")
    spec = ComparisonSpec(list(EX.ids_a), list(EX.ids_b)).validated()
    swapped = ComparisonSpec(list(EX.ids_b), list(EX.ids_a)).validated()
    with writer(db) as con:
        register(con, "mine", spec, base_url="local:chromdiff-local-1")
        register(con, "old", spec, base_url="local:chromdiff-local-1")
        register(con, "nightly", spec, base_url="http://127.0.0.1:9/")
        for cid in ("mine", "old", "nightly"):
            set_status(con, cid, "loaded")
            con.execute("update comparisons set input_hash = 'files-v1' where comparison_id = ?",
                        [cid])  # fmt: skip
        con.execute("insert into local_runs (comparison_id, pipeline_version, engine, spec_hash)"
                    " values ('mine', 'v', 'numpy', ?), ('old', 'v', 'numpy', null)",
                    [spec.input_hash()])  # fmt: skip
        refuse_other_local_inputs(con, "mine", spec)  # same inputs, other file stamps
        with pytest.raises(InputError, match=r"mine already holds .* computed on this machine"):
            refuse_other_local_inputs(con, "mine", swapped)
        with pytest.raises(InputError, match=r"nightly already holds .* from ChIP-Atlas"):
            refuse_other_local_inputs(con, "nightly", spec)
        refuse_other_local_inputs(con, "old", swapped)  # stored by an older version: unknown
        refuse_other_local_inputs(con, "new", spec)


def test_local_runs_are_named_by_the_id_the_flow_derives():
    from chromdiff.run_names import compare_run_name

    params = {"ids_a": list(EX.ids_a), "ids_b": list(EX.ids_b)}
    spec = ComparisonSpec(list(EX.ids_a), list(EX.ids_b)).validated()
    assert compare_run_name(params, local=True) == f"compare-{spec.default_id(local=True)}"
    assert compare_run_name(params) == f"compare-{spec.default_id()}"
    assert (
        "_local_" in spec.default_id(local=True)
        and compare_run_name(params | {"comparison_id": "x"}, local=True) == "compare-x"
    )


@pytest.mark.prefect
def test_compare_refuses_other_inputs_under_a_used_id_unless_forced(
    fake_chipatlas_factory, fast_polling, tmp_path
):
    from flows.batch import run_batch
    from flows.compare import compare

    server = fake_chipatlas_factory(n_regions=300)
    db, out = str(tmp_path / "c.duckdb"), str(tmp_path / "out")

    def run(ids_a, ids_b, **kw):
        return compare(ids_a=ids_a, ids_b=ids_b, db_path=db, output_dir=out,
                       base_url=server.base_url, comparison_id="nightly", title="reuse simulated",
                       enrich=False, **kw)  # fmt: skip

    def stored():
        with connect(db, read_only=True) as con:
            return con.execute("select request_id, input_hash, status from comparisons").fetchall()

    a, b = list(EX.ids_a), list(EX.ids_b)
    assert run(a, b, description_a="MOLM-13", description_b="K-562")["status"] == "loaded"
    before, posts = stored(), len([r for r in server.journal if r["method"] == "POST"])
    with pytest.raises(InputError, match="nightly already holds a loaded job or result"):
        run(a[:2], b[:2])  # e.g. compare-adhoc given other IDs
    assert stored() == before
    assert len([r for r in server.journal if r["method"] == "POST"]) == posts
    assert run(a[:2], b[:2], force=True)["status"] == "loaded"
    assert stored()[0][0] != before[0][0]
    # a batch file names its comparisons: an edited one is submitted anew under its name
    f = tmp_path / "b.yaml"
    f.write_text(f"comparisons:\n  - {{name: nightly, ids_a: [{', '.join(a[:3])}], "
                 f"ids_b: [{', '.join(b[:3])}], title: reuse simulated}}\n")  # fmt: skip
    rows, _ = run_batch(str(f), db_path=db, output_dir=out, base_url=server.base_url)
    assert rows[0]["status"] == "loaded", rows
