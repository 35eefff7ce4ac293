"""End-to-end checks against a real local ``prefect server start`` and its UI.

One module-scoped Prefect server (own process group, temp ``PREFECT_HOME``) is shared by:

* a CLI comparison against the fake ChIP-Atlas server, checked through the Prefect REST
  API and through headless Chromium screenshots / DOM of the UI (PNGs land in
  ``artifacts/`` — the CI artefact);
* a deployment served with ``flow.serve`` in a subprocess and triggered with
  ``prefect deployment run``, which must reach Completed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
EXAMPLE = "tp53_molm13_vs_k562"


def _free_port() -> int:
    """Return a currently free loopback TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(url: str, body: dict | None = None) -> object:
    """GET (or POST ``body`` as JSON to) a Prefect REST endpoint and decode the JSON reply."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def _kill_group(proc: subprocess.Popen) -> None:
    """Terminate a process started with ``start_new_session=True`` and its whole group."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    """Start ``prefect server start`` on a free port; yield ``(api_url, ui_url, env)``."""
    if shutil.which("prefect") is None and not (Path(sys.executable).parent / "prefect").exists():
        pytest.skip("prefect CLI not found")
    home = tmp_path_factory.mktemp("prefect_home")
    port = _free_port()
    env = dict(os.environ)
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_API_URL=f"http://127.0.0.1:{port}/api",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",
        CHROMDIFF_POLL_INTERVAL_S="0.2",
    )
    log = (home / "server.log").open("w")
    prefect_bin = Path(sys.executable).parent / "prefect"
    proc = subprocess.Popen(
        [str(prefect_bin), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _api(f"{api}/health")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"prefect server did not start; see {home / 'server.log'}")
                time.sleep(1)
        yield api, f"http://127.0.0.1:{port}", env
    finally:
        _kill_group(proc)
        log.close()


@pytest.fixture(scope="module")
def fake_api():
    """A running fake ChIP-Atlas server; yields its base URL."""
    from chromdiff.fakeapi import FakeChipAtlas

    with FakeChipAtlas(port=0) as server:
        yield server.base_url


def _chromium(*args: str, timeout: float = 90) -> str:
    """Run headless Chromium with offline-safe flags; return its stdout."""
    profile = Path(os.environ.get("TMPDIR", "/tmp")) / f"chromium-{os.getpid()}-{time.time_ns()}"
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1400,900",
        "--virtual-time-budget=15000",
        *args,
    ]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return out.stdout


def test_compare_run_visible_in_api_and_ui(prefect_server, fake_api, tmp_path):
    """A CLI comparison appears as a Completed ``compare`` flow run with tasks, also in the UI."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium missing (apt-get install chromium)")
    api, ui, env = prefect_server
    db = tmp_path / "ui.duckdb"
    cmd = [str(Path(sys.executable).parent / "chromdiff"), "compare", "--example", EXAMPLE]
    cmd += ["--base-url", fake_api, "--db", str(db), "--output", str(tmp_path / "out")]
    res = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stderr[-2000:]

    runs = _api(f"{api}/flow_runs/filter", {"flow_runs": {}, "sort": "START_TIME_DESC"})
    flows = {f["id"]: f["name"] for f in _api(f"{api}/flows/filter", {})}
    compare_runs = [r for r in runs if flows.get(r["flow_id"]) == "compare"]
    assert compare_runs, f"no compare flow run among {[flows.get(r['flow_id']) for r in runs]}"
    run = compare_runs[0]
    assert run["state_type"] == "COMPLETED"
    tasks = _api(f"{api}/task_runs/filter", {"task_runs": {"flow_run_id": {"any_": [run["id"]]}}})
    task_names = {t["name"] for t in tasks}
    for expected in ("submit", "wait", "download", "parse", "load"):
        assert any(n.startswith(expected) for n in task_names), (expected, task_names)
    assert all(t["state_type"] == "COMPLETED" for t in tasks), [
        (t["name"], t["state_type"]) for t in tasks
    ]

    ARTIFACTS.mkdir(exist_ok=True)
    runs_png = ARTIFACTS / "prefect_ui_runs.png"
    run_png = ARTIFACTS / "prefect_ui_flow_run.png"
    for png in (runs_png, run_png):
        png.unlink(missing_ok=True)
    _chromium(f"--screenshot={runs_png}", f"{ui}/runs")
    _chromium(f"--screenshot={run_png}", f"{ui}/runs/flow-run/{run['id']}")
    for png in (runs_png, run_png):
        assert png.exists() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png
        assert png.stat().st_size > 10_000, f"{png} looks blank"
    dom = _chromium("--dump-dom", f"{ui}/runs/flow-run/{run['id']}")
    (ARTIFACTS / "prefect_ui_flow_run.html").write_text(dom)
    assert run["name"] in dom
    assert any(name in dom for name in task_names), "no task run name in the flow-run page"


def test_served_deployment_run_completes(prefect_server, fake_api, tmp_path):
    """``flow.serve`` in a subprocess + ``prefect deployment run`` → the run reaches Completed."""
    from chromdiff.design.examples import get_example

    api, _ui, env = prefect_server
    ex = get_example(EXAMPLE)
    params = {
        "ids_a": list(ex.ids_a),
        "ids_b": list(ex.ids_b),
        "genome": ex.genome,
        "base_url": fake_api,
        "db_path": str(tmp_path / "dep.duckdb"),
        "output_dir": str(tmp_path / "out"),
    }
    script = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r});"
        "from flows.compare import compare;"
        f"compare.serve(name='ui-test', parameters={params!r})"
    )
    serve_log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        stdout=serve_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not any(d["name"] == "ui-test" for d in _api(f"{api}/deployments/filter", {})):
            assert server.poll() is None, (tmp_path / "serve.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "deployment was never registered"
            time.sleep(1)
        prefect_bin = str(Path(sys.executable).parent / "prefect")
        res = subprocess.run(
            [prefect_bin, "deployment", "run", "compare/ui-test"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert res.returncode == 0, res.stdout + res.stderr
        dep = next(d for d in _api(f"{api}/deployments/filter", {}) if d["name"] == "ui-test")
        deadline = time.monotonic() + 120
        while True:
            runs = _api(
                f"{api}/flow_runs/filter",
                {"flow_runs": {"deployment_id": {"any_": [dep["id"]]}}},
            )
            states = [r["state_type"] for r in runs]
            if states and states[0] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                break
            assert time.monotonic() < deadline, f"deployment run stuck in {states}"
            time.sleep(1)
        assert states == ["COMPLETED"], (tmp_path / "serve.log").read_text()[-2000:]
    finally:
        _kill_group(server)
        serve_log.close()


def _chromdiff(*args: str, env: dict, cwd: Path = ROOT, timeout: float = 300):
    """Run the ``chromdiff`` CLI of this environment in a subprocess."""
    cmd = [str(Path(sys.executable).parent / "chromdiff"), *args]
    return subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def test_reports_are_readable_in_the_browser(prefect_server, tmp_path):
    """Both reports, as Chromium lays them out at a user's width: no overlapping legend text,
    tick labels or gene labels, nothing cut off; screenshots go to ``artifacts/``."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium missing (apt-get install chromium)")
    from tests.browser_layout import layout_problems, screenshot

    _api, _ui, env = prefect_server
    res = _chromdiff("demo", "--output", str(tmp_path / "demo"), env=env)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "UserWarning" not in res.stderr and "warnings.warn" not in res.stderr
    reports = {
        "report_comparison": tmp_path / "demo" / "tp53_k562_dmso_vs_daunorubicin" / "report.html",
        "report_integration": tmp_path / "demo" / "atac_rna_demo_simulated"
        / "integration_report.html",
    }  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    for name, page in reports.items():
        assert str(tmp_path) not in page.read_text(), f"{name} shows an absolute temp path"
        assert "-0.00" not in page.read_text()
        png = screenshot(page, ARTIFACTS / f"{name}.png", width=1400, height=5200)
        assert png.stat().st_size > 50_000, f"{png} looks blank"
        svgs = page.read_text().count("<svg")
        assert svgs >= 4, (name, svgs)
        assert layout_problems(page, width=1400) == [], name
    # the probe can fail: the same page with a too-narrow legend label limit does overlap
    bad = reports["report_comparison"].with_name("overlap_probe.html")
    bad.write_text(reports["report_comparison"].read_text().replace(
        'font-family="DejaVu Sans, Verdana, Bitstream Vera Sans, sans-serif"',
        'font-family="DejaVu Sans" font-size="40px"'))  # fmt: skip
    kinds = {p[0] for p in layout_problems(bad)}
    assert {"legend", "clipped"} <= kinds, kinds


def test_failed_batch_is_failed_in_the_ui(prefect_server, fake_api, tmp_path):
    """A batch with one failing comparison ends Failed (API and UI) with its summary artifact."""
    from chromdiff.design.examples import get_example

    api, ui, env = prefect_server
    ex = get_example(EXAMPLE)
    ids_a, ids_b = ", ".join(ex.ids_a), ", ".join(ex.ids_b)
    batch = tmp_path / "nightly.yaml"
    batch.write_text(
        "comparisons:\n"
        f"  - {{name: good, ids_a: [{ids_a}], ids_b: [{ids_b}], title: ui batch simulated}}\n"
        f"  - {{name: bad, genome: hg99, ids_a: [{ids_a}], ids_b: [{ids_b}]}}\n"
    )
    res = _chromdiff("batch", "nightly.yaml", "--base-url", fake_api, "--db", "b.duckdb",
                     "--output", "out", env=env, cwd=tmp_path)  # fmt: skip
    assert res.returncode == 1, res.stderr[-2000:]
    lines = res.stdout.splitlines()
    assert lines[0] == "comparison\trun\tqc_verdict\terror"
    assert lines[1].startswith("good\tloaded\twarn") and lines[2].startswith("bad\tfailed\t-")

    flows = {f["name"]: f["id"] for f in _api(f"{api}/flows/filter", {})}
    (run,) = _api(f"{api}/flow_runs/filter",
                  {"flows": {"id": {"any_": [flows["batch"]]}}})  # fmt: skip
    assert run["state_type"] == "FAILED", run["state"]
    assert run["state"]["message"] == "1 of 2 comparisons failed: bad"
    subs = _api(
        f"{api}/flow_runs/filter",
        {
            "flow_runs": {"parent_task_run_id": {"is_null_": False}},
            "flows": {"id": {"any_": [flows["compare"]]}},
        },
    )
    by_state = sorted(r["state_type"] for r in subs if r["start_time"] >= run["start_time"])
    assert by_state == ["COMPLETED", "FAILED"], by_state
    arts = _api(f"{api}/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [run["id"]]}}})
    (art,) = [a for a in arts if a["key"] == "batch-summary"]
    assert art["type"] == "markdown"
    assert art["data"].count("/runs/flow-run/") == 2  # each comparison linked to its run
    assert re.search(r"\| \[bad\]\([^)]*/runs/flow-run/[0-9a-f-]{36}\) \| failed \|", art["data"])

    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium missing (apt-get install chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / "prefect_ui_failed_batch.png"
    png.unlink(missing_ok=True)
    _chromium(f"--screenshot={png}", f"{ui}/runs/flow-run/{run['id']}")
    assert png.exists() and png.stat().st_size > 10_000, f"{png} looks blank"
    art_png = ARTIFACTS / "prefect_ui_batch_summary.png"
    _chromium(f"--screenshot={art_png}", f"{ui}/artifacts/artifact/{art['id']}")
    dom = _chromium("--dump-dom", f"{ui}/runs/flow-run/{run['id']}")
    assert "Failed" in dom


NAMES = ("nightly-batch", "weekly-batch-refresh", "compare-adhoc", "integrate-adhoc")


def test_serve_and_deploy_coexist_and_serve_stops_cleanly(prefect_server, tmp_path):
    """`prefect deploy` + `chromdiff serve` on one server: both sets of deployments, the
    work-pool ones keep their pull step; Ctrl-C stops serve without a traceback."""
    api, _ui, env = prefect_server
    prefect_bin = str(Path(sys.executable).parent / "prefect")
    subprocess.run([prefect_bin, "work-pool", "create", "local-process", "--type", "process"],
                   env=env, capture_output=True, timeout=120, check=False)  # fmt: skip
    deploy = subprocess.run(
        [prefect_bin, "--no-prompt", "deploy", "--all", "--prefect-file",
         "deployments/prefect.yaml"],
        env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=180,
    )  # fmt: skip
    assert deploy.returncode == 0, deploy.stdout[-2000:] + deploy.stderr[-2000:]
    log = (tmp_path / "serve.err").open("w")
    serve = subprocess.Popen(
        [str(Path(sys.executable).parent / "chromdiff"), "serve"], env=env, cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            deps = {d["name"]: d for d in _api(f"{api}/deployments/filter", {})}
            served = [deps.get(f"{n}-served") for n in NAMES]
            if all(d and not d["paused"] for d in served):
                break
            assert serve.poll() is None, (tmp_path / "serve.err").read_text()[-2000:]
            assert time.monotonic() < deadline, "served deployments never registered"
            time.sleep(1)
        for name in NAMES:
            assert deps[name]["work_pool_name"] == "local-process", name
            assert deps[name]["pull_steps"][0]["prefect.deployments.steps.set_working_directory"][
                "directory"] == str(ROOT)  # fmt: skip
            env_vars = deps[name]["job_variables"]["env"]
            assert env_vars["CHROMDIFF_BASE_URL"].startswith("https://"), name
            assert deps[f"{name}-served"]["work_pool_name"] is None
        serve.send_signal(signal.SIGINT)
        assert serve.wait(timeout=60) == 0
    finally:
        _kill_group(serve)
        log.close()
    err = (tmp_path / "serve.err").read_text()
    assert "Traceback" not in err and "serve stopped" in err, err[-2000:]
