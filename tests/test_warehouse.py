from pathlib import Path

import pytest

from chromdiff.design.comparison import (
    ComparisonSpec,
    get_state,
    plan,
    plan_thresholds,
    register,
    set_reported,
    set_request,
    set_status,
)
from chromdiff.errors import InputError, ParseError
from chromdiff.parsing import parse_result
from chromdiff.warehouse import load as warehouse
from chromdiff.warehouse.db import writer

DATA = Path(__file__).parent / "data" / "parsing"
A = ["SRX999", "SRX1000", "SRX1001"]
B = ["SRX6", "SRX5"]
TABLES = (
    "comparisons",
    "experiments",
    "regions",
    "region_counts",
    "raw_files",
    "comparison_params",
)


def counts(con):
    return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in TABLES}


def snapshot(con):
    return {
        t: con.execute(f"select * exclude (updated_at) from {t} order by all").fetchall()
        if t == "comparisons"
        else con.execute(f"select * from {t} order by all").fetchall()
        for t in TABLES
    }


@pytest.fixture
def loaded(tmp_path):
    db = tmp_path / "w.duckdb"
    spec = ComparisonSpec(A, B, title="test simulated").validated()
    cid = spec.default_id()
    parsed = parse_result(DATA / "diffbind_2025.bed", "diffbind", A, B)
    raw = warehouse.store_raw_files({"bed": DATA / "diffbind_2025.bed"}, tmp_path / cid / "raw")
    with writer(db) as con:
        register(con, cid, spec, base_url="http://x/", params={"fdr": 0.1})
        warehouse.load_result(con, cid, parsed, raw)
    return db, cid, spec, parsed, raw


def test_spec_hash_and_id():
    s = ComparisonSpec(A, B).validated()
    assert s.threshold == 50 and s.title == "chromdiff hg38 diffbind"
    assert s.default_id() == f"hg38_diffbind_{s.input_hash()[:10]}"
    assert ComparisonSpec(A, B).validated().input_hash() == s.input_hash()
    assert ComparisonSpec(A, B, genome="mm10").validated().input_hash() != s.input_hash()
    assert ComparisonSpec(A, B, analysis="dmr").validated().threshold == 999
    with pytest.raises(InputError, match="refuses"):
        ComparisonSpec(A, B, title="a (b)").validated()
    with pytest.raises(InputError, match="both groups"):
        ComparisonSpec(A, ["SRX1000"]).validated()
    with pytest.raises(InputError, match="threshold 7"):
        ComparisonSpec(A, B, threshold=7).validated()
    with pytest.raises(InputError, match="threshold 7 invalid for dmr"):  # DA:94, any method
        ComparisonSpec(A, B, analysis="dmr", threshold=7).validated()
    assert ComparisonSpec(A, B, analysis="dmr", threshold=50).validated().threshold == 50


def test_plan():
    assert plan(None, "h", False) == "submit"
    done = {"status": "loaded", "request_id": "r", "input_hash": "h", "reported_at": "t"}
    assert plan(done, "h", False) == "skip"
    # loaded, but the run stopped before the annotation/report: finish those steps
    assert plan(done | {"reported_at": None}, "h", False) == "finish"
    # a submission that may have reached the server is never re-sent without force
    for status in ("submitting", "in_doubt"):
        state = {"status": status, "request_id": None, "input_hash": "h"}
        assert plan(state, "h", False) == "in_doubt" and plan(state, "h", True) == "submit"
    assert plan({"status": "loaded", "request_id": "r", "input_hash": "h"}, "h", True) == "submit"
    assert plan({"status": "running", "request_id": "r", "input_hash": "h"}, "h", False) == "resume"
    assert (
        plan({"status": "running", "request_id": None, "input_hash": "h"}, "h", False) == "submit"
    )
    # a result stored from another endpoint (the fake server, then the real one) is a new job:
    # resumed or skipped, the real endpoint's run would report the simulated rows as its own
    fake = done | {"base_url": "http://127.0.0.1:8080/wabi/chipatlas/"}
    assert plan(fake, "h", False, "http://127.0.0.1:8080/wabi/chipatlas") == "skip"
    assert plan(fake, "h", False, "https://dtn1.ddbj.nig.ac.jp/wabi/chipatlas/") == "submit"
    running = {"status": "running", "request_id": "r", "input_hash": "h",
               "base_url": "http://127.0.0.1:8080/"}  # fmt: skip
    assert plan(running, "h", False, "https://example.org/") == "submit"
    # the job ended for good on the server: not resubmitted without force (it would fail again)
    assert plan({"status": "failed", "request_id": "r", "input_hash": "h"}, "h", False) == "failed"
    assert plan({"status": "failed", "request_id": "r", "input_hash": "h"}, "h", True) == "submit"
    assert plan({"status": "failed", "request_id": "r", "input_hash": "x"}, "h", False) == "submit"
    # failed before any request ID existed (nothing reached the server): a rerun submits
    assert plan({"status": "failed", "request_id": None, "input_hash": "h"}, "h", False) == "submit"
    assert plan({"status": "loaded", "request_id": "r", "input_hash": "x"}, "h", False) == "submit"


def test_new_thresholds_stay_due_until_their_report_is_made(loaded):
    """A run with new thresholds stopped before its report (Ctrl-C, kill) used to leave
    ``reported_at`` set: the next run said "already loaded (skipped)" and the folder kept the
    old threshold's report beside exports of the new one."""
    db, cid, spec, _parsed, _raw = loaded
    with writer(db) as con:
        set_reported(con, cid)
        state = get_state(con, cid)
        assert plan(state, spec.input_hash(), False) == "skip"
        assert plan_thresholds(con, cid, "skip", {"fdr": 0.01}) == "finish"
        # the run stops here; the next one, with the same thresholds, must still finish
        state = get_state(con, cid)
        assert state["reported_at"] is None
        action = plan_thresholds(con, cid, plan(state, spec.input_hash(), False), {"fdr": 0.01})
        assert action == "finish"
        set_reported(con, cid)
        state = get_state(con, cid)
        assert plan_thresholds(con, cid, plan(state, spec.input_hash(), False),
                               {"fdr": 0.01}) == "skip"  # fmt: skip


def test_load_rows(loaded):
    db, cid, _spec, _parsed, raw = loaded
    with writer(db) as con:
        c = counts(con)
        assert c["regions"] == 4 and c["region_counts"] == 20 and c["experiments"] == 5
        assert c["raw_files"] == 1
        st = con.execute(
            "select status, result_format, n_regions from comparisons where comparison_id = ?",
            [cid],
        ).fetchall()[0]
        assert st == ("loaded", "diffbind_2025", 4)
        exp = con.execute(
            "select experiment_id, input_order, count_order from experiments"
            " where grp = 'A' order by input_order"
        ).fetchall()
        assert exp == [("SRX999", 1, 3), ("SRX1000", 2, 1), ("SRX1001", 3, 2)]
        assert con.execute("select fdr, top_n from comparison_params").fetchall() == [(0.1, 50)]
        sha = con.execute("select sha256 from raw_files").fetchall()[0][0]
        assert sha == warehouse.sha256_file(DATA / "diffbind_2025.bed")
        msg = con.execute("select message from run_log where event = 'loaded'").fetchall()
        assert "4 regions" in msg[0][0] and " s" in msg[0][0]
    assert (Path(raw[0].path)).read_bytes() == (DATA / "diffbind_2025.bed").read_bytes()


def test_reload_is_idempotent(loaded):
    db, cid, _spec, parsed, raw = loaded
    with writer(db) as con:
        before = counts(con)
        warehouse.load_result(con, cid, parsed, raw)
        warehouse.load_result(con, cid, parsed, raw)
        assert counts(con) == before


def test_failure_mid_load_leaves_db_unchanged(loaded, monkeypatch):
    db, cid, _spec, _parsed, raw = loaded
    other = parse_result(DATA / "diffbind_2024.bed", "diffbind", A, B)

    def boom(*args, **kwargs):
        raise RuntimeError("injected failure")

    with writer(db) as con:
        before = snapshot(con)
        # fail after regions and counts were deleted and re-inserted, at the run_log write
        monkeypatch.setattr(warehouse, "log_event", boom)
        with pytest.raises(RuntimeError, match="injected"):
            warehouse.load_result(con, cid, other, raw)
        assert snapshot(con) == before


def test_failure_on_bad_raw_row(loaded):
    db, cid, _spec, _parsed, raw = loaded
    bad = [*raw, raw[0]]  # duplicate (comparison_id, kind) violates the primary key
    with writer(db) as con:
        before = snapshot(con)
        with pytest.raises(Exception, match=r"(?i)duplicate|constraint"):
            warehouse.load_result(
                con, cid, parse_result(DATA / "diffbind_2024.bed", "diffbind", A, B), bad
            )
        assert snapshot(con) == before


def test_state_transitions(loaded):
    db, cid, spec, _parsed, _raw = loaded
    with writer(db) as con:
        assert plan(get_state(con, cid), spec.input_hash(), False) == "finish"  # not reported
        set_reported(con, cid)
        assert plan(get_state(con, cid), spec.input_hash(), False) == "skip"
        register(con, cid, spec, base_url="http://x/")
        # a re-submission drops the previous result rows at once: the rows of a comparison
        # always belong to its request_id (here: none yet)
        assert counts(con)["regions"] == 0 and counts(con)["raw_files"] == 0
        set_request(con, cid, "wabi_chipatlas_2026-0101-0000-00-000-000001")
        st = get_state(con, cid)
        assert st["status"] == "submitted" and plan(st, spec.input_hash(), False) == "resume"
        set_status(con, cid, "failed", "boom")
        assert get_state(con, cid)["status"] == "failed"
        assert counts(con)["experiments"] == 5


def test_load_requires_registered_comparison(tmp_path):
    from chromdiff.errors import ChromdiffError

    parsed = parse_result(DATA / "dmr.bed", "dmr", ["SRX1"], ["SRX2"])
    with writer(tmp_path / "n.duckdb") as con:
        with pytest.raises(ChromdiffError, match="not registered"):
            warehouse.load_result(con, "nope", parsed)
        assert con.execute("select count(*) from regions").fetchall() == [(0,)]


def test_second_writer_waits_or_fails_clearly(tmp_path):
    import subprocess
    import sys

    from chromdiff.errors import DatabaseBusyError

    db = tmp_path / "lock.duckdb"
    holder = (
        "import sys, time\nfrom chromdiff.warehouse.db import writer\n"
        f"with writer({str(db)!r}) as con:\n    print('locked', flush=True)\n    time.sleep(3)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(DatabaseBusyError) as exc, writer(db, wait_s=0.3):
            pass
        assert "\n" not in str(exc.value) and f"PID {proc.pid}" not in str(exc.value)
        assert f"process {proc.pid}" in str(exc.value)
        spec = ComparisonSpec(A, B).validated()
        with writer(db, wait_s=30) as con:  # waits for the holder, then works
            register(con, spec.default_id(), spec, base_url="http://x/")
            assert get_state(con, spec.default_id())["status"] == "created"
    finally:
        proc.wait(timeout=30)


def test_load_bed_equals_parse_then_load(loaded, tmp_path):
    """The one-step loader (parse + validate + load inside DuckDB) writes the same rows."""
    db, cid, spec, _parsed, _raw = loaded
    other = tmp_path / "b.duckdb"
    with writer(db) as con:
        want = {t: snap for t, snap in snapshot(con).items() if t in ("regions", "region_counts")}
    with writer(other) as con:
        register(con, cid, spec, base_url="http://x/", params={"fdr": 0.1})
        out = warehouse.load_bed(con, cid, DATA / "diffbind_2025.bed", "diffbind", A, B)
        got = {t: snap for t, snap in snapshot(con).items() if t in ("regions", "region_counts")}
        assert out["n_regions"] == len(want["regions"])
        before = snapshot(con)
        bad = tmp_path / "bad.bed"
        lines = (DATA / "diffbind_2025.bed").read_text().splitlines()
        parts = lines[1].split("\t")
        parts[1] = "x12"
        bad.write_text("\n".join([lines[0], "\t".join(parts), *lines[2:]]) + "\n")
        with pytest.raises(ParseError, match=r"bad.bed:2: column 2 \(start\): not an integer: x12"):
            warehouse.load_bed(con, cid, bad, "diffbind", A, B)
        assert snapshot(con) == before
    assert got == want


def test_reregistering_forgets_the_previous_result(loaded):
    """DuckDB's insert or replace kept loaded_at, n_regions, reported_at, ... of the previous
    run: after a failed --force re-run the comparison said 'loaded on <day>, N regions' while
    its regions were gone, and xc_qc_over_time dated its findings to that load."""
    db, cid, spec, _parsed, _raw = loaded
    with writer(db) as con:
        set_reported(con, cid)
        before = con.execute(
            "select loaded_at is not null, n_regions > 0, result_format is not null "
            "from comparisons where comparison_id = ?", [cid]
        ).fetchone()  # fmt: skip
        assert before == (True, True, True)
        days = con.execute("select count(*) from xc_qc_over_time").fetchone()[0]
        assert days > 0  # the loaded comparison's findings (n = 5 vs 5 is a minor finding)
        register(con, cid, spec, base_url="http://x/")
        set_status(con, cid, "failed", "boom")
        after = con.execute(
            "select loaded_at, reported_at, n_regions, result_format, status from comparisons "
            "where comparison_id = ?", [cid]
        ).fetchone()  # fmt: skip
        assert after == (None, None, None, None, "failed")
        assert con.execute("select count(*) from xc_qc_over_time").fetchone()[0] == 0
        assert (
            con.execute(
                "select count(*) from qc_findings where comparison_id = ?", [cid]
            ).fetchone()[0]
            > 0
        )  # a design finding still stands, but it has no load day


def test_reregistering_drops_the_comparisons_enrichment(loaded):
    """GREAT rows of the previous request survived a re-submission: the new report showed them
    (n = 48 A-enriched regions beside 58 A-significant ones)."""
    db, cid, spec, _parsed, _raw = loaded
    with writer(db) as con:
        con.execute(
            "insert into enrichment_notes (run_id, kind, message) values (?, 'info', 'old')",
            [f"comparison:{cid}"],
        )  # fmt: skip
        con.execute(
            "insert into enrichment_notes (run_id, kind, message) "
            "values ('integration:x', 'info', 'kept')"
        )
        register(con, cid, spec, base_url="http://x/")
        left = con.execute("select run_id from enrichment_notes").fetchall()
    assert left == [("integration:x",)]


@pytest.mark.parametrize(
    ("analysis", "fdr", "cutoff", "message"),
    [
        ("diffbind", 5.0, 0.0, r"--fdr 5: must be in \(0, 1\]"),
        ("diffbind", 0.0, 0.0, r"--fdr 0: must be in \(0, 1\]"),
        ("diffbind", 0.05, -1.0, r"--min-abs-logfc -1: must be >= 0"),
        # a methylation difference is between -1 and 1: 20 (meant as percent) passes nothing
        ("dmr", 0.05, 20.0, r"--min-abs-logfc 20 for a dmr comparison: .* give 0\.2"),
    ],
)
def test_significance_rules_that_cannot_mean_what_was_meant_are_refused(
    analysis, fdr, cutoff, message
):
    from chromdiff.design.comparison import check_thresholds

    with pytest.raises(InputError, match=message):
        check_thresholds(analysis, fdr, cutoff)
    check_thresholds(analysis, 0.05, 0.2)  # fine for both


def test_schema_descriptions_do_not_stop_at_an_abbreviation():
    """The --schema listing cut integration_pairs' description at "e.g."."""
    from chromdiff.warehouse.comments import _first_sentence

    text = "one row per pair (e.g. cuffdiff's ±1.8e308: kept), flags. The rest."
    assert _first_sentence(text) == "one row per pair (e.g. cuffdiff's ±1.8e308: kept), flags."


def test_raw_file_paths_are_absolute_whatever_the_output_given(tmp_path, monkeypatch):
    """`--output demo` stored paths relative to the run's working directory."""
    import zipfile

    from chromdiff.warehouse.load import raw_files_in_zip

    monkeypatch.chdir(tmp_path)
    raw = Path("demo") / "c1" / "raw"
    raw.mkdir(parents=True)
    bed = raw / "extracted" / "r.bed"
    bed.parent.mkdir()
    bed.write_text("chr1\t1\t2\n")
    zpath = raw / "wabi_chipatlas_1.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.write(bed, "r.bed")
    records = raw_files_in_zip({"bed": bed}, zpath)
    assert records and all(Path(r.path).is_absolute() for r in records)
    assert Path(records[0].path) == (tmp_path / zpath).resolve()


def test_a_writer_creates_the_database_folder_a_reader_does_not(tmp_path):
    """``--db NEW/x.duckdb`` works for every command that writes; a reader never creates it."""
    from chromdiff.warehouse.db import connect

    path = tmp_path / "new" / "deeper" / "x.duckdb"
    with pytest.raises(FileNotFoundError):
        with connect(path, read_only=True):
            pass
    assert not path.parent.exists()
    with writer(path) as con:
        con.execute("create table t as select 1 as x")
    with connect(path, read_only=True) as con:
        assert con.execute("select x from t").fetchall() == [(1,)]
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    for path in (blocker / "x.duckdb", blocker / "sub" / "x.duckdb"):  # mkdir's two errors
        with pytest.raises(NotADirectoryError) as err:
            with writer(path):
                pass
        assert err.value.filename == str(blocker)
    assert blocker.read_text() == "not a folder"
