"""Bad input to ``chromdiff compare --local``: one error line naming the file, exit 1, no database.

Everything here is caught before Prefect starts (ID-file checks, then the pre-flight of local
files), so no flow runs and nothing is written.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli_run import run_cli

SIM = Path(__file__).parent / "data" / "local" / "sim"


@pytest.fixture
def sim(tmp_path) -> Path:
    """A writable copy of the local fixtures."""
    root = tmp_path / "sim"
    shutil.copytree(SIM, root)
    return root


def _compare(root: Path, capsys, *extra: str):
    db = root / "out" / "db.duckdb"
    code, _, err = run_cli(
        ["compare", "--a", str(root / "mine.txt"), "--b", str(root / "public.txt"), "--local",
         "--cache", str(root / "cache"), "--db", str(db), "--output", str(root / "out"), *extra],
        capsys,
    )  # fmt: skip
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 1, err
    assert lines[-1].startswith("error: ") and "Traceback" not in err
    assert not db.exists()  # nothing written
    return lines[-1]


def _line(bw: str, bed: str, rl: str = "50") -> str:
    return f"{bw}\t{bed}\t{rl}\n"


def test_missing_bigwig(sim, capsys):
    (sim / "mine.txt").write_text(_line("./user/nope.bw", "./user/A2.bed"))
    msg = _compare(sim, capsys)
    assert msg == f"error: {sim / 'user' / 'nope.bw'}: file not found"


def test_unreadable_bigwig(sim, capsys):
    (sim / "user" / "broken.bw").write_text("not a bigwig\n")
    (sim / "mine.txt").write_text(_line("./user/broken.bw", "./user/A2.bed"))
    msg = _compare(sim, capsys)
    assert "broken.bw" in msg and "not a readable bigWig file" in msg


def test_peaks_of_another_genome_naming(sim, capsys):
    text = (sim / "user" / "A2.bed").read_text().replace("chr", "")
    (sim / "user" / "ensembl.bed").write_text(text)
    (sim / "mine.txt").write_text(_line("./user/A2.bw", "./user/ensembl.bed"))
    msg = _compare(sim, capsys)
    assert "ensembl.bed" in msg and "chromosomes 1, 2, X are not in the bigWig" in msg


def test_peaks_beyond_chromosome_length(sim, capsys):
    (sim / "user" / "long.bed").write_text("chr1\t100\t200\nchr1\t5000000\t5000400\n")
    (sim / "mine.txt").write_text(_line("./user/A2.bw", "./user/long.bed"))
    msg = _compare(sim, capsys)
    assert "long.bed" in msg and "beyond chr1's length 400000" in msg


@pytest.mark.parametrize("read_length", ["fifty", "0", "-5", "50.5", ""])
def test_read_length_not_a_positive_integer(sim, capsys, read_length):
    (sim / "mine.txt").write_text("# mine\n" + _line("./user/A2.bw", "./user/A2.bed", read_length))
    msg = _compare(sim, capsys)
    assert msg.startswith(f"error: {sim / 'mine.txt'}:2: ")
    assert "read length" in msg and "positive integer" in msg


def test_space_separated_line(sim, capsys):
    (sim / "mine.txt").write_text("./user/A2.bw ./user/A2.bed 50\n")
    msg = _compare(sim, capsys)
    assert f"{sim / 'mine.txt'}:1: " in msg and "use tabs" in msg


def test_empty_group(sim, capsys):
    (sim / "mine.txt").write_text("# nothing here\n\n")
    assert _compare(sim, capsys) == f"error: {sim / 'mine.txt'}: no experiment IDs found"


def test_user_bigwig_with_non_integer_values(sim, capsys):
    rpm = sim / "cache" / "hg38" / "BigWig" / "SRX100001.bw"
    (sim / "mine.txt").write_text(_line(str(rpm), "./user/A2.bed"))
    msg = _compare(sim, capsys)
    assert "SRX100001.bw" in msg and "non-integer value" in msg and "raw read coverage" in msg


def test_public_id_not_in_cache(sim, capsys):
    (sim / "public.txt").write_text("SRX999\n")
    msg = _compare(sim, capsys)
    expected = sim / "cache" / "hg38" / "BigWig" / "SRX999.bw"
    assert msg == f"error: {expected}: bigWig of SRX999 not in the local cache"


def test_dmr_is_not_packaged(sim, capsys):
    msg = _compare(sim, capsys, "--analysis", "dmr")
    assert "metilene" in msg and "not packaged" in msg


def test_engine_r_without_rscript(sim, capsys, monkeypatch):
    monkeypatch.setattr("chromdiff.edger.diffbind.r_available", lambda: False)
    msg = _compare(sim, capsys, "--engine", "r")
    assert "--engine r needs Rscript with the edgeR package" in msg


def test_local_only_options_need_local(sim, capsys):
    code, _, err = run_cli(["compare", "--a", str(sim / "mine.txt"), "--b",
                            str(sim / "public.txt"), "--engine", "r"], capsys)  # fmt: skip
    assert code == 1 and "apply to --local runs only" in err


def test_a_bad_download_is_named_by_its_url_and_dropped_from_the_cache(tmp_path):
    """A downloaded peak file that fails its checks: the error names the URL the user gave,
    not the cache path, and the copy is deleted so the next run downloads the fixed file."""
    from chromdiff.errors import InputError
    from chromdiff.local.run import build_regions
    from chromdiff.local.samples import Sample

    user = Path(__file__).parent / "data" / "local" / "sim" / "user"
    cached = tmp_path / "downloads" / "0123456789abcdef-A2.bed"
    cached.parent.mkdir()
    cached.write_text("chr1\tten\t20\n")
    url = "http://example.org/A2.bed"
    good = Sample("A1", "A", str(user / "A1.bw"), str(user / "A1.narrowPeak.gz"), 1.0, 50, True)
    bad = Sample("A2", "A", str(user / "A2.bw"), str(cached), 1.0, 50, True,
                 downloaded=((str(cached), url),))  # fmt: skip
    with pytest.raises(InputError) as err:
        build_regions([good, bad])
    assert str(err.value).startswith(f"{url}:1: start/end not integers")
    assert "downloads it again" in str(err.value) and not cached.exists()


def test_negative_counts_are_refused_naming_the_sample(tmp_path):
    """An input-subtracted bigWig gives negative counts: the server's edgeR stops ("Negative
    counts not allowed"); here one line names the sample, before anything is written."""
    import numpy as np

    from chromdiff.errors import InputError
    from chromdiff.local.run import Regions, diffbind
    from chromdiff.local.samples import Sample

    regions = Regions(np.array(["chr1"] * 3, object), np.array([0, 100, 200]),
                      np.array([50, 150, 250]))  # fmt: skip
    samples = [Sample(n, g, "x.bw", "x.bed", 1.0, 50, True)
               for n, g in (("A1", "A"), ("A2", "A"), ("B1", "B"))]  # fmt: skip
    counts = [np.array([5, 7, 9]), np.array([4, -2, 8]), np.array([6, 6, 6])]
    with pytest.raises(InputError, match=r"A2: 1 regions get a negative count \(e.g. peak_2\)"):
        diffbind(samples, regions, counts, tmp_path / "raw")
    assert not (tmp_path / "raw").exists()


def test_samples_naming_chromosomes_differently_are_refused(tmp_path):
    """Ensembl-style peaks (1, 2) beside UCSC-style ones (chr1): one line naming both files."""
    from chromdiff.errors import InputError
    from chromdiff.local.run import build_regions
    from chromdiff.local.samples import Sample

    (tmp_path / "ucsc.bed").write_text("chr1\t100\t200\nchr2\t100\t200\n")
    (tmp_path / "ens.bed").write_text("1\t100\t200\n2\t100\t200\n")
    import pyBigWig

    def bigwig(path, names):  # each file agrees with its own bigWig
        bw = pyBigWig.open(str(path), "w")
        bw.addHeader([(n, 1000) for n in names])
        bw.addEntries(list(names), [0, 0], ends=[500, 500], values=[3.0, 3.0])
        bw.close()
        return path

    bw = bigwig(tmp_path / "ucsc.bw", ("chr1", "chr2"))
    bw_ens = bigwig(tmp_path / "ens.bw", ("1", "2"))
    samples = [
        Sample("A1", "A", str(bw), str(tmp_path / "ucsc.bed"), 1.0, 50, True),
        Sample("B1", "B", str(bw_ens), str(tmp_path / "ens.bed"), 1.0, 50, True),
    ]
    with pytest.raises(InputError, match=r"ens.bed \(B1\) names chromosomes without 'chr'"):
        build_regions(samples)
