"""``level="gene"`` takes one TSS per gene (docs/annotation.md), not one per locus row.

The embedded hg38 build lists SALL4 (Entrez 57167) at its gene span (TSS 0-based 51,802,519;
NCBI RefSeq NM_020436 ends at 51,802,521) and at two stray short rows ~100 kb downstream. A
region on the stray row at 51,913,221 is 110 kb from SALL4's TSS, so at the gene level, as at
the transcript level (refGene), its nearest TSS is another gene's.
"""

from __future__ import annotations

import pytest

from chromdiff.annotation import annotate_regions, ensure_annotation
from chromdiff.warehouse.db import apply_schema, connect


@pytest.mark.parametrize("level", ["gene", "transcript"])
def test_a_stray_locus_row_is_no_tss(level):
    with connect() as con:
        apply_schema(con)
        aid = ensure_annotation(con, genome="hg38")
        rows = con.execute(
            "select count(*) from ann_genes where annotation_id = ? and gene_id = '57167'", [aid]
        ).fetchone()[0]
        assert rows == 3  # the fault this guards against is still in the source
        con.execute("create table rr as select 0::bigint as region_key, 'chr20' as chrom,"
                    " 51913300::bigint as start, 51913400::bigint as stop")  # fmt: skip
        annotate_regions(con, "select * from rr", aid, "out", level=level)
        gene, tss, d = con.execute("select gene_id, tss, distance_to_tss from out").fetchone()
    assert gene != "57167" and abs(d) < 110_000 and tss != 51_913_244
