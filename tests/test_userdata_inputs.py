"""User-data lines in ID files (bigWig URL, peak-BED URL, read length), as ChIP-Atlas takes them."""

from __future__ import annotations

import re

import duckdb
import pytest

from chromdiff.chipatlas.protocol import SubmitRequest
from chromdiff.design.comparison import ComparisonSpec, register
from chromdiff.design.inputs import read_ids, validate_ids
from chromdiff.design.userdata import experiment_names, is_user_line, parse_user_line
from chromdiff.errors import InputError
from chromdiff.warehouse.db import apply_schema

BW = "https://lab.example.org/data/s1.bw"
BED = "https://lab.example.org/data/s1_peaks.narrowPeak.gz"
LINE = f"{BW}\t{BED}\t50"


def test_line_is_parsed_and_kept_whole(tmp_path):
    path = tmp_path / "mine.txt"
    frag = "https://lab.example.org/x.bw#v2,3;4"  # '#', ',' and ';' belong to the URL
    path.write_text(f"SRX100 # a public one\n{LINE}\n  {frag}\t{BED}\t36  \n")
    ids = read_ids(path)
    assert ids == ["SRX100", LINE, f"{frag}\t{BED}\t36"]
    data = parse_user_line(ids[2], "x")
    assert (data.bigwig, data.peaks, data.read_length, data.remote) == (frag, BED, 36, True)


def test_relative_local_paths_resolve_against_the_id_file(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "mine.txt"
    path.write_text("./a.bw\t../b.bed\t50\n")
    assert read_ids(path) == [f"{tmp_path / 'sub' / 'a.bw'}\t{tmp_path / 'b.bed'}\t50"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (f"{BW}\t{BED}\tfifty", "read length 'fifty' is not a positive integer"),
        (f"{BW}\t{BED}\t0", "read length '0' is not a positive integer"),
        (f"{BW}\t{BED}\t-1", "read length '-1' is not a positive integer"),
        (f"{BW}\t{BED}", "needs 3 tab-separated fields"),
        (f"{BW} {BED} 50", "use tabs"),
        (f"http:///x.bw\t{BED}\t50", "not an http(s) URL with a host"),
        (f"{BW}\tpeaks.bed\t50", "neither an http(s) URL nor a local path"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "mine.txt"
    path.write_text(f"SRX1\n{line}\n")
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}:2: .*{re.escape(message)}"):
        read_ids(path)


def test_names_follow_da():
    """``URL_<group><k>`` in order of appearance per group (DA:229-231); IDs unchanged."""
    entries = ["SRX9", LINE, "SRX1", LINE.replace("s1", "s2")]
    assert experiment_names(entries, "B") == ["SRX9", "URL_B1", "SRX1", "URL_B2"]
    assert is_user_line(LINE) and is_user_line("./x.bw\t./x.bed\t50") and not is_user_line("SRX1")


def test_form_sends_the_lines_unchanged():
    ids_a = validate_ids(["SRX1", LINE], "A")
    req = SubmitRequest("diffbind", "hg38", ids_a, ["SRX2"]).validate()
    assert req.form()["bedAFile"] == f"SRX1\n{LINE}"


def test_service_refuses_local_files():
    with pytest.raises(InputError, match=r"group A: item 2: local files .* only .* --local"):
        SubmitRequest(
            "diffbind", "hg38", ["SRX1", "/data/a.bw\t/data/a.bed\t50"], ["SRX2"]
        ).validate()


def test_register_stores_user_experiments():
    con = duckdb.connect()
    apply_schema(con)
    spec = ComparisonSpec(["SRX5", LINE], ["SRX2", LINE.replace("s1", "s3")]).validated()
    register(con, "c1", spec, base_url="http://x/")
    rows = con.execute(
        "select experiment_id, grp, input_order, count_order from experiments"
        " order by grp, input_order"
    ).fetchall()
    assert rows == [("SRX5", "A", 1, 1), ("URL_A1", "A", 2, 2), ("SRX2", "B", 1, 1),
                    ("URL_B1", "B", 2, 2)]  # fmt: skip
    user = con.execute(
        "select experiment_id, grp, bigwig_url, peak_url, read_length, source_line"
        " from user_experiments order by experiment_id"
    ).fetchall()
    assert user[0] == ("URL_A1", "A", BW, BED, 50, LINE)
    assert user[1][0] == "URL_B1" and user[1][2].endswith("s3.bw")


def test_server_counts_user_data_under_its_url_names():
    """The fake DA lists URL_<group><k> first (DA:225-233), counts them in glob order, and the
    client ties each user line to its column from the log's sample lines."""
    from chromdiff.fakeapi.da import count_columns, map_inputs, samples_lines
    from chromdiff.parsing.samples import resolve_layout

    ids_a = validate_ids(["SRX5", LINE, "GSM7"], "A")
    ids_b = validate_ids(["SRX2", LINE.replace("s1", "s3")], "B")
    form = SubmitRequest("diffbind", "hg38", ids_a, ids_b).validate().form()
    da = map_inputs(form, {"GSM7": "SRX9"})
    assert (da.srx_a, da.srx_b, da.error) == (["URL_A1", "SRX5", "SRX9"], ["URL_B1", "SRX2"], None)
    columns = count_columns(da.srx_a, da.srx_b)
    assert columns == [("SRX2", "B"), ("SRX5", "A"), ("SRX9", "A"), ("URL_A1", "A"),
                       ("URL_B1", "B")]  # fmt: skip
    spec = ComparisonSpec(ids_a, ids_b).validated()
    layout = resolve_layout(spec.names_a, spec.names_b, log_text="\n".join(samples_lines(columns)))
    uses = {(u.experiment_id, u.server_id, u.count_order, u.dropped) for u in layout.experiments}
    assert uses == {("SRX5", "SRX5", 1, None), ("URL_A1", "URL_A1", 3, None),
                    ("GSM7", "SRX9", 2, None), ("SRX2", "SRX2", 1, None),
                    ("URL_B1", "URL_B1", 2, None)}  # fmt: skip
