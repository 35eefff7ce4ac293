"""Faults on our side of the wire, through the whole ``chromdiff compare`` (issue 18 §3, §5).

Each test drives the CLI in-process against the local fake server with one fault knob, then
checks the one-line error, what the database holds, and what a rerun does: a submission in
doubt is never re-sent blindly, a finished job's result is downloaded again (never recomputed),
and a run stopped after loading is finished by the next one.
"""

from __future__ import annotations

import pytest

from chromdiff.design.examples import get_example
from chromdiff.warehouse.db import connect
from tests.cli_run import run_cli

EX = get_example("tp53_molm13_vs_k562")


def compare(tmp_path, server, capsys, *extra):
    args = [
        "compare", "--example", EX.name, "--comparison-id", "cmp", "--title", "faults simulated",
        "--db", str(tmp_path / "c.duckdb"), "--output", str(tmp_path / "out"),
        "--base-url", server.base_url, *extra,
    ]  # fmt: skip
    return run_cli(args, capsys)


def last_line(err: str) -> str:
    return [line for line in err.splitlines() if line.strip()][-1]


def stored(tmp_path) -> dict:
    with connect(tmp_path / "c.duckdb", read_only=True) as con:
        row = con.execute(
            "select status, request_id, error, reported_at is not null,"
            " (select count(*) from regions), (select count(*) from region_annotation),"
            " (select list(name order by name) from raw_files) from comparisons"
        ).fetchall()[0]
    keys = ("status", "request_id", "error", "reported", "regions", "annotated", "raw")
    return dict(zip(keys, row, strict=True))


def n_posts(server) -> int:
    return sum(r["method"] == "POST" for r in server.journal)


@pytest.mark.prefect
@pytest.mark.parametrize("lost_as", ["500", "reset"])
def test_submit_in_doubt_is_not_resent_and_resumes_by_request_id(
    tmp_path, capsys, fast_polling, fake_chipatlas_factory, lost_as
):
    server = fake_chipatlas_factory(n_regions=300, submit_lost_first_n=1, submit_lost_as=lost_as)
    code, _, err = compare(tmp_path, server, capsys)
    line = last_line(err)
    assert code == 1 and line.startswith("error: comparison cmp: the submission")
    assert "not re-sent" in line and "--request-id" in line and "--force" in line
    assert n_posts(server) == 1 and len(server.state.jobs) == 1  # one job queued, one POST
    assert stored(tmp_path)["status"] == "in_doubt"
    # a plain rerun refuses to submit again
    code, _, err = compare(tmp_path, server, capsys)
    assert code == 1 and "may have reached ChIP-Atlas" in last_line(err)
    assert n_posts(server) == 1
    # the user found the request ID: resume it, nothing is submitted
    (rid,) = server.state.jobs
    code, out, err = compare(tmp_path, server, capsys, "--request-id", rid)
    assert code == 0, err
    assert ": loaded" in out and rid in out and n_posts(server) == 1
    st = stored(tmp_path)
    assert (st["status"], st["request_id"], st["reported"]) == ("loaded", rid, True)


@pytest.mark.prefect
def test_refused_connection_submits_nothing_and_a_rerun_submits(
    tmp_path, capsys, fast_polling, fake_chipatlas_factory, monkeypatch
):
    from chromdiff.settings import get_settings

    monkeypatch.setenv("CHROMDIFF_CONNECT_TIMEOUT_S", "0.5")
    get_settings.cache_clear()
    server = fake_chipatlas_factory(n_regions=300)
    url = server.base_url
    server.stop()

    class Down:
        base_url = url

    code, _, err = compare(tmp_path, Down, capsys)
    assert code == 1 and "nothing was submitted" in last_line(err)
    assert stored(tmp_path)["status"] == "failed"


@pytest.mark.prefect
def test_redirected_submission_sends_nothing_and_names_the_endpoint_to_use(
    tmp_path, capsys, fast_polling, fake_chipatlas_factory
):
    target = fake_chipatlas_factory(n_regions=300)
    moved = fake_chipatlas_factory(redirect_to=target.base_url)
    code, _, err = compare(tmp_path, moved, capsys)
    line = last_line(err)
    assert code == 1 and "nothing was submitted" in line, err
    assert f"--base-url {target.base_url}" in line
    st = stored(tmp_path)  # nothing was sent: not in doubt, a rerun submits
    assert (st["status"], st["request_id"]) == ("failed", None)
    assert n_posts(target) == 0 and not target.state.jobs
    code, out, err = compare(tmp_path, target, capsys)
    assert code == 0 and ": loaded" in out, err
    assert n_posts(target) == 1


@pytest.mark.prefect
@pytest.mark.parametrize(
    ("knob", "message"),
    [({"zip_cut_first_n": 99, "zip_cut_as": "reset"}, "rerun to download it again"),
     ({"zip_cut_first_n": 99, "zip_cut_as": "short"}, "IncompleteRead"),
     ({"zip_html_first_n": 99}, "HTML page instead of the result ZIP")],
)  # fmt: skip
def test_failed_download_keeps_the_finished_job_and_the_rerun_downloads_it(
    tmp_path, capsys, fast_polling, fake_chipatlas_factory, knob, message
):
    server = fake_chipatlas_factory(n_regions=300, **knob)
    code, _, err = compare(tmp_path, server, capsys)
    assert code == 1 and last_line(err).startswith("error: ") and message in last_line(err)
    st = stored(tmp_path)
    assert st["status"] == "finished" and st["regions"] == 0 and st["raw"] is None
    assert message in st["error"]
    server.state.scenario.zip_cut_first_n = server.state.scenario.zip_html_first_n = 0
    code, out, err = compare(tmp_path, server, capsys)
    assert code == 0, err
    assert ": loaded" in out and n_posts(server) == 1  # downloaded again, never recomputed
    assert stored(tmp_path)["request_id"] == st["request_id"]


@pytest.mark.prefect
def test_crash_after_loading_is_finished_by_the_rerun(
    tmp_path, capsys, fast_polling, fake_chipatlas_factory, monkeypatch
):
    import tasks.annotate

    server = fake_chipatlas_factory(n_regions=300)
    real = tasks.annotate.annotate_comparison

    def crash(*args, **kwargs):
        raise RuntimeError("injected crash during annotation")

    monkeypatch.setattr(tasks.annotate, "annotate_comparison", crash)
    code, _, err = compare(tmp_path, server, capsys)
    assert code == 1 and "injected crash" in last_line(err)
    st = stored(tmp_path)
    assert (st["status"], st["reported"], st["annotated"]) == ("loaded", False, 0)
    monkeypatch.setattr(tasks.annotate, "annotate_comparison", real)
    code, out, err = compare(tmp_path, server, capsys)
    assert code == 0, err
    assert "skipped" not in out and ": loaded" in out
    st = stored(tmp_path)
    assert st["reported"] and st["annotated"] == st["regions"] == 300
    assert (tmp_path / "out" / "cmp" / "report.html").is_file()
    assert n_posts(server) == 1  # finished from the database: nothing fetched again
    code, out, _ = compare(tmp_path, server, capsys)
    assert code == 0 and "already loaded (skipped" in out


@pytest.mark.prefect
def test_force_rerun_crashing_mid_load_leaves_rows_of_its_own_request(
    tmp_path, capsys, fast_polling, fake_chipatlas_factory, monkeypatch
):
    import tasks.compare

    server = fake_chipatlas_factory(n_regions=300)
    assert compare(tmp_path, server, capsys)[0] == 0
    first = stored(tmp_path)
    assert first["regions"] == 300 and any(first["request_id"] in n for n in first["raw"])
    real = tasks.compare.warehouse.load_result

    def crash(con, *args, **kwargs):
        con.execute("begin transaction")  # as if killed half-way: nothing of it is committed
        con.execute("rollback")
        raise RuntimeError("injected crash mid-load")

    monkeypatch.setattr(tasks.compare.warehouse, "load_result", crash)
    code, _, err = compare(tmp_path, server, capsys, "--force")
    assert code == 1 and "injected crash mid-load" in last_line(err)
    st = stored(tmp_path)
    # the new request is named, and the database holds nothing of the old one
    assert st["request_id"] != first["request_id"] and st["status"] == "finished"
    assert (st["regions"], st["raw"]) == (0, None)
    monkeypatch.setattr(tasks.compare.warehouse, "load_result", real)
    code, _, err = compare(tmp_path, server, capsys)  # resumes the new request
    assert code == 0, err
    done = stored(tmp_path)
    assert done["request_id"] == st["request_id"] and done["regions"] == 300
    assert all(done["request_id"] in n for n in done["raw"] if n.endswith(".zip"))
    assert n_posts(server) == 2
