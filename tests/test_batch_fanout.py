"""The batch fan-out path: network + parse on a Dask local cluster, one DuckDB writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from chromdiff.design.examples import get_example
from chromdiff.warehouse.db import connect

EX = get_example("tp53_molm13_vs_k562")


@pytest.mark.prefect
@pytest.mark.slow
def test_dask_fan_out_loads_with_one_writer_and_rerun_skips(
    fake_chipatlas_factory, fast_polling, tmp_path
):
    pytest.importorskip("prefect_dask")
    from flows.batch import run_batch

    server = fake_chipatlas_factory(n_regions=3000)
    a, b = ", ".join(EX.ids_a), ", ".join(EX.ids_b)
    f = tmp_path / "b.yaml"
    f.write_text(
        "comparisons:\n"
        f"  - {{name: one, ids_a: [{a}], ids_b: [{b}], title: fan one simulated}}\n"
        f"  - {{name: two, ids_a: [{b}], ids_b: [{a}], title: fan two simulated}}\n"
        f"  - {{name: bad, genome: hg99, ids_a: [{a}], ids_b: [{b}]}}\n"
    )
    db, out = str(tmp_path / "b.duckdb"), tmp_path / "out"
    rows = {r["comparison_id"]: r for r in run_batch(
        str(f), db_path=db, output_dir=str(out), base_url=server.base_url, runner="dask",
    )[0]}  # fmt: skip
    assert rows["one"]["status"] == rows["two"]["status"] == "loaded"
    assert rows["bad"]["status"] == "failed" and "hg99" in rows["bad"]["error"]
    for name in ("one", "two"):
        assert (out / name / "report.html").is_file()
        assert Path(out / "_partitions" / name / "regions.parquet").is_file()
        # the raw folder keeps the downloaded ZIP alone (its members are recorded in raw_files)
        assert [p.suffix for p in (out / name / "raw").iterdir()] == [".zip"]
    with connect(db, read_only=True) as con:
        n = dict(con.execute(
            "select comparison_id, count(*) from regions group by 1"
        ).fetchall())  # fmt: skip
        status = dict(con.execute("select comparison_id, status from comparisons").fetchall())
        rids = [r for (r,) in con.execute("select request_id from comparisons").fetchall()]
        kept = con.execute(
            "select kind, path like '%.zip', sha256 is not null from raw_files "
            "where comparison_id = 'one' and kind = 'bed'"
        ).fetchall()
    assert kept == [("bed", True, True)]
    assert n == {"one": 3000, "two": 3000}
    assert status["one"] == status["two"] == "loaded"
    assert all(r.startswith("wabi_chipatlas_") for r in rids)
    posts = sum(1 for r in server.journal if r["method"] == "POST")
    again = {r["comparison_id"]: r for r in run_batch(
        str(f), db_path=db, output_dir=str(out), base_url=server.base_url, runner="threads",
    )[0]}  # fmt: skip
    assert again["one"]["status"] == again["two"]["status"] == "skipped"
    assert again["one"]["n_regions"] == again["two"]["n_regions"] == 3000  # were None
    assert sum(1 for r in server.journal if r["method"] == "POST") == posts
    with connect(db, read_only=True) as con:  # GREAT ran as in the sequential batch (did not)
        runs = {r[0] for r in con.execute("select run_id from enrichment_notes").fetchall()}
    assert {"comparison:one", "comparison:two"} <= runs
    # a comparison another run holds (a chromdiff compare of it) is not submitted again by the
    # fan-out: it fails alone, the others go on (threads/dask took no claim and re-sent it)
    from chromdiff.warehouse.claims import claim_comparison

    with claim_comparison(db, "one"):
        held = {r["comparison_id"]: r for r in run_batch(
            str(f), db_path=db, output_dir=str(out), base_url=server.base_url,
            runner="threads", force=True, only=["one", "two"],
        )[0]}  # fmt: skip
    assert held["one"]["status"] == "failed" and "is being run by another" in held["one"]["error"]
    assert held["two"]["status"] == "loaded"
    assert sum(1 for r in server.journal if r["method"] == "POST") == posts + 1


def test_fan_out_plan_never_resubmits_in_doubt_and_finishes_unreported(tmp_path):
    """Phase 1 of the fan-out follows the compare flow's plan (no Prefect needed)."""
    from chromdiff.batch.fanout import prepare, spec_of
    from chromdiff.batch.spec import BatchItem
    from chromdiff.design.comparison import register, set_status
    from chromdiff.errors import SubmissionInDoubtError
    from chromdiff.warehouse.db import writer

    item = BatchItem("doubt", list(EX.ids_a), list(EX.ids_b), title="fan doubt simulated")
    db, url = str(tmp_path / "f.duckdb"), "http://127.0.0.1:9/wabi/chipatlas/"
    with writer(db) as con:
        register(con, "doubt", spec_of(item), base_url=url)
        set_status(con, "doubt", "submitting")  # the process died with the POST out
    with pytest.raises(SubmissionInDoubtError, match="--request-id"):
        prepare(db, item, url, str(tmp_path / "out"), force=False)
    assert prepare(db, item, url, str(tmp_path / "out"), force=True)["action"] == "submit"
    with writer(db) as con:
        con.execute("update comparisons set status = 'loaded' where comparison_id = 'doubt'")
    assert prepare(db, item, url, str(tmp_path / "out"), force=False)["action"] == "finish"
    with writer(db) as con:
        con.execute("update comparisons set reported_at = current_timestamp")
    assert prepare(db, item, url, str(tmp_path / "out"), force=False)["action"] == "skip"
    # a new threshold needs no new job: stored, and the report is made again
    stricter = BatchItem("doubt", list(EX.ids_a), list(EX.ids_b), title="fan doubt simulated",
                         fdr=0.01)  # fmt: skip
    assert prepare(db, stricter, url, str(tmp_path / "out"), force=False)["action"] == "finish"
    with writer(db) as con:
        assert con.execute("select fdr from comparison_params").fetchall() == [(0.01,)]


def test_failed_fetch_keeps_the_request_id_it_got(tmp_path):
    """The fan-out fetch submits outside the writer: a job that then fails kept request_id NULL
    although request.json held it (docs: a failed job keeps its request ID)."""
    from chromdiff.batch.fanout import spec_of
    from chromdiff.batch.spec import BatchItem
    from chromdiff.design.comparison import get_state, register
    from chromdiff.errors import JobFailedError
    from chromdiff.warehouse.db import writer
    from flows.compare import _fail

    item = BatchItem("f1", list(EX.ids_a), list(EX.ids_b), title="fan fail simulated")
    db, rid = str(tmp_path / "f.duckdb"), "wabi_chipatlas_2026-1201-0000-00-1-000001"
    with writer(db) as con:
        register(con, "f1", spec_of(item), base_url="http://127.0.0.1:9/")
    _fail(db, "f1", JobFailedError("the job failed on the server"), rid)
    with writer(db) as con:
        state = get_state(con, "f1")
    assert (state["request_id"], state["status"]) == (rid, "failed")


def test_fan_out_post_out_without_answer_is_in_doubt(tmp_path):
    """An earlier version's fetch submitted outside the writer and marked request.json before
    the POST: a run killed with the POST out is in doubt on the next run."""
    import json

    from chromdiff.batch.fanout import prepare, spec_of
    from chromdiff.batch.spec import BatchItem
    from chromdiff.design.comparison import get_state, register
    from chromdiff.errors import SubmissionInDoubtError
    from chromdiff.warehouse.db import writer

    item = BatchItem("post", list(EX.ids_a), list(EX.ids_b), title="fan post simulated")
    db, url, out = str(tmp_path / "p.duckdb"), "http://127.0.0.1:9/wabi/chipatlas/", tmp_path / "o"
    with writer(db) as con:
        register(con, "post", spec_of(item), base_url=url)
    (out / "post").mkdir(parents=True)
    (out / "post" / "request.json").write_text(json.dumps(
        {"request_id": None, "input_hash": spec_of(item).input_hash(), "submitting": True}
    ))  # fmt: skip
    with pytest.raises(SubmissionInDoubtError):
        prepare(db, item, url, str(out), force=False)
    with writer(db) as con:
        assert get_state(con, "post")["status"] == "in_doubt"
    assert prepare(db, item, url, str(out), force=True)["action"] == "submit"
