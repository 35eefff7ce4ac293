"""``chromdiff compare`` end to end against the fake server's real-service scenarios.

Each behaviour of the real ChIP-Atlas service (docs/chipatlas.md, "Real-service behaviours")
through the whole command: the user gets one clear ``error:`` line naming the request ID and the
server's reason, the database holds no half-loaded comparison, and nothing waits longer than
the few polls it takes to see the verdict.
"""

from __future__ import annotations

import time

import pytest

from chromdiff.warehouse.db import connect

A = ["SRX5865959", "SRX5865960"]
B = ["SRX100", "SRX1000"]


@pytest.fixture
def fast(monkeypatch):
    from chromdiff.settings import get_settings

    monkeypatch.setenv("CHROMDIFF_POLL_INTERVAL_S", "0.1")
    monkeypatch.setenv("CHROMDIFF_STATUS_INTERVAL_S", "0.3")
    monkeypatch.setenv("CHROMDIFF_NOT_FOUND_WINDOW_S", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def compare(server, tmp_path, a=A, b=B, *extra, request_id=None):
    """Run the compare flow as ``chromdiff compare`` does; return what the user would see.

    ``(exit code, stdout, stderr, seconds)``: a failure is the CLI's ``error: <message>`` line
    (cli/main.py prints exactly that for a ChromdiffError). The flow is called in-process
    rather than through ``main()``: Prefect's console handler keeps the first test's captured
    stream, so a second in-process CLI run would write to a closed file.
    """
    from chromdiff.errors import ChromdiffError
    from flows.compare import compare as flow

    t0 = time.monotonic()
    try:
        flow(ids_a=list(a), ids_b=list(b), title="real behaviour simulated",
             db_path=str(tmp_path / "c.duckdb"), output_dir=str(tmp_path / "out"),
             base_url=server.base_url, force="--force" in extra,
             request_id=request_id)  # fmt: skip
        code, err = 0, ""
    except ChromdiffError as exc:
        code, err = 1, f"error: {exc}"
    return code, "", err, time.monotonic() - t0


def error_lines(err: str) -> list[str]:
    assert "\n" not in err  # one line
    return [line for line in err.splitlines() if line.startswith("error:")]


def stored(tmp_path):
    with connect(tmp_path / "c.duckdb", read_only=True) as con:
        row = con.execute("select status, request_id, error from comparisons").fetchall()
        n = {
            t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
            for t in ("regions", "region_count_vectors", "raw_files")
        }
    return (row[0] if row else None), n


def posts(server):
    return [r for r in server.journal if r["method"] == "POST"]


@pytest.mark.prefect
@pytest.mark.parametrize(
    ("knobs", "reason"),
    [
        ({"wrong_organism_ids": ("SRX100",)},
         '"SRX100" does not correspond to an experiment for hg38.'),
        ({"never_runs": True}, "looks lost: every status read answered not-found"),
        ({"no_result": True}, "finished without a result"),
        ({"killed_as": "OUT_OF_MEMORY"}, "the scheduler's account says OUT_OF_MEMORY"),
    ],
)  # fmt: skip
def test_failed_or_lost_job_ends_at_once_with_the_reason(
    fake_chipatlas_factory, fast, tmp_path, knobs, reason
):
    server = fake_chipatlas_factory(polls_to_finish=2, **knobs)
    code, _, err, seconds = compare(server, tmp_path)
    (status, rid, error), n = stored(tmp_path)
    assert code == 1
    lines = error_lines(err)
    assert len(lines) == 1 and rid in lines[0] and reason in lines[0], err[-2000:]
    assert status == "failed" and reason in error  # final: not a resumable timeout
    assert n == {"regions": 0, "region_count_vectors": 0, "raw_files": 0}
    assert seconds < 60  # the 3-hour deadline is never waited for
    assert len(posts(server)) == 1
    # a plain rerun does not resubmit a job known to end this way; it says how to (--force)
    code, _, err, _ = compare(server, tmp_path)
    lines = error_lines(err)
    assert code == 1 and len(lines) == 1 and rid in lines[0] and reason in lines[0], err[-2000:]
    assert "ended for good" in lines[0] and "--force" in lines[0]
    assert len(posts(server)) == 1 and stored(tmp_path)[0][0] == "failed"


@pytest.mark.prefect
def test_request_id_of_a_job_called_lost_waits_for_it_again(fake_chipatlas_factory, fast, tmp_path):
    # WABI said not-found for the whole window (its scheduler query failing, or a job not yet
    # seen): the comparison is failed, and only --force (a second job) used to get past that
    server = fake_chipatlas_factory(n_regions=30, never_runs=True)
    code, _, err, _ = compare(server, tmp_path)
    (status, rid, error), _ = stored(tmp_path)
    assert code == 1 and status == "failed" and "looks lost" in error, err[-2000:]
    assert f"--request-id {rid}" in err
    code, _, err, _ = compare(server, tmp_path)  # a plain rerun still refuses, naming the way
    assert code == 1 and "ended for good" in err and f"--request-id {rid}" in err
    server.state.scenario.never_runs = False  # the scheduler answers for the job again
    code, _, err, _ = compare(server, tmp_path, request_id=rid)
    assert code == 0, err[-2000:]
    (status, rid_now, _), n = stored(tmp_path)
    assert (status, rid_now, n["regions"]) == ("loaded", rid, 30) and len(posts(server)) == 1


@pytest.mark.prefect
def test_expired_request_is_said_expired_and_force_submits_anew(
    fake_chipatlas_factory, fast, tmp_path
):
    from chromdiff.design.comparison import ComparisonSpec, register, set_request
    from chromdiff.warehouse.db import writer

    server = fake_chipatlas_factory(n_regions=50)
    spec = ComparisonSpec(A, B, title="real behaviour simulated").validated()
    old = "wabi_chipatlas_2026-0101-0900-05-7-123456"  # results are kept a week
    with writer(tmp_path / "c.duckdb") as con:
        register(con, spec.default_id(), spec, base_url=server.base_url)
        set_request(con, spec.default_id(), old)
    code, _, err, _ = compare(server, tmp_path)
    lines = error_lines(err)
    assert code == 1 and len(lines) == 1, err[-2000:]
    assert f"{old} has expired" in lines[0] and "--force" in lines[0]
    assert stored(tmp_path)[0][0] == "failed" and not posts(server)
    code, _, err, _ = compare(server, tmp_path, A, B, "--force")
    assert code == 0, err[-2000:]
    (status, rid, _), n = stored(tmp_path)
    assert status == "loaded" and rid != old and len(posts(server)) == 1
    assert n["regions"] == 50


@pytest.mark.prefect
def test_a_proxy_page_on_the_result_probe_is_not_taken_for_the_end(
    fake_chipatlas_factory, fast, tmp_path
):
    # a 200 HTML page in place of WABI's answer used to count as finished: the running job's
    # ZIP then answered 404 and the comparison was failed for good
    server = fake_chipatlas_factory(n_regions=40, polls_to_finish=4, probe_html_first_n=3)
    code, _, err, _ = compare(server, tmp_path)
    assert code == 0, err[-2000:]
    (status, _, _), n = stored(tmp_path)
    assert status == "loaded" and n["regions"] == 40 and len(posts(server)) == 1


@pytest.mark.prefect
def test_a_comparison_stored_finished_waits_for_its_job_before_downloading(
    fake_chipatlas_factory, fast, tmp_path
):
    from chromdiff.chipatlas.client import ChipAtlasClient
    from chromdiff.chipatlas.protocol import SubmitRequest
    from chromdiff.design.comparison import ComparisonSpec, register, set_request, set_status
    from chromdiff.warehouse.db import writer

    server = fake_chipatlas_factory(n_regions=30, polls_to_finish=4)
    spec = ComparisonSpec(A, B, title="real behaviour simulated").validated()
    req = SubmitRequest("diffbind", "hg38", spec.ids_a, spec.ids_b, spec.title,
                        spec.description_a, spec.description_b)  # fmt: skip
    rid = ChipAtlasClient(server.base_url).submit(req)  # still running on the server
    with writer(tmp_path / "c.duckdb") as con:  # as a run fooled by a false "done" left it
        register(con, spec.default_id(), spec, base_url=server.base_url)
        set_request(con, spec.default_id(), rid)
        set_status(con, spec.default_id(), "finished")
    code, _, err, _ = compare(server, tmp_path)
    assert code == 0, err[-2000:]
    assert stored(tmp_path)[0][:2] == ("loaded", rid) and len(posts(server)) == 1
    kinds = [r["query"].get("format") for r in server.journal if r["method"] == "GET"]
    assert "html" in kinds and kinds.index("html") < kinds.index("zip")  # waited first


def test_no_zip_yet_is_not_a_final_answer():
    from chromdiff.errors import JobLostError, ResultNotReadyError
    from flows.compare import _final

    assert not _final(ResultNotReadyError("no result ZIP yet"))  # the request stays resumable
    assert _final(JobLostError("lost"))


@pytest.mark.prefect
def test_health_check_before_submitting(fake_chipatlas_factory, fast, tmp_path):
    server = fake_chipatlas_factory(health_down=True)
    code, _, err, seconds = compare(server, tmp_path)
    lines = error_lines(err)
    assert code == 1 and len(lines) == 1 and "unavailable" in lines[0], err[-2000:]
    assert "nothing was submitted" in lines[0] and not posts(server)
    assert seconds < 60


def label(srx: str) -> float:
    """The fake's ``label_counts`` value of an experiment (its number mod 100000, over 100)."""
    return int(srx[3:]) % 100_000 / 100


@pytest.mark.prefect
def test_gsm_inputs_dropped_id_and_server_sample_order(fake_chipatlas_factory, fast, tmp_path):
    # en_US glob order puts SRX1000.count before SRX100.count: sorted(IDs) would swap them
    server = fake_chipatlas_factory(
        n_regions=60, gsm_map={"GSM101": "SRX1000"}, collation="en_US", label_counts=True
    )
    a = [*A, "GSM999"]  # GSM999 is not in the server's experimentList: dropped with a warning
    b = ["SRX100", "GSM101"]
    code, _, err, _ = compare(server, tmp_path, a, b)
    assert code == 0, err[-2000:]
    with connect(tmp_path / "c.duckdb", read_only=True) as con:
        exps = {
            r[0]: r[1:]
            for r in con.execute(
                "select experiment_id, server_id, count_order, dropped from experiments"
            ).fetchall()
        }
        counts = dict(
            con.execute(
                "select experiment_id, count from region_counts where region_id = 1"
            ).fetchall()
        )
        findings = con.execute(
            "select check_name, severity, detail from qc_findings where check_name in"
            " ('dropped_ids', 'sample_size')"
        ).fetchall()
        report = con.execute("select message from run_log where event = 'sample_order'").fetchall()
    assert exps["GSM101"] == ("SRX1000", 1, None) and exps["SRX100"] == ("SRX100", 2, None)
    assert exps["GSM999"][:2] == (None, None) and "unmapped for hg38" in exps["GSM999"][2]
    # every count is credited to the experiment it belongs to (planted values, not the log)
    assert counts == {
        "SRX5865959": label("SRX5865959"), "SRX5865960": label("SRX5865960"),
        "SRX100": label("SRX100"), "GSM101": label("SRX1000"),
    }  # fmt: skip
    (_, severity, detail), *rest = [f for f in findings if f[0] == "dropped_ids"]
    assert severity == "major" and "GSM999" in detail and not rest
    assert any(f[0] == "sample_size" and "n=2 vs n=2" in f[2] for f in findings)
    assert report and "from log" in report[0][0]
    md = next((tmp_path / "out").rglob("*.md")).read_text()
    assert "GSM999 (not used by the server)" in md and "GSM101 (= SRX1000)" in md
    assert "GSM999" in md.split("GSM999 (not used by the server)", 1)[1]  # also a QC finding
    # the design says how many were compared, not only submitted (as the sample-size check)
    assert "(n=2 compared of 3 submitted)" in md and "(n=2)" in md


@pytest.mark.prefect
def test_batch_fan_out_credits_gsm_counts_and_records_dropped_ids(
    fake_chipatlas_factory, fast, tmp_path
):
    from flows.batch import batch

    server = fake_chipatlas_factory(
        n_regions=40, gsm_map={"GSM101": "SRX1000"}, collation="en_US", label_counts=True
    )
    f = tmp_path / "b.yaml"
    f.write_text(
        "comparisons:\n  - {name: gsm, ids_a: [SRX5865959, SRX5865960, GSM999],"
        " ids_b: [SRX100, GSM101], title: batch gsm simulated}\n"
    )
    db = str(tmp_path / "b.duckdb")
    rows = batch(str(f), db_path=db, output_dir=str(tmp_path / "out"), base_url=server.base_url)
    assert rows[0]["status"] == "loaded", rows
    with connect(db, read_only=True) as con:
        counts = dict(
            con.execute(
                "select experiment_id, count from region_counts where region_id = 1"
            ).fetchall()
        )
        dropped = con.execute(
            "select experiment_id from experiments where dropped is not null"
        ).fetchall()
    assert counts == {
        "SRX5865959": label("SRX5865959"), "SRX5865960": label("SRX5865960"),
        "SRX100": label("SRX100"), "GSM101": label("SRX1000"),
    }  # fmt: skip
    assert dropped == [("GSM999",)]
    assert [r["method"] for r in server.journal].count("POST") == 1
