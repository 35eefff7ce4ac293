"""The compare flow end to end against the offline fake server (shared Prefect harness)."""

import re
import zipfile
from pathlib import Path

import pytest

from chromdiff.design.examples import get_example
from chromdiff.warehouse.db import connect

EX = get_example("tp53_molm13_vs_k562")


def run(base_url, tmp_path, **kw):
    from flows.compare import compare

    return compare(
        ids_a=list(EX.ids_a), ids_b=list(EX.ids_b), db_path=str(tmp_path / "c.duckdb"),
        title="flow test simulated", description_a="MOLM-13", description_b="K-562",
        base_url=base_url, output_dir=str(tmp_path / "out"), **kw,
    )  # fmt: skip


def table_counts(db):
    with connect(db, read_only=True) as con:
        return {
            t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
            for t in ("comparisons", "experiments", "regions", "region_counts", "raw_files")
        }


@pytest.mark.prefect
def test_end_to_end_idempotent_and_force(server, tmp_path):
    out = run(server.base_url, tmp_path)
    assert out["status"] == "loaded" and not out["skipped"]
    assert out["request_id"].startswith("wabi_chipatlas_")
    db = tmp_path / "c.duckdb"
    with connect(db, read_only=True) as con:
        zip_path, name = con.execute(
            "select path, name from raw_files where kind = 'bed'"
        ).fetchall()[0]
    # the raw folder keeps the downloaded ZIP alone; the BED is read from it
    raw = Path(out["output_dir"], "raw")
    assert Path(zip_path).is_absolute()  # findable from any working directory
    assert Path(zip_path).parent == raw.resolve() and [p.suffix for p in raw.iterdir()] == [".zip"]
    with zipfile.ZipFile(zip_path) as zf:
        member = next(m for m in zf.namelist() if Path(m).name == name)
        text = zf.read(member).decode()
    lines = [x.split("\t") for x in text.splitlines() if x.strip()]
    assert out["n_regions"] == len(lines)
    c = table_counts(db)
    assert c["regions"] == len(lines) and c["region_counts"] == len(lines) * 8
    assert c["experiments"] == 8
    with connect(db, read_only=True) as con:
        kinds = {r[0] for r in con.execute("select kind from raw_files").fetchall()}
        assert {"bed", "zip", "log"} <= kinds
        assert con.execute("select simulated from comparisons").fetchall() == [(True,)]
        # independent check of the count mapping: column 4 of line 1 is sorted(ids_a)
        got = dict(
            con.execute(
                "select experiment_id, count from region_counts where region_id = 1"
            ).fetchall()
        )
    for srx, value in zip(sorted(EX.ids_a), lines[0][3].split(","), strict=True):
        assert got[srx] == pytest.approx(float(value))
    again = run(server.base_url, tmp_path)
    assert again["skipped"] and table_counts(db) == c
    # skipped into another output folder: the report is written there (the printed folder was
    # empty)
    from flows.compare import compare

    elsewhere = compare(
        ids_a=list(EX.ids_a), ids_b=list(EX.ids_b), db_path=str(db),
        title="flow test simulated", description_a="MOLM-13", description_b="K-562",
        base_url=server.base_url, output_dir=str(tmp_path / "other"),
    )  # fmt: skip
    assert elsewhere["skipped"] and Path(elsewhere["output_dir"], "report.html").is_file()
    # new thresholds of a loaded comparison: no new job (same request), but they are stored and
    # the report is made again with them (they were ignored: "skipped", report still q < 0.05)
    posts = sum(1 for r in server.journal if r["method"] == "POST")
    stricter = run(server.base_url, tmp_path, fdr=0.01, min_abs_logfc=1.0)
    assert not stricter["skipped"] and stricter["request_id"] == out["request_id"]
    assert sum(1 for r in server.journal if r["method"] == "POST") == posts
    with connect(db, read_only=True) as con:
        assert con.execute("select fdr, min_abs_logfc from comparison_params").fetchall() == [
            (0.01, 1.0)
        ]
        n_sig = con.execute("select count(*) from regions_significant").fetchall()[0][0]
    md = Path(out["output_dir"], "summary_report.md").read_text()
    assert "Significant: q < 0.01, |log2FC| ≥ 1" in md
    assert re.search(rf"\| total \| [0-9,]+ \| {n_sig:,} \|", md) and n_sig < c["regions"]
    # the other folder still holds the q < 0.05 report: a skipped run into it renders it again
    # (it had a report.html, so it was kept, disagreeing with the database)
    assert "Significant: q < 0.05" in Path(elsewhere["output_dir"], "summary_report.md").read_text()
    back = compare(
        ids_a=list(EX.ids_a), ids_b=list(EX.ids_b), db_path=str(db),
        title="flow test simulated", description_a="MOLM-13", description_b="K-562",
        base_url=server.base_url, output_dir=str(tmp_path / "other"), fdr=0.01,
        min_abs_logfc=1.0,
    )  # fmt: skip
    assert back["skipped"]
    assert (
        "Significant: q < 0.01, |log2FC| ≥ 1"
        in Path(back["output_dir"], "summary_report.md").read_text()
    )
    forced = run(server.base_url, tmp_path, force=True)
    assert not forced["skipped"] and forced["request_id"] != out["request_id"]
    assert table_counts(db) == c
    # the old request's ZIP went with its rows: the folder holds what raw_files names
    assert [p.name for p in raw.iterdir()] == [f"{forced['request_id']}.zip"]


@pytest.mark.prefect
def test_resume_uses_stored_request_id(server, tmp_path):
    from chromdiff.chipatlas.client import ChipAtlasClient
    from chromdiff.chipatlas.protocol import SubmitRequest
    from chromdiff.design.comparison import ComparisonSpec, register, set_request
    from chromdiff.warehouse.db import writer

    spec = ComparisonSpec(
        list(EX.ids_a), list(EX.ids_b), title="flow test simulated",
        description_a="MOLM-13", description_b="K-562",
    ).validated()  # fmt: skip
    rid = ChipAtlasClient(server.base_url).submit(
        SubmitRequest(spec.analysis, spec.genome, spec.ids_a, spec.ids_b, spec.title,
                      spec.description_a, spec.description_b, threshold=spec.threshold)
    )  # fmt: skip
    with writer(tmp_path / "c.duckdb") as con:
        register(con, spec.default_id(), spec, base_url=server.base_url)
        set_request(con, spec.default_id(), rid)
    out = run(server.base_url, tmp_path)
    assert out["request_id"] == rid and out["status"] == "loaded"


def test_network_tasks_have_no_prefect_retries():
    """One retry layer (the client's): a task retry would re-send the submit POST."""
    from tasks.batch import fetch_result
    from tasks.compare import download, submit

    assert [t.retries for t in (submit, download, fetch_result)] == [0, 0, 0]


# --- the flow with an in-test double of the HTTP client (real archive, parsing and loading) ---

DATA = Path(__file__).parent / "data" / "parsing"
A3, B2 = ["SRX999", "SRX1000", "SRX1001"], ["SRX6", "SRX5"]


class ClientDouble:
    """Stands in for ChipAtlasClient: counts submissions, scripted wait, a real result ZIP."""

    def __init__(self):
        self.submitted = 0
        self.wait_error = None

    def check_health(self):
        self.health_checks = getattr(self, "health_checks", 0) + 1

    def submit(self, req):
        req.validate()
        self.submitted += 1
        return f"wabi_chipatlas_2026-0101-0000-00-000-{self.submitted:06d}"

    def wait(self, rid, on_poll=None, **kw):
        on_poll("running", 0.0)
        if self.wait_error:
            raise self.wait_error
        on_poll("finished", 1.0)

    def download_zip(self, rid, dest):
        import zipfile

        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(dest, "w") as z:
            z.write(DATA / "diffbind_2025.bed", "wabi_result/wabi_result.bed")
            z.write(DATA / "diffbind_2025.igv.bed", "wabi_result/wabi_result.igv.bed")
            z.writestr("wabi_result/wabi_result.log", f'[INFO] <parameter> WABI_ID="{rid}"\n')
        return dest


@pytest.fixture
def double(monkeypatch):
    import tasks.compare

    client = ClientDouble()
    monkeypatch.setattr(tasks.compare, "_client", lambda base_url: client)
    return client


def run_double(tmp_path, **kw):
    from flows.compare import compare

    return compare(
        ids_a=A3, ids_b=B2, db_path=str(tmp_path / "d.duckdb"), title="double simulated",
        base_url="http://127.0.0.1:9/wabi/chipatlas/", output_dir=str(tmp_path / "out"), **kw,
    )  # fmt: skip


@pytest.mark.prefect
def test_flow_with_client_double(double, tmp_path):
    out = run_double(tmp_path)
    assert (out["status"], out["n_regions"], out["result_format"]) == ("loaded", 4, "diffbind_2025")
    db = tmp_path / "d.duckdb"
    with connect(db, read_only=True) as con:
        kinds = {r[0] for r in con.execute("select kind from raw_files").fetchall()}
        assert kinds == {"bed", "igv_bed", "log", "zip"}
        assert con.execute(
            "select count from region_counts where region_id = 1 and experiment_id = 'SRX999'"
        ).fetchall() == [(36.33,)]
        events = [r[0] for r in con.execute("select event from run_log order by log_id").fetchall()]
        assert events[-2:] == ["loaded", "reported"] and "submitted" in events
        assert "parse_warning" not in events  # the IGV track agrees with the BED
    before = table_counts(db)
    assert run_double(tmp_path)["skipped"] and double.submitted == 1
    assert run_double(tmp_path, force=True)["request_id"].endswith("000002")
    assert table_counts(db) == before


@pytest.mark.prefect
def test_flow_job_failure_and_timeout_resume(double, tmp_path):
    from chromdiff.errors import JobFailedError, JobTimeoutError

    double.wait_error = JobFailedError("ChIP-Atlas analysis x failed: [ERROR] Invalid genome")
    with pytest.raises(JobFailedError):
        run_double(tmp_path)
    db = tmp_path / "d.duckdb"
    with connect(db, read_only=True) as con:
        status, error = con.execute("select status, error from comparisons").fetchall()[0]
        assert status == "failed" and "Invalid genome" in error
        assert con.execute("select count(*) from regions").fetchall() == [(0,)]
    with pytest.raises(JobFailedError, match=r"ended for good.*Invalid genome.*--force"):
        run_double(tmp_path)  # failed on the server: a plain rerun does not resubmit
    assert double.submitted == 1
    double.wait_error = JobTimeoutError("job still running after 10 s")
    with pytest.raises(JobTimeoutError):
        run_double(tmp_path, force=True)  # --force resubmits (request 2), then times out
    with connect(db, read_only=True) as con:
        assert con.execute("select status, request_id from comparisons").fetchall() == [
            ("running", "wabi_chipatlas_2026-0101-0000-00-000-000002")
        ]
    double.wait_error = None
    out = run_double(tmp_path)  # resumes request 2, no new submission
    assert out["status"] == "loaded" and out["request_id"].endswith("000002")
    assert double.submitted == 2


@pytest.mark.prefect
def test_a_request_id_the_busy_database_did_not_take_is_named_and_kept(
    double, tmp_path, monkeypatch
):
    """The POST came back while another process held the database for longer than the writer
    waits: the request ID was in no log, no error and no table, and a rerun refused as 'in
    doubt' asking for a --request-id the user never saw."""
    import tasks.compare
    from chromdiff.errors import DatabaseBusyError, RequestNotStoredError

    def busy(*_a, **_k):
        raise DatabaseBusyError("d.duckdb is in use by process 4242 (chromdiff sql)")

    monkeypatch.setattr(tasks.compare, "set_request", busy)
    with pytest.raises(RequestNotStoredError) as err:
        run_double(tmp_path)
    rid = "wabi_chipatlas_2026-0101-0000-00-000-000001"
    assert str(err.value) == (
        f"ChIP-Atlas queued the job as request {rid}, but its ID could not be stored (d.duckdb "
        f"is in use by process 4242 (chromdiff sql)); resume it with --request-id {rid}"
    )
    # the flow's failure record stored it once the database was free: a rerun resumes the job
    with connect(tmp_path / "d.duckdb", read_only=True) as con:
        assert con.execute("select request_id from comparisons").fetchall() == [(rid,)]
    monkeypatch.undo()
    import tasks.compare as tc

    monkeypatch.setattr(tc, "_client", lambda base_url: double)
    out = run_double(tmp_path)
    assert out["status"] == "loaded" and out["request_id"] == rid and double.submitted == 1


@pytest.mark.prefect
def test_a_comparison_another_run_holds_is_refused_before_anything_is_sent(double, tmp_path):
    """Two runs of the same inputs on one database both planned 'submit' and sent the job
    twice; the claim (a kernel lock, gone when its process ends) lets one run at a time."""
    from chromdiff.warehouse.claims import ComparisonBusyError, claim_comparison

    db = tmp_path / "d.duckdb"
    with claim_comparison(db, "c1"), pytest.raises(ComparisonBusyError) as err:
        run_double(tmp_path, comparison_id="c1")
    assert str(err.value).startswith("comparison c1 is being run by another chromdiff run "
                                     "(process ")  # fmt: skip
    assert double.submitted == 0
    out = run_double(tmp_path, comparison_id="c1")  # released: runs
    assert out["status"] == "loaded" and double.submitted == 1


@pytest.mark.prefect
def test_a_significance_rule_nothing_can_meet_is_refused_before_submitting(double, tmp_path):
    """--fdr 5 was taken as is (every region 'significant'); a dmr --min-abs-logfc 20 (percent
    meant) gave '0 significant' after a whole job."""
    from chromdiff.errors import InputError

    with pytest.raises(InputError, match=r"--fdr 5: must be in \(0, 1\]"):
        run_double(tmp_path, fdr=5.0)
    with pytest.raises(InputError, match=r"--min-abs-logfc 20 for a dmr comparison"):
        run_double(tmp_path, analysis="dmr", min_abs_logfc=20.0)
    assert double.submitted == 0


@pytest.mark.prefect
def test_a_result_from_another_endpoint_is_not_kept(server, fake_chipatlas_factory, tmp_path):
    """A batch tried against the fake server, then scheduled against the real service on the
    same database: the unchanged inputs were 'skipped' and the simulated rows reported as the
    real run's. Another endpoint is a new job there; its rows replace the stored ones."""
    first = run(server.base_url, tmp_path)
    other = fake_chipatlas_factory(n_regions=300)  # stands in for the real service
    second = run(other.base_url, tmp_path)
    assert not second["skipped"] and second["status"] == "loaded"
    assert [r["method"] for r in other.journal].count("POST") == 1
    assert second["request_id"] != first["request_id"]
    with connect(tmp_path / "c.duckdb", read_only=True) as con:
        assert con.execute("select base_url, n_regions from comparisons").fetchall() == [
            (other.base_url, second["n_regions"])
        ]
    assert run(other.base_url, tmp_path)["skipped"]  # then unchanged: skipped again
