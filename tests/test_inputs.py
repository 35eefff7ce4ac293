import logging

import pytest

from chromdiff.design.examples import EXAMPLES, get_example
from chromdiff.design.inputs import check_genome, check_groups, check_label, read_ids, validate_ids
from chromdiff.errors import InputError


def test_validate_list_dedupes_in_order(caplog):
    with caplog.at_level(logging.WARNING):
        out = validate_ids(["SRX2", " GSM7 ", "SRX2", "ERX1", "DRX9"])
    assert out == ["SRX2", "GSM7", "ERX1", "DRX9"]
    assert "duplicate ID SRX2" in caplog.text


@pytest.mark.parametrize("bad", ["SRR123", "srx1", "SRX", "SRX12a", "", "SRX 1"])
def test_validate_rejects(bad):
    with pytest.raises(InputError, match="invalid experiment ID"):
        validate_ids(["SRX1", bad])


def test_txt_comments_split_bom_crlf(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"\xef\xbb\xbf# group A\r\nSRX1, SRX2\r\n\r\nSRX3 SRX1  # again\r\nGSM4\r\n")
    assert read_ids(p) == ["SRX1", "SRX2", "SRX3", "GSM4"]


def test_txt_invalid_names_file_and_line(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("SRX1\n# c\nSRX2 SRR3\n")
    with pytest.raises(InputError, match=r"a\.txt:3:2: invalid experiment ID 'SRR3'"):
        read_ids(p)


def test_csv_known_column_and_explicit(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("name,srx,group\nx,SRX10,A\ny,SRX11,A\nz,,A\n")
    assert read_ids(p) == ["SRX10", "SRX11"]
    p2 = tmp_path / "s.tsv"
    p2.write_text("acc\tother\nSRX5\tSRX6\nSRX7\tSRX8\n")
    assert read_ids(p2) == ["SRX5", "SRX7"]  # first column when no known name
    assert read_ids(p2, id_column="other") == ["SRX6", "SRX8"]
    with pytest.raises(InputError, match="no column 'nope'"):
        read_ids(p2, id_column="nope")


def test_csv_without_a_known_id_column_takes_the_column_of_ids_or_says_how_to_pick(tmp_path):
    """`sample,experiment,cond`: the first column was taken silently and the error named
    neither it nor --id-column."""
    p = tmp_path / "s.csv"
    p.write_text("sample,experiment,cond\ns1,SRX5865970,ctl\ns2,SRX5865971,ctl\n")
    assert read_ids(p) == ["SRX5865970", "SRX5865971"]  # the one column holding IDs only
    p.write_text("sample,experiment,cond\ns1,SRX5865970,ctl\ns2,oops,ctl\n")
    with pytest.raises(InputError) as err:
        read_ids(p)
    assert str(err.value).startswith(f"{p}:2:1: invalid experiment ID 's1'")
    assert "read from column 'sample'" in str(err.value) and "--id-column" in str(err.value)


def test_csv_bad_value_names_line_and_column(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("group,experiment_id\nA,SRX1\nA,XYZ\n")
    with pytest.raises(InputError, match=r"s\.csv:3:2: invalid"):
        read_ids(p)


def test_empty_and_missing(tmp_path):
    p = tmp_path / "e.txt"
    p.write_text("# nothing\n\n")
    with pytest.raises(InputError, match="no experiment IDs"):
        read_ids(p)
    with pytest.raises(InputError, match="not found"):
        read_ids(tmp_path / "missing.txt")


def test_huge_line(tmp_path):
    p = tmp_path / "h.txt"
    p.write_text("SRX1\n" + "SRX2," * 5000 + "\n")
    with pytest.raises(InputError, match=r"h\.txt:2: line longer"):
        read_ids(p)


def test_groups_genome_labels():
    with pytest.raises(InputError, match="both groups A and B: SRX2"):
        check_groups(["SRX1", "SRX2"], ["SRX2", "SRX3"])
    with pytest.raises(InputError, match="unknown genome 'hg18'"):
        check_genome("hg18")
    assert check_label("K-562_DMSO v2.1", "title") == "K-562_DMSO v2.1"
    with pytest.raises(InputError, match="'/'"):
        check_label("A/B", "title")


def test_examples():
    ex = get_example("tp53_k562_dmso_vs_daunorubicin")
    assert ex.ids_a[0] == "SRX5865959" and ex.ids_a[-1] == "SRX5865966"
    assert ex.ids_b[0] == "SRX5865967" and ex.ids_b[-1] == "SRX5865974"
    assert (ex.genome, ex.analysis, len(ex.ids_a), len(ex.ids_b)) == ("hg38", "diffbind", 8, 8)
    m = get_example("tp53_molm13_vs_k562")
    assert m.ids_a == ("SRX5865975", "SRX5865976", "SRX5865977", "SRX5865982")
    for e in EXAMPLES.values():
        validate_ids(list(e.ids_a) + list(e.ids_b))
        check_groups(e.ids_a, e.ids_b)
    with pytest.raises(InputError, match="available: tp53_k562"):
        get_example("nope")
