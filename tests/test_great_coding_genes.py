"""GREAT's regulatory domains come from protein-coding genes only (GREAT, rGREAT).

rGREAT (jokergoo/rGREAT f5c3ad1, R/extend.R:155 and :343) keeps org.*.eg.db GENETYPE
"protein-coding" genes before ``extendTSS``; GREAT v4's hg38 gene list has no PVT1, CASC11 or
MIR1204. chromdiff gave every gene a domain: the antisense lncRNA CASC11 (TSS 1.5 kb upstream of
MYC) blocked MYC's extension (250 kb instead of 1.32 Mb), and a region 64 kb downstream of MYC
linked to PVT1 / MIR1204, never MYC.

Oracle (independent of chromdiff's coding rule): which genes code is read from org.Hs.eg.db 3.16
GENETYPE (``tests/data/enrichment/orgHsEgDb_3.16_hg38_myc_sox2_gene_types.tsv``); the TSS of
each gene is the annotation's input locus (its longest ``ann_genes`` row on the chromosome);
McLean et al. 2010 basal-plus-extension (basal 5 kb up / 1 kb down, inclusive, extended to the
neighbouring basal domain, at most 1 Mb) is computed here in Python.

Hand-worked (hg38, 0-based; domains half-open ``[start, stop)``):

* MYC + TSS 127,736,068: basal [127,731,068, 127,737,069). Left, the nearest protein-coding
  gene is POU5F1B (+ TSS 127,415,611, basal ends at 127,416,612); between them only ncRNAs
  (CASC8, CASC11). Right, the next one is GSDMC (- TSS 129,786,887, basal from 129,785,887),
  2.05 Mb away: the full 1 Mb. MYC = [127,416,612, 128,737,069), 1,320,457 bp.
* SOX2 + TSS 181,711,923: basal [181,706,923, 181,712,924). Left: DNAJC19 (- TSS 180,989,773,
  basal ends at 180,994,774); right: ATP11B (+ TSS 182,793,502, basal from 182,788,502),
  1.08 Mb away: the full 1 Mb. SOX2 = [180,994,774, 182,712,924), 1,718,150 bp.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from chromdiff.annotation import ensure_annotation, link_great
from chromdiff.annotation.links import great_domains
from chromdiff.warehouse.db import apply_schema
from tests.logcheck import logs_warning
from tests.realdata import ANNOTATION

DATA = Path(__file__).parent / "data"
ORG = DATA / "enrichment" / "orgHsEgDb_3.16_hg38_myc_sox2_gene_types.tsv"

MYC, SOX2 = "4609", "6657"
#: Non-coding genes around MYC and SOX2 (org.Hs.eg.db GENETYPE ncRNA): PVT1, CASC11, MIR1204,
#: CCAT1, LINC01206, SOX2-OT.
NON_CODING = {"5820", "100270680", "100302185", "100507056", "100996490", "347689"}


@pytest.fixture(scope="module")
def hg38():
    con = duckdb.connect()
    aid = ensure_annotation(con, genome="hg38")
    great_domains(con, aid)
    return con, aid


def _domain(con, gene_id):
    return con.execute(
        "select start, stop from _cd_great where gene_id = ? and chrom in ('chr3', 'chr8')",
        [gene_id],
    ).fetchall()


def _oracle_domain(con, aid, gene_id, chrom):
    """McLean et al. basal-plus-extension of one gene, from org.Hs.eg.db's coding genes."""
    org = pd.read_csv(ORG, sep="\t", dtype={"entrez": str})
    coding = set(org.entrez[org.gene_type == "protein-coding"])
    loci = con.execute(
        "select gene_id, strand, tss, stop - start as len from ann_genes "
        "where annotation_id = ? and chrom = ?",
        [aid, chrom],
    ).df()
    tss0 = loci.tss[loci.gene_id == gene_id].iloc[0]
    near = loci[(loci.tss - tss0).abs() < 1_100_000]
    assert set(near.gene_id) <= set(org.entrez)  # the fixture covers the neighbourhood
    genes = (
        near[near.gene_id.isin(coding)]
        .sort_values(["gene_id", "len", "tss"], ascending=[True, False, True])
        .drop_duplicates("gene_id")
    )
    basal = []
    for g in genes.itertuples():
        up, down = (5000, 1000) if g.strand == "+" else (1000, 5000)
        basal.append((max(g.tss - up, 0), g.tss + down + 1, g.gene_id))
    basal.sort()
    i = [b[2] for b in basal].index(gene_id)
    bs, be, _ = basal[i]
    left = basal[i - 1][1] if i > 0 else None
    right = basal[i + 1][0] if i + 1 < len(basal) else None
    start = bs - min(max(bs - left, 0), 1_000_000) if left is not None else bs - 1_000_000
    stop = be + min(max(right - be, 0), 1_000_000) if right is not None else be + 1_000_000
    return start, stop


def test_myc_and_sox2_domains_extend_past_non_coding_neighbours(hg38):
    con, aid = hg38
    assert _domain(con, MYC) == [(127_416_612, 128_737_069)]  # was (127_487_139, 127_737_069)
    assert _domain(con, SOX2) == [(180_994_774, 182_712_924)]  # was 0.50 Mb
    assert _domain(con, MYC) == [_oracle_domain(con, aid, MYC, "chr8")]
    assert _domain(con, SOX2) == [_oracle_domain(con, aid, SOX2, "chr3")]


def test_non_coding_genes_get_no_domain(hg38):
    con, _ = hg38
    got = {r[0] for r in con.execute("select gene_id from _cd_great").fetchall()}
    assert not got & NON_CODING
    org = pd.read_csv(ORG, sep="\t", dtype={"entrez": str})
    near = got & set(org.entrez)
    assert near == set(org.entrez[org.gene_type == "protein-coding"]) & got
    assert {MYC, SOX2} <= near


def test_region_downstream_of_myc_links_to_myc(hg38):
    con, aid = hg38
    con.execute(
        "create or replace table rr as select 1 as region_key, 'chr8' as chrom, "
        "127800000 as start, 127800500 as stop"
    )
    link_great(con, "select * from rr", aid, "out", domains_ready=True)
    # midpoint 127,800,250 = MYC's TSS + 64,182 (downstream of a + gene)
    assert con.execute("select gene_id, symbol, distance from out").fetchall() == [
        (MYC, "MYC", 64_182)
    ]


def _gtf_genes(path: Path) -> dict[str, tuple[str | None, bool]]:
    """gene_id -> (gene_type or gene_biotype of its gene row, whether it has CDS rows)."""
    out: dict[str, list] = {}
    with gzip.open(path, "rt") if path.suffix == ".gz" else open(path) as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            f = line.rstrip("\n").split("\t")
            gid = re.search(r'gene_id "([^"]*)"', f[8]).group(1)
            typ = re.search(r'gene_(?:bio)?type "([^"]*)"', f[8])
            rec = out.setdefault(gid, [None, False])
            if f[2] == "gene" and typ:
                rec[0] = typ.group(1)
            rec[1] = rec[1] or f[2] == "CDS"
    return {k: (v[0], v[1]) for k, v in out.items()}


def _great_gene_ids(con, aid) -> set[str]:
    great_domains(con, aid)
    return {r[0] for r in con.execute("select distinct gene_id from _cd_great").fetchall()}


def _check_gtf_build(path: Path, coding: set[str], basis: str) -> None:
    """Load ``path``: its recorded coding genes and its genes with a GREAT domain are ``coding``."""
    con = duckdb.connect()
    aid = ensure_annotation(con, gtf=path)
    stored = con.execute(
        "select gene_id, basis from ann_coding_genes where annotation_id = ?", [aid]
    ).fetchall()
    assert {g for g, _ in stored} == coding and {b for _, b in stored} == {basis}
    assert _great_gene_ids(con, aid) == coding


@pytest.mark.parametrize(
    "name", ["pyranges_gencode_v29_chr1_subset.gtf.gz", "pyranges_ensembl_human_subset.gtf.gz"]
)
def test_gtf_gene_type_attribute_decides(name):
    """GENCODE's gene_type, Ensembl's gene_biotype: protein_coding genes only."""
    path = ANNOTATION / name
    genes = _gtf_genes(path)
    coding = {g for g, (t, _) in genes.items() if t == "protein_coding"}
    assert 10 < len(coding) < len(genes)
    _check_gtf_build(path, coding, "gene_type")


def _rewrite(src: Path, dst: Path, *, drop_type: bool, drop_cds: bool) -> None:
    with gzip.open(src, "rt") as fh, open(dst, "w") as out:
        for line in fh:
            f = line.split("\t")
            if drop_cds and len(f) > 2 and f[2] in ("CDS", "start_codon", "stop_codon"):
                continue
            if drop_type:
                line = re.sub(r'\s*gene_(?:bio)?type "[^"]*";', "", line)
            out.write(line)


def test_gtf_without_biotypes_uses_cds_rows(tmp_path):
    """A GTF without gene_type / gene_biotype (UCSC-like): genes with a CDS row code."""
    path = tmp_path / "no_types.gtf"
    _rewrite(ANNOTATION / "pyranges_gencode_v29_chr1_subset.gtf.gz", path,
             drop_type=True, drop_cds=False)  # fmt: skip
    genes = _gtf_genes(path)
    with_cds = {g for g, (t, cds) in genes.items() if cds}
    assert all(t is None for t, _ in genes.values()) and 10 < len(with_cds) < len(genes)
    _check_gtf_build(path, with_cds, "CDS")


def test_gtf_with_neither_falls_back_to_all_genes_with_a_warning(tmp_path, caplog):
    path = tmp_path / "bare.gtf"
    _rewrite(ANNOTATION / "pyranges_gencode_v29_chr1_subset.gtf.gz", path,
             drop_type=True, drop_cds=True)  # fmt: skip
    genes = _gtf_genes(path)
    con = duckdb.connect()
    aid = ensure_annotation(con, gtf=path)
    with logs_warning(caplog, "marks no gene as protein-coding.*all its 119 genes"):
        got = _great_gene_ids(con, aid)
    assert got == set(genes) and len(got) == 119


def test_hand_made_nm_and_nr_transcripts():
    """An unregistered build (rows inserted by hand) follows the embedded rule: NM_ codes."""
    con = duckdb.connect()
    apply_schema(con)
    # g1 + TSS 100,000 (NM_), g2 + TSS 300,000 (NR_ only), g3 + TSS 600,000 (NM_ and NR_)
    for gid, tss, tx in (("g1", 100_000, ["NM_1"]), ("g2", 300_000, ["NR_2"]),
                         ("g3", 600_000, ["NR_3", "NM_3"])):  # fmt: skip
        con.execute("insert into ann_genes values ('h', ?, ?, 'chr1', ?, ?, '+', ?)",
                    [gid, gid, tss, tss + 100, tss])  # fmt: skip
        for t in tx:
            con.execute("insert into ann_transcripts values ('h', ?, ?, ?, 'chr1', ?, ?, '+')",
                        [t, gid, gid, tss, tss + 100])  # fmt: skip
    great_domains(con, "h")
    dom = con.execute("select gene_id, start, stop from _cd_great order by 1").fetchall()
    # g1 basal [95,000, 101,001), g3 basal [595,000, 601,001): they extend to each other
    assert dom == [("g1", 0, 595_000), ("g3", 101_001, 1_601_001)]
