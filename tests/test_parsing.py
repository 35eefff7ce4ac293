import math
from pathlib import Path

import pytest

from chromdiff.errors import ParseError
from chromdiff.parsing import DIFFBIND_2024, DIFFBIND_2025, DMR, count_order, parse_result

DATA = Path(__file__).parent / "data" / "parsing"
A = ["SRX999", "SRX1000", "SRX1001"]  # server order: SRX1000, SRX1001, SRX999
B = ["SRX6", "SRX5"]


def rows(tbl):
    return tbl.to_pylist()


def test_count_order_is_string_order():
    assert count_order(A) == ["SRX1000", "SRX1001", "SRX999"]


def test_diffbind_2025_hand_checked():
    r = parse_result(DATA / "diffbind_2025.bed", "diffbind", A, B)
    assert r.result_format == DIFFBIND_2025 and r.warnings == []
    reg = rows(r.regions)
    assert len(reg) == 4
    first = reg[0]
    assert (first["region_id"], first["chrom"], first["start"], first["stop"]) == (
        1, "chr1", 1048001, 1048400)  # fmt: skip
    assert first["logfc"] == pytest.approx(3.16227766016838)
    assert first["pvalue"] == pytest.approx(2.1234567e-11)
    assert first["qvalue"] == pytest.approx(7.39e-09)
    assert first["mean_count_a"] == pytest.approx((47.80 + 31.04 + 36.33) / 3)
    assert first["mean_count_b"] == pytest.approx((3.43 + 3.72) / 2)
    assert reg[1]["logfc"] == -2.5
    na = reg[2]  # NA row
    assert na["logfc"] is None and na["pvalue"] is None and na["qvalue"] is None
    assert reg[3]["chrom"] == "chrUn_KI270742v1" and reg[3]["logfc"] == 0
    counts = {(c["region_id"], c["experiment_id"]): c["count"] for c in rows(r.counts)}
    assert len(counts) == 4 * 5
    # values are written in sorted(ids) order: SRX1000, SRX1001, SRX999 | SRX5, SRX6
    assert counts[(1, "SRX1000")] == 47.80
    assert counts[(1, "SRX1001")] == 31.04
    assert counts[(1, "SRX999")] == 36.33
    assert counts[(1, "SRX5")] == 3.43 and counts[(1, "SRX6")] == 3.72
    assert counts[(2, "SRX999")] == 3.00 and counts[(2, "SRX6")] == 10.00


def test_diffbind_2024_legacy_converted():
    r = parse_result(DATA / "diffbind_2024.bed", "diffbind", A, B)
    assert r.result_format == DIFFBIND_2024
    reg = rows(r.regions)
    # line 1: log2(B/A) = 2.50 (B higher) -> logfc = -2.5; log10 P -3.4, log10 Q -1.5
    assert reg[0]["logfc"] == -2.5
    assert reg[0]["pvalue"] == pytest.approx(10**-3.4)
    assert reg[0]["qvalue"] == pytest.approx(10**-1.5)
    assert reg[0]["mean_count_b"] > reg[0]["mean_count_a"]
    assert reg[1]["logfc"] == 3.16 and reg[1]["qvalue"] == pytest.approx(10**-8.1)
    assert reg[2]["pvalue"] == 1.0 and reg[2]["qvalue"] == 1.0


def test_dmr_hand_checked():
    r = parse_result(DATA / "dmr.bed", "dmr", ["SRX1"], ["SRX2"])
    assert r.result_format == DMR and r.counts.num_rows == 0
    d = rows(r.regions)[0]
    # metilene writes BED (pos[first CpG] - 1, pos[last CpG]): stored as given
    assert (d["chrom"], d["start"], d["stop"]) == ("chr1", 10468, 11240)
    assert d["qvalue"] == 0.0012 and d["meth_diff"] == 0.35 and d["n_cpgs"] == 42
    assert d["p_mwu"] == 1.2e-05 and d["p_ks"] == 0.0003
    # q = 2D KS p x tests (metilene metseg.c; 4 tests here): pvalue is the p q adjusts
    assert [(x["pvalue"], x["qvalue"]) for x in rows(r.regions)] == [(0.0003, 0.0012), (0.15, 0.6)]
    assert d["mean_meth_a"] - d["mean_meth_b"] == pytest.approx(d["meth_diff"])
    assert d["logfc"] is None


def test_dmr_covers_exactly_its_cpgs_through_the_servers_chain(tmp_path):
    """Hand-run the chain the server runs on two CpGs at 0-based bases 100 and 150:
    bigWigToBedGraph gives (100, 101) and (150, 151) (DA:561-566); metilene_input.pl keeps the
    bedGraph end as pos (``unionbedg | cut -f1,3- | sed s/end/pos/``): 101 and 151; metilene
    0.2-8 prints start = pos[first] - 1 = 100, stop = pos[last] = 151 (metseg.c). The region
    must be BED [100, 151): both CpG bases inside, nothing before the first (it was stored
    [99, 151), one base too far left)."""
    cpgs = [100, 150]  # 0-based CpG bases
    pos = [b + 1 for b in cpgs]  # bedGraph (b, b + 1) -> its end
    row = ["chr1", str(pos[0] - 1), str(pos[-1]), "0.001", "0.4", "2", "1e-4", "1e-3", "0.8",
           "0.4"]  # fmt: skip
    bed = tmp_path / "one.bed"
    bed.write_text("\t".join(row) + "\n")
    d = rows(parse_result(bed, "dmr", ["SRX1"], ["SRX2"]).regions)[0]
    assert d["start"] == cpgs[0] and d["stop"] == cpgs[-1] + 1
    assert all(d["start"] <= b < d["stop"] for b in cpgs)


def test_empty_bed_zero_regions():
    r = parse_result(DATA / "empty.bed", "diffbind", ["SRX1"], ["SRX2"])
    assert r.regions.num_rows == 0 and r.counts.num_rows == 0
    assert r.warnings == []


def test_empty_dmr_result_is_not_silent():
    """The server discards metilene's errors (DA:626-632): an empty dmr result may be a failure."""
    r = parse_result(DATA / "empty.bed", "dmr", ["SRX1"], ["SRX2"])
    assert r.regions.num_rows == 0
    assert len(r.warnings) == 1 and "no DMRs" in r.warnings[0] and "check the log" in r.warnings[0]
    assert parse_result(DATA / "dmr.bed", "dmr", ["SRX1"], ["SRX2"]).warnings == []


def test_sign_cross_check_flips_inverted(tmp_path):
    # 2025-looking values (P/Q in [0, 1]) but logFC sign opposite to the counts in every row
    lines = [
        f"chr1\t{i * 100}\t{i * 100 + 50}\t10.00,12.00\t1.00,2.00\t-3.0\t0.001\t0.01"
        for i in range(1, 7)
    ]
    p = tmp_path / "inv.bed"
    p.write_text("\n".join(lines) + "\n")
    r = parse_result(p, "diffbind", ["SRX1", "SRX2"], ["SRX3", "SRX4"])
    assert len(r.warnings) == 1 and "flipped" in r.warnings[0]
    assert all(x["logfc"] == 3.0 for x in rows(r.regions))


def test_inf_values(tmp_path):
    p = tmp_path / "inf.bed"
    p.write_text("chr1\t1\t9\t1.00\t0.00\tInf\t0\t0\n")
    r = parse_result(p, "diffbind", ["SRX1"], ["SRX2"])
    assert math.isinf(rows(r.regions)[0]["logfc"])


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("chr1\t1\t9\t1.00\t0.00\t1\t0.5\n", r":1: expected 8 .* found fewer"),
        ("chr1\t1\t9\t1.00\t0.00\t1\t0.5\t0.5\tx\n", r":1: expected 8 .* found more"),
        ("chr1\t1\t9\t1\t1\t1\t1\t1\nchr1\t-5\t9\t1\t1\t1\t1\t1\n", r":2: column 2 .*negative"),
        ("chr1\t10\t9\t1\t1\t1\t1\t1\n", r":1: column 3 .*reversed"),
        ("chr1\tx\t9\t1\t1\t1\t1\t1\n", r":1: column 2 .*not an integer"),
        ("chr1\t1\t9\t1\t1\tbig\t1\t1\n", r":1: column 6 \(logFC\): not a number: big"),
        ("chr1\t1\t9\t1,2\t1\t1\t1\t1\n", r":1: column 4 .*2 values for 1 experiments"),
        ("chr1\t1\t9\t1\tq\t1\t1\t1\n", r":1: column 5 .*not a number"),
        ("chr1\t1\t9\t1\t1\t1\t1\t1\n\nchr1\t1\t9\t1\t1\t1\t1\t1\n", r":3: duplicated region"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path, text, match):
    p = tmp_path / "bad.bed"
    p.write_text(text)
    with pytest.raises(ParseError, match=r"bad\.bed" + match):
        parse_result(p, "diffbind", ["SRX1"], ["SRX2"])


def test_igv_cross_check(tmp_path):
    from chromdiff.parsing.igv import igv_cross_check

    r = parse_result(DATA / "diffbind_2025.bed", "diffbind", A, B)
    assert igv_cross_check(DATA / "diffbind_2025.igv.bed", r.regions, "diffbind") == []
    bad = tmp_path / "bad.igv.bed"
    text = (DATA / "diffbind_2025.igv.bed").read_text()
    bad.write_text(
        text.replace("222,131,68", "106,153,208") + "chr9\t1\t2\tx\t0.01\t.\t1\t2\t1,1,1\n"
    )
    warnings = igv_cross_check(bad, r.regions, "diffbind")
    assert any("1 of 3 IGV rows are not regions" in w for w in warnings)
    assert any("1 of 3 IGV rows have the opposite direction" in w for w in warnings)


def test_gsm_inputs_warn_about_count_mapping():
    r = parse_result(DATA / "diffbind_2025.bed", "diffbind", ["GSM1", "SRX1000", "SRX1001"], B)
    assert len(r.warnings) == 1 and "GSM1" in r.warnings[0]


# --- the server's sample order, GSM mapping and dropped IDs (parsing.samples) ---

LOG = """[INFO] <time> Start: 2025-11-26T11:28:25+09:00 (2025-11-26T02:28:25Z)
[INFO] <parameter> WABI_ID="wabi_chipatlas_2025-1126-1128-20-7-1000000"
[WARNING] "GSM999" unmapped for hg38 and has been ignored.
[INFO] <samples> SRX1000 B 
[INFO] <samples> SRX100 B 
[INFO] <samples> SRX5865960 A 
[INFO] <samples> SRX7 A 
"""  # noqa: W291 - edgeR.r:35 `cat` leaves a space before the newline


def test_layout_from_log_sample_lines_gsm_and_dropped():
    from chromdiff.parsing.samples import resolve_layout

    lay = resolve_layout(["GSM5", "SRX5865960", "GSM999"], ["SRX100", "SRX1000"], log_text=LOG)
    assert lay.source == "log"
    assert (lay.columns_a, lay.columns_b) == (["SRX5865960", "SRX7"], ["SRX1000", "SRX100"])
    use = {e.experiment_id: (e.server_id, e.count_order, e.dropped) for e in lay.experiments}
    assert use["GSM5"] == ("SRX7", 2, None)  # the one A sample no SRX input claims
    assert use["SRX5865960"] == ("SRX5865960", 1, None)
    assert use["SRX100"] == ("SRX100", 2, None) and use["SRX1000"] == ("SRX1000", 1, None)
    assert use["GSM999"][:2] == (None, None) and "unmapped for hg38" in use["GSM999"][2]
    assert [e.experiment_id for e in lay.dropped] == ["GSM999"]


def test_layout_ambiguous_gsms_igv_fallback_and_assumed(tmp_path):
    from chromdiff.parsing.samples import resolve_layout

    lay = resolve_layout(
        ["GSM1", "GSM2"], ["SRX1000", "SRX100", "SRX55"],
        log_text=LOG.replace("SRX5865960", "SRX8"),
    )  # fmt: skip
    assert [e.count_order for e in lay.experiments] == [None, None, 1, 2, None]
    # counted, but the server does not say which GSM became which SRX: used, not dropped
    assert lay.experiments[0].dropped is None
    assert "one of SRX8, SRX7" in lay.experiments[0].unattributed
    assert "not among the samples" in lay.experiments[4].dropped
    igv = tmp_path / "r.igv.bed"
    igv.write_text(
        'track name="t" gffTags="on"\nchr1\t1\t9\tAnalysis%20title=t;Genome=hg38;'
        'SRXs%20("a")=SRX1,SRX10;SRXs%20("b")=SRX2;LogFC=1;\t0.01\t.\t1\t9\t222,131,68\n'
    )
    lay = resolve_layout(["SRX10", "SRX1"], ["GSM3"], igv_path=igv)
    assert (lay.source, lay.columns_a, lay.columns_b) == ("igv", ["SRX1", "SRX10"], ["SRX2"])
    assert any("SRX1 and SRX10" in w and "locale" in w for w in lay.warnings)
    assert [(e.server_id, e.count_order) for e in lay.experiments] == [
        ("SRX10", 2), ("SRX1", 1), ("SRX2", 1)
    ]  # fmt: skip
    lay = resolve_layout(["SRX999", "SRX1000"], ["GSM3"], log_text="[INFO] x\n")
    assert (lay.source, lay.columns_a) == ("assumed", ["SRX1000", "SRX999"])
    assert any("misattributed" in w for w in lay.warnings)


def test_parse_in_server_order_counts_follow_the_given_columns():
    r = parse_result(DATA / "diffbind_2025.bed", "diffbind", ["SRX999", "SRX1000", "SRX1001"],
                     ["SRX6", "SRX5"], server_order=True)  # fmt: skip
    first = {c["experiment_id"]: c["count"] for c in rows(r.counts) if c["region_id"] == 1}
    line1 = (DATA / "diffbind_2025.bed").read_text().splitlines()[0].split("\t")
    assert [first[i] for i in ("SRX999", "SRX1000", "SRX1001")] == [
        float(v) for v in line1[3].split(",")
    ]
    with pytest.raises(ParseError, match="values for 2 experiments of group A"):
        parse_result(DATA / "diffbind_2025.bed", "diffbind", ["SRX1", "SRX2"], ["SRX6", "SRX5"],
                     server_order=True)  # fmt: skip


def test_igv_lists_read_with_raw_spaces_in_title_and_descriptions(tmp_path):
    """DA puts the title and descriptions in the IGV name as given (awk -v, DA:689-692): spaces
    stay spaces (only the keys carry %20). The fake server's IGV file, written so, is read back."""
    from chromdiff.fakeapi.formats import igv_bed
    from chromdiff.parsing.samples import resolve_layout

    main = "chr1\t100\t200\t5.00,6.00\t1.00\t2.0\t0.001\t0.01\n"
    text = igv_bed(main, "my AR study", "hg38", ["SRX1", "SRX10"], ["SRX2"],
                   "LNCaP DHT 4h", "LNCaP vehicle")  # fmt: skip
    assert "Analysis%20title=my AR study;" in text and 'SRXs%20("LNCaP DHT 4h")=' in text
    igv = tmp_path / "r.igv.bed"
    igv.write_text(text)
    lay = resolve_layout(["SRX10", "SRX1"], ["SRX2"], igv_path=igv)
    assert (lay.source, lay.columns_a, lay.columns_b) == ("igv", ["SRX1", "SRX10"], ["SRX2"])


def test_dmr_difference_against_the_means_warns(tmp_path):
    """meth diff = mean A - mean B (metilene -a g1 -b g2): a row against its own means warns."""
    rows = (DATA / "dmr.bed").read_text().splitlines()
    f = rows[0].split("\t")
    f[4] = str(-float(f[4]))  # flip the difference, keep the means
    bad = tmp_path / "dmr_bad.bed"
    bad.write_text("\n".join(["\t".join(f), *rows[1:]]) + "\n")
    warnings = parse_result(bad, "dmr", ["SRX1"], ["SRX2"]).warnings
    assert len(warnings) == 1 and f"in 1 of {len(rows)} rows" in warnings[0]


def test_a_result_of_other_experiments_is_refused():
    """The server never counts an experiment nobody submitted: a log naming more experiments
    than the inputs (and their GSMs) explain is another job's result (a wrong --request-id),
    whose counts would otherwise be credited to the group as if compared."""
    from chromdiff.errors import InputError
    from chromdiff.parsing.samples import resolve_layout

    with pytest.raises(InputError, match=r"group B: the server counted SRX1000, which no input"):
        resolve_layout(["SRX5865960", "SRX7"], ["SRX100", "SRX9999"], log_text=LOG)
    with pytest.raises(InputError, match=r"SRX7.*\(1 GSM input\(s\) could be mapped\)"):
        resolve_layout(["GSM5"], ["SRX100", "SRX1000"], log_text=LOG.replace("SRX5865960", "SRX8"))


def test_dmr_levels_in_percent_are_flagged(tmp_path):
    """metilene's input is 0-1 methylation levels (its -d 0.1 default assumes it); a result in
    percent loaded without a word, its differences read as fractions."""
    bed = tmp_path / "pct.bed"
    bed.write_text("chr1\t100\t900\t0.001\t45\t20\t1e-4\t1e-3\t80\t35\n")
    r = parse_result(bed, "dmr", ["SRX1"], ["SRX2"])
    assert any("methylation levels up to 80: the result is in percent" in w for w in r.warnings)
    assert parse_result(DATA / "dmr.bed", "dmr", ["SRX1"], ["SRX2"]).warnings == []
