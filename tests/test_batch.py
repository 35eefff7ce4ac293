"""Batch files (YAML/CSV parsing, one-line errors) and batch bookkeeping (failures isolated)."""

from __future__ import annotations

import pytest

from chromdiff.batch.report import record_batch, run_items, write_summary
from chromdiff.batch.spec import BatchItem, load_batch, select_items
from chromdiff.errors import InputError
from chromdiff.warehouse.db import connect, writer
from tests.warehouse_rows import add_comparison, add_regions

YAML = """\
defaults: {genome: hg38, fdr: 0.01}
comparisons:
  - name: h3k27ac_molm13_vs_k562
    ids_a: [SRX1, SRX2]
    ids_b_file: ids_b.txt
    description_a: MOLM-13
  - name: dmr_one
    analysis: dmr
    genome: mm10
    ids_a: SRX5;SRX6
    ids_b: [SRX7]
    min_abs_logfc: 1
"""


def test_yaml_batch_with_defaults_and_id_file(tmp_path):
    (tmp_path / "ids_b.txt").write_text("# group B\nSRX3\n\nSRX4  # second\n")
    f = tmp_path / "b.yaml"
    f.write_text(YAML)
    a, b = load_batch(f)
    assert a == BatchItem("h3k27ac_molm13_vs_k562", ["SRX1", "SRX2"], ["SRX3", "SRX4"],
                          genome="hg38", description_a="MOLM-13", fdr=0.01)  # fmt: skip
    assert (b.analysis, b.genome, b.ids_a, b.fdr, b.min_abs_logfc) == (
        "dmr",
        "mm10",
        ["SRX5", "SRX6"],
        0.01,
        1.0,
    )
    assert a.flow_parameters()["comparison_id"] == "h3k27ac_molm13_vs_k562"


def test_only_selects_named_comparisons_in_file_order_and_refuses_unknown(tmp_path):
    (tmp_path / "ids_b.txt").write_text("SRX3\n")
    f = tmp_path / "b.yaml"
    f.write_text(YAML)
    items = load_batch(f)
    assert select_items(items, ()) == items
    names = [it.name for it in select_items(items, ["dmr_one", "h3k27ac_molm13_vs_k562"])]
    assert names == ["h3k27ac_molm13_vs_k562", "dmr_one"]
    with pytest.raises(InputError, match=r"--only dmr_two: not a comparison of the batch "
                       r"\(its comparisons: h3k27ac_molm13_vs_k562, dmr_one\)"):  # fmt: skip
        select_items(items, ["dmr_one", "dmr_two"])


def test_csv_batch(tmp_path):
    f = tmp_path / "b.csv"
    f.write_text("name,ids_a,ids_b,genome,fdr\nc1,SRX1;SRX2,SRX3 SRX4,hg19,0.1\n,,,,\n")
    (item,) = load_batch(f)
    assert (item.name, item.ids_b, item.genome, item.fdr) == ("c1", ["SRX3", "SRX4"], "hg19", 0.1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name,ids_a,ids_b,fdr\nc1,SRX1,SRX2,0.05\nc2,SRX1,SRX2,abc\n",
            r"b\.csv: line 3, column fdr: not a number",
        ),
        ("name,ids_a,ids_b\nc1,SRX1,,\n", r"line 2, column ids_b: needs a non-empty list"),
        (  # commas inside an unquoted list: SRX3 and SRX4 were dropped, leaving 1 vs 1
            "name,ids_a,ids_b\nx1,SRX1,SRX2,SRX3,SRX4\n",
            r"b\.csv: line 2: 5 fields, the header has 3 \(a list of IDs must be separated by "
            r"';' or spaces, or quoted\): SRX3, SRX4",
        ),
        ("name,ids_a,ids_b\nc1,SRX1,SRX2\nc1,SRX3,SRX4\n", r"line 3, column name: duplicate"),
        (
            "name,ids_a,ids_b,analysis\nc1,SRX1,SRX2,chip\n",
            r"column analysis: must be diffbind or dmr",
        ),
        ("ids_a,ids_b\nSRX1,SRX2\n", r"line 1: CSV header must include 'name'"),
        ("name,ids_a,ids_b,colour\nc1,SRX1,SRX2,red\n", r"unknown field\(s\) colour"),
    ],
)
def test_csv_errors_name_line_and_column(tmp_path, text, message):
    f = tmp_path / "b.csv"
    f.write_text(text)
    with pytest.raises(InputError, match=message):
        load_batch(f)


def test_yaml_syntax_error_names_line(tmp_path):
    f = tmp_path / "b.yaml"
    f.write_text("comparisons:\n  - name: x\n    ids_a: [SRX1\n")
    with pytest.raises(InputError, match=r"b\.yaml: line \d+, column \d+ invalid YAML"):
        load_batch(f)


def test_run_items_isolates_failures_and_records_qc_verdicts(tmp_path):
    db = str(tmp_path / "w.duckdb")
    with writer(db) as con:
        add_comparison(con, "good")
        add_regions(con, "good", [{"chrom": "chr1", "start": 0, "stop": 900, "logfc": 1.0,
                                   "qvalue": 0.01, "a": 9, "b": 3}])  # fmt: skip
    items = [BatchItem("good", ["SRX1"], ["SRX2"]), BatchItem("bad", ["SRX3"], ["SRX4"]),
             BatchItem("same", ["SRX5"], ["SRX6"])]  # fmt: skip
    calls = []

    def run_one(item: BatchItem) -> dict:
        calls.append(item.name)
        if item.name == "bad":
            raise RuntimeError("server returned HTTP 500\ntraceback...")
        return {"status": "loaded", "skipped": item.name == "same", "n_regions": 1}

    rows = record_batch(db, "batch-1", run_items(items, run_one))
    assert calls == ["good", "bad", "same"]
    by = {r["comparison_id"]: r for r in rows}
    assert by["bad"]["status"] == "failed"
    assert by["bad"]["error"] == "RuntimeError: server returned HTTP 500"
    assert by["same"]["status"] == "skipped"
    with connect(db, read_only=True) as con:
        (expected,) = con.execute(
            "select verdict from qc_verdict where comparison_id = 'good'"
        ).fetchone()
        stored = con.execute(
            "select comparison_id, status, qc_verdict from batch_results order by comparison_id"
        ).fetchall()
    assert stored == [
        ("bad", "failed", None),
        ("good", "loaded", expected),
        ("same", "skipped", "pass"),
    ]
    md = write_summary(rows, tmp_path / "out" / "batch_summary.md").read_text()
    assert "3 comparisons: 1 loaded, 1 skipped (unchanged inputs), 1 failed." in md
    assert "| bad | failed |" in md and "server returned HTTP 500" in md
    (good_line,) = [ln for ln in md.splitlines() if ln.startswith("| good |")]
    assert by["good"]["qc_reason"] and by["good"]["qc_reason"] in good_line  # why the verdict


def test_batch_stdout_has_a_header_separating_run_status_and_qc_verdict():
    from chromdiff.cli.cmd_batch import result_lines

    rows = [{"comparison_id": "hg_official", "status": "loaded", "qc_verdict": "warn",
             "error": None},
            {"comparison_id": "bad", "status": "failed", "qc_verdict": None,
             "error": "InputError: x"}]  # fmt: skip
    assert result_lines(rows) == [
        "comparison\trun\tqc_verdict\terror",
        "hg_official\tloaded\twarn\t",
        "bad\tfailed\t-\tInputError: x",
    ]


def test_batch_refuses_a_dmr_cutoff_no_region_can_pass(tmp_path):
    f = tmp_path / "b.csv"
    f.write_text("name,ids_a,ids_b,analysis,min_abs_logfc\nm1,SRX1,SRX2,dmr,20\n")
    with pytest.raises(InputError, match=r"b\.csv: line 2, column min_abs_logfc 20 for a dmr "
                                         r"comparison"):  # fmt: skip
        load_batch(f, strict=False)


def test_an_empty_result_shows_0_regions_and_fails_qc_in_the_summary(tmp_path):
    """0 regions was rendered blank and no QC check fired: an empty result read as normal."""
    db = str(tmp_path / "w.duckdb")
    with writer(db) as con:
        add_comparison(con, "empty", analysis="dmr")  # loaded, no region rows
    rows = record_batch(db, "batch-1", run_items(
        [BatchItem("empty", ["SRX1"], ["SRX2"])], lambda _it: {"status": "loaded", "n_regions": 0}
    ))  # fmt: skip
    md = write_summary(rows, tmp_path / "batch_summary.md").read_text()
    (line,) = [ln for ln in md.splitlines() if ln.startswith("| empty |")]
    assert line.startswith("| empty | loaded | 0 | fail |") and "empty_result" in line


@pytest.mark.parametrize(
    ("field", "written", "message"),
    [("name", "2024_01", "YAML reads 2024_01 as a number"),
     ("name", "0755", "YAML reads 0755 as a number"),
     ("description_a", "on", "YAML reads on as yes/no"),
     ("title", "2024-01-02", "YAML reads 2024-01-02 as a date")],
)  # fmt: skip
def test_yaml_text_fields_read_as_other_types_are_refused(tmp_path, field, written, message):
    """They were turned back into text: name 2024_01 became 202401, 0755 became 493, on True."""
    entry = {"name": "c1", "ids_a": "[SRX5865975]", "ids_b": "[SRX5865959]",
             "description_b": "K-562"} | {field: written}  # fmt: skip
    f = tmp_path / "b.yaml"
    f.write_text("comparisons:\n  - " + "\n    ".join(f"{k}: {v}" for k, v in entry.items()))
    with pytest.raises(InputError, match=f'comparison #1 .*{message}.*quote it .*"{written}"'):
        load_batch(f, strict=False)
    f.write_text(f.read_text().replace(f"{field}: {written}", f'{field}: "{written}"'))
    assert getattr(load_batch(f, strict=False)[0], field) == written


def test_a_malformed_id_fails_its_comparison_not_the_batch_load(tmp_path):
    """One typo (SRX586597O) stopped the whole batch before anything ran; --check still refuses."""
    f = tmp_path / "b.yaml"
    f.write_text(
        "comparisons:\n"
        "  - {name: ok, ids_a: [SRX5865975], ids_b: [SRX5865959]}\n"
        "  - {name: typo, ids_a: [SRX586597O, SRX5865977], ids_b: [SRX5865961]}\n"
    )
    items = load_batch(f, strict=False)
    assert [(it.name, it.ids_a) for it in items] == [
        ("ok", ["SRX5865975"]), ("typo", ["SRX586597O", "SRX5865977"])
    ]  # fmt: skip
    with pytest.raises(InputError, match=r"comparison #2, column ids_a.*SRX586597O"):
        load_batch(f, strict=True)
