"""Real-service behaviours (inutano/chip-atlas, oogasawa/wabi_chipatlas-java) reproduced by the fake
server, and the client's handling of each (docs/chipatlas.md, "Real-service behaviours")."""

from __future__ import annotations

import re
import time

import pytest
import requests

from chromdiff.chipatlas.client import ChipAtlasClient
from chromdiff.chipatlas.protocol import SubmitRequest, parse_request_id
from chromdiff.errors import InputError, JobExpiredError, JobFailedError, JobLostError
from chromdiff.fakeapi.da import count_columns, map_inputs, sort_ids
from chromdiff.settings import Settings

A = ["SRX5865959", "SRX5865960"]
B = ["SRX100", "SRX1000"]
FAST = Settings(poll_interval_s=0.01, status_interval_s=0.05, read_timeout_s=2,
                not_found_window_s=0.3)  # fmt: skip


def client(server):
    return ChipAtlasClient(server.base_url, settings=FAST, backoff_base=0.01, backoff_cap=0.05)


def submit(server, a=A, b=B, analysis="diffbind"):
    c = client(server)
    return c, c.submit(SubmitRequest(analysis, "hg38", a, b, "real behaviour", "grp A", "grp B"))


def get(server, rid, **params):
    return requests.get(server.base_url + rid, params=params, timeout=5)


def test_head_is_405_and_the_client_never_sends_it(fake_chipatlas_factory, tmp_path):
    server = fake_chipatlas_factory(n_regions=20)
    assert requests.head(server.base_url, timeout=5).status_code == 405
    c, rid = submit(server)
    assert requests.head(server.base_url + rid, timeout=5).status_code == 405
    n_head = sum(r["method"] == "HEAD" for r in server.journal)
    c.wait(rid)
    c.download_zip(rid, tmp_path / "r.zip")
    assert sum(r["method"] == "HEAD" for r in server.journal) == n_head == 2


def test_request_ids_with_7_digit_suffix_and_short_milliseconds(fake_chipatlas_factory):
    server = fake_chipatlas_factory(rid_millis=7, rid_suffix=1_000_000, n_regions=20)
    c, rid = submit(server)
    assert rid.endswith("-7-1000000") and parse_request_id(f"requestId: {rid}") == rid
    _, rid2 = submit(server)  # the same second: WABI redraws a taken ID
    assert rid2 != rid
    c.wait(rid)


@pytest.mark.parametrize(
    ("knobs", "analysis", "reason"),
    [
        ({"wrong_organism_ids": ("SRX100",)}, "diffbind",
         '"SRX100" does not correspond to an experiment for hg38.'),
        ({"wrong_assay_ids": ("SRX5865960",)}, "dmr",
         '"SRX5865960" does not correspond to an experiment for Bisulfite-seq.'),
    ],
)  # fmt: skip
def test_organism_or_assay_mismatch_has_no_result_page(fake_chipatlas_factory, knobs, analysis,
                                                       reason):  # fmt: skip
    server = fake_chipatlas_factory(polls_to_finish=1, **knobs)
    c, rid = submit(server, analysis=analysis)
    for _ in range(4):  # DA exits with `awk ... || exit 1`: status finished, page never written
        assert get(server, rid, info="result", format="html").status_code == 404
    assert "status: finished" in get(server, rid, info="status").text
    assert f"[ERROR] {reason}" in get(server, rid, info="result", format="log").text
    t0 = time.monotonic()
    with pytest.raises(JobFailedError, match=rid + ".*" + reason.replace(".", r"\.")):
        c.wait(rid)
    assert time.monotonic() - t0 < 2


def test_only_das_empty_result_page_says_the_job_is_done(fake_chipatlas_factory, tmp_path):
    """DA touches an empty wabi_result.html once the ZIP is in place (DA:750, :756) and WABI
    copies it line by line (StreamToHtmlView.java:43-55): HTTP 200, empty. A proxy's 200 page
    is no verdict: the job keeps being waited for, never taken for done."""
    server = fake_chipatlas_factory(n_regions=20, polls_to_finish=3, probe_html_first_n=2)
    c, rid = submit(server)
    page = get(server, rid, info="result", format="html")
    assert page.status_code == 200 and "Temporarily Unavailable" in page.text
    assert get(server, rid, info="result", format="zip").status_code == 404  # not done
    assert c.result_ready(rid) is None  # the second proxy page
    assert c.result_ready(rid) is False  # WABI: not written yet
    c.wait(rid)
    real = get(server, rid, info="result", format="html")
    assert (real.status_code, real.text) == (200, "")
    assert c.download_zip(rid, tmp_path / "r.zip").stat().st_size > 0


def test_zip_404_of_a_young_request_is_waited_for_not_final(fake_chipatlas_factory, tmp_path):
    from chromdiff.errors import ResultNotReadyError

    server = fake_chipatlas_factory(n_regions=20, polls_to_finish=50)
    c, rid = submit(server)  # running: no ZIP yet (a done-check fooled into downloading)
    with pytest.raises(ResultNotReadyError, match=f"no result ZIP for {rid} yet.*rerun to wait"):
        c.download_zip(rid, tmp_path / "r.zip")
    zips = [r for r in server.journal if r.get("query", {}).get("format") == "zip"]
    assert len(zips) == c.max_retries + 1 and not list(tmp_path.iterdir())


def test_job_that_never_runs_is_lost_not_a_timeout(fake_chipatlas_factory):
    server = fake_chipatlas_factory(never_runs=True)
    c, rid = submit(server)
    assert "status: not-found" in get(server, rid, info="status").text
    assert get(server, rid, info="result", format="log").status_code == 404
    with pytest.raises(JobLostError, match=f"{rid} looks lost: every status read answered "
                       r"not-found \(\d+ reads.*it has no log \(DA never started\)"):  # fmt: skip
        c.wait(rid, deadline_s=30)


def test_not_found_while_the_scheduler_query_fails_does_not_lose_a_running_job(
    fake_chipatlas_factory,
):
    """WABI reports not-found whenever its qstat query fails (WabiJobInfo.java:207-254 swallow
    the error as "", :195-200 then say not-found), for a job still running."""
    server = fake_chipatlas_factory(n_regions=20, polls_to_finish=60, status_not_found_first_n=4)
    c, rid = submit(server)
    states = []
    c.wait(rid, not_found_window_s=60, on_poll=lambda state, _: states.append(state))
    assert states.count("not-found") == 4 and states[-1] == "finished"


@pytest.mark.parametrize(
    ("killed_as", "meaning"),
    [("TIMEOUT", r"reached its time limit \(the site's sbatch -t 180"),
     ("OUT_OF_MEMORY", "ran out of memory")],
)  # fmt: skip
def test_job_killed_by_the_scheduler_says_why(fake_chipatlas_factory, killed_as, meaning):
    """A killed script never touches the finished marker (ChipatlasController.java:521): the
    status reads not-found with the scheduler's account (WabiJobInfo.java:195-200); DA wrote
    neither its End line (DA:777) nor [ERROR], nor the result page."""
    server = fake_chipatlas_factory(polls_to_finish=1, killed_as=killed_as)
    c, rid = submit(server)
    for _ in range(3):
        assert get(server, rid, info="result", format="html").status_code == 404
    status = get(server, rid, info="status").text
    assert "status: not-found" in status and killed_as in status
    log = get(server, rid, info="result", format="log").text
    assert "[ERROR]" not in log and "<time> End" not in log
    with pytest.raises(JobFailedError) as err:
        c.wait(rid, deadline_s=30)
    message = str(err.value)
    assert not isinstance(err.value, JobLostError)
    said = f"{rid} ended without a result: the scheduler's account says {killed_as}: it {meaning}"
    assert re.search(said, message), message
    assert "its log stops at" in message and "--force" in message


def test_finished_without_result(fake_chipatlas_factory):
    server = fake_chipatlas_factory(no_result=True, polls_to_finish=1)
    c, rid = submit(server)
    with pytest.raises(JobFailedError, match=f"{rid} finished without a result"):
        c.wait(rid, deadline_s=30)


def test_the_log_exists_once_da_runs(fake_chipatlas_factory):
    """DA removes the log (clear_output, DA:220-223) and starts it when it runs (DA:764): a
    queued job has none, and app.rb:374-380 gets a 404 for it."""
    server = fake_chipatlas_factory(n_regions=20, polls_to_finish=5)
    c, rid = submit(server)
    assert get(server, rid, info="result", format="log").status_code == 404
    assert "status: waiting" in get(server, rid, info="status").text
    assert c.log(rid) is None  # still queued
    assert "status: running" in get(server, rid, info="status").text
    assert "[INFO] <time> Start" in c.log(rid)


def test_get_formats_as_wabi_validates_them(fake_chipatlas_factory):
    server = fake_chipatlas_factory(n_regions=20)
    _, rid = submit(server)
    bad = get(server, rid, info="result", format="pdf")  # outside ChipatlasGetRequest.java:15
    assert bad.status_code == 400 and "validation error" in bad.json()["Message"]
    unknown_id = get(server, "wabi_chipatlas_2026-0101-0900-05-7-123456", info="result",
                     format="pdf")  # fmt: skip
    assert unknown_id.status_code == 400  # validated before the ID is looked at (:244-250)
    other = get(server, rid, info="result", format="json")  # valid, but not a result format
    assert other.status_code == 404 and "Appoint tsv or html" in other.json()["Message"]


def test_unknown_and_expired_request_ids_answer_400(fake_chipatlas_factory, tmp_path):
    server = fake_chipatlas_factory()
    old = "wabi_chipatlas_2026-0101-0900-05-7-123456"
    resp = get(server, old, info="status", format="text")
    assert resp.status_code == 400 and "JobIdNotInitializedException" in resp.json()["Message"]
    assert get(server, old, info="result", format="html").status_code == 404
    with pytest.raises(JobExpiredError, match=f"{old} has expired.*kept 7 days.*--force"):
        client(server).wait(old, deadline_s=30)
    assert get(server, old, info="result", format="zip").status_code == 404
    with pytest.raises(JobExpiredError, match=f"{old} has expired.*HTTP 404.*--force"):
        client(server).download_zip(old, tmp_path / "r.zip")
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_threshold_outside_das_list_is_refused_before_sending(fake_chipatlas_factory):
    """WABI queues any int >= 0 (ChipatlasRequest.java:96-99); DA then fails the job unless the
    threshold is one of ``50 100 200 500 bs 999`` (DA:94, handle_error :77), for dmr too."""
    server = fake_chipatlas_factory(polls_to_finish=1)
    c = client(server)
    args = ("dmr", "hg38", A, B, "threshold check", "grp A", "grp B")
    for bad in (7, 0, 75):
        with pytest.raises(InputError, match=f"threshold {bad} invalid for dmr"):
            c.submit(SubmitRequest(*args, threshold=bad))
    with pytest.raises(InputError, match="threshold 999 invalid for diffbind"):
        SubmitRequest("diffbind", *args[1:], threshold=999).validate()
    assert not [r for r in server.journal if r["method"] == "POST"]  # nothing was sent
    for good in (50, 100, 200, 500, 999, None):
        SubmitRequest(*args, threshold=good).validate()
    # sent anyway (as another client could): queued, then DA's argument check ends the job
    form = SubmitRequest(*args).form() | {"threshold": "7"}
    rid = parse_request_id(requests.post(server.base_url, data=form, timeout=5).text)
    expected = '[ERROR] Invalid threshold: "7". Must be one of: [50, 100, 200, 500, bs, 999]'
    with pytest.raises(JobFailedError, match=rid + ".*" + expected.replace("[", r"\[")[9:]):
        c.wait(rid)
    assert get(server, rid, info="result", format="html").status_code == 200  # handle_error
    assert get(server, rid, info="result", format="log").text == expected + "\n"
    assert get(server, rid, info="result", format="zip").status_code == 404


def test_dropped_ids_gsm_mapping_and_sample_lines(fake_chipatlas_factory):
    server = fake_chipatlas_factory(
        gsm_map={"GSM101": "SRX1000"}, collation="en_US", polls_to_finish=1
    )
    c, rid = submit(server, a=[*A, "GSM999"], b=["SRX100", "GSM101"])
    c.wait(rid)
    log = get(server, rid, info="result", format="log").text
    assert '[WARNING] "GSM999" unmapped for hg38 and has been ignored.' in log
    samples = [line for line in log.splitlines() if line.startswith("[INFO] <samples>")]
    # glob order of <SRX>.count under en_US collation: SRX1000.count before SRX100.count
    assert samples == [
        "[INFO] <samples> SRX1000 B ",
        "[INFO] <samples> SRX100 B ",
        "[INFO] <samples> SRX5865959 A ",
        "[INFO] <samples> SRX5865960 A ",
    ]


def test_da_input_rules():
    form = {"bedAFile": "SRX1\nGSM5\nfoo\n\n", "bedBFile": "SRX2", "genome": "mm10",
            "antigenClass": "diffbind", "descriptionA": "a", "descriptionB": "b"}  # fmt: skip
    da = map_inputs(form, {"GSM5": "SRX9"})
    assert (da.srx_a, da.srx_b, da.error) == (["SRX1", "SRX9"], ["SRX2"], None)
    assert da.warnings[0] == '"foo" is not a valid SRX or GSM ID and has been ignored.'
    assert "without replicate" in da.warnings[1]
    da = map_inputs(form | {"bedBFile": "GSM7"}, {})
    assert da.error == "At least one ID should be assigned for each group."
    assert not da.silent_exit
    assert [s for s, _ in count_columns(["SRX1", "SRX10"], ["SRX2"], "C")] == [
        "SRX1", "SRX10", "SRX2"
    ]  # fmt: skip
    assert sort_ids(["SRX1", "SRX10"], "en_US") == ["SRX1", "SRX10"]
    assert [s for s, _ in count_columns(["SRX1", "SRX10"], [], "en_US")] == ["SRX10", "SRX1"]


def test_dmr_positions_are_metilene_bed_intervals(fake_chipatlas_factory, tmp_path):
    from chromdiff.chipatlas.archive import extract_result_zip
    from chromdiff.parsing import parse_result
    from chromdiff.parsing.igv import igv_cross_check

    server = fake_chipatlas_factory(n_regions=300)
    c, rid = submit(server, analysis="dmr")
    c.wait(rid)
    files = extract_result_zip(c.download_zip(rid, tmp_path / "r.zip"), tmp_path / "x")
    parsed = parse_result(files.bed, "dmr", A, B)
    raw = [line.split("\t") for line in files.bed.read_text().splitlines()]
    got = parsed.regions.select(["start", "stop"]).to_pylist()
    # metilene writes BED (start = pos[first CpG] - 1, stop = pos[last CpG]): stored as given
    assert [(r["start"], r["stop"]) for r in got] == [(int(f[1]), int(f[2])) for f in raw]
    lengths = {
        int(kv.split("=")[1])
        for line in files.igv_bed.read_text().splitlines()[1:]
        for kv in line.split("\t")[3].split(";")
        if kv.startswith("Length=")
    }
    # the server's IGV label is stop - start + 1 (DA:698): one more than the DMR's bases
    assert lengths and lengths <= {r["stop"] - r["start"] + 1 for r in got}
    assert igv_cross_check(files.igv_bed, parsed.regions, "dmr") == []


@pytest.mark.parametrize("genome", ["mm10", "ce11", "sacCer3"])
def test_results_hold_the_requested_genomes_chromosomes(fake_chipatlas_factory, tmp_path, genome):
    """DA calls peaks from results/<genome>/Bed<thres>/Bed (DA:193-195): no hg38 names elsewhere."""
    from chromdiff.chipatlas.archive import extract_result_zip
    from chromdiff.duckcore import duckdb
    from chromdiff.regions.chromsizes import chrom_sizes
    from chromdiff.warehouse.db import apply_schema

    server = fake_chipatlas_factory(n_regions=4000)
    c = client(server)
    rid = c.submit(SubmitRequest("diffbind", genome, A, B, "genome", "grp A", "grp B"))
    c.wait(rid)
    files = extract_result_zip(c.download_zip(rid, tmp_path / "r.zip"), tmp_path / "x")
    rows = [line.split("\t")[:3] for line in files.bed.read_text().splitlines()]
    chroms = {r[0] for r in rows}
    con = duckdb.connect()
    apply_schema(con)
    sql = "select chrom from standard_chromosomes where genome = ?"
    standard = {r[0] for r in con.execute(sql, [genome]).fetchall()}
    # most regions sit on the genome's standard chromosomes (chrM among them), none on another's
    assert len(chroms & standard) >= len(standard) - 2
    assert not chroms & {"chr20", "chr21", "chr22", "chrEBV"} - standard
    sizes = chrom_sizes(genome, include_circular=True)
    assert all(int(stop) <= sizes[ch] for ch, _, stop in rows if ch in sizes)
