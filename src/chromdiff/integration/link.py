"""Annotate an integration's peaks and link them to genes (nearest, within distance, GREAT, BETA).

* ``int_peak_annotation``: ChIPseeker-like feature and nearest gene of every peak
  (:func:`chromdiff.annotation.annotate_regions`).
* ``int_links``: the peak–gene links of the integration's rule: ``nearest`` (the annotation's
  nearest gene, ChIPseeker's ``distanceToTSS``), ``distance`` (every gene whose TSS lies within
  ``max_distance``) or ``great`` (GREAT basal-plus-extension domains).
* ``int_rp_links``: BETA's links, every gene TSS within 100 kb of a peak **centre**
  (``distance`` = |centre − TSS|; one TSS per gene and chromosome, the longest locus's:
  :func:`chromdiff.annotation.genesql.gene_tss_sql`), over the peaks that count as bound: the
  significant peaks when the peak side has fold changes and p-values (a non-finite log2FC is
  never significant), otherwise all peaks; at most the 10,000 best (BETA's ``--pn``), by padj
  then score.
"""

from __future__ import annotations

import logging

import duckdb

from chromdiff.annotation import annotate_regions, link_great, link_within_distance
from chromdiff.annotation.genesql import gene_tss_sql
from chromdiff.annotation.staging import stage_regions
from chromdiff.integration.params import stored_integration
from chromdiff.integration.validate import finite_sql
from chromdiff.warehouse.db import transaction

#: BETA's window (bp) and its default number of peaks.
BETA_WINDOW = 100_000
BETA_TOP_PEAKS = 10_000


logger = logging.getLogger(__name__)


def _bound_peaks_sql(s: dict, iid: str) -> str:
    """Return SQL selecting the peaks BETA counts as bound (see the module docstring)."""
    return f"""select peak_id from int_peaks where integration_id = '{iid}' and (
            not exists (select 1 from int_peaks where integration_id = '{iid}'
                        and logfc is not null and padj is not null)
            or ({finite_sql("logfc")} and abs(logfc) > {float(s["atac_lfc"])}
                and padj < {float(s["atac_padj"])}))
        order by padj nulls last, score desc nulls last, peak_id limit {BETA_TOP_PEAKS}"""


def _rp_links(con: duckdb.DuckDBPyConnection, s: dict, iid: str) -> None:
    stage_regions(
        con,
        f"select peak_id as region_key, chrom, start, stop from int_peaks "
        f"where integration_id = '{iid}' and peak_id in ({_bound_peaks_sql(s, iid)})",
        s["annotation_id"],
    )
    w = BETA_WINDOW
    con.execute(
        f"""create or replace temp table _int_rp as
        with r as (select region_key as peak_id, chrom, (start + stop) // 2 as c,
                          unnest([(start + stop) // 2 // {w} - 1, (start + stop) // 2 // {w},
                                  (start + stop) // 2 // {w} + 1]) as bin from _cd_r),
        g as (select gene_id, chrom, tss, tss // {w} as bin from ({gene_tss_sql("?")})
              where gene_id is not null)
        select peak_id, gene_id, min(abs(c - tss)) as distance
        from r join g using (chrom, bin) where abs(c - tss) <= {w}
        group by peak_id, gene_id""",
        [s["annotation_id"]],
    )


def _coverage_notes(
    con: duckdb.DuckDBPyConnection, integration_id: str, rule: str
) -> list[tuple[str, int, str | None, str]]:
    """Count the peaks that reach no pair of ``integration_pairs`` (kind, n, example, message).

    ``no_gene_link``: the link rule gives the peak no gene (nearest: its nearest transcript has
    no gene ID, e.g. a transcript the annotation gives no Entrez gene; within a distance / GREAT:
    no gene in reach; peaks on chromosomes the annotation lacks have their own note);
    ``gene_not_measured``: every gene it links to is missing from the DE table (not measured,
    e.g. a microRNA on an array). The usual merge drops both silently; here they are counted.
    """
    nolink, nolink_ex, unmeasured, unmeasured_ex = con.execute(
        """with p as (select peak_id, chrom, start, stop from int_peaks
                      where integration_id = $iid),
        a as (select region_key from _int_ann where not (feature is null and gene_id is null)),
        l as (select distinct region_key, gene_id, symbol from _int_links),
        measured as (select distinct l.region_key from l join int_genes g
                     on g.integration_id = $iid and g.gene_id = l.gene_id),
        nolink as (select p.* from p semi join a on a.region_key = p.peak_id
                   anti join l on l.region_key = p.peak_id),
        unmeasured as (select p.*, l.symbol, l.gene_id from p join l on l.region_key = p.peak_id
                       anti join measured m on m.region_key = p.peak_id)
        select (select count(*) from nolink),
               (select arg_min(chrom || ':' || (start + 1) || '-' || stop, peak_id) from nolink),
               (select count(distinct peak_id) from unmeasured),
               (select arg_min(chrom || ':' || (start + 1) || '-' || stop || ' -> '
                               || coalesce(symbol, gene_id), peak_id) from unmeasured)""",
        {"iid": integration_id},
    ).fetchall()[0]
    why = {
        "nearest": "their nearest transcript has no gene ID in the annotation",
        "distance": "no gene TSS lies within the link distance",
        "great": "no gene's GREAT regulatory domain covers them",
    }.get(rule, "the link rule gives them no gene")
    notes = []
    if nolink:
        notes.append(
            (
                "no_gene_link",
                nolink,
                nolink_ex,
                f"{nolink} peaks link to no gene ({why}): they are in no pair",
            )
        )
    if unmeasured:
        notes.append(
            (
                "gene_not_measured",
                unmeasured,
                unmeasured_ex,
                f"{unmeasured} peaks link only to genes absent from the DE table (not measured "
                f"there, e.g. {unmeasured_ex}): they are in no pair",
            )
        )
    return notes


def link_peaks(con: duckdb.DuckDBPyConnection, integration_id: str) -> dict:
    """Fill ``int_peak_annotation``, ``int_links`` and ``int_rp_links`` of one integration.

    Returns
    -------
    dict
        Row counts, ``unmatched_chrom`` (peaks on chromosomes the annotation lacks) and
        ``notes`` (the peaks that reach no pair, see :func:`_coverage_notes`).
    """
    s = stored_integration(con, integration_id)
    iid = integration_id.replace("'", "''")
    regions = (
        f"select peak_id as region_key, chrom, start, stop from int_peaks "
        f"where integration_id = '{iid}'"
    )
    ann = s["annotation_id"]
    annotate_regions(con, regions, ann, "_int_ann")
    rule = s["link_rule"]
    if rule == "nearest":
        con.execute(
            """create or replace temp table _int_links as select region_key, gene_id, symbol,
               distance_to_tss as distance from _int_ann where gene_id is not null"""
        )
    elif rule == "distance":
        link_within_distance(con, regions, ann, "_int_links", int(s["max_distance"]))
    else:
        link_great(con, regions, ann, "_int_links")
    _rp_links(con, s, iid)
    # peaks on chromosomes without transcripts that the rule links to no gene either (GREAT and
    # the distance rule read gene loci, which chrM has: those peaks are linked, not counted here)
    unmatched, example = con.execute(
        "select count(*), min(chrom) from _int_ann a where feature is null and gene_id is null "
        "and not exists (select 1 from _int_links l where l.region_key = a.region_key)"
    ).fetchall()[0]
    note = None
    if unmatched:
        note = (
            f"{unmatched} peaks lie on chromosomes that {ann} does not annotate (e.g. "
            f"{example}; check chr1 vs 1 naming or the genome build): they link to no gene"
        )
        logger.warning("%s", note)
    notes = _coverage_notes(con, integration_id, rule)
    with transaction(con):
        for t in ("int_peak_annotation", "int_links", "int_rp_links"):
            con.execute(f"delete from {t} where integration_id = ?", [integration_id])
        con.execute(
            "delete from int_input_notes where integration_id = ? and kind in "
            "('unannotated_chrom', 'no_gene_link', 'gene_not_measured')",
            [integration_id],
        )
        for kind, n, example, message in notes:
            con.execute(
                "insert into int_input_notes values (?, 'peaks', ?, ?, ?, ?)",
                [integration_id, kind, n, example, message],
            )
        if note is not None:  # in the report's input notes, not only in the log
            con.execute(
                "insert into int_input_notes values (?, 'peaks', 'unannotated_chrom', ?, ?, ?)",
                [integration_id, unmatched, example, note],
            )
        con.execute(
            """insert into int_peak_annotation (integration_id, peak_id, feature, annotation,
                   gene_id, symbol, gene_strand, tss, distance_to_tss, genic_gene_id,
                   genic_symbol)
               select ?, region_key, feature, annotation, gene_id, symbol, gene_strand, tss,
                   distance_to_tss, genic_gene_id, genic_symbol from _int_ann""",
            [integration_id],
        )
        con.execute(
            "insert into int_links select ?, region_key, gene_id, symbol, distance, ? "
            "from _int_links",
            [integration_id, rule],
        )
        con.execute(
            "insert into int_rp_links select ?, peak_id, gene_id, distance from _int_rp",
            [integration_id],
        )
        con.execute(
            "update integrations set status = 'linked', updated_at = current_timestamp "
            "where integration_id = ?",
            [integration_id],
        )
    out = {
        "annotated": con.execute("select count(*) from _int_ann").fetchall()[0][0],
        "links": con.execute("select count(*) from _int_links").fetchall()[0][0],
        "rp_links": con.execute("select count(*) from _int_rp").fetchall()[0][0],
        "unmatched_chrom": unmatched,
        "notes": [f"peaks: {n[3]}" for n in notes],
    }
    for t in ("_int_ann", "_int_links", "_int_rp", "_cd_r"):
        con.execute(f"drop table if exists {t}")
    return out
