"""Two real ``chromdiff compare`` processes on one database at the same time (issue #7 §4).

Both run the whole Prefect flow (each its own ephemeral API server, one shared ``PREFECT_HOME``
as two terminals of one user would) against the same local fake ChIP-Atlas server and write to
the same DuckDB file. DuckDB allows one writer process at a time; every chromdiff task holds the
file only for its own short transaction and waits for the lock otherwise, so both comparisons
must end loaded and complete, with no partial or mixed rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from chromdiff.fakeapi import FakeChipAtlas
from chromdiff.warehouse import db

ROOT = Path(__file__).resolve().parents[1]
N_REGIONS = 20_000


@pytest.mark.slow
def test_two_compare_processes_share_one_database(tmp_path: Path) -> None:
    groups = {
        "cmp_one": (["SRX1000001", "SRX1000002"], ["SRX2000001", "SRX2000002", "SRX2000003"]),
        "cmp_two": (["SRX3000001", "SRX3000002", "SRX3000003"], ["SRX4000001", "SRX4000002"]),
    }
    env = os.environ | {
        "CHROMDIFF_POLL_INTERVAL_S": "0.1",
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)  # each process starts its own ephemeral server
    dbfile, out = tmp_path / "shared.duckdb", tmp_path / "out"
    with FakeChipAtlas(n_regions=N_REGIONS, polls_to_finish=2, seed=3) as fake:
        procs = {}
        for cid, (a, b) in groups.items():
            (tmp_path / f"{cid}_a.txt").write_text("\n".join(a) + "\n")
            (tmp_path / f"{cid}_b.txt").write_text("\n".join(b) + "\n")
            argv = [
                sys.executable, "-m", "chromdiff", "compare",
                "--a", str(tmp_path / f"{cid}_a.txt"), "--b", str(tmp_path / f"{cid}_b.txt"),
                "--db", str(dbfile), "--output", str(out), "--comparison-id", cid,
                "--title", f"{cid} simulated", "--base-url", fake.base_url,
            ]  # fmt: skip
            procs[cid] = subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        results = {cid: p.communicate(timeout=600) for cid, p in procs.items()}
    for cid, p in procs.items():
        assert p.returncode == 0, f"{cid}: {results[cid][1][-3000:]}"
    with db.connect(dbfile, read_only=True) as con:
        rows = con.execute(
            """select c.comparison_id, c.status, c.n_regions,
                      (select count(*) from regions r where r.comparison_id = c.comparison_id),
                      (select count(*) from region_counts k
                       where k.comparison_id = c.comparison_id),
                      (select count(*) from region_annotation n
                       where n.comparison_id = c.comparison_id),
                      (select count(*) from experiments e where e.comparison_id = c.comparison_id)
               from comparisons c order by 1"""
        ).fetchall()
        runs = con.execute(
            "select count(*) filter (where state = 'completed'), count(*) from flow_runs"
        ).fetchall()[0]
        (first, second) = con.execute(
            "select started_at, finished_at from flow_runs order by started_at"
        ).fetchall()
    assert [r[:2] for r in rows] == [("cmp_one", "loaded"), ("cmp_two", "loaded")]
    for _cid, _status, n, n_regions, n_counts, n_annotated, n_exp in rows:
        assert n == n_regions > 0 and n_counts == n_regions * n_exp == n_regions * 5
        assert n_annotated == n_regions
    assert runs == (2, 2)
    assert second[0] < first[1], "the two flows did not overlap: not a concurrency test"
    for cid in groups:
        assert (out / cid / "report.html").is_file()
