"""Reconcile DE gene identifiers with the annotation (symbol ↔ Ensembl ↔ Entrez ↔ RefSeq).

Each DE row is matched to an annotation ``gene_id`` by the first rule that finds one:

1. ``gene_id``: the row's ID equals an annotation gene_id, Ensembl version suffixes dropped on
   both sides (Entrez for the embedded builds, Ensembl/GENCODE IDs for a user GTF);
2. ``entrez``: the row's Entrez column equals an annotation gene_id;
3. ``refseq``: the row's ID, without a microarray ``_at`` or a ``.N`` version, is a transcript
   of the annotation (RefSeq NM_/NR_ for the embedded builds, ENST for a GTF);
4. ``symbol``: the row's symbol column, or else its ID, equals an annotation symbol
   (case-insensitive; a symbol shared by several genes maps to the numerically smallest
   gene_id, the longest-standing Entrez ID, and is counted as ``ambiguous_symbol``); a chrM
   gene also answers to its HGNC symbol (NCBI's ND1, COX1 are MT-ND1, MT-CO1: ``HGNC_MITO``).

Rule 1 is tried first only while the ID column names the same genes as the table's own Entrez or
symbol column: when the genes its values match agree with the genes those columns match on
fewer than half of the rows where both match (an array's numeric feature or probe number that
happens to be an Entrez ID, e.g. GEO2R's ``ID`` beside ``Gene.symbol``), the ID column is not
used as gene IDs (counted as ``id_not_gene``) and the rows are matched by the other columns.

Rows that map to the same gene are de-duplicated: the row with the smallest padj is kept (then
one with a finite log2FC, then the largest |log2FC|, then the first line).
"""

from __future__ import annotations

import duckdb

from chromdiff.annotation.genesql import GENE_ID_ORDER
from chromdiff.integration.validate import finite_sql, strip_ensembl_version

RULES = ("gene_id", "entrez", "refseq", "symbol", "ambiguous_symbol")

#: NCBI (org.Hs.eg.db, so the embedded human builds) names the mitochondrial genes ND1, COX1,
#: CYTB, TRNF, ...; HGNC, GENCODE and Ensembl tables say MT-ND1, MT-CO1, MT-CYB, MT-TF. A chrM
#: gene also answers to its HGNC symbol (org.Hs.eg.db lists them, unhyphenated, as aliases:
#: MTND1, MTCO1, MTCYB; tests/test_integration_id_columns.py checks every chrM gene).
HGNC_MITO = """'MT-' || case when upper(symbol) like 'TRN%' then 'T' || substr(upper(symbol), 4)
                     when upper(symbol) like 'COX%' then 'CO' || substr(upper(symbol), 4)
                     when upper(symbol) = 'CYTB' then 'CYB' else upper(symbol) end"""


def _id_column_names_genes(con: duckdb.DuckDBPyConnection) -> tuple[bool, int, int]:
    """Whether rule 1 may use the ID column: (ok, rows compared, rows agreeing).

    Compared are the rows whose ID matches an annotation gene_id and whose Entrez or symbol
    column matches a gene too; they agree when one of those genes is the ID's. No such rows:
    ok.
    """
    n, agree = con.execute(
        """with idm as (select r.row_id, g.gene_id from _int_rna r
                        join _int_g g on g.gid = r.id_norm),
        other as (select r.row_id, g.gene_id from _int_rna r
                  join _int_g g on g.gene_id = r.entrez
                  union all
                  select r.row_id, s.gene_id from _int_rna r
                  join _int_gs s on s.usym = upper(r.symbol)),
        per_row as (select i.row_id, bool_or(i.gene_id = o.gene_id) as same
                    from idm i join other o using (row_id) group by i.row_id)
        select count(*), count(*) filter (where same) from per_row"""
    ).fetchall()[0]
    return not n or 2 * agree >= n, n, agree


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
        f"""create or replace temp table _int_gs as
        with named as (
            select symbol, gene_id from ann_genes
            where annotation_id = $1 and symbol is not null and gene_id is not null
            union all
            select {HGNC_MITO}, gene_id from ann_genes
            where annotation_id = $1 and symbol is not null and gene_id is not null
              and chrom in ('chrM', 'chrMT', 'MT', 'M') and upper(symbol) not like 'MT-%')
        select upper(symbol) as usym, arg_min(gene_id, {GENE_ID_ORDER}) as gene_id,
               count(distinct gene_id) > 1 as ambiguous
        from named group by usym""",
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
    id_ok, id_checked, id_agree = _id_column_names_genes(con)
    con.execute(
        f"""create or replace temp table _int_rna_resolved as
        with cand as (
            select r.row_id, g.gene_id, 1 as pri, 'gene_id' as via
            from _int_rna r join _int_g g on g.gid = r.id_norm
            where {str(id_ok).lower()}
            union all
            select r.row_id, g.gene_id, 2, 'entrez'
            from _int_rna r join _int_g g on g.gene_id = r.entrez
            union all
            select r.row_id, t.gene_id, 3, 'refseq' from _int_rna r
            join _int_tx t on t.tx = regexp_replace(r.id_norm, '(_at|\\.[0-9]+)$', '')
            where t.gene_id is not null
            union all
            select r.row_id, s.gene_id, 4,
                   case when s.ambiguous then 'ambiguous_symbol' else 'symbol' end
            from _int_rna r
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
    if not id_ok:
        counts["id_not_gene"] = id_checked
        counts["id_agree"] = id_agree
    for t in ("_int_g", "_int_gs", "_int_tx"):
        con.execute(f"drop table if exists {t}")
    return counts


def id_column_note(info, counts: dict[str, int]) -> tuple:
    """Input note (``int_input_notes`` row) saying the ID column was not used as gene IDs.

    ``info``: the DE table's :class:`~chromdiff.integration.readers.TableInfo`; ``counts``:
    :func:`resolve_genes`' counts with ``id_not_gene``.
    """
    cols = info.columns
    other = " / ".join(f"column {cols[k]}" for k in ("entrez", "symbol") if cols.get(k))
    n, agree = counts["id_not_gene"], counts["id_agree"]
    return (
        "rna",
        "id_not_gene",
        n,
        None,
        f"column {cols.get('gene')}: its values match gene IDs, but those genes agree with "
        f"{other or 'the other ID columns'} on only {agree} of {n} rows, so it is not read as "
        "gene IDs (genes matched by the other columns)",
    )
