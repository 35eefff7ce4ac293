"""``bench.e2e``'s repeated-run summary: medians and spreads, hand-computed."""

from __future__ import annotations

from bench.e2e import representative, summary


def _run(n: int, mode: str, wall: float, sim: float, report: float, load: float) -> dict:
    return {"n": n, "prefect": mode, "wall_s": wall, "server_build_s": sim,
            "stages": {"report": report}, "loadavg": load}  # fmt: skip


def test_summary_medians_and_spread_per_size_and_mode():
    runs = [
        _run(1000, "server", 10.0, 1.0, 2.0, 0.5),
        _run(1000, "server", 14.0, 2.0, 4.0, 0.9),
        _run(1000, "server", 12.0, 1.5, 3.0, 0.7),
        _run(1000, "temporary", 20.0, 1.0, 2.0, 0.6),  # run once: no row
        {**_run(1000, "server", 99.0, 1.0, 1.0, 0.1), "failure": "killed"},  # left out
    ]
    lines = summary(runs)
    rows = [ln for ln in lines if ln.startswith("| 1,000")]
    assert rows == [
        "| 1,000 | running server | 3 | 0.5–0.9 | 12.0 (10.0–14.0) | **10.5** (9.0–12.0) "
        "| 3.0 (2.0–4.0) |"
    ]


def test_summary_even_count_takes_the_mean_of_the_middle_two():
    runs = [_run(5, "temporary", w, 0.0, 1.0, 0.2) for w in (4.0, 1.0, 3.0, 2.0)]
    (row,) = [ln for ln in summary(runs) if ln.startswith("| 5 ")]
    assert "| 2.5 (1.0–4.0) | **2.5** (1.0–4.0) |" in row


def test_no_summary_without_repeats():
    assert summary([_run(5, "server", 1.0, 0.0, 1.0, 0.1)]) == []


def test_representative_keeps_the_median_run_and_every_failure():
    a, b, c = (_run(7, "server", w, 0.0, 1.0, 0.1) for w in (3.0, 1.0, 2.0))
    d = _run(7, "temporary", 5.0, 0.0, 1.0, 0.1)
    failed = {**_run(7, "server", 9.0, 0.0, 1.0, 0.1), "failure": "crashed"}
    assert representative([a, b, c, d, failed]) == [c, d, failed]
    # an even count: the lower of the two middle runs
    assert representative([a, b]) == [b]
