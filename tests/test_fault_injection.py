"""The client against the local fake server, one misbehaviour at a time: each ends in success
after retries or in a clear, typed error (and nothing is written outside the output folder)."""

from __future__ import annotations

import pytest
import requests

from chromdiff.chipatlas.archive import extract_result_zip
from chromdiff.chipatlas.client import ChipAtlasClient
from chromdiff.chipatlas.protocol import SubmitRequest
from chromdiff.errors import (
    JobFailedError,
    JobTimeoutError,
    RequestRejectedError,
    ResultArchiveError,
    ServerUnavailableError,
    SubmissionInDoubtError,
)
from chromdiff.parsing import parse_result
from chromdiff.settings import Settings

A = ["SRX5865959", "SRX5865960", "SRX5865961"]
B = ["SRX999", "SRX1000"]
FAST = Settings(poll_interval_s=0.01, read_timeout_s=0.5, connect_timeout_s=0.5,
                max_zip_bytes=8 * 1024 * 1024)  # fmt: skip


def client(server, **kw):
    sleeps: list[float] = []
    opts = {"backoff_base": 0.01, "backoff_cap": 0.05} | kw
    c = ChipAtlasClient(server.base_url, settings=FAST, sleep=sleeps.append, **opts)
    c.sleeps = sleeps
    return c


def request(analysis="diffbind"):
    return SubmitRequest(analysis, "hg38", A, B, "fault test simulated", "grp A", "grp B")


def run_job(server, tmp_path, analysis="diffbind", **kw):
    c = client(server, **kw)
    rid = c.submit(request(analysis))
    c.wait(rid, interval_s=0.01)
    zpath = c.download_zip(rid, tmp_path / "r.zip")
    return c, extract_result_zip(zpath, tmp_path / "out", max_bytes=FAST.max_zip_bytes)


def posts(server):
    return [r for r in server.journal if r["method"] == "POST"]


def test_happy_path_sends_the_production_form(fake_chipatlas_factory, tmp_path):
    server = fake_chipatlas_factory(n_regions=300)
    _, files = run_job(server, tmp_path)
    form = posts(server)[0]["form"]
    assert form["bedAFile"] == "\n".join(A) and form["sbatchOptions"] == "-p epyc -t 180"
    parsed = parse_result(files.bed, "diffbind", A, B)
    assert parsed.result_format == "diffbind_2025" and parsed.regions.num_rows == 300
    # counts are mapped in the server's sorted(ID) order: SRX1000 sorts before SRX999
    first = sorted(parsed.counts.to_pylist(), key=lambda r: (r["region_id"], r["experiment_id"]))
    assert {r["experiment_id"] for r in first[:5]} == set(A + B)
    assert "SIMULATED" in files.log.read_text()


@pytest.mark.parametrize("status", [500, 503])
def test_5xx_burst_then_success(fake_chipatlas_factory, tmp_path, status):
    # the burst hits a GET call (the probe of an unknown ID, 404 once answered): GETs are
    # retried; a POST never is, and the health check takes an HTTP error as final
    server = fake_chipatlas_factory(n_regions=100, fail_first_n=3, fail_status=status)
    c = client(server)
    assert c.result_ready("wabi_chipatlas_2026-0101-0000-00-0-000000") is False
    assert len(c.sleeps) == 3
    c, files = run_job(server, tmp_path)
    assert files.bed is not None and len(posts(server)) == 1


def test_429_with_retry_after_is_honoured(fake_chipatlas_factory, tmp_path):
    server = fake_chipatlas_factory(n_regions=100, rate_limit_first_n=2, retry_after=3)
    c = client(server, backoff_cap=60)
    c.submit(request())
    assert len(c.sleeps) == 2 and all(s >= 3 for s in c.sleeps)


def test_connection_resets_are_retried(fake_chipatlas_factory, tmp_path):
    server = fake_chipatlas_factory(n_regions=100, reset_first_n=2)
    c = client(server)
    c.check_health()
    assert len(c.sleeps) == 2
    c, files = run_job(server, tmp_path)
    assert files.bed is not None


@pytest.mark.parametrize("lost_as", ["reset", "500", "timeout"])
def test_lost_submit_answer_is_in_doubt_and_sent_once(fake_chipatlas_factory, lost_as):
    server = fake_chipatlas_factory(submit_lost_first_n=1, submit_lost_as=lost_as,
                                    stall_seconds=1.5)  # fmt: skip
    c = client(server)
    with pytest.raises(SubmissionInDoubtError, match="not re-sent"):
        c.submit(request())
    # the server did queue the job: re-sending would have queued a second copy
    assert len(posts(server)) == 1 and len(server.state.jobs) == 1


def test_refused_connection_is_retried_and_said_to_submit_nothing(fake_chipatlas_factory):
    server = fake_chipatlas_factory()
    url = server.base_url
    server.stop()  # nothing listens on the port any more
    c = ChipAtlasClient(url, settings=FAST, sleep=lambda s: None, max_retries=2)
    with pytest.raises(ServerUnavailableError, match=r"after 3 tries \(connection refused\)"):
        c.submit(request())


def test_redirected_submission_is_not_followed_and_names_the_new_endpoint(
    fake_chipatlas_factory, tmp_path
):
    # a moved endpoint answers 301; requests would re-send the POST as a GET (no job, no ID)
    target = fake_chipatlas_factory(n_regions=50)
    moved = fake_chipatlas_factory(redirect_to=target.base_url)
    c = client(moved)
    c.check_health()  # a GET follows the redirect
    with pytest.raises(RequestRejectedError) as err:
        c.submit(request())
    message = str(err.value)
    assert "HTTP 301" in message and "nothing was submitted" in message
    assert f"--base-url {target.base_url}" in message
    assert [r["method"] for r in moved.journal] == ["GET", "POST"]  # health, one POST
    assert not posts(target) and not target.state.jobs and not c.sleeps
    run_job(target, tmp_path)  # the endpoint it named takes the job


@pytest.mark.parametrize("cut_as", ["reset", "short"])
def test_zip_download_cut_short_is_fetched_again(fake_chipatlas_factory, tmp_path, cut_as):
    server = fake_chipatlas_factory(n_regions=2000, zip_cut_first_n=2, zip_cut_as=cut_as)
    _, files = run_job(server, tmp_path)
    assert files.bed is not None and len(posts(server)) == 1
    zips = [r for r in server.journal if r.get("query", {}).get("format") == "zip"]
    assert len(zips) == 3
    always = fake_chipatlas_factory(n_regions=2000, zip_cut_first_n=99, zip_cut_as=cut_as)
    with pytest.raises(ServerUnavailableError, match="rerun to download it again"):
        run_job(always, tmp_path / "again")
    assert not list((tmp_path / "again").glob("r.zip*"))


def test_html_page_in_place_of_the_zip(fake_chipatlas_factory, tmp_path):
    server = fake_chipatlas_factory(n_regions=100, zip_html_first_n=1)
    _, files = run_job(server, tmp_path)
    assert files.bed is not None
    always = fake_chipatlas_factory(n_regions=100, zip_html_first_n=99)
    with pytest.raises(ResultArchiveError, match="HTML page instead of the result ZIP"):
        run_job(always, tmp_path / "again")


def test_timeouts_are_retried_then_reported(fake_chipatlas_factory):
    server = fake_chipatlas_factory(stall_seconds=1.0, stall_on="health")
    with pytest.raises(ServerUnavailableError, match="timeout"):
        client(server, max_retries=1).check_health()


def test_job_that_never_finishes_hits_the_deadline(fake_chipatlas_factory):
    server = fake_chipatlas_factory(never_finish=True)
    c = client(server)
    rid = c.submit(request())
    with pytest.raises(JobTimeoutError, match=rid):
        c.wait(rid, deadline_s=0.2, interval_s=0.05)


def test_job_error_in_log_is_quoted_and_there_is_no_zip(fake_chipatlas_factory, tmp_path):
    server = fake_chipatlas_factory(job_error=True)
    c = client(server)
    rid = c.submit(request())
    with pytest.raises(JobFailedError, match="was not correctly downloaded"):
        c.wait(rid, interval_s=0.01)
    with pytest.raises(JobFailedError):
        c.download_zip(rid, tmp_path / "r.zip")
    assert not (tmp_path / "r.zip").exists()


def test_bad_fields_give_400_with_wabi_json(fake_chipatlas_factory):
    server = fake_chipatlas_factory()
    form = request().form() | {"title": "A/B (treated)"}
    resp = requests.post(server.base_url, data=form, timeout=5)
    assert resp.status_code == 400
    body = resp.json()
    assert set(body) == {"Message: ", "format", "parameters", "current-time", "Message",
                         "error-message"}  # fmt: skip
    assert body["error-message"].startswith("BAD_REQUEST")
    with pytest.raises(RequestRejectedError, match="HTTP 400"):
        client(server)._request("POST", server.base_url, data=form)


def test_health_down(fake_chipatlas_factory):
    with pytest.raises(ServerUnavailableError):
        client(fake_chipatlas_factory(health_down=True), max_retries=0).check_health()


@pytest.mark.parametrize(
    ("knob", "match"),
    [("corrupt_zip", "HTML page instead of the result ZIP"),
     ("truncated_zip", "corrupt or truncated"),
     ("zip_slip", "escapes"), ("zip_bomb", "inflate"), ("duplicate_suffix", "two bed files")],
)  # fmt: skip
def test_archive_defects_are_refused(fake_chipatlas_factory, tmp_path, knob, match):
    server = fake_chipatlas_factory(n_regions=50, **{knob: True})
    with pytest.raises(ResultArchiveError, match=match):
        run_job(server, tmp_path)
    assert not (tmp_path / "evil.bed").exists() and not (tmp_path.parent / "evil.bed").exists()
    assert not (tmp_path / "out").exists()


def test_legacy_2024_bed_is_detected_and_sign_flipped_back(fake_chipatlas_factory, tmp_path):
    new = fake_chipatlas_factory(n_regions=400, seed=3)
    legacy = fake_chipatlas_factory(n_regions=400, seed=3, result_format="diffbind_2024")
    _, f_new = run_job(new, tmp_path / "n")
    _, f_old = run_job(legacy, tmp_path / "o")
    p_new = parse_result(f_new.bed, "diffbind", A, B)
    p_old = parse_result(f_old.bed, "diffbind", A, B)
    assert p_old.result_format == "diffbind_2024"
    lfc_new = p_new.regions.column("logfc").to_pylist()
    lfc_old = p_old.regions.column("logfc").to_pylist()
    # legacy logFC is rounded to 2 decimals; same sign convention (positive = A) after parsing
    assert all(abs(a - b) <= 0.006 for a, b in zip(lfc_new, lfc_old, strict=True))
    q_new = p_new.regions.column("qvalue").to_pylist()
    q_old = p_old.regions.column("qvalue").to_pylist()
    assert all(0 <= q <= 1 for q in q_old)
    assert sum((a < 0.05) == (b < 0.05) for a, b in zip(q_new, q_old, strict=True)) >= 390


def test_dmr_and_empty_results(fake_chipatlas_factory, tmp_path):
    _, files = run_job(fake_chipatlas_factory(n_regions=200), tmp_path / "d", analysis="dmr")
    parsed = parse_result(files.bed, "dmr", A, B)
    assert parsed.result_format == "dmr" and parsed.regions.num_rows == 200
    assert parsed.counts.num_rows == 0
    _, files = run_job(fake_chipatlas_factory(empty_result=True), tmp_path / "e")
    assert parse_result(files.bed, "diffbind", A, B).regions.num_rows == 0


@pytest.mark.parametrize("igv_rows", [True, False])
def test_legacy_counts_are_credited_in_submission_order(fake_chipatlas_factory, tmp_path, igv_rows):
    """The 2024 script counts in its SRX_LST order, as submitted (diff_analysis_for_ChIP_ATAC_
    DNase.sh:262-296, :467-485), not sorted: B = [SRX999, SRX1000] has SRX999's counts first.
    Its IGV BED lists the groups in that order; with no IGV row (nothing at Q < 0.1) the log's
    'Queried SRXs' lines (:118-128) say it. Planted per-experiment values check the credit."""
    from chromdiff.parsing.samples import layout_for_files

    server = fake_chipatlas_factory(n_regions=80, result_format="diffbind_2024", label_counts=True)
    _, files = run_job(server, tmp_path)
    if not igv_rows:
        files.igv_bed.write_text(files.igv_bed.read_text().splitlines()[0] + "\n")
    layout = layout_for_files(A, B, "diffbind", files.log, files.igv_bed)
    assert layout.source == ("igv" if igv_rows else "log_queried")
    assert (layout.columns_a, layout.columns_b) == (A, B)
    parsed = parse_result(
        files.bed, "diffbind", layout.columns_a, layout.columns_b, server_order=True
    )
    first = {r["experiment_id"]: r["count"] for r in parsed.counts.to_pylist()
             if r["region_id"] == 1}  # fmt: skip
    assert first == {s: int(s[3:]) % 100_000 / 100 for s in A + B}
