"""``chromdiff compare --a mine.txt --b public.txt --local`` end to end (Prefect, marker prefect).

A local comparison (fixtures: user bigWigs vs a ChIP-Atlas-style cache) and a public one (the
fake server) are loaded into one database and read back with the same SQL, QC views and
reports. User data given as http URLs is downloaded once into the cache; a URL that answers
404 fails with one line naming it and leaves no comparison behind. All CLI runs share one test:
Prefect's console log handler keeps the stream of the first ``capsys`` it wrote to, and a
later test's runs would log into that closed stream.
"""

from __future__ import annotations

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from chromdiff.design.examples import get_example
from tests.cli_run import run_cli

SIM = Path(__file__).parent / "data" / "local" / "sim"
pytestmark = pytest.mark.prefect


def _local(tmp_path, capsys, mine: Path, *extra: str):
    return run_cli(
        ["compare", "--a", str(mine), "--b", str(SIM / "public.txt"), "--local",
         "--cache", str(tmp_path / "cache"), "--db", str(tmp_path / "db.duckdb"),
         "--output", str(tmp_path / "out"), *extra],
        capsys,
    )  # fmt: skip


def test_local_and_public_comparisons_side_by_side(
    tmp_path, capsys, fake_chipatlas, fast_polling, http_sim
):
    shutil.copytree(SIM / "cache", tmp_path / "cache")
    code, out, err = _local(tmp_path, capsys, SIM / "mine.txt", "--comparison-id", "mine_local")
    assert code == 0, err
    assert "comparison mine_local: loaded" in out and "union regions" in out
    ex = get_example("tp53_k562_dmso_vs_daunorubicin")
    a = tmp_path / "a.txt"
    a.write_text("\n".join(ex.ids_a) + "\n")
    b = tmp_path / "b.txt"
    b.write_text("\n".join(ex.ids_b) + "\n")
    code, out, err = run_cli(
        ["compare", "--a", str(a), "--b", str(b), "--comparison-id", "public", "--base-url",
         fake_chipatlas.base_url, "--db", str(tmp_path / "db.duckdb"), "--output",
         str(tmp_path / "out")],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    rows = con.execute(
        "select c.comparison_id, c.status, c.base_url like 'local:%', l.engine, c.n_regions,"
        " (select count(*) from regions r where r.comparison_id = c.comparison_id)"
        " from comparisons c left join local_runs l using (comparison_id) order by 1"
    ).fetchall()
    assert [r[:4] for r in rows] == [("mine_local", "loaded", True, "numpy"),
                                     ("public", "loaded", False, None)]  # fmt: skip
    assert all(r[4] == r[5] > 0 for r in rows)
    # the loaded regions are the BED the pipeline wrote, statistics included
    bed = pd.read_csv(tmp_path / "out" / "mine_local" / "raw" / "wabi_result.bed", sep="\t",
                      header=None)  # fmt: skip
    loaded = con.execute(
        "select chrom, start, stop, logfc, pvalue, qvalue from regions"
        " where comparison_id = 'mine_local' order by region_id"
    ).df()
    assert loaded["chrom"].tolist() == bed[0].tolist()
    assert loaded["start"].tolist() == bed[1].tolist()
    assert (loaded["logfc"] - bed[5]).abs().max() < 1e-12
    assert (loaded["qvalue"] - bed[7]).abs().max() < 1e-12
    # user data experiments, QC views, annotation and reports work for both
    assert con.execute("select count(*) from user_experiments").fetchall()[0][0] == 3
    qc = {c for (c,) in con.execute("select distinct comparison_id from qc_findings").fetchall()}
    assert qc == {"mine_local", "public"}
    annotated = con.execute(
        "select comparison_id, count(*) from region_annotation group by 1 order by 1"
    ).fetchall()
    assert [c for c, _ in annotated] == ["mine_local", "public"]
    for cid in ("mine_local", "public"):
        assert (tmp_path / "out" / cid / "report.html").is_file()
    summary = (tmp_path / "out" / "mine_local" / "summary_report.md").read_text()
    assert "run on this machine by chromdiff" in summary and "user's own data" in summary
    # sample order: ours (the count table's sorted names, stated in the run's log), every
    # experiment used under its own name
    exps = con.execute(
        "select experiment_id, grp, server_id, count_order, dropped from experiments"
        " where comparison_id = 'mine_local' order by grp, count_order"
    ).fetchall()
    for grp in ("A", "B"):
        names = [e for e, g, *_ in exps if g == grp]
        assert names == sorted(names)
    assert all(e == s and o is not None and d is None for e, _, s, o, d in exps)
    # enrichment, report and reported_at like the public comparison
    done = con.execute(
        "select comparison_id, reported_at is not null,"
        " (select count(*) from enrichment_notes n where n.run_id = 'comparison:' || comparison_id)"
        " + (select count(*) from enrichment_results r"
        "    where r.run_id = 'comparison:' || comparison_id)"
        " from comparisons order by 1"
    ).fetchall()
    assert [(c, r, n > 0) for c, r, n in done] == [("mine_local", True, True),
                                                   ("public", True, True)]  # fmt: skip
    con.close()
    # a local run never replaces another comparison under its ID (here the ChIP-Atlas one)
    code, out, err = _local(tmp_path, capsys, SIM / "mine.txt", "--comparison-id", "public")
    assert code != 0 and "public already holds a loaded job or result" in err
    assert "from ChIP-Atlas" in err and "--force" in err
    with duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True) as con:
        assert con.execute(
            "select base_url not like 'local:%' from comparisons where comparison_id = 'public'"
        ).fetchall() == [(True,)]
    # the same inputs again: skipped, nothing recomputed
    code, out, err = _local(tmp_path, capsys, SIM / "mine.txt", "--comparison-id", "mine_local")
    assert code == 0 and "already loaded (skipped" in out, err
    # a new FDR: stored and reported, nothing recomputed (it was ignored as "skipped")
    bed_mtime = (tmp_path / "out" / "mine_local" / "raw" / "wabi_result.bed").stat().st_mtime_ns
    code, out, err = _local(tmp_path, capsys, SIM / "mine.txt", "--comparison-id", "mine_local",
                            "--fdr", "0.2")  # fmt: skip
    assert code == 0, err
    assert "skipped" not in out
    summary = (tmp_path / "out" / "mine_local" / "summary_report.md").read_text()
    assert "Significant: q < 0.2" in summary
    raw_bed = tmp_path / "out" / "mine_local" / "raw" / "wabi_result.bed"
    assert raw_bed.stat().st_mtime_ns == bed_mtime
    # a run that stopped after loading is finished (annotation, enrichment, report), not recomputed
    con = duckdb.connect(str(tmp_path / "db.duckdb"))
    con.execute("update comparisons set reported_at = null where comparison_id = 'mine_local'")
    con.close()
    (tmp_path / "out" / "mine_local" / "report.html").unlink()
    raw = tmp_path / "out" / "mine_local" / "raw"
    # one copy of each result file, recorded in raw_files where it lies
    assert sorted(p.name for p in raw.iterdir()) == [
        "count_table.csv", "wabi_result.bed", "wabi_result.log"]  # fmt: skip
    bed = raw / "wabi_result.bed"
    mtime = bed.stat().st_mtime_ns
    code, out, err = _local(tmp_path, capsys, SIM / "mine.txt", "--comparison-id", "mine_local")
    assert code == 0, err
    assert "comparison mine_local: loaded" in out
    assert (tmp_path / "out" / "mine_local" / "report.html").is_file()
    assert bed.stat().st_mtime_ns == mtime
    _an_edited_file_is_computed_again(tmp_path, capsys)
    _urls_download_once_and_a_404_leaves_nothing(tmp_path / "urls", capsys, http_sim)


def _an_edited_file_is_computed_again(tmp_path, capsys):
    """The same ID lines over a file edited in place: recomputed, not skipped (the input hash
    holds each local file's size and mtime, chromdiff.local.fingerprint)."""
    shutil.copytree(SIM / "user", tmp_path / "edit" / "user")
    mine = tmp_path / "edit" / "mine.txt"
    shutil.copy(SIM / "mine.txt", mine)
    args = ("--comparison-id", "edited")
    code, out, err = _local(tmp_path, capsys, mine, *args)
    assert code == 0 and "comparison edited: loaded" in out, err
    code, out, _ = _local(tmp_path, capsys, mine, *args)
    assert "already loaded (skipped" in out
    peaks = tmp_path / "edit" / "user" / "A2.bed"
    lines = peaks.read_text().splitlines(keepends=True)
    peaks.write_text("".join(lines[: len(lines) // 2]))  # half the peaks
    code, out, err = _local(tmp_path, capsys, mine, *args)
    assert code == 0 and "skipped" not in out and "comparison edited: loaded" in out, err


class _Handler(SimpleHTTPRequestHandler):
    requests: list[str]

    def do_GET(self):
        type(self).requests.append(self.path)
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_sim():
    """Serve the fixtures over http on loopback; yield (base URL, list of requested paths)."""
    _Handler.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0),
                                functools.partial(_Handler, directory=str(SIM)))  # fmt: skip
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Handler.requests
    httpd.shutdown()
    httpd.server_close()


def _urls_download_once_and_a_404_leaves_nothing(tmp_path, capsys, http_sim):
    base, requests = http_sim
    shutil.copytree(SIM / "cache", tmp_path / "cache")
    mine = tmp_path / "mine_urls.txt"
    names = [("A1.bw", "A1.narrowPeak.gz"), ("A2.bw", "A2.bed"), ("A3.bw", "A3.bed")]
    mine.write_text("".join(f"{base}/user/{bw}\t{base}/user/{bed}\t50\n" for bw, bed in names))
    code, _, err = _local(tmp_path, capsys, mine, "--comparison-id", "urls")
    assert code == 0, err
    assert len(requests) == 6
    assert len(list((tmp_path / "cache" / "downloads").iterdir())) == 6
    code, out, err = _local(tmp_path, capsys, mine, "--comparison-id", "urls")
    assert code == 0 and "already loaded (skipped" in out, err
    assert len(requests) == 6  # cached: nothing downloaded again
    code, _, err = _local(tmp_path, capsys, mine, "--comparison-id", "urls", "--force")
    assert code == 0, err
    assert len(requests) == 12  # --force: every URL downloaded again
    assert len(list((tmp_path / "cache" / "downloads").iterdir())) == 6  # replaced, no .part
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    urls = con.execute("select bigwig_url from user_experiments order by 1").fetchall()
    assert [u for (u,) in urls] == [f"{base}/user/{bw}" for bw, _ in names]
    con.close()
    bad = tmp_path / "mine_404.txt"
    bad.write_text(f"{base}/user/missing.bw\t{base}/user/A2.bed\t50\n")
    code, _, err = _local(tmp_path, capsys, bad, "--comparison-id", "broken")
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        f"error: {base}/user/missing.bw: HTTP 404, cannot download"
    )
    assert "Traceback" not in err  # the run wrapper keeps it for the log file
    assert "Traceback" in (tmp_path / "out" / "chromdiff.log").read_text()
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    ids = [c for (c,) in con.execute("select comparison_id from comparisons").fetchall()]
    assert ids == ["urls"]
