"""greatpy (PyPI 0.0.1) as an independent implementation of GREAT's tests on the same domains.

Input: real ChIP-seq peaks (ChIPseeker's GEO samples, hg19) on chr21 and chr22 as 1-bp regions
at their midpoints (greatpy counts a region inside a domain, chromdiff its midpoint: identical
for 1-bp regions), and the embedded hg19 genes with a GO BP annotation. greatpy is given
chromdiff's own clipped domains, the same chromosome sizes and the same gene sets.

Documented differences, checked here: greatpy's genome fraction is the *sum* of the term's
domain lengths, chromdiff's (GREAT's) the *union* (overlapping extensions counted once), so the
binomial p-values agree only where the term's domains do not overlap; greatpy's binomial uses a
continued-fraction incomplete beta with eps 3e-7 (agreement to 1e-5 relative, not 1e-12);
greatpy's ``binom_fold_enrichment`` is ``k / p``, n times GREAT's observed/expected fold.
"""

from __future__ import annotations

import gzip

import duckdb
import numpy as np
import pandas as pd
import pytest

from chromdiff.annotation import ensure_annotation
from chromdiff.enrichment.go import load_go_sets
from chromdiff.enrichment.great import great
from chromdiff.regions.chromsizes import chrom_sizes
from chromdiff.warehouse.db import apply_schema
from tests.realdata import REAL

greatpy = pytest.importorskip("greatpy")
CHROMS = ("chr21", "chr22")


def _peaks() -> pd.DataFrame:
    rows = []
    for f in sorted((REAL / "chipseeker_geo_peaks_hg19").glob("GSM*.bed.gz")):
        with gzip.open(f, "rt") as fh:
            for line in fh:
                c, s, e = line.split("\t")[:3]
                if c in CHROMS:
                    mid = (int(s) + int(e)) // 2
                    rows.append((c, mid, mid + 1))
    df = pd.DataFrame(sorted(set(rows)), columns=["chrom", "start", "stop"])
    df.insert(0, "region_key", range(1, len(df) + 1))
    return df


@pytest.mark.slow
def test_great_equals_greatpy_on_the_same_domains():
    con = duckdb.connect()
    apply_schema(con)
    aid = ensure_annotation(con, genome="hg19")
    sizes = {c: s for c, s in chrom_sizes("hg19").items() if c in CHROMS}
    load_go_sets(con, "BP", "go_all")
    con.execute(
        f"""create temp table go as select * from go_all where gene_id in
            (select gene_id from ann_genes where annotation_id = '{aid}'
             and chrom in {CHROMS})"""
    )
    peaks = _peaks()
    assert len(peaks) > 40
    con.register("peaks_df", peaks)
    con.execute("create table peaks as select * from peaks_df")
    ours = great(con, "select * from peaks", aid, "go", sizes, min_size=1)
    dom = con.execute(
        """select d.chrom as chr, d.start as chr_start, d.stop as chr_end, d.gene_id as name,
                  0 as tss, '+' as strand
           from _cd_dom d semi join go using (gene_id) order by chr, chr_start, name"""
    ).df()
    ann = con.execute(
        "select set_id as id, any_value(set_name) as name, 'BP' as ontology, gene_id as symbol "
        "from go semi join _cd_dom using (gene_id) group by set_id, gene_id"
    ).df()
    size = pd.DataFrame({"chrom": list(sizes), "size": list(sizes.values())})
    test = peaks[["chrom", "start", "stop"]].rename(
        columns={"chrom": "chr", "start": "chr_start", "stop": "chr_end"}
    )
    ref = greatpy.tl.enrichment(test, dom, size, ann, binom=True, hypergeom=True)
    ref = ref.drop(columns=["go_term"]).astype(float)
    b = ours[ours.method == "great_binomial"].set_index("set_id")
    h = ours[ours.method == "great_hypergeometric"].set_index("set_id")
    common = sorted(set(ref.index) & set(b.index))
    assert len(common) > 100 and set(ref.index) <= set(b.index)
    # Gene hypergeometric: the same N, K, n, k, so the same p-value and fold.
    np.testing.assert_allclose(
        h.loc[common, "pvalue"], ref.loc[common, "hypergeom_p_value"], rtol=1e-9
    )
    np.testing.assert_allclose(
        h.loc[common, "fold"], ref.loc[common, "hypergeometric_fold_enrichment"], rtol=1e-9
    )
    # Binomial: equal where the union of the term's domains equals the sum of their lengths.
    dom["len"] = dom.chr_end - dom.chr_start
    summed = ann.merge(dom, left_on="symbol", right_on="name").groupby("id")["len"].sum()
    genome = sum(sizes.values())
    union = b.loc[common, "genome_fraction"] * genome
    disjoint = [t for t in common if abs(union[t] - summed[t]) < 0.5]
    assert len(disjoint) > 50
    np.testing.assert_allclose(
        b.loc[disjoint, "pvalue"], ref.loc[disjoint, "binom_p_value"], rtol=1e-5
    )
    # greatpy's "binom_fold_enrichment" is k / p; GREAT's fold is k / (n p) (observed/expected).
    np.testing.assert_allclose(
        b.loc[disjoint, "fold"] * b.loc[disjoint, "n_query"],
        ref.loc[disjoint, "binom_fold_enrichment"],
        rtol=1e-9,
    )
    overlapping = [t for t in common if t not in set(disjoint)]
    # Where domains overlap greatpy's fraction (sum of lengths) is larger: its fold is smaller.
    assert overlapping
    assert all(
        ref.loc[t, "binom_fold_enrichment"] < b.loc[t, "fold"] * b.loc[t, "n_query"]
        for t in overlapping
    )
