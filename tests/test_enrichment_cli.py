"""``chromdiff enrich`` on real lists and files; bad input gives one line and writes nothing."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from tests.cli_run import run_cli
from tests.realdata import REAL


@pytest.fixture(scope="module")
def up_symbols(tmp_path_factory) -> str:
    d = pd.read_csv(REAL / "deseq2_GSE37704_hg38" / "deseq_results.csv.gz")
    up = d[(d.padj < 0.01) & (d.log2FoldChange > 1)].symbol.dropna()
    p = tmp_path_factory.mktemp("cli") / "up.txt"
    p.write_text("# HOXA1 knock-down, up genes\n" + "\n".join(up) + "\n")
    return str(p)


def test_gene_list_of_symbols_against_go(up_symbols, tmp_path, capsys):
    out = tmp_path / "r.csv"
    code, stdout, _ = run_cli(["enrich", "--genes", up_symbols, "--out", str(out)], capsys)
    assert code == 0 and "with padj < 0.05" in stdout
    df = pd.read_csv(out)
    assert (df.set_source == "GO:BP").all() and (df.method == "ora").all()
    assert df.padj.min() < 1e-3 and df.set_size.between(10, 500).all()


def test_region_file_great_and_background(tmp_path, capsys):
    src = REAL / "chipseeker_geo_peaks_hg19" / "GSM1295077_CBX7_BF_ChipSeq_mergedReps_peaks.bed.gz"
    lines = gzip.open(src, "rt").read().splitlines()
    fg, bg = tmp_path / "fg.bed", tmp_path / "bg.bed"
    fg.write_text("\n".join(lines[:400]) + "\n")
    bg.write_text("\n".join(lines) + "\n")
    out = tmp_path / "g.tsv"
    code, said, err = run_cli(
        ["enrich", "--regions", str(fg), "--genome", "hg19", "--out", str(out)], capsys
    )
    assert code == 0, err
    df = pd.read_csv(out, sep="\t")
    assert set(df.method) == {"great_binomial", "great_hypergeometric"}
    # the headline counts what GREAT's default output (and the reports) keep: both tests pass
    both = df[df.padj < 0.05].groupby(["set_source", "set_id"]).method.nunique()
    assert f"{int((both == 2).sum()):,} significant by both tests (GREAT's default)" in said
    out2 = tmp_path / "g2.parquet"
    code, _, err = run_cli(
        ["enrich", "--regions", str(fg), "--background-regions", str(bg), "--genome", "hg19",
         "--out", str(out2)], capsys,
    )  # fmt: skip
    assert code == 0, err
    assert set(pd.read_parquet(out2).method) == {"great_regions_hypergeometric"}


@pytest.mark.parametrize(
    ("files", "extra", "message"),
    [
        ({"g.txt": "# only a comment\n"}, [], "g.txt: the gene list is empty"),
        ({"g.txt": "NOTAGENE1\nNOTAGENE2\n"}, [], "none of the 2 genes is in the universe"),
        ({"g.txt": "TP53\n", "s.gmt": "S\tdesc\n"}, ["--gmt", "s.gmt", "--no-go"],
         "s.gmt:1: GMT lines need"),
        ({"g.txt": "TP53\n"}, ["--genome", "mm10"], "no embedded gene sets for genome 'mm10'"),
        ({"g.txt": "TP53\n"}, ["--no-go"], "--no-go leaves no gene sets: give --gmt FILE"),
        ({"g.txt": "TP53\n"}, [], "g.txt (GO:BP): not tested: only 1 of the list's genes is "
         "in the universe (7157); ORA needs at least 3"),
    ],
)  # fmt: skip
def test_bad_input_one_line_nothing_written(tmp_path, capsys, monkeypatch, files, extra, message):
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    code, _, err = run_cli(["enrich", "--genes", "g.txt", "--out", "o.tsv", *extra], capsys)
    assert code == 1
    assert message in err and len(err.strip().splitlines()) == 1
    assert not list(tmp_path.glob("o.tsv*"))


def test_region_bed_error_names_file_and_line(tmp_path, capsys):
    bed = tmp_path / "r.bed"
    bed.write_text("chr1\t100\t200\nchr1\tabc\t300\n")
    code, _, err = run_cli(["enrich", "--regions", str(bed), "--out", str(tmp_path / "o.tsv")],
                           capsys)  # fmt: skip
    assert code == 1 and "r.bed: line 2" in err
    assert not (tmp_path / "o.tsv").exists()


def test_stored_comparison_run_and_notes(tmp_path, capsys):
    from chromdiff.warehouse.db import connect, writer
    from tests.test_enrichment_comparison import _rows
    from tests.warehouse_rows import add_comparison, add_regions

    dbp = tmp_path / "w.duckdb"
    with writer(dbp) as con:
        add_comparison(con, "c", genome="hg19")
        add_regions(con, "c", _rows("GSM1295077_CBX7_BF_ChipSeq_mergedReps_peaks.bed.gz", 2)[:300])
    code, out, err = run_cli(
        ["enrich", "--comparison", "c", "--db", str(dbp), "--background", "tested"], capsys
    )
    assert code == 0, err
    assert "note: GO:BP: no significant B-enriched regions" in out
    with connect(dbp, read_only=True) as con:
        methods = con.execute("select distinct method from enrichment_comparison").fetchall()
    assert methods == [("great_regions_hypergeometric",)]


def test_a_gmt_whose_sets_are_all_too_small_says_so(tmp_path, capsys, monkeypatch):
    """A GMT whose one set is below --min-size (10) answered only "no term with hits"."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "g.txt").write_text("TP53\nMDM2\nCDKN1A\n")
    (tmp_path / "s.gmt").write_text("P53_CORE\tdesc\tTP53\tMDM2\tCDKN1A\n")
    code, out, err = run_cli(["enrich", "--genes", "g.txt", "--gmt", "s.gmt", "--no-go",
                              "--out", "o.tsv"], capsys)  # fmt: skip
    assert code == 0, err
    assert "only gene sets of 10 to 500 genes (in the universe) are tested" in out
    code, out, err = run_cli(["enrich", "--genes", "g.txt", "--gmt", "s.gmt", "--no-go",
                              "--min-size", "2", "--out", "o2.tsv"], capsys)  # fmt: skip
    assert code == 0 and "P53_CORE" in (tmp_path / "o2.tsv").read_text()


def test_a_gmt_holding_none_of_the_genes_leaves_the_go_results(tmp_path, capsys, monkeypatch):
    """A GMT sharing no gene with the list aborted the run (GO's results lost), while one sharing
    one or two genes only got a note: both are noted now, GO is written."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "g.txt").write_text("TP53\nMDM2\nCDKN1A\nBAX\nGADD45A\n")
    (tmp_path / "s.gmt").write_text("GROWTH\tdesc\tEGFR\tKRAS\tMYC\tBRCA1\n")
    code, out, err = run_cli(["enrich", "--genes", "g.txt", "--gmt", "s.gmt", "--out", "o.tsv",
                              "--min-size", "2"], capsys)  # fmt: skip
    assert code == 0, err
    assert "none of the 5 genes is in the universe" in out
    df = pd.read_csv(tmp_path / "o.tsv", sep="\t")
    assert set(df.set_source) == {"GO:BP"} and len(df) > 100


def test_ensembl_ids_fail_with_the_mapping_notes_and_an_id_hint(tmp_path, capsys):
    """The real GSE37704 table's Ensembl IDs: the error said only "no universe gene is annotated
    in the gene sets"; the notes that show 0 of N found were dropped (printed on success only)."""
    d = pd.read_csv(REAL / "deseq2_GSE37704_hg38" / "deseq_results.csv.gz")
    ens = d.iloc[:, 0]
    up, univ = tmp_path / "up.txt", tmp_path / "univ.txt"
    up.write_text("\n".join(ens[(d.padj < 0.01) & (d.log2FoldChange > 1)]) + "\n")
    univ.write_text("\n".join(ens) + "\n")
    code, out, err = run_cli(["enrich", "--genes", str(up), "--universe", str(univ),
                              "--out", str(tmp_path / "o.tsv")], capsys)  # fmt: skip
    assert code == 1
    assert f"note: universe: 0 of {ens.nunique():,} genes found in embedded:hg38" in out
    assert (f"no universe gene is annotated in the gene sets: {ens.nunique():,} of "
            f"{ens.nunique():,} look like Ensembl gene IDs (e.g. {ens[0]})") in err  # fmt: skip
    assert "map them first" in err and len(err.strip().splitlines()) == 1
    code, _, err = run_cli(["enrich", "--genes", str(up), "--out", str(tmp_path / "o.tsv")],
                           capsys)  # fmt: skip
    assert code == 1 and "none of the" in err and "look like Ensembl gene IDs" in err
