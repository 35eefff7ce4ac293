"""Reconcile DE gene identifiers with the annotation (symbol ↔ Ensembl ↔ Entrez ↔ RefSeq).

Each DE row is matched to an annotation ``gene_id`` by the first rule that finds one:

1. ``gene_id``: the row's ID equals an annotation gene_id, Ensembl version suffixes dropped on
   both sides (Entrez for the embedded builds, Ensembl/GENCODE IDs for a user GTF);
2. ``entrez``: the row's Entrez column equals an annotation gene_id;
3. ``refseq``: the row's ID, without a microarray ``_at`` or a ``.N`` version, is a transcript
   of the annotation (RefSeq NM_/NR_ for the embedded builds, ENST for a GTF);
4. ``symbol``: the row's symbol column, or else its ID, equals an annotation symbol
   (case-insensitive; a symbol shared by several genes maps to the smallest gene_id).

Rows that map to the same gene are de-duplicated: the row with the smallest padj is kept (then
one with a finite log2FC, then the largest |log2FC|, then the first line).
"""

from __future__ import annotations

import duckdb

from chromdiff.integration.validate import finite_sql, strip_ensembl_version

RULES = ("gene_id", "entrez", "refseq", "symbol")


def resolve_genes(con: duckdb.DuckDBPyConnection, annotation_id: str) -> dict[str, int]:
    """Resolve temp table ``_int_rna`` into ``_int_rna_resolved`` (one row per gene kept).

    Returns
    -------
    dict
        Counts: ``rows``, ``kept``, ``duplicates`` (rows dropped), ``unmatched`` and one entry per
        matching rule.
    """
    con.execute(
        f"""create or replace temp table _int_g as
        select gene_id, min(symbol) as symbol, {strip_ensembl_version("gene_id")} as gid
        from ann_genes where annotation_id = $1 and gene_id is not null group by gene_id""",
        [annotation_id],
    )
    con.execute(
        """create or replace temp table _int_gs as
        select upper(symbol) as usym, min(gene_id) as gene_id from ann_genes
        where annotation_id = $1 and symbol is not null and gene_id is not null group by usym""",
        [annotation_id],
    )
    con.execute(
        """create or replace temp table _int_tx as
        select regexp_replace(t.tx_id, '\\.[0-9]+$', '') as tx, min(coalesce(t.gene_id, s.gene_id))
               as gene_id
        from ann_transcripts t left join _int_gs s on s.usym = upper(t.symbol)
        where t.annotation_id = $1 and t.tx_id is not null group by tx""",
        [annotation_id],
    )
    con.execute(
        f"""create or replace temp table _int_rna_resolved as
        with cand as (
            select r.row_id, g.gene_id, 1 as pri, 'gene_id' as via
            from _int_rna r join _int_g g on g.gid = r.id_norm
            union all
            select r.row_id, g.gene_id, 2, 'entrez'
            from _int_rna r join _int_g g on g.gene_id = r.entrez
            union all
            select r.row_id, t.gene_id, 3, 'refseq' from _int_rna r
            join _int_tx t on t.tx = regexp_replace(r.id_norm, '(_at|\\.[0-9]+)$', '')
            where t.gene_id is not null
            union all
            select r.row_id, s.gene_id, 4, 'symbol' from _int_rna r
            join _int_gs s on s.usym = upper(coalesce(r.symbol, r.id_norm))
        ),
        best as (
            select row_id, first(gene_id order by pri, gene_id) as gene_id,
                   first(via order by pri, gene_id) as match_via
            from cand group by row_id
        ),
        j as (
            select r.*, b.gene_id, g.symbol as gene_symbol, b.match_via
            from _int_rna r left join best b using (row_id) left join _int_g g using (gene_id)
        )
        select * exclude (_rank) from (
            select *, row_number() over (
                partition by coalesce(gene_id, 'unmatched:' || id_norm)
                order by padj asc nulls last, {finite_sql("logfc")} desc nulls last,
                         abs(logfc) desc nulls last, source_line) as _rank
            from j)
        where _rank = 1"""
    )
    rows = con.execute("select count(*) from _int_rna").fetchall()[0][0]
    kept, unmatched = con.execute(
        "select count(*), count(*) filter (where gene_id is null) from _int_rna_resolved"
    ).fetchall()[0]
    counts = {"rows": rows, "kept": kept, "duplicates": rows - kept, "unmatched": unmatched}
    for via, n in con.execute(
        "select match_via, count(*) from _int_rna_resolved where match_via is not null group by 1"
    ).fetchall():
        counts[via] = n
    for t in ("_int_g", "_int_gs", "_int_tx"):
        con.execute(f"drop table if exists {t}")
    return counts
