"""The embedded-annotation build: inputs checked against the manifest, deterministic output.

Runs the real build on ``tests/data/annotation_build`` (small cuts of the public inputs, see
``tests/data/README.md``), never on the full sources.
"""

from __future__ import annotations

import shutil
import sqlite3

import duckdb
import pytest

from chromdiff.annotation.build import build, main
from chromdiff.annotation.embedded import GENOMES
from chromdiff.annotation.sources import MANIFEST, load_manifest
from chromdiff.errors import InputError
from tests.realdata import DATA

CUT = DATA / "annotation_build"
CUT_MANIFEST = CUT / "SOURCES.json"


def test_build_is_byte_identical_twice(tmp_path):
    manifest = load_manifest(CUT_MANIFEST)
    a, b = tmp_path / "a", tmp_path / "b"
    counts = build(CUT, a, manifest=manifest)
    assert build(CUT, b, manifest=manifest) == counts
    files = sorted(p.name for p in a.iterdir())
    assert files == sorted(
        f"{g}_{t}.parquet" for g in GENOMES for t in ("genes", "transcripts", "exons")
    )
    for name in files:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_cut_build_splits_loci_and_picks_ncbi_gene_ids(tmp_path):
    build(CUT, tmp_path, manifest=load_manifest(CUT_MANIFEST))
    con = duckdb.connect()
    copies = con.execute(
        f"select count(*), max(stop - start) from '{tmp_path}/hg38_genes.parquet' "
        "where gene_id = '100126512'"
    ).fetchall()
    assert copies == [(6, 75)]
    # NM_015215 (CAMTA1) spans the exons of the symbol-less 100505935 too: NCBI says 23261
    ids = con.execute(
        f"select tx_id, gene_id from '{tmp_path}/hg19_transcripts.parquet' "
        "where tx_id in ('NM_015215', 'NM_016373') order by 1"
    ).fetchall()
    assert ids == [("NM_015215", "23261"), ("NM_016373", "51741")]
    # every gene org.Hs.eg.db names carries its symbol there (hg38 and hg19)
    org = sqlite3.connect(CUT / "org.Hs.eg.db/extdata/org.Hs.eg.sqlite")
    names = dict(org.execute("select gene_id, symbol from genes join gene_info using (_id)"))
    for g in ("hg38", "hg19"):
        rows = con.execute(
            f"select distinct gene_id, symbol from '{tmp_path}/{g}_genes.parquet'"
        ).fetchall()
        named = [(gid, sym) for gid, sym in rows if gid in names]
        assert named and all(sym == names[gid] for gid, sym in named)
    # mouse: symbols come from refGene only
    assert con.execute(
        f"select symbol from '{tmp_path}/mm10_genes.parquet' where gene_id = '22059'"
    ).fetchall() == [("Trp53",)]


@pytest.fixture(scope="module")
def cut_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("cut")
    counts = build(CUT, out, manifest=load_manifest(CUT_MANIFEST))
    con = duckdb.connect()
    for g in GENOMES:
        for t in ("genes", "transcripts", "exons"):
            con.execute(f"create view {g}_{t} as select * from '{out}/{g}_{t}.parquet'")
    return con, counts


def test_cut_build_leaves_out_microrna_split_alignments(cut_build):
    """refGene NR_106755 is MIR548AZ (a ~70-nt microRNA) aligned over 508 kb of chr14; it took
    ESR2's gene and moved its TSS from 64,805,268 (every ESR2 NM_, 1-based) to 64,927,439."""
    con, _ = cut_build
    assert con.execute("select * from hg19_transcripts where tx_id = 'NR_106755'").fetchall() == []
    assert con.execute("select tss from hg19_genes where gene_id = '2100'").fetchall() == [
        (64_805_267,)
    ]


def test_cut_build_clips_a_split_alignment_to_its_genes_exons(cut_build):
    """NBPF8 (Entrez 728841): NCBI's exons span 144,146,787-144,224,264 (1-based); refGene's
    NM_001278267 ran on to 146,467,744 over 21 multi-exon genes of 1q21."""
    con, counts = cut_build
    assert con.execute(
        "select start + 1, stop from hg19_transcripts where tx_id = 'NM_001278267'"
    ).fetchall() == [(144_146_811, 144_224_264)]
    assert con.execute(
        "select start + 1, stop from hg19_genes where gene_id = '728841'"
    ).fetchall() == [(144_146_787, 144_224_264)]
    assert counts["hg19"]["spans_clipped"] >= 1


def test_cut_build_replaces_an_exon_longer_than_its_transcripts(cut_build):
    """Rsubread's 99,903-bp hg19 exon of MIR1184-1 becomes its refGene span (NR_036049:
    154,115,635-154,115,733, 99 nt as in the hg38 Rsubread table)."""
    con, counts = cut_build
    assert con.execute(
        "select start + 1, stop, strand from hg19_exons where gene_id = '100302111'"
    ).fetchall() == [(154_115_635, 154_115_733, "-")]
    assert counts["hg19"]["exons_replaced"] == 1


@pytest.mark.parametrize(
    ("g", "gene_id", "start1", "end", "strand"),
    # rCRS (NC_012920): MT-ND1 3,307-4,262 +, MT-ND6 14,149-14,673 -; mouse mt-Nd1 2,751-3,707 +
    [("hg38", "4535", 3_307, 4_262, "+"), ("hg19", "4541", 14_149, 14_673, "-"),
     ("mm10", "17716", 2_751, 3_707, "+")],
)  # fmt: skip
def test_cut_build_gives_each_mitochondrial_gene_one_transcript(cut_build, g, gene_id, start1,
                                                                end, strand):  # fmt: skip
    con, counts = cut_build
    assert con.execute(
        f"select tx_id, start + 1, stop, strand from {g}_transcripts where gene_id = ?", [gene_id]
    ).fetchall() == [(f"GeneID:{gene_id}", start1, end, strand)]
    genes, txs = con.execute(
        f"""select count(distinct g.gene_id), count(distinct t.gene_id) from {g}_genes g
        left join {g}_transcripts t using (gene_id, chrom) where g.chrom = 'chrM'"""
    ).fetchone()
    assert genes == txs == counts[g]["mito_transcripts"] > 0


def test_a_changed_input_is_refused(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(CUT, src)
    path = src / "BETA/references/hg19.refseq"
    path.write_text(path.read_text().replace("CAMTA1", "CAMTA2", 1))
    with pytest.raises(InputError, match=r"hg19\.refseq: sha256 .* differs"):
        build(src, tmp_path / "out", manifest=load_manifest(CUT_MANIFEST))
    assert not (tmp_path / "out").exists()


def test_missing_sources_one_clear_error(tmp_path, capsys):
    rc = main(["--sources", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")])
    assert rc == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "annotation sources directory not found" in err[0]


def test_manifest_names_every_input_with_source_version_and_sha256():
    files = load_manifest(MANIFEST)["files"]
    expected = {f"Rsubread/annot/{g}_RefSeq_exon.txt" for g in GENOMES}
    expected |= {f"BETA/references/{g}.refseq" for g in GENOMES}
    expected |= {"org.Hs.eg.db/extdata/org.Hs.eg.sqlite"}
    assert set(files) == expected
    for entry in files.values():
        assert entry["source"] and entry["version"] and len(entry["sha256"]) == 64
    # the test cut is a cut of exactly these inputs
    assert set(load_manifest(CUT_MANIFEST)["files"]) == expected
