"""Nearest TSS and ChIPseeker's ``distanceToTSS``, set-wise with DuckDB ASOF joins.

Mapping of BED half-open ``[s, e)`` to ChIPseeker's 1-based closed ``[S, E] = [s + 1, e]`` and a
TSS at 0-based base ``t`` (``T = t + 1``):

* the region contains the TSS ⇔ ``S ≤ T ≤ E`` ⇔ ``s ≤ t < e`` → distance 0;
* nearest TSS before the region (``follow``): max ``t < s``, ``d = σ·(S − T) = σ·(s − t)``;
* nearest TSS after it (``precede``): min ``t ≥ e``, ``d = σ·(E − T) = σ·(e − t − 1)``;

with σ = +1 for a ``+`` feature, −1 for ``−``. The candidate with the smaller ``|d|`` wins; a tie
goes to the one before. Several features sharing one TSS base: the smallest ``tx_id`` is kept.
"""

from __future__ import annotations

import duckdb


def build_tss(con: duckdb.DuckDBPyConnection, annotation_id: str, level: str) -> None:
    """Create temp table ``_cd_tss``: one row per (chrom, tss) with the feature kept for it."""
    if level == "transcript":
        src = """select tx_id, gene_id, symbol, chrom, start, stop, strand,
                        case when strand = '-' then stop - 1 else start end as tss
                 from ann_transcripts where annotation_id = $aid"""
    elif level == "gene":
        src = """select null::varchar as tx_id, gene_id, symbol, chrom, start, stop, strand, tss
                 from ann_genes where annotation_id = $aid"""
    else:
        raise ValueError(f"level must be 'transcript' or 'gene', not {level!r}")
    con.execute(
        f"""create or replace temp table _cd_tss as
        select chrom, tss, f.tx_id, f.gene_id, f.symbol, f.strand, f.start, f.stop from (
            select chrom, tss, arg_min(struct_pack(tx_id, gene_id, symbol, strand, start, stop),
                                       [coalesce(tx_id, ''), coalesce(gene_id, '')]) as f
            from ({src}) group by chrom, tss) order by chrom, tss""",
        {"aid": annotation_id},
    )


def build_nearest(
    con: duckdb.DuckDBPyConnection,
    *,
    ignore_upstream: bool = False,
    ignore_downstream: bool = False,
    ignore_overlap: bool = False,
) -> None:
    """Create temp table ``_cd_near`` from ``_cd_r`` and ``_cd_tss`` (one row per region).

    Columns: region_key, tx_id, gene_id, symbol, gene_strand, gene_start, gene_stop, tss,
    distance_to_tss (NULL when the chromosome has no TSS).
    """
    # The first TSS at or after the region start is either inside the region (contained) or,
    # when it is at or after the stop, exactly the nearest TSS after the region.
    sig = "case when {a}.strand = '-' then -1 else 1 end"
    d_up = f"{sig.format(a='u')} * (r.start - u.tss)"
    d_dn = f"{sig.format(a='o')} * (r.stop - o.tss - 1)"
    contained = "false" if ignore_overlap else "o.tss < r.stop"
    if ignore_downstream:
        pick = "u.tss is not null"
    elif ignore_upstream:
        pick = "false"
    else:
        pick = f"u.tss is not null and (o.tss is null or abs({d_up}) <= abs({d_dn}))"
    cols = ("tx_id", "gene_id", "symbol", "strand", "start", "stop", "tss")
    names = dict(
        zip(
            cols,
            ("tx_id", "gene_id", "symbol", "gene_strand", "gene_start", "gene_stop", "tss"),
            strict=True,
        )
    )
    if ignore_overlap:  # the ASOF must then skip TSSs inside the region: search from the stop
        o_on = "r.stop <= o.tss"
    else:
        o_on = "r.start <= o.tss"
    sel = ",\n".join(
        f"case when {contained} then o.{c} when {pick} then u.{c} else o.{c} end as {names[c]}"
        for c in cols
    )
    con.execute(
        f"""create or replace temp table _cd_near as
        select r.region_key, r.orig_chrom, r.start as r_start, r.stop as r_stop, {sel},
            case when {contained} then 0 when {pick} then {d_up} else {d_dn} end
                as distance_to_tss
        from _cd_r r
        asof left join _cd_tss u on r.chrom = u.chrom and r.start > u.tss
        asof left join _cd_tss o on r.chrom = o.chrom and {o_on}"""
    )
