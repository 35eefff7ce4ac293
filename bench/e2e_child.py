"""One instrumented ``chromdiff compare`` run in a fresh process (used by :mod:`bench.e2e`).

``python -m bench.e2e_child OUT.json -- compare --a A.txt --b B.txt ...`` runs the real CLI
(``chromdiff.cli.main.main``) in this process after wrapping, bench-only, the body (``Task.fn``)
of every Prefect task of the comparison flow with a timer, and the ``qc_*`` view reads of the
report with another. Nothing in ``src/``, ``tasks/`` or ``flows/`` is changed: the wrappers live
only in this process. Prefect's own work (task and flow run creation, state transitions, result
handling, the ephemeral API server) is what remains of the flow's wall time outside the task
bodies. The JSON written to ``OUT.json`` holds the stage seconds, the flow wall time, the
``flow_runs.duration_s`` the flow recorded itself and this process's peak RSS.
"""

from __future__ import annotations

import time

T_PROCESS = time.perf_counter()

import functools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from collections import defaultdict  # noqa: E402

#: Prefect task name -> stage of the benchmark table.
STAGES = {
    "validate": "prepare", "prepare": "prepare",
    "submit": "transfer", "wait": "transfer", "download": "transfer",
    "parse": "parse_load", "load": "parse_load",
    "health": "transfer",
    "annotate-comparison": "annotation", "enrich-comparison": "enrichment",
    "render-report": "report",
}  # fmt: skip


def _instrument(seconds: dict[str, float], on_task_end=None) -> None:
    """Wrap the task bodies and the QC view reads with timers accumulating into ``seconds``.

    ``on_task_end()`` is called after each task body (to save partial timings: a run can die
    without unwinding, e.g. when the chart renderer's JavaScript heap runs out).
    """
    import chromdiff.report.context as report_context
    from tasks import annotate as ta
    from tasks import compare as tc
    from tasks import enrich as te
    from tasks import report as tr

    tasks = [tc.validate, tc.prepare, tc.health, tc.submit, tc.wait, tc.download, tc.parse,
             tc.load, ta.annotate_comparison_task, te.enrich_comparison_task,
             tr.render_report]  # fmt: skip
    for task in tasks:
        fn = task.fn

        @functools.wraps(fn)
        def timed(*args, _fn=fn, _name=task.name, **kwargs):
            t0 = time.perf_counter()
            try:
                return _fn(*args, **kwargs)
            finally:
                seconds[f"task:{_name}"] += time.perf_counter() - t0
                # peak RSS so far (MiB) when this task ends: which stage raises the peak
                seconds[f"rss:{_name}"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                if on_task_end is not None:
                    on_task_end()

        task.fn = timed

    view_frame = report_context.view_frame

    @functools.wraps(view_frame)
    def timed_view(con, view, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return view_frame(con, view, *args, **kwargs)
        finally:
            if view.startswith("qc_"):
                seconds["qc"] += time.perf_counter() - t0

    report_context.view_frame = timed_view

    # Breakdown of the report task (details only, not separate stages): exports, charts.
    import chromdiff.charts.save as charts_save
    import chromdiff.report.render as render

    def timer(key: str, fn):
        @functools.wraps(fn)
        def timed_fn(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                seconds[key] += time.perf_counter() - t0

        return timed_fn

    # (wrapped only where the names exist: the report module may change under the benchmark)
    for mod, name, key in ((render, "write_exports", "report_exports"),
                           (render, "chart_frames", "report_chart_data"),
                           (render, "build_charts", "report_build_charts"),
                           (charts_save, "save_charts", "report_save_charts")):  # fmt: skip
        if hasattr(mod, name):
            setattr(mod, name, timer(f"detail:{key}", getattr(mod, name)))
    cap = int(os.environ.get("CHROMDIFF_BENCH_CHART_ROWS", "0"))
    # diagnostic only: chart data cut to ``cap`` rows each (every other output is complete)
    if cap and hasattr(render, "chart_frames"):
        chart_frames = render.chart_frames

        def sampled_frames(con, ctx):
            frames = chart_frames(con, ctx)
            return {k: f.sample(n=cap, random_state=0)
                    if hasattr(f, "sample") and len(f) > cap else f
                    for k, f in frames.items()}  # fmt: skip

        render.chart_frames = sampled_frames


def _recorded_duration(argv: list[str]) -> float | None:
    """Return ``flow_runs.duration_s`` of the newest compare run in the ``--db`` of ``argv``."""
    if "--db" not in argv:
        return None
    from chromdiff.warehouse.db import connect

    with connect(argv[argv.index("--db") + 1]) as con:
        rows = con.execute(
            "select duration_s from flow_runs where flow_name = 'compare' "
            "order by started_at desc limit 1"
        ).fetchall()
    return float(rows[0][0]) if rows and rows[0][0] is not None else None


def _summary(seconds: dict[str, float]) -> dict:
    stages: dict[str, float] = defaultdict(float)
    for key, value in seconds.items():
        if key.startswith("task:"):
            stages[STAGES.get(key[5:], "other")] += value
    if "report" in stages:
        stages["qc"] = seconds.get("qc", 0.0)
        stages["report"] -= stages["qc"]  # the QC views are read inside the render-report task
    return {
        "stages": dict(stages),
        "tasks": {k[5:]: v for k, v in seconds.items() if k.startswith("task:")},
        "details": {k[7:]: v for k, v in seconds.items() if k.startswith("detail:")},
        "peak_after_mib": {k[4:]: v for k, v in seconds.items() if k.startswith("rss:")},
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _write(path: str, data: dict) -> None:
    with open(path + ".tmp", "w") as fh:
        json.dump(data, fh)
    os.replace(path + ".tmp", path)


def main(out_path: str, argv: list[str]) -> dict:
    """Run the CLI with ``argv`` under the timers; write and return the measurements.

    Partial timings (``"complete": false``, the tasks finished so far) are written after each
    task, so a crashed run still tells where it got to.
    """
    seconds: dict[str, float] = defaultdict(float)
    from chromdiff.cli.main import main as cli_main

    clock: dict[str, float] = {}

    def partial() -> None:
        data = _summary(seconds) | {"imports_s": clock["imports"], "complete": False}
        _write(out_path, data | {"flow_wall_s": time.perf_counter() - clock["t0"]})

    _instrument(seconds, partial)
    clock["imports"] = time.perf_counter() - T_PROCESS
    t0 = clock["t0"] = time.perf_counter()
    cli_main(argv)
    flow_wall = time.perf_counter() - t0
    result = _summary(seconds) | {
        "imports_s": clock["imports"],
        "flow_wall_s": flow_wall,
        "flow_recorded_s": _recorded_duration(argv),
        "complete": True,
    }
    _write(out_path, result)
    return result


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 2 or args[1] != "--":
        raise SystemExit("usage: python -m bench.e2e_child OUT.json -- compare ...")
    main(args[0], args[2:])
