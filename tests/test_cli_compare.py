"""CLI: ``chromdiff examples``, ``compare`` and ``demo``."""

from pathlib import Path

import pytest

from chromdiff.design.examples import get_example
from chromdiff.design.inputs import read_ids
from tests.cli_run import run_cli


def run(args, capsys):
    return run_cli(args, capsys)


def test_examples_list_and_write(tmp_path, capsys):
    code, out, _ = run(["examples"], capsys)
    assert code == 0
    names = [line.split()[0] for line in out.splitlines()]
    assert names[:2] == ["tp53_k562_dmso_vs_daunorubicin", "tp53_molm13_vs_k562"]
    code, out, _ = run(["examples", "tp53_molm13_vs_k562", "--write", str(tmp_path)], capsys)
    assert code == 0 and "chrY confound" in out
    ex = get_example("tp53_molm13_vs_k562")
    assert read_ids(tmp_path / "A.txt") == list(ex.ids_a)
    assert read_ids(tmp_path / "B.txt") == list(ex.ids_b)


def test_examples_unknown(capsys):
    code, _, err = run(["examples", "nope"], capsys)
    assert code == 1 and err.startswith("error: no example named 'nope'")


def test_compare_requires_groups(capsys):
    code, _, err = run(["compare", "--genome", "hg38"], capsys)
    assert code == 1 and "give --a FILE" in err


@pytest.mark.prefect
def test_compare_and_demo_against_fake_server(tmp_path, capsys, monkeypatch):
    pytest.importorskip("chromdiff.fakeapi", reason="fake server not available")
    from chromdiff.fakeapi import FakeChipAtlas
    from chromdiff.settings import get_settings

    monkeypatch.setenv("CHROMDIFF_POLL_INTERVAL_S", "0.1")
    get_settings.cache_clear()
    ex = get_example("tp53_molm13_vs_k562")
    a = tmp_path / "a.csv"
    a.write_text("group,srx\n" + "".join(f"A,{i}\n" for i in ex.ids_a))
    db = tmp_path / "cli.duckdb"
    with FakeChipAtlas(port=0) as server:
        monkeypatch.setenv("CHROMDIFF_BASE_URL", server.base_url)
        args = [
            "compare",
            "--a",
            str(a),
            "--example",
            "tp53_molm13_vs_k562",
            "--title",
            "cli simulated",
            "--db",
            str(db),
            "--output",
            str(tmp_path / "o"),
        ]
        code, out, err = run(args, capsys)
        assert code == 0, err
        assert ": loaded" in out and "request:  wabi_chipatlas_" in out
        code, out, err = run(args, capsys)
        assert code == 0 and "already loaded (skipped" in out
    from chromdiff.cli.cmd_demo import run_demo

    res = run_demo(tmp_path / "demo")
    assert res["status"] == "loaded" and res["n_regions"] >= 0
    assert Path(res["db_path"]).exists()
    assert Path(res["output_dir"], "raw").is_dir()


@pytest.fixture
def fake_flow(monkeypatch):
    """Replace the compare flow with a recorder (the CLI's own logic runs, Prefect does not)."""
    import flows.compare

    calls = []

    def record(**kw):
        calls.append(kw)
        keys = ("request_id", "n_regions", "result_format", "output_dir")
        return {"comparison_id": kw["comparison_id"], "skipped": False, "status": "loaded"} | {
            k: "x" for k in keys
        }

    monkeypatch.setattr(flows.compare, "compare", record)
    return calls


@pytest.mark.parametrize(
    ("extra", "cid"),
    [
        ([], "tp53_molm13_vs_k562"),
        (["--comparison-id", "mine"], "mine"),
        (["--genome", "hg19"], None),  # not the example's design any more: named by its hash
    ],
)
def test_compare_example_is_named_after_the_example(fake_flow, capsys, extra, cid):
    code, out, err = run(["compare", "--example", "tp53_molm13_vs_k562", *extra], capsys)
    assert code == 0, err
    assert fake_flow[0]["comparison_id"] == cid
    if cid:
        assert out.startswith(f"comparison {cid}: loaded")


def test_demo_rerun_says_skipped():
    from chromdiff.cli.cmd_demo import demo_status

    assert demo_status({"skipped": True, "status": "loaded"}).startswith("skipped")
    assert demo_status({"skipped": False, "status": "loaded"}) == "loaded"


def test_default_output_folder_is_git_ignored():
    import subprocess

    from chromdiff.settings import Settings

    root = Path(__file__).resolve().parents[1]
    out = str(Settings.model_construct().output_dir)
    res = subprocess.run(["git", "check-ignore", "-q", f"{out}/x/report.html"], cwd=root)
    assert res.returncode == 0, f"{out}/ is not git-ignored"


@pytest.mark.parametrize("command", [["compare", "--example", "tp53_molm13_vs_k562"],
                                     ["report", "some_comparison"]])  # fmt: skip
def test_bad_export_formats_fail_before_anything_runs(fake_flow, tmp_path, capsys, command):
    db = tmp_path / "never.duckdb"
    code, _, err = run([*command, "--db", str(db), "--exports", "csv,xml"], capsys)
    assert code == 2 and "--exports" in err and "xml" in err
    assert not fake_flow and not db.exists()
    code, _, err = run([*command, "--db", str(db), "--exports", "parquet"], capsys)
    assert "--exports" not in err  # a good value passes the option


def test_an_example_label_never_names_experiments_given_in_its_place(fake_flow, tmp_path, capsys):
    """`--example tp53_molm13_vs_k562 --a mine.txt` labelled the user's K-562 experiments
    'MOLM-13' in every table and chart; the example's other group is said, not silent."""
    mine = tmp_path / "mine.txt"
    mine.write_text("SRX5865970\nSRX5865971\n")
    ex = get_example("tp53_molm13_vs_k562")
    code, _, err = run(["compare", "--example", ex.name, "--a", str(mine)], capsys)
    assert code == 0, err
    call = fake_flow[0]
    assert call["ids_a"] == ["SRX5865970", "SRX5865971"] and call["ids_b"] == list(ex.ids_b)
    assert (call["description_a"], call["description_b"]) == ("dataset A", ex.description_b)
    assert f"group B is example {ex.name}'s {ex.description_b}" in err
    assert call["comparison_id"] != ex.name


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fdr", "0"], "--fdr 0: must be in (0, 1]"),
        (["--min-abs-logfc", "-1"], "--min-abs-logfc -1: must be >= 0"),
        (["--analysis", "dmr", "--min-abs-logfc", "2"], "for a dmr comparison"),
    ],
)
def test_a_significance_rule_is_checked_before_prefect(fake_flow, tmp_path, capsys, args, message):
    """It was checked inside the flow: a temporary Prefect server, an ERROR line, a database
    and a failed flow_runs row for a typo."""
    db = tmp_path / "never.duckdb"
    code, _, err = run(["compare", "--example", "tp53_molm13_vs_k562", "--db", str(db), *args],
                       capsys)  # fmt: skip
    assert code == 1 and message in err.strip().splitlines()[-1]
    assert not fake_flow and not db.exists()
