"""Query plans: nearest uses ASOF joins, overlaps use hash joins on (chrom, bin), never a
nested-loop / cross product (checked with EXPLAIN on every statement the engine runs)."""

from __future__ import annotations

import re

import duckdb

from chromdiff.annotation import annotate_regions, ensure_annotation
from chromdiff.warehouse.db import apply_schema


class Recorder:
    """Pass-through connection that records every statement."""

    def __init__(self, con):
        self.con, self.plans = con, {}

    def execute(self, sql, *args):
        m = re.match(r"\s*create or replace (?:temp )?table (\w+) as(.*)", sql, re.S)
        if m and " join " in m.group(2):
            plan = self.con.execute("explain " + m.group(2), *args).fetchall()[0][1]
            self.plans[m.group(1)] = plan
        return self.con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.con, name)


def test_plans_use_asof_and_hash_joins():
    con = duckdb.connect()
    apply_schema(con)
    aid = ensure_annotation(con, "hg38")
    con.execute(
        "create table rr as select i as region_key, 'chr' || (1 + i % 22) as chrom, "
        "(i * 7919 % 100000000)::bigint as start, (i * 7919 % 100000000 + 500)::bigint as stop "
        "from range(5000) t(i)"
    )
    rec = Recorder(con)
    annotate_regions(rec, "select * from rr", aid, "out")
    plans = rec.plans
    # one ASOF join on the packed (chromosome, TSS) key gives both candidates
    assert plans["_cd_near"].upper().count("ASOF JOIN") == 1
    # ignore_overlap searches the next TSS from the stop: two ASOF joins on (cid, tss)
    rec_io = Recorder(con)
    annotate_regions(rec_io, "select * from rr", aid, "out_io", ignore_overlap=True)
    assert rec_io.plans["_cd_near"].upper().count("ASOF JOIN") == 2
    plans.update({f"{k} (ignore_overlap)": v for k, v in rec_io.plans.items()})
    for name in ("_cd_exon", "_cd_intron", "out"):
        text = plans[name].upper()
        assert "HASH JOIN" in text or "HASH_JOIN" in text, name
    for name, text in plans.items():
        up = text.upper()
        assert "NESTED_LOOP" not in up and "NESTED LOOP" not in up and "CROSS_PRODUCT" not in up, (
            name
        )
