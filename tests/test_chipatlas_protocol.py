"""The Diff Analysis protocol: exact form payload, validation, response parsing (pure)."""

from __future__ import annotations

from datetime import datetime

import pytest

from chromdiff.chipatlas.protocol import (
    GENOMES,
    SubmitRequest,
    error_lines,
    parse_request_id,
    parse_status,
    request_time,
    server_error_message,
)
from chromdiff.errors import ChipAtlasError, InputError

RID = "wabi_chipatlas_2024-0124-1556-59-199-173766"


def req(**kw):
    base = dict(
        analysis="diffbind",
        genome="hg38",
        ids_a=["SRX2", "SRX1"],
        ids_b=["SRX3"],
        title="My project",
        description_a="K-562",
        description_b="K562_DMSO",
    )
    return SubmitRequest(**(base | kw))


def test_form_is_the_production_payload():
    form = req().form()
    assert form == {
        "address": "",
        "antigenClass": "diffbind",
        "title": "My project",
        "genome": "hg38",
        "typeA": "srx",
        "bedAFile": "SRX2\nSRX1",
        "descriptionA": "K-562",
        "typeB": "srx",
        "bedBFile": "SRX3",
        "descriptionB": "K562_DMSO",
        "format": "text",
        "result": "www",
        "cellClass": "empty",
        "permTime": "1",
        "sbatchOptions": "-p epyc -t 180",
        "threshold": "50",
    }
    assert all(isinstance(v, str) for v in form.values())


def test_dmr_sends_threshold_999():
    assert req(analysis="dmr").form()["threshold"] == "999"


@pytest.mark.parametrize("label", ["A/B", "(treated)", "K+", "x:y", "café"])
def test_labels_the_server_refuses_are_rejected_before_sending(label):
    with pytest.raises(InputError, match="characters the server refuses"):
        req(title=label).validate()
    with pytest.raises(InputError, match="description_b"):
        req(description_b=label).validate()


@pytest.mark.parametrize("label", ["K-562", "K562_DMSO", "dataset A", "v1.2"])
def test_allowed_labels_pass(label):
    req(title=label, description_a=label).validate()


def test_genome_analysis_threshold_and_empty_groups():
    for g in GENOMES:
        req(genome=g).validate()
    with pytest.raises(InputError, match="genome 'hg37'"):
        req(genome="hg37").validate()
    with pytest.raises(InputError, match="analysis"):
        req(analysis="chip").validate()
    with pytest.raises(InputError, match="threshold 75"):
        req(threshold=75).validate()
    with pytest.raises(InputError, match="group B"):
        req(ids_b=[]).validate()
    with pytest.raises(InputError, match="title must not be empty"):
        req(title="  ").validate()


def test_request_ids_as_wabi_writes_them():
    # ChipatlasJobInfo.java:148-155: milliseconds not zero-padded, suffix random 0..1000000
    for rid in ("wabi_chipatlas_2026-0101-0900-05-7-1000000",
                "wabi_chipatlas_2026-0101-0900-05-42-000001", RID):  # fmt: skip
        assert parse_request_id(f"requestId: {rid}\n") == rid
    assert request_time(RID) == datetime(2024, 1, 24, 15, 56, 59)
    for bad in (
        "wabi_chipatlas_2026-0101-0900-05-1234-000001",
        "wabi_chipatlas_2026-0101-0900-05-7-10000000",
        "wabi_chipatlas_2026-1399-0900-05-7-1",
    ):
        with pytest.raises(ChipAtlasError):
            parse_request_id(f"requestId: {bad}\n")
    assert request_time("wabi_chipatlas_2026-1341-0900-05-7-000001") is None


def test_request_id_parsing_text_tab_and_json():
    text = f"requestId: {RID}\nparameters: null\ncurrent-time: 2024-01-24 15:56:59\nstart-time: \n"
    assert parse_request_id(text) == RID
    assert parse_request_id(f"requestId\t{RID}\n") == RID
    assert parse_request_id(f'{{"requestId": "{RID}", "current-time": "x"}}') == RID
    with pytest.raises(ChipAtlasError, match="no request ID"):
        parse_request_id("requestId: wabi_chipatlas_bogus\n")
    with pytest.raises(ChipAtlasError, match="no request ID"):
        parse_request_id("<html>maintenance</html>")


def test_status_parsing():
    body = (
        f"request-ID: {RID}\nstatus: finished\ncurrent-time: x\nsystem-info: \n123 COMPLETED 0:0\n"
    )
    st = parse_status(body)
    assert (st.state, st.completed) == ("finished", True)
    assert parse_status("status: waiting\n").state == "waiting"
    assert parse_status("error-message: Unexpected error (status == null)").state == "unknown"
    assert parse_status("status: finished\nsystem-info: 1 FAILED").completed is False
    # a job the scheduler killed: not-found, with its account (sacct: the job, then its steps)
    killed = parse_status(
        f"request-ID: {RID}\nstatus: not-found\ncurrent-time: x\nsystem-info: \n"
        "JobID State\n8812 TIMEOUT\n8812.batch CANCELLED\n8812.extern COMPLETED\n"
    )
    assert killed.state == "not-found" and killed.completed is False
    assert killed.scheduler_states == ("TIMEOUT", "CANCELLED", "COMPLETED")
    assert killed.failure == "TIMEOUT" and "time limit" in killed.failure_note()
    oom = parse_status("status: not-found\nsystem-info: \n9 OUT_OF_MEMORY\n9.batch OUT_OF_MEMORY")
    assert oom.failure_note().startswith("the scheduler's account says OUT_OF_MEMORY: it ran out")
    assert parse_status("status: running\nsystem-info: \n1 RUNNING").failure_note() == ""


def test_error_lines_in_2025_and_legacy_logs():
    log_2025 = (
        '[INFO] <parameter> GENOME="hg38"\n'
        '[WARNING] "SRXfoo" is not a valid SRX or GSM ID and has been ignored.\n'
        '[ERROR] "SRX5865959" does not correspond to an experiment for mm10.\n'
    )
    assert error_lines(log_2025) == [
        '[ERROR] "SRX5865959" does not correspond to an experiment for mm10.'
    ]
    legacy = "  ![ERROR] Invalid genome\n!! Abnormal termination !! Please check the parameters\n"
    assert len(error_lines(legacy)) == 2
    assert error_lines("[INFO] all good\n[WARNING] no replicate\n") == []


def test_server_error_message_prefers_error_message_key():
    body = (
        '{"Message: ": "Runtime error.", "format": "text", "parameters": null, '
        '"Message": "Error (POST parameters validation error)", '
        '"error-message": "BAD_REQUEST (title)"}'
    )
    assert server_error_message(body) == "BAD_REQUEST (title)"
