"""Paths typed by the user are resolved from where they typed them (issue 19, item 5), and
``batch --check`` rejects everything checkable offline (item 6)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from chromdiff.batch.spec import load_batch
from chromdiff.errors import InputError
from tests.cli_run import run_cli

ROOT = Path(__file__).resolve().parents[1]
BATCH = """\
comparisons:
  - name: c1
    ids_a: [SRX5865975, SRX5865976]
    ids_b: [SRX5865959, SRX5865960]
    description_a: MOLM-13
    description_b: K-562
"""


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """A user folder holding ``mybatch.yaml``; the process runs from the checkout, as ./run does."""
    user = tmp_path / "user"
    user.mkdir()
    (user / "mybatch.yaml").write_text(BATCH)
    monkeypatch.chdir(ROOT)
    return user


def test_cli_resolves_paths_from_caller_cwd(elsewhere, monkeypatch, capsys):
    monkeypatch.setenv("CHROMDIFF_CALLER_CWD", str(elsewhere))
    code, out, err = run_cli(["batch", "--check", "mybatch.yaml"], capsys)
    assert (code, err) == (0, "")
    assert out.splitlines() == ["c1\thg38\tdiffbind\t2 vs 2"]
    assert Path.cwd() == elsewhere
    assert "CHROMDIFF_CALLER_CWD" not in os.environ  # consumed: child processes don't inherit it


def test_batch_only_lists_the_named_comparison_and_refuses_an_unknown_one(
    elsewhere, monkeypatch, capsys
):
    monkeypatch.setenv("CHROMDIFF_CALLER_CWD", str(elsewhere))
    code, out, err = run_cli(["batch", "--check", "--only", "c1", "mybatch.yaml"], capsys)
    assert (code, err, out.splitlines()) == (0, "", ["c1\thg38\tdiffbind\t2 vs 2"])
    code, out, err = run_cli(["batch", "--check", "--only", "c2", "mybatch.yaml"], capsys)
    assert (code, out) == (1, "")
    assert err.strip() == "error: --only c2: not a comparison of the batch (its comparisons: c1)"


def test_missing_relative_file_names_the_path_tried(elsewhere, monkeypatch, capsys):
    monkeypatch.setenv("CHROMDIFF_CALLER_CWD", str(elsewhere))
    code, _out, err = run_cli(["batch", "--check", "other.yaml"], capsys)
    assert code == 1
    assert err.strip() == (
        f"error: other.yaml (looked for {elsewhere / 'other.yaml'}): batch file does not exist"
    )
    code, _out, err = run_cli(["compare", "--a", "A.txt", "--b", "B.txt"], capsys)
    assert code == 1 and f"looked for {elsewhere / 'A.txt'}" in err


@pytest.mark.skipif(shutil.which("uv") is None, reason="./run needs uv")
def test_run_script_passes_the_callers_folder(tmp_path):
    """``./run batch --check mybatch.yaml`` typed in another folder finds the file there."""
    (tmp_path / "mybatch.yaml").write_text(BATCH)
    env = {k: v for k, v in os.environ.items() if k != "CHROMDIFF_CALLER_CWD"}
    res = subprocess.run([str(ROOT / "run"), "batch", "--check", "mybatch.yaml"], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.splitlines()[-1] == "c1\thg38\tdiffbind\t2 vs 2"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("SRX5865976]", None),
        ("SRX40997XX]", r"comparison #1, column ids_a: item 2: invalid experiment ID 'SRX40997XX'"),
        ("SRX5865959]", r"comparison #1: IDs in both groups A and B: SRX5865959"),
        ("SRX5865976]\n    genome: hg99", r"comparison #1: unknown genome 'hg99'"),
        ("SRX5865976]\n    threshold: 75", r"comparison #1: threshold 75 invalid for diffbind"),
        ("SRX5865976]\n    title: 'a/b'", r"comparison #1: title 'a/b' has characters"),
    ],
)
def test_batch_check_validates_like_the_flow(tmp_path, change, message):
    f = tmp_path / "b.yaml"
    f.write_text(BATCH.replace("SRX5865976]", change))
    if message is None:
        assert [i.name for i in load_batch(f)] == ["c1"]
        return
    with pytest.raises(InputError, match=message):
        load_batch(f)


def test_batch_check_cli_rejects_bad_id(tmp_path, capsys):
    f = tmp_path / "b.yaml"
    f.write_text(BATCH.replace("SRX5865976", "SRX40997XX"))
    code, out, err = run_cli(["batch", "--check", str(f)], capsys)
    assert code == 1 and out == ""
    assert "invalid experiment ID 'SRX40997XX'" in err and "b.yaml: comparison #1" in err


def test_an_output_path_under_a_file_is_one_line(tmp_path, monkeypatch, capsys):
    """``--out afile/sub/x.tsv`` ended in "unexpected NotADirectoryError"."""
    monkeypatch.setenv("CHROMDIFF_CALLER_CWD", str(tmp_path))
    (tmp_path / "afile").write_text("")
    (tmp_path / "r.bed").write_text("chr1\t1000\t2000\n")
    code, _out, err = run_cli(["annotate", "--regions", "r.bed", "--out", "afile/sub/x.tsv"],
                              capsys)  # fmt: skip
    assert code == 1
    assert err.strip() == f"error: Not a directory: afile/sub (looked for {tmp_path / 'afile/sub'})"
