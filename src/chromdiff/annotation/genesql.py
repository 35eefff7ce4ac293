"""SQL shared by the annotation loaders, the derived tables and the link tables.

* :func:`merge_intervals_sql`: intervals merged where they overlap or touch, per group.
* :func:`gene_tss_sql`: one TSS per gene and chromosome, the gene's longest locus's.
* :func:`coding_genes_sql`: the protein-coding genes of a build (GREAT's regulatory domains).
"""

from __future__ import annotations


def merge_intervals_sql(
    source: str, keys: str, carry: tuple[str, ...] = (), *, touching: bool = True
) -> str:
    """Return SQL merging the overlapping or touching intervals of ``source`` per ``keys``.

    ``source`` (a table or parenthesised query) has the ``keys`` columns (comma-separated),
    ``start`` and ``stop`` (half-open); the result has ``keys, start, stop`` and, for each
    column of ``carry``, one of its values over the merged interval (``any_value``).
    ``touching=False`` merges only intervals that overlap (IRanges ``reduce(min.gapwidth=0)``):
    ``[1, 5)`` and ``[5, 8)`` stay two.
    """
    new_group = "start > prev_max" if touching else "start >= prev_max"
    extra = "".join(f", {c}" for c in carry)
    return f"""
    with d as (  -- _i: one order for both windows (rows tied on start, stop differ in carry)
        select *, row_number() over (partition by {keys} order by start, stop) as _i
        from (select distinct {keys}, start, stop{extra} from {source})),
    s as (
        select *, max(stop) over (partition by {keys} order by _i
                    rows between unbounded preceding and 1 preceding) as prev_max from d),
    g as (
        select *, sum(case when prev_max is null or {new_group} then 1 else 0 end)
                  over (partition by {keys} order by _i rows unbounded preceding) as grp from s)
    select {keys}, min(start) as start, max(stop) as stop{
        "".join(f", any_value({c}) as {c}" for c in carry)
    }
    from g group by {keys}, grp"""


def gene_tss_sql(annotation_id: str) -> str:
    """Return SQL: one row per gene and chromosome of ``ann_genes``, its longest locus's.

    ``annotation_id``: an SQL literal or a ``?`` parameter. Columns ``gene_id, chrom, symbol,
    strand, tss, start, stop``. A gene listed at several loci of a chromosome (the embedded
    builds keep stray copies of a few exons as loci of their own) takes its longest locus, ties
    to the smaller TSS.
    """
    return f"""select gene_id, chrom, g.symbol, g.strand, g.tss, g.start, g.stop
        from (select gene_id, chrom,
                     arg_max(struct_pack(symbol, strand, tss, start, stop),
                             [stop - start, -tss]) as g
              from ann_genes where annotation_id = {annotation_id} group by gene_id, chrom)"""


#: Symbols of the 13 protein-coding genes of the mitochondrial genome (NCBI Gene: ND1-6, ND4L,
#: COX1-3, ATP6, ATP8, CYTB; mouse mt-Nd1 ... mt-Cytb; HGNC MT-ND1 ... MT-CYB, MT-CO1 ...).
MITO_CODING = r"(?i)^(mt-)?(nd[1-6]|nd4l|co[1-3]|cox[1-3]|atp[68]|cytb|cyb)$"


def coding_genes_sql(annotation_id: str) -> str:
    """Return SQL: the ``gene_id`` of every protein-coding gene of a build, once each.

    GREAT and rGREAT give regulatory domains to protein-coding genes only (rGREAT
    jokergoo/rGREAT@f5c3ad1 ``R/extend.R``:155 and :343 keep org.*.eg.db GENETYPE
    ``"protein-coding"``; GREAT v4's hg38 gene list has 18,777 genes, none of them PVT1, CASC11
    or a microRNA). ``annotation_id``: an SQL literal or a ``$n`` parameter (it is used several
    times). What says a gene codes for a protein:

    * a GTF build (``annotation_sources.kind = 'gtf'``): the rows ``gtf.load_gtf`` wrote to
      ``ann_coding_genes`` (gene_type / gene_biotype attribute ``protein_coding``, else a
      transcript with ``CDS`` rows); a GTF with neither has none;
    * any other build (the embedded ones): a RefSeq mRNA (``NM_``) among its transcripts; ``NR_``
      accessions are non-coding RNAs (NCBI RefSeq accession prefixes). The 13 protein-coding
      genes of the mitochondrial genome have no NM_ accession (refGene has no chrM transcript):
      a chrM gene named as one of them (:data:`MITO_CODING`) codes too. On the embedded hg38
      this agrees with org.Hs.eg.db 3.16 GENETYPE for 98.5% of the genes both list
      (see ``docs/enrichment.md``).

    An empty result means the build does not say which genes code: callers fall back to all
    genes (:func:`chromdiff.annotation.links.great_domains`).
    """
    return f"""select gene_id from ann_coding_genes where annotation_id = {annotation_id}
        union
        select gene_id from ann_transcripts
        where annotation_id = {annotation_id} and gene_id is not null
          and starts_with(tx_id, 'NM_')
          and not exists (select 1 from annotation_sources
                          where annotation_id = {annotation_id} and kind = 'gtf')
        union
        select gene_id from ann_genes
        where annotation_id = {annotation_id} and gene_id is not null
          and regexp_matches(chrom, '(?i)^(chr)?mt?$')
          and regexp_matches(symbol, '{MITO_CODING}')
          and not exists (select 1 from annotation_sources
                          where annotation_id = {annotation_id} and kind = 'gtf')"""


#: SQL order of gene IDs when one must be chosen for a symbol several genes carry: numerically
#: for Entrez IDs (the longest-standing first; as text '100506087' would come before '9910'),
#: then as text (Ensembl and other IDs).
GENE_ID_ORDER = "(try_cast(gene_id as bigint), gene_id)"
