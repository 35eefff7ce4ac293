"""Safe ZIP extraction: zip-slip, links, bombs, member count, corrupt and truncated archives."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from chromdiff.chipatlas.archive import extract_result_zip
from chromdiff.errors import ResultArchiveError

FILES = {
    "wabi_result/wabi_result.bed": "chr1\t10\t20\t1.00\t2.00\t-1\t0.5\t0.9\n",
    "wabi_result/wabi_result.igv.bed": 'track name="x" gffTags="on"\n',
    "wabi_result/wabi_result.xml": "<Session/>",
    "wabi_result/wabi_result.log": "[INFO] ok\n",
    "wabi_result/README.md": "# Description of the Downloaded Files\n",
}


def make_zip(path, files=FILES, mode=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", mode) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


def test_extracts_and_classifies_by_suffix(tmp_path):
    out = extract_result_zip(make_zip(tmp_path / "r.zip"), tmp_path / "out")
    assert out.bed.name == "wabi_result.bed"
    assert out.igv_bed.name == "wabi_result.igv.bed"
    assert out.igv_xml.name == "wabi_result.xml"
    assert out.log.read_text() == "[INFO] ok\n"
    assert out.readme.name == "README.md"
    assert len(out.members) == 5


def test_legacy_igv_xml_name_matches(tmp_path):
    files = {k.replace("wabi_result.xml", "wabi_result.igv.xml"): v for k, v in FILES.items()}
    assert extract_result_zip(make_zip(tmp_path / "r.zip", files), tmp_path / "o").igv_xml


@pytest.mark.parametrize(
    "evil",
    ["../evil.bed", "wabi_result/../../evil.log", "/etc/evil.xml", "..\\evil.bed", "C:/evil.bed"],
)
def test_zip_slip_is_refused_and_nothing_written(tmp_path, evil):
    zpath = make_zip(tmp_path / "r.zip", {**FILES, evil: "x"})
    with pytest.raises(ResultArchiveError, match="escapes"):
        extract_result_zip(zpath, tmp_path / "out" / "x")
    assert not (tmp_path / "evil.bed").exists()
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.bed"))


def test_symlink_member_is_refused(tmp_path):
    zpath = tmp_path / "r.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        info = zipfile.ZipInfo("wabi_result/link.bed")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(ResultArchiveError, match="link"):
        extract_result_zip(zpath, tmp_path / "out")


def test_declared_size_over_bound_is_refused(tmp_path):
    zpath = make_zip(tmp_path / "r.zip", {**FILES, "wabi_result/big.txt": "0" * 50_000})
    with pytest.raises(ResultArchiveError, match="inflate to"):
        extract_result_zip(zpath, tmp_path / "out", max_bytes=10_000)


def test_lying_header_zip_bomb_is_stopped_while_inflating(tmp_path):
    zpath = make_zip(tmp_path / "r.zip", {"wabi_result/wabi_result.bed": "0" * 200_000})
    data = bytearray(zpath.read_bytes())
    # Rewrite the declared uncompressed size (local header and central directory) to 10 bytes.
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = data.find(sig)
        data[pos + off : pos + off + 4] = (10).to_bytes(4, "little")
    zpath.write_bytes(bytes(data))
    with pytest.raises(ResultArchiveError):
        extract_result_zip(zpath, tmp_path / "out", max_bytes=100_000)
    assert not (tmp_path / "out").exists()


def test_too_many_members(tmp_path):
    files = {f"wabi_result/f{i}.txt": "x" for i in range(70)}
    with pytest.raises(ResultArchiveError, match="70 members"):
        extract_result_zip(make_zip(tmp_path / "r.zip", files), tmp_path / "out", max_members=64)


def test_corrupt_and_truncated(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"<html>not a zip</html>")
    with pytest.raises(ResultArchiveError, match="corrupt or truncated"):
        extract_result_zip(bad, tmp_path / "o1")
    whole = make_zip(tmp_path / "r.zip").read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ResultArchiveError, match="corrupt or truncated"):
        extract_result_zip(cut, tmp_path / "o2")


def test_flipped_byte_fails_crc(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("wabi_result/wabi_result.bed", "chr1\t1\t2\n" * 100)
    data = bytearray(buf.getvalue())
    data[60] ^= 0xFF
    path = tmp_path / "crc.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(ResultArchiveError):
        extract_result_zip(path, tmp_path / "o")


def test_two_files_with_the_same_suffix_is_an_error(tmp_path):
    files = {**FILES, "wabi_result/other.bed": "chr1\t1\t2\n"}
    with pytest.raises(ResultArchiveError, match="two bed files"):
        extract_result_zip(make_zip(tmp_path / "r.zip", files), tmp_path / "out")


def test_reextraction_replaces_previous_output(tmp_path):
    extract_result_zip(make_zip(tmp_path / "r.zip"), tmp_path / "out")
    (tmp_path / "out" / "stale.txt").write_text("old")
    extract_result_zip(tmp_path / "r.zip", tmp_path / "out")
    assert not (tmp_path / "out" / "stale.txt").exists()
