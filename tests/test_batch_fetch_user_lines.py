"""A batch comparison with a user bigWig line ties it to the server's ``URL_A1`` column.

The batch fetch passed the raw input lines to the layout instead of the experiment names the
server logs (``URL_<group><k>``, DA:229-231): the user's experiment was reported "not among the
samples the server counted" and kept a guessed count column.
"""

from __future__ import annotations

from chromdiff.batch.fanout import fetch_to_partition
from chromdiff.chipatlas.client import ChipAtlasClient
from chromdiff.chipatlas.protocol import SubmitRequest
from chromdiff.design.comparison import ComparisonSpec
from chromdiff.design.inputs import validate_ids

LINE = "https://lab.example.org/data/s1.bw\thttps://lab.example.org/data/s1_peaks.bed.gz\t50"


def test_user_line_gets_its_server_column(fake_chipatlas_factory, fast_polling, tmp_path):
    server = fake_chipatlas_factory(n_regions=200)
    spec = ComparisonSpec(validate_ids(["SRX5", LINE], "A"),
                          validate_ids(["SRX2", "SRX3"], "B")).validated()  # fmt: skip
    rid = ChipAtlasClient(server.base_url).submit(SubmitRequest(  # the fan-out's phase 1
        spec.analysis, spec.genome, spec.ids_a, spec.ids_b, spec.title, spec.description_a,
        spec.description_b, threshold=spec.threshold,
    ))  # fmt: skip
    job = {"spec": spec, "request_id": rid, "out_dir": str(tmp_path / "c1"),
           "comparison_id": "c1"}  # fmt: skip
    part = fetch_to_partition(job, server.base_url, str(tmp_path / "parts"))
    assert not [w for w in part["warnings"] if "URL" in w or "not among" in w], part["warnings"]
    uses = {e["experiment_id"]: e for e in part["layout"]["experiments"]}
    assert uses["URL_A1"]["server_id"] == "URL_A1" and uses["URL_A1"]["dropped"] is None
    assert part["layout"]["source"] == "log" and "URL_A1" in part["layout"]["columns_a"]
    assert sorted(e["count_order"] for e in uses.values() if e["grp"] == "A") == [1, 2]
