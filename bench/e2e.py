"""End-to-end ``chromdiff compare`` benchmark (issue #7): ``uv run python -m bench.e2e``.

For each size the fake ChIP-Atlas server (``chromdiff.fakeapi``, knob ``n_regions``) runs in
this process and the real CLI pipeline (``chromdiff compare``: Prefect flow, submit, poll,
download, parse, load into DuckDB, annotation, QC views, exports, charts, reports) runs in a
fresh subprocess (:mod:`bench.e2e_child`) that times each task body. Wall time is split into
start-up (interpreter, imports), Prefect overhead (flow wall time minus the task bodies),
transfer (submit + poll + download, of which the fake server's simulation of the result is
shown separately), parse/load, QC, annotation and report. Memory is the child's own peak RSS
(``ru_maxrss``) and the peak summed RSS of its whole process tree (the Prefect ephemeral API
server runs as a grandchild), sampled with psutil. The ``e2e`` section of ``BENCHMARKS.md`` is
rewritten.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from bench.machine import describe
from bench.mdsection import replace_section
from bench.timing import ROOT

N_A = N_B = 4


def _ids(prefix: int, n: int) -> list[str]:
    return [f"SRX{prefix}{i:04d}" for i in range(n)]


class TreeSampler(threading.Thread):
    """Sample the summed RSS of a process and its descendants every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_bytes = 0
        self.seen: dict[int, psutil.Process] = {}
        self.stop_event = threading.Event()

    def run(self) -> None:
        """Sample until stopped or the process is gone."""
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self.stop_event.is_set():
            total = 0
            try:
                children = root.children(recursive=True)
            except psutil.NoSuchProcess:
                return
            self.seen.update({c.pid: c for c in children})
            procs = [root, *children]
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak_bytes = max(self.peak_bytes, total)
            self.stop_event.wait(self.interval)


class PrefectServer:
    """A ``prefect server start`` on a free loopback port, for runs with ``PREFECT_API_URL``.

    What a user does once to avoid the temporary server each CLI run starts (the hint the CLI
    prints); the server runs for the whole benchmark and is terminated at the end.
    """

    def __init__(self, workdir: Path) -> None:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.home = workdir / "prefect-server-home"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> PrefectServer:
        import urllib.request

        env = os.environ | {"PREFECT_HOME": str(self.home)}
        env.pop("PREFECT_API_URL", None)
        prefect = Path(sys.executable).with_name("prefect")
        self.log = open(self.home.parent / "prefect-server.log", "w")
        self.proc = subprocess.Popen(
            [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.time() + 300
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(1)
        raise RuntimeError("prefect server did not start in 300 s")

    def __exit__(self, *exc) -> None:
        if self.proc is not None:  # its own session: end the server and any child it made
            import signal

            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def run_size(
    n: int, workdir: Path, timeout: float, chart_rows: int = 0, api_url: str | None = None
) -> dict:
    """Serve a simulated ``n``-region result and run one instrumented compare against it.

    Parameters
    ----------
    n : int
        Regions in the simulated result.
    workdir : Path
        Parent folder; the run uses ``workdir / f"n{n}_{mode}"`` (IDs, DuckDB file, outputs,
        logs), emptied first: every run starts with no database.
    timeout : float
        Seconds before the compare process is killed.
    chart_rows : int
        Diagnostic: when > 0, each chart's data is randomly cut to this many rows (every other
        output stays complete); 0 runs the pipeline unchanged.
    api_url : str, optional
        ``PREFECT_API_URL`` of a running server (:class:`PrefectServer`); None: the CLI starts
        its temporary server, as it does by default.

    Returns
    -------
    dict
        The child's timings (``stages``, ``tasks``, ``details``, ``peak_after_mib``, ...) plus
        ``n, wall_s, server_build_s, returncode, tree_peak_mib, wait4_peak_mib``, the file sizes
        of a completed run, or ``failure`` (and ``crash_after_s``) for a failed one.
    """
    from chromdiff.fakeapi import FakeChipAtlas
    from chromdiff.fakeapi import server as fake_server

    build = fake_server.build_result
    server_s: list[float] = []

    def timed_build(job, sc):
        t0 = time.perf_counter()
        try:
            return build(job, sc)
        finally:
            server_s.append(time.perf_counter() - t0)

    fake_server.build_result = timed_build
    mode = "server" if api_url else "temporary"
    tmp = workdir / (f"n{n}_{mode}" + (f"_charts{chart_rows}" if chart_rows else ""))
    shutil.rmtree(tmp, ignore_errors=True)  # a repeat starts afresh, as the first run did
    tmp.mkdir(parents=True)
    (tmp / "a.txt").write_text("\n".join(_ids(1, N_A)) + "\n")
    (tmp / "b.txt").write_text("\n".join(_ids(2, N_B)) + "\n")
    out_json = tmp / "timings.json"
    env = os.environ | {"CHROMDIFF_POLL_INTERVAL_S": "0.1"}
    env.pop("PREFECT_API_URL", None)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    if chart_rows:
        env["CHROMDIFF_BENCH_CHART_ROWS"] = str(chart_rows)
    try:
        with FakeChipAtlas(n_regions=n, polls_to_finish=0, seed=7) as fake:
            argv = [
                sys.executable, "-m", "bench.e2e_child", str(out_json), "--", "compare",
                "--a", str(tmp / "a.txt"), "--b", str(tmp / "b.txt"), "--genome", "hg38",
                "--db", str(tmp / "bench.duckdb"), "--output", str(tmp / "out"),
                "--base-url", fake.base_url, "--title", f"e2e bench {n}", "--force",
            ]  # fmt: skip
            t0 = time.perf_counter()
            with open(tmp / "stdout.txt", "w") as out, open(tmp / "stderr.txt", "w") as err:
                proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=err)
            sampler = TreeSampler(proc.pid)
            sampler.start()
            try:
                status, rusage = _wait(proc, timeout)
                wall, t_exit = time.perf_counter() - t0, time.time()
            finally:
                sampler.stop_event.set()
                sampler.join()
                _reap(sampler.seen)
    finally:
        fake_server.build_result = build
    stdout, stderr = (tmp / "stdout.txt").read_text(), (tmp / "stderr.txt").read_text()
    res = json.loads(out_json.read_text()) if out_json.exists() else {"stages": {}}
    res |= {
        "n": n, "wall_s": wall, "server_build_s": sum(server_s), "returncode": status,
        "chart_rows": chart_rows, "prefect": mode, "loadavg": os.getloadavg()[0],
        "tree_peak_mib": sampler.peak_bytes / 2**20,
        "wait4_peak_mib": rusage.ru_maxrss / 1024 if rusage else None,
        "stdout": stdout.strip().splitlines()[-4:],
    }  # fmt: skip
    if status is None:
        res["failure"] = f"no result after {timeout:.0f} s (killed)"
    elif status != 0:
        res["failure"] = _reason(stderr, status)
        if out_json.exists():  # seconds between the last finished task and the crash
            res["crash_after_s"] = t_exit - out_json.stat().st_mtime
    bed_bytes = _bed_bytes(tmp / "out")
    if bed_bytes is not None:  # known once the download is done, even if a later step failed
        res |= {
            "bed_mib": bed_bytes / 2**20,
            "zip_mib": sum(z.stat().st_size for z in (tmp / "out").rglob("*.zip")) / 2**20,
            "db_mib": (tmp / "bench.duckdb").stat().st_size / 2**20,
        }
    return res


def _bed_bytes(out: Path) -> int | None:
    """Return the size of the main result BED (extracted, or read from the ZIP)."""
    import zipfile

    bed = next(out.rglob("wabi_result.bed"), None)
    if bed is not None:
        return bed.stat().st_size
    for zpath in out.rglob("*.zip"):
        with zipfile.ZipFile(zpath) as zf:
            for info in zf.infolist():
                if Path(info.filename).name == "wabi_result.bed":
                    return info.file_size
    return None


def _wait(proc: subprocess.Popen, timeout: float):
    """Wait for ``proc`` with ``os.wait4`` (its own rusage); kill it after ``timeout`` seconds.

    Returns ``(exit code or None if killed, rusage or None)``. Pipes are not used: an orphaned
    grandchild (the Prefect server of a crashed run) would keep them open.
    """
    deadline = time.monotonic() + timeout
    killed = False
    while True:
        pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return (None if killed else proc.returncode), rusage
        if not killed and time.monotonic() > deadline:
            proc.kill()
            killed = True
        time.sleep(0.1)


def _reap(procs: dict) -> None:
    """Terminate the descendants the sampler saw that outlived the run (e.g. after a crash)."""
    alive = [p for p in procs.values() if p.is_running()]
    for p in alive:
        p.terminate()
    _, still = psutil.wait_procs(alive, timeout=10)
    for p in still:
        p.kill()


def _reason(stderr: str, status: int) -> str:
    lines = stderr.splitlines()
    fatal = [ln.strip("# ").strip() for ln in lines if "Fatal" in ln or "out of memory" in ln]
    errors = [ln for ln in lines if re.match(r"^[\w.]*(Error|Exception)\b", ln)]
    why = (fatal or errors or [ln for ln in lines if ln.strip()] or [""])[-1]
    return f"exit status {status}: {why}"


STAGE_ORDER = ("prepare", "transfer", "parse_load", "annotation", "enrichment", "qc", "report")


#: Stages doing the data work (summed in the findings).
DATA_STAGES = ("transfer", "parse_load", "annotation", "enrichment", "qc")


def _label(r: dict) -> str:
    mode = "running server" if r.get("prefect") == "server" else "temporary server"
    load = f", load {r['loadavg']:.1f}" if "loadavg" in r else ""
    return f"{r['n']:,} ({mode}{load})" + (" †" if r.get("chart_rows") else "")


def _row(r: dict) -> str:
    s = r["stages"]
    measured = sum(s.get(k, 0.0) for k in STAGE_ORDER)
    if "failure" in r:
        last = max((k for k in STAGE_ORDER if k in s), key=STAGE_ORDER.index, default=None)
        if last is None:
            nxt = "start-up or prepare"
        elif last == "report":
            nxt = "the flow's end"
        else:
            nxt = STAGE_ORDER[STAGE_ORDER.index(last) + 1]
        if nxt in ("qc", "report"):
            nxt = "the render-report task (QC views, exports, charts, reports)"
        if r.get("returncode") is None:
            what = f"**killed** at the time limit, in {nxt}"
        else:
            what = f"**crashed** in {nxt} after {r.get('crash_after_s', 0):.0f} s"
        cell = lambda k: f"{s[k]:.1f}" if k in s else "—"  # noqa: E731
        mib = lambda k: f"{r[k]:.0f}" if k in r else "—"  # noqa: E731
        peak = r.get("wait4_peak_mib")
        return (
            f"| {_label(r)} | {what} ({r['wall_s']:.0f} s in all) | — | — | — "
            f"| {cell('transfer')} ({r['server_build_s']:.1f}) | {cell('parse_load')} "
            f"| {cell('qc')} | {cell('annotation')} | {cell('enrichment')} | {cell('report')} "
            f"| {cell('prepare')} "
            f"| {peak:.0f} | {r['tree_peak_mib']:.0f} | {mib('bed_mib')} | {mib('db_mib')} |"
            if peak
            else f"| {_label(r)} | **failed** | | | | | | | | | | | | | | |"
        )
    prefect = r["flow_wall_s"] - measured
    recorded = r.get("flow_recorded_s")
    split = (f" ({r['flow_wall_s'] - recorded:.1f} + {recorded - measured:.1f})"
             if recorded is not None else "")  # fmt: skip
    startup = r["wall_s"] - r["flow_wall_s"]
    return (
        f"| {_label(r)} | {r['wall_s']:.1f} | **{r['wall_s'] - r['server_build_s']:.1f}** "
        f"| {startup:.1f} | {prefect:.1f}{split} "
        f"| {s.get('transfer', 0):.1f} ({r['server_build_s']:.1f}) | {s.get('parse_load', 0):.1f} "
        f"| {s.get('qc', 0):.1f} | {s.get('annotation', 0):.1f} | {s.get('enrichment', 0):.1f} "
        f"| {s.get('report', 0):.1f} "
        f"| {s.get('prepare', 0):.2f} | {r['peak_mib']:.0f} | {r['tree_peak_mib']:.0f} "
        f"| {r['bed_mib']:.0f} | {r['db_mib']:.0f} |"
    )


def section(results: list[dict], note: str = "") -> str:
    """Return the markdown body of the ``e2e`` section.

    Parameters
    ----------
    results : list of dict
        :func:`run_size` results, smallest first.
    note : str
        A line about the code measured, printed under the machine description.
    """
    lines = [
        "## End to end `chromdiff compare` (`uv run python -m bench.e2e`)",
        "",
        describe(),
        "",
        *([note, ""] if note else []),
        f"Each size: the fake server (`FakeChipAtlas(n_regions=N, polls_to_finish=0)`, {N_A} vs "
        f"{N_B} experiments, seed 7) in the benchmark process; the real CLI `chromdiff compare "
        "--force` (Prefect flow, `CHROMDIFF_POLL_INTERVAL_S=0.1`), twice back to back: with the "
        "CLI's temporary Prefect server (no `PREFECT_API_URL`, the default) and with "
        "`PREFECT_API_URL` pointing at a `prefect server start` begun once for the benchmark (what "
        "the CLI's hint tells a user to do), in "
        "a fresh subprocess (`bench/e2e_child.py`) whose Prefect task bodies are wrapped with "
        "timers (bench-only; nothing in the pipeline is changed). One run per size and mode in "
        "each round (`--repeats` rounds, one row per run), seconds.",
        "",
        "- **total**: wall time of the subprocess. **waited**: total minus the fake server's "
        "simulation of the result (in brackets under transfer), i.e. what a user waits with a "
        "server that has its result ready when the job is done (the real ChIP-Atlas computes it "
        "before reporting the job finished; the fake one builds it when the ZIP is first asked "
        "for, in this benchmark's process, while the CLI waits on the download). "
        "**start-up**: interpreter start, imports and CLI input checks before the flow is "
        "called. **Prefect**: flow wall time minus the task "
        "bodies (flow/task run creation, state changes, ephemeral API server start, result "
        "handling). In brackets: outside the flow body (ephemeral API server start-up, flow run "
        "creation and finalisation: flow wall time minus the `flow_runs.duration_s` the flow "
        "records itself) + inside it (the task runs' orchestration around their bodies, and the "
        "flow's own `flow_runs` bookkeeping).",
        "- **transfer** = `submit` + `wait` + `download` task bodies (HTTP to the loopback fake "
        "server, ZIP streamed to disk and extracted); in brackets the part spent by the fake "
        "server simulating the result and building the ZIP (numpy, a DuckDB formatting pass and "
        "the IGV BED), which a real server would have done before the job finished.",
        "- **parse/load** = `parse` + `load` tasks; **QC** = reading the `qc_*` views "
        "(`qc_findings` and what it depends on) inside the report task; **annotation** = the "
        "`annotate-comparison` task (embedded hg38 build); **enrichment** = the "
        "`enrich-comparison` task (GREAT, GO BP, on the A- and B-enriched regions); "
        "**report** = the rest of `render-report` (exports CSV/Parquet, Altair charts PNG+SVG, "
        "Markdown and HTML); "
        "**prep** = `validate` + `prepare`.",
        "- **peak MiB** = the compare process's own max RSS; **tree MiB** = the largest summed "
        "RSS of it and its children (incl. the Prefect server), sampled every 50 ms; "
        "**BED MiB** = the main result file; **DB MiB** = the DuckDB file afterwards.",
        "",
        "| regions | total s | waited s | start-up s | Prefect s (outside + inside flow) "
        "| transfer s (server sim) | parse/load s | QC s | annotation s | enrichment s | report s "
        "| prep s | peak MiB | tree MiB | BED MiB | DB MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *[_row(r) for r in results],
    ]
    ok = [r for r in results if "failure" not in r and not r.get("chart_rows")]
    diag = [r for r in results if r.get("chart_rows")]
    if diag:
        lines += [
            "",
            "† Diagnostic re-run of a size that failed in the report: each chart's data randomly "
            f"cut to {diag[0]['chart_rows']:,} points (bench-only wrapper of "
            "`render.chart_frames`); QC, exports and reports are complete, so this row shows what "
            "the rest of the pipeline costs at that size.",
        ]
    same = [r for r in ok if r.get("prefect") == ok[-1].get("prefect")]  # one Prefect mode
    sizes = sorted({r["n"] for r in same})
    if len(sizes) >= 2:  # the last run of the two largest sizes
        big = [r for r in same if r["n"] == sizes[-1]][-1]
        small = [r for r in same if r["n"] == sizes[-2]][-1]
        lines += [
            "",
            f"Memory: {big['n']:,} regions peak at {big['peak_mib']:.0f} MiB vs "
            f"{small['peak_mib']:.0f} MiB at {small['n']:,} "
            f"({big['n'] / small['n']:.0f}× the rows, "
            f"{big['peak_mib'] / small['peak_mib']:.1f}× the memory; the main BED is "
            f"{big['bed_mib']:.0f} MiB at {big['n']:,}).",
        ]
    # with --repeats, the prose below describes one run per size and mode (the median one)
    rep = representative(results)
    staged = [r for r in rep if r.get("peak_after_mib")]
    if staged:
        parts = []
        for r in staged:
            pk = r["peak_after_mib"]
            fmt = lambda v: "—" if v is None else f"{v:.0f}"  # noqa: E731
            final = fmt(r.get("peak_mib")) if "failure" not in r else "crash"
            parts.append(
                f"{_label(r)}: {fmt(pk.get('load'))} MiB after load, "
                f"{fmt(pk.get('annotate-comparison'))} after annotation, {final} at the end"
            )
        lines += ["", "Peak RSS of the compare process as the run goes: " + "; ".join(parts) + "."]
    detailed = [r for r in rep if r.get("details") and "failure" not in r]
    if detailed:
        parts = [
            f"{_label(r)}: exports {r['details'].get('report_exports', 0):.1f} s, charts "
            f"{r['details'].get('report_build_charts', 0):.1f} s to build + "
            f"{r['details'].get('report_save_charts', 0):.1f} s to save (PNG + SVG)"
            for r in detailed
        ]
        lines += ["", "Inside **report**: " + "; ".join(parts) + "."]
    lines += summary(results)
    lines += _findings(results, rep)
    failures = [f"{r['n']:,} regions: {r['failure']}" for r in results if "failure" in r]
    if failures:
        lines += ["", "Failed runs: " + "; ".join(failures) + "."]
    return "\n".join(lines)


def _cases(results: list[dict]) -> dict[tuple[int, str], list[dict]]:
    """Completed, non-diagnostic runs grouped by (size, Prefect mode), in run order."""
    groups: dict[tuple[int, str], list[dict]] = {}
    for r in results:
        if "failure" not in r and not r.get("chart_rows"):
            groups.setdefault((r["n"], r.get("prefect", "temporary")), []).append(r)
    return groups


def representative(results: list[dict]) -> list[dict]:
    """One run per size and Prefect mode: the median by wall time (the lower one of an even count).

    Failed and diagnostic runs are all kept. Order as in ``results``.
    """
    keep = set()
    for runs in _cases(results).values():
        by_wall = sorted(runs, key=lambda r: r["wall_s"])
        keep.add(id(by_wall[(len(by_wall) - 1) // 2]))
    return [r for r in results if id(r) in keep or "failure" in r or r.get("chart_rows")]


def summary(results: list[dict]) -> list[str]:
    """Medians and min–max of total, waited and report per size and Prefect mode.

    Only sizes run more than once (``--repeats``) get a row; failed and diagnostic runs are left
    out. Returns markdown lines (none when no size was repeated).
    """
    rows = []
    for (n, mode), runs in _cases(results).items():
        if len(runs) < 2:
            continue

        def cell(values: list[float], bold: bool = False) -> str:
            m = f"{statistics.median(values):.1f}"
            return f"{f'**{m}**' if bold else m} ({min(values):.1f}–{max(values):.1f})"

        loads = [r["loadavg"] for r in runs if "loadavg" in r]
        load = f"{min(loads):.1f}–{max(loads):.1f}" if loads else "—"
        rows.append(
            f"| {n:,} | {'running server' if mode == 'server' else 'temporary server'} "
            f"| {len(runs)} | {load} | {cell([r['wall_s'] for r in runs])} "
            f"| {cell([r['wall_s'] - r['server_build_s'] for r in runs], bold=True)} "
            f"| {cell([r['stages'].get('report', 0.0) for r in runs])} |"
        )
    if not rows:
        return []
    return [
        "",
        "Medians over the repeated runs of each size and mode (min–max in brackets; the runs "
        "of one round are interleaved as above):",
        "",
        "| regions | Prefect | runs | load | total s | waited s | report s |",
        "|---:|---|---:|---|---:|---:|---:|",
        *rows,
    ]


def _findings(results: list[dict], rep: list[dict]) -> list[str]:
    """A few sentences read off the numbers: fixed Prefect cost, the dominant stage, failures.

    ``results``: every run (the Prefect range); ``rep``: the runs described one by one (see
    :func:`representative`).
    """
    out = []
    done = [r for r in results if "failure" not in r and r.get("flow_recorded_s")]
    outside = [r["flow_wall_s"] - r["flow_recorded_s"] for r in done]
    if outside:
        out.append(
            f"- Prefect's cost is mostly fixed: {min(outside):.1f}–{max(outside):.1f} s per run "
            "outside the flow body (ephemeral API server start, flow run creation), plus "
            "start-up imports; task orchestration itself adds well under a second."
        )
    for r in rep:
        if "failure" in r:
            continue
        s = r["stages"]
        top = max(STAGE_ORDER, key=lambda k: s.get(k, 0.0))
        out.append(
            f"- {_label(r)} regions: the largest stage is **{top}** ({s.get(top, 0):.1f} s of "
            f"{r['wall_s']:.0f} s); data stages (transfer + parse/load + annotation + "
            "enrichment + QC) take "
            f"{sum(s.get(k, 0.0) for k in DATA_STAGES):.1f} s."
        )
    for r in results:
        if "failure" in r and r.get("peak_after_mib"):
            pk = r["peak_after_mib"]
            out.append(
                f"- {r['n']:,} regions: every data stage completed (peak "
                f"{max(pk.values()):.0f} MiB up to annotation), then the run failed with "
                f"{r['wait4_peak_mib'] or 0:.0f} MiB peak RSS: {r['failure']}."
            )
    return ["", "What the numbers say:", "", *out] if out else []


def main() -> None:
    """Parse options, run each size, write the ``e2e`` section."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per size")
    ap.add_argument(
        "--no-warmup", action="store_true", help="skip the unreported 1,000-region warm-up run"
    )
    ap.add_argument("--no-write", action="store_true", help="print, do not touch BENCHMARKS.md")
    ap.add_argument("--note", default="", help="a line printed under the machine description")
    ap.add_argument("--md", type=Path, help="BENCHMARKS.md to update (default: the repository's)")
    ap.add_argument(
        "--diagnostic-chart-rows", type=int, default=50_000,
        help="re-run sizes that failed in the report with chart data cut to N rows (0: off)",
    )  # fmt: skip
    ap.add_argument("--chart-rows", type=int, default=0,
                    help="run every size with chart data cut to N rows (diagnostic)")  # fmt: skip
    ap.add_argument("--save", type=Path, help="also write the raw results (JSON) here")
    ap.add_argument(
        "--prefect", choices=["temporary", "server", "both"], default="both",
        help="temporary: the CLI's own temporary Prefect server; server: PREFECT_API_URL of a "
        "server started once for the benchmark; both: the two in turn per size",
    )  # fmt: skip
    ap.add_argument(
        "--repeats", type=int, default=1,
        help="rounds: every size and mode runs this many times (medians reported)",
    )  # fmt: skip
    ap.add_argument(
        "--render",
        type=Path,
        nargs="+",
        help="render saved results (JSON files) instead of running",
    )
    args = ap.parse_args()
    if args.render:
        results = [r for path in args.render for r in json.loads(path.read_text())]
        body = section(results, args.note)
        if not args.no_write:
            replace_section("e2e", body, args.md)
        print(body)
        return
    results = []
    modes = ["temporary", "server"] if args.prefect == "both" else [args.prefect]
    with tempfile.TemporaryDirectory(prefix="chromdiff-e2e-") as tmp, contextlib.ExitStack() as st:
        url = st.enter_context(PrefectServer(Path(tmp))).url if "server" in modes else None
        if not args.no_warmup:
            print("warm-up (1,000 regions) ...", file=sys.stderr, flush=True)
            run_size(1000, Path(tmp) / "warmup", args.timeout)
        runs = [(n, mode) for n in args.sizes for mode in modes]
        for rnd in range(max(args.repeats, 1)):
            # interleaved: the two modes of one size back to back, the rounds one after another
            for n, mode in runs:
                api = url if mode == "server" else None
                print(f"compare {n:,} regions ({mode}, round {rnd + 1}) ...", file=sys.stderr,
                      flush=True)  # fmt: skip
                res = run_size(n, Path(tmp), args.timeout, args.chart_rows, api)
                print(json.dumps({k: v for k, v in res.items() if k != "stdout"}), file=sys.stderr)
                results.append(res)
    results.sort(key=lambda r: (r["n"], r.get("prefect") == "server"))  # stable: rounds in order
    if args.save:
        args.save.write_text(json.dumps(results, indent=1))
    body = section(results, args.note)
    if not args.no_write:
        replace_section("e2e", body, args.md)
    print(body)


if __name__ == "__main__":
    main()
