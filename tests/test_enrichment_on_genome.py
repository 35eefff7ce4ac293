"""``enrich --regions`` / ``--genes``: names matched to the genome, strays counted, not lost.

The oracle is the same real file spelled the other way: a peak file with Ensembl chromosome
names (``1``, ``X``) must give exactly the rows of the UCSC-named file (it ran GREAT on the one
``chr1`` line of a mixed file and said nothing). A region past its chromosome's end (hg38 chr21
is 46,709,983 bp, UCSC chromInfo) is not on the assembly and must not be counted as a hit.
"""

from __future__ import annotations

import gzip

import duckdb
import pandas as pd
import pytest

from chromdiff.enrichment.adhoc import enrich_genes, enrich_regions
from chromdiff.errors import InputError
from chromdiff.warehouse.db import apply_schema
from tests.realdata import REAL

AR = REAL / "beta_AR_LNCaP_hg19" / "3656_peaks.bed.gz"


def _bed(tmp_path, name: str, rename=lambda c: c, extra: str = "", n: int = 1500) -> str:
    lines = gzip.open(AR, "rt").read().splitlines()[:n]
    out = []
    for line in lines:
        chrom, rest = line.split("\t", 1)
        out.append(f"{rename(chrom)}\t{rest}")
    path = tmp_path / name
    path.write_text("\n".join(out) + "\n" + extra)
    return str(path)


def _run(path: str, genome: str = "hg19"):
    con = duckdb.connect()
    apply_schema(con)
    notes: list[str] = []
    df = enrich_regions(con, path, genome=genome, notes=notes)
    return df.sort_values(["method", "set_id"], ignore_index=True), notes


def test_ensembl_and_mixed_names_give_the_ucsc_files_rows(tmp_path):
    ucsc, notes = _run(_bed(tmp_path, "ucsc.bed"))
    assert notes == [] and len(ucsc) > 100
    ens, notes = _run(_bed(tmp_path, "ens.bed", lambda c: c.removeprefix("chr")))
    assert notes == [] and ens.equals(ucsc)
    # one file with both spellings, plus lines off the assembled chromosomes
    mixed = _bed(tmp_path, "mixed.bed", lambda c: c.removeprefix("chr") if c < "chr5" else c,
                 extra="chrM\t100\t200\tm\t1\nchr1_gl000191_random\t10\t20\tr\t1\n")  # fmt: skip
    got, notes = _run(mixed)
    assert got.equals(ucsc)
    assert notes == [
        "2 of 1,502 regions are not on hg19's assembled chromosomes (chr1_gl000191_random, chrM) "
        "and are left out"
    ]


def test_regions_past_a_chromosome_end_are_left_out_and_counted(tmp_path):
    base = "chr1\t1000000\t1001000\tok\t1\nchr1\t20000000\t20001000\tok2\t1\n"
    fine = tmp_path / "fine.bed"
    fine.write_text(base)
    past = tmp_path / "past.bed"
    # chr21 of hg38 ends at 46,709,983: a region beyond it lies in no gene's domain
    past.write_text(base + "chr21\t47000000\t47001000\tpast\t1\n")
    want, _ = _run(str(fine), "hg38")
    got, notes = _run(str(past), "hg38")
    assert got.equals(want)
    assert notes == [
        "1 of 3 regions run past the end of their chromosome in hg38, e.g. "
        "chr21:47000001-47001000 (chr21 is 46709983 bp): are they from another assembly? "
        "They are left out"
    ]
    only = tmp_path / "only.bed"
    only.write_text("chr21\t47000000\t47001000\tpast\t1\n")
    with pytest.raises(InputError, match=r"only\.bed: no region left to test: 1 of 1 regions"):
        _run(str(only), "hg38")


def test_gene_list_maps_each_entry_and_says_how_many_were_found(tmp_path):
    """A list of Entrez IDs with some symbols: each entry is mapped on its own (the symbols
    were dropped when most entries were IDs) and the note counts what was not found."""
    genes = tmp_path / "genes.txt"
    genes.write_text("7157\n1956\n4609\nGAPDH\nbrca1\nSEPT2\n")  # SEPT2: now SEPTIN2
    con = duckdb.connect()
    apply_schema(con)
    notes: list[str] = []
    df = enrich_genes(con, genes, notes=notes)
    assert notes == [
        "genes: 5 of 6 genes found in embedded:hg38 (3 by gene ID, 2 by symbol); "
        "not found, so in no gene set: SEPT2"
    ]
    assert set(df["n_query"]) == {5}


def test_a_region_listed_twice_counts_once_in_both_modes(tmp_path):
    """300 CBX7 peaks given twice were 600 draws of GREAT's binomial (p 5e-135 instead of
    1.9e-68, no note) while the background mode merged them. Oracle: the file without repeats,
    n = its distinct (chrom, start, end) counted here, and scipy's binomial tail for a term."""
    from scipy.stats import binom

    src = REAL / "chipseeker_geo_peaks_hg19" / "GSM1295077_CBX7_BF_ChipSeq_mergedReps_peaks.bed.gz"
    lines = gzip.open(src, "rt").read().splitlines()
    once, twice, bg = tmp_path / "once.bed", tmp_path / "twice.bed", tmp_path / "bg.bed"
    once.write_text("\n".join(lines[:300]) + "\n")
    twice.write_text("\n".join(lines[:300] * 2) + "\n")
    bg.write_text("\n".join(lines + lines[:50]) + "\n")
    distinct = len({tuple(ln.split("\t")[:3]) for ln in lines[:300]})
    want, notes = _run(str(once))
    assert notes == []
    got, notes = _run(str(twice))
    assert notes == [
        f"regions: {600 - distinct:,} of 600 regions repeat another region's chrom, start and "
        f"end and are merged: {distinct:,} distinct regions counted"
    ]
    pd.testing.assert_frame_equal(got, want)
    b = got[got.method == "great_binomial"].iloc[0]
    assert b.n_query == distinct
    assert b.pvalue == pytest.approx(binom.sf(b.k - 1, distinct, b.genome_fraction), rel=1e-9)
    # against background regions: the same file, merged the same way, and said so
    con = duckdb.connect()
    apply_schema(con)
    notes = []
    r = enrich_regions(con, str(twice), background_file=str(bg), genome="hg19", notes=notes)
    assert set(r.n_query) == {distinct}
    assert notes[0].startswith(f"regions: {600 - distinct:,} of 600 regions repeat")
    assert notes[1].startswith("background: 50 of ")


def test_an_id_missing_from_the_build_but_in_go_is_not_said_to_be_in_no_gene_set(tmp_path):
    """hg19's build lacks 526 Entrez IDs that GO annotates (e.g. 102724560): kept as given,
    such an ID is counted, yet the note said "not found, so in no gene set"."""
    from chromdiff.annotation.embedded import DATA_DIR

    go = DATA_DIR.parent / "enrichment" / "go_hs_direct.parquet"
    in_go = duckdb.sql(f"select count(*) from '{go}' where gene_id::varchar = '102724560' "
                       "and ontology = 'BP'").fetchall()[0][0]  # fmt: skip
    in_hg19 = duckdb.sql(f"select count(*) from '{DATA_DIR}/hg19_genes.parquet' "
                         "where gene_id = '102724560'").fetchall()[0][0]  # fmt: skip
    assert in_go > 0 and in_hg19 == 0
    genes = tmp_path / "genes.txt"
    genes.write_text("7157\n1956\n4609\n102724560\nNOTAGENE1\n")
    con = duckdb.connect()
    apply_schema(con)
    notes: list[str] = []
    df = enrich_genes(con, genes, genome="hg19", notes=notes)
    assert notes == [
        "genes: 3 of 5 genes found in embedded:hg19 (3 by gene ID, 0 by symbol); not found, so "
        "in no gene set: NOTAGENE1; not in embedded:hg19 but kept as given, as a gene set lists "
        "that ID: 102724560"
    ]
    assert set(df["n_query"]) == {4}  # 7157, 1956, 4609 and 102724560
    assert df["genes"].str.contains("102724560").any()
