"""Nearest TSS: the one-ASOF path on packed keys equals the two-ASOF path, edge cases included.

The two-ASOF path (``ignore_overlap`` and builds whose TSSs do not fit the packed key) is the
original engine, checked against bedtools and hand-built cases elsewhere; here the packed path is
compared with it on the embedded hg38 build (regions before the first / after the last TSS of a
chromosome, on a TSS, beyond the packable range, on unknown chromosomes), and a build that cannot
be packed (negative and huge TSS) is checked by hand.
"""

from __future__ import annotations

import itertools

import duckdb
import pytest

from chromdiff.annotation import annotate_regions, ensure_annotation
from chromdiff.annotation.cache import SPAN, derived_tables
from chromdiff.annotation.links import link_nearest, nearest_links_sql
from chromdiff.annotation.nearest import build_nearest, nearest_tss
from chromdiff.annotation.staging import drop_scratch, stage_regions
from chromdiff.errors import InputError
from chromdiff.warehouse.db import apply_schema
from tests.logcheck import logs_warning


@pytest.fixture(scope="module")
def hg38():
    con = duckdb.connect()
    apply_schema(con)
    aid = ensure_annotation(con, "hg38")
    # random regions plus regions around every chromosome's first and last TSS
    con.execute(
        f"""create table rr as
        with e as (select chrom, min(case when strand = '-' then stop - 1 else start end) as a,
                          max(case when strand = '-' then stop - 1 else start end) as b
                   from ann_transcripts where annotation_id = '{aid}' group by chrom),
        x as (select e.chrom, greatest(0, t.t + o.o) as start, w.w
              from e, (values (-5000), (-1), (0), (1), (5000), (100000000)) o(o),
                   (values (1), (2), (1000)) w(w), lateral (select unnest([e.a, e.b]) as t) t
              union all select 'chr1', {SPAN} + 5, 10
              union all select 'chr2', {SPAN} - 2, 10
              union all select 'chrUnknown', 10, 20
              union all select 'chr' || (1 + i % 22), (i * 7919 * 104729) % 250000000, 700
              from range(3000) r(i))
        select row_number() over (order by chrom, start, w) as region_key, chrom, start,
               start + w as stop from x"""
    )
    return con, aid


def _near(con, aid, tables, **opts):
    stage_regions(con, "select * from rr", aid, tables=tables)
    build_nearest(con, aid, opts.pop("level", "transcript"), tables=tables, **opts)
    rows = con.execute(
        "select region_key, orig_chrom, r_start, r_stop, tid, tss, tss_minus, distance_to_tss"
        " from _cd_near order by region_key"
    ).fetchall()
    drop_scratch(con, tables, ("r", "near"))
    return rows


@pytest.mark.parametrize(
    ("level", "up", "down"), list(itertools.product(["transcript", "gene"], [0, 1], [0, 1]))
)
def test_packed_equals_two_asof_path(hg38, level, up, down, caplog):
    con, aid = hg38
    tables = derived_tables(con, aid)
    assert tables["tss_keys"] is not None  # hg38 fits the packed key
    opts = {"level": level, "ignore_upstream": bool(up), "ignore_downstream": bool(down)}
    with logs_warning(caplog, "no annotation"):
        packed = _near(con, aid, tables, **opts)
    with logs_warning(caplog, "no annotation"):
        general = _near(con, aid, {**tables, "tss_keys": None}, **opts)
    assert packed == general
    assert sum(r[-1] is None for r in packed) >= 1  # the unknown chromosome
    beyond = [r for r in packed if r[2] >= SPAN - 2]
    # past every TSS: the chromosome's last one (none when only downstream ones count)
    assert len(beyond) == 2 and all((r[-1] is None) == (up and not down) for r in beyond)


def test_unpackable_build_uses_two_asof_path():
    """A TSS below 0 or at / above SPAN - 1 (hand-made rows) disables packed keys."""
    con = duckdb.connect()
    apply_schema(con)
    con.execute(
        f"""insert into ann_transcripts values
        ('odd', 'TA', 'GA', 'A', 'chr1', 1000, 2000, '+'),
        ('odd', 'TB', 'GB', 'B', 'chr1', {SPAN + 100}, {SPAN + 200}, '+');
        insert into ann_genes values ('odd', 'GN', 'N', 'chr1', -10, 500, '-', -7);
        create table rr as select * from (values (1, 'chr1', 100, 200),
            (2, 'chr1', 5000, 5100), (3, 'chr1', {SPAN + 150}, {SPAN + 160}),
            (4, 'chr1', {SPAN + 300}, {SPAN + 301})) t(region_key, chrom, start, stop)"""
    )
    assert derived_tables(con, "odd")["tss_keys"] is None
    annotate_regions(con, "select * from rr", "odd", "out")
    got = con.execute("select region_key, tx_id, distance_to_tss from out order by 1").fetchall()
    # region 1: first TSS after it is TA's (1000): E - T = 200 - 1001; the others follow one
    assert got == [(1, "TA", -801), (2, "TA", 4000), (3, "TB", 50), (4, "TB", 200)]
    annotate_regions(con, "select * from rr", "odd", "out", level="gene")
    got = con.execute("select region_key, gene_id, distance_to_tss from out order by 1").fetchall()
    # the only gene TSS is at -7 on the minus strand: d = -(S - T) = -(s + 7)
    assert got == [
        (1, "GN", -107),
        (2, "GN", -5007),
        (3, "GN", -(SPAN + 157)),
        (4, "GN", -(SPAN + 307)),
    ]


def test_builds_get_their_own_kid(hg38):
    """A second registered build gets another bid; each call sees only its own TSSs."""
    con, aid = hg38
    other = "test:other"
    con.execute(
        f"""insert into annotation_sources (annotation_id, kind, source)
            values ('{other}', 'gtf', 'hand');
        insert into ann_transcripts values
            ('{other}', 'TX', 'GX', 'X', 'chr1', 1000000, 1005000, '+')"""
    )
    try:
        t_hg38, t_other = derived_tables(con, aid), derived_tables(con, other)
        assert t_hg38["bid"] != t_other["bid"]
        annotate_regions(con, "select * from rr where chrom = 'chr1'", other, "out")
        assert {r[0] for r in con.execute("select distinct tx_id from out").fetchall()} == {"TX"}
        annotate_regions(con, "select * from rr where chrom = 'chr1'", aid, "out")
        assert con.execute("select count(*) from out where tx_id = 'TX'").fetchall() == [(0,)]
    finally:
        con.execute(
            f"""delete from annotation_sources where annotation_id = '{other}';
            delete from ann_transcripts where annotation_id = '{other}'"""
        )


def _fused(con, aid, sql, **opts):
    nearest_tss(con, sql, aid, **opts)
    rows = con.execute(
        "select region_key, orig_chrom, r_start, r_stop, tid, tss, tss_minus, distance_to_tss"
        " from _cd_near order by region_key"
    ).fetchall()
    con.execute("drop table _cd_near")
    return rows


@pytest.mark.parametrize("opts", [{}, {"level": "gene"}, {"ignore_overlap": True}])
def test_nearest_tss_equals_staged_path(hg38, opts, caplog):
    """nearest_tss (regions checked on its own result) = stage_regions + build_nearest."""
    con, aid = hg38
    with logs_warning(caplog, "no annotation"):
        staged = _near(con, aid, derived_tables(con, aid), **dict(opts))
    with logs_warning(caplog, "1 of .* no annotation"):
        assert _fused(con, aid, "select * from rr", **opts) == staged
    assert not con.execute("select * from duckdb_tables() where table_name = '_cd_r'").fetchall()


def test_nearest_tss_renamed_chromosomes_fall_back(hg38, caplog):
    """Regions spelled '1', 'X' (Ensembl) are renamed and searched again: same TSSs, one warning."""
    con, aid = hg38
    with logs_warning(caplog, "no annotation", count=0):
        ucsc = _fused(con, aid, "select * from rr where chrom in ('chr1', 'chrX')")
        ens = _fused(con, aid, "select region_key, substr(chrom, 4) as chrom, start, stop "
                               "from rr where chrom in ('chr1', 'chrX')")  # fmt: skip
    assert [r[1] for r in ens] == [r[1][3:] for r in ucsc]  # orig_chrom: the input's spelling
    assert [r[:1] + r[2:] for r in ens] == [r[:1] + r[2:] for r in ucsc]
    with logs_warning(caplog, "^1 of .* no annotation"):
        _fused(con, aid, "select region_key, substr(chrom, 4) as chrom, start, stop from rr "
                         "where chrom in ('chr1', 'chrUnknown')")  # fmt: skip


@pytest.mark.parametrize(
    ("sql", "match"),
    [
        ("select 1 as region_key, 'chr1' as chrom, 5 as start, 5 as stop", "0 <= start < stop"),
        (
            "select 1 as region_key, 'chr1' as chrom, unnest([5, 9]) as start, 20 as stop",
            "not unique",
        ),
    ],
)
def test_nearest_tss_bad_regions(hg38, sql, match):
    con, aid = hg38
    with pytest.raises(InputError, match=match):
        nearest_tss(con, sql, aid)
    assert not con.execute("select * from duckdb_tables() where table_name = '_cd_near'").fetchall()


@pytest.mark.parametrize("strip", [False, True])
@pytest.mark.parametrize("chroms", ["'chr1', 'chrX'", "'chr1', 'chrUnknown'"])
def test_nearest_links_from_counted_regions(hg38, caplog, strip, chroms):
    """``nearest_links_sql`` given the reader's chromosome counts (the CLI's one-statement path,
    or a staged search when names need renaming) = the link table of the staged path."""
    con, aid = hg38
    chrom = "substr(chrom, 4)" if strip else "chrom"
    con.execute(
        f"create or replace temp table rc as select region_key, {chrom} as chrom, start, stop "
        f"from rr where chrom in ({chroms})"
    )
    counts = dict(con.execute("select chrom, count(*) from rc group by chrom").fetchall())
    src = "select region_key, chrom, start, stop from rc"
    with logs_warning(caplog, "^1 of .* no annotation", count=int("Unknown" in chroms)):
        sql = nearest_links_sql(con, src, aid, checked=True, counts=counts)
        got = con.execute(sql).fetchall()
    con.execute("drop table if exists _cd_near")
    link_nearest(con, src, aid, "temp.want")
    assert got == con.execute("select * from want order by region_key").fetchall()
    assert len(got) > 100  # rows only where a TSS was found
