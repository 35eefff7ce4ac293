"""GREAT basal-plus-extension domains of a bidirectional gene pair (hand-worked from rGREAT).

rGREAT ``extendTSS`` (jokergoo/rGREAT f5c3ad1, R/extend.R:586-626) sorts the basal domains by
position and extends each one to the end of the basal domain before it and the start of the one
after it (no extension where they overlap), by at most 1 Mb. chromdiff's basal domain is
[TSS - 5000, TSS + 1000] inclusive for +, [TSS - 1000, TSS + 5000] for - (0-based half-open:
``[bs, be)``, be = last base + 1).

chr1: gC + TSS 50,000 -> basal [45,000, 51,001); gA - TSS 100,000 -> [99,000, 105,001);
gB + TSS 100,500 -> [95,500, 101,501); gF + TSS 250,000 -> [245,000, 251,001).
In basal order gC, gB, gA, gF (gB's basal domain starts left of gA's although its TSS is to the
right):
gC [0, 95,500); gB [51,001, 101,501) (overlaps gA's basal domain: no right extension);
gA [99,000, 245,000) (no left extension); gF [105,001, 1,251,001).
"""

from __future__ import annotations

import duckdb

from chromdiff.annotation import link_great
from chromdiff.warehouse.db import apply_schema

GENES = [("gC", "+", 50_000), ("gA", "-", 100_000), ("gB", "+", 100_500), ("gF", "+", 250_000)]


def test_bidirectional_pair_domains_follow_the_basal_order():
    con = duckdb.connect()
    apply_schema(con)
    for gid, strand, tss in GENES:
        con.execute("insert into ann_genes values ('bi', ?, ?, 'chr1', ?, ?, ?, ?)",
                    [gid, gid, tss - 10, tss + 10, strand, tss])  # fmt: skip
        con.execute("insert into ann_transcripts values ('bi', ?, ?, ?, 'chr1', ?, ?, ?)",
                    ["t" + gid, gid, gid, tss - 10, tss + 10, strand])  # fmt: skip
        con.execute("insert into ann_exons values ('bi', ?, 'chr1', ?, ?, ?)",
                    [gid, tss - 10, tss + 10, strand])  # fmt: skip
    con.execute("create table rr as select * from (values (1, 'chr1', 70000, 70010),"
                " (2, 'chr1', 150000, 150010)) t(region_key, chrom, start, stop)")  # fmt: skip
    link_great(con, "select * from rr", "bi", "g")
    dom = con.execute("select gene_id, start, stop from _cd_great order by start").fetchall()
    assert dom == [("gC", 0, 95_500), ("gB", 51_001, 101_501), ("gA", 99_000, 245_000),
                   ("gF", 105_001, 1_251_001)]  # fmt: skip
    links = con.execute("select region_key, gene_id from g order by 1, 2").fetchall()
    # midpoint 70,005: gC and gB (not gA); midpoint 150,005: gA and gF (not gB)
    assert links == [(1, "gB"), (1, "gC"), (2, "gA"), (2, "gF")]
