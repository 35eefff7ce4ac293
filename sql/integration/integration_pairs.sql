-- integration_pairs: one row per linked peak–gene pair whose gene is in the DE table (distance =
-- the peak's signed distance to the gene's TSS), the gene whose exon/intron the peak overlaps
-- (peak_genic_gene, NULL when intergenic), both sides' log2FC/padj as read, non-finite flags (log2FC ±Inf, NaN or |log2FC| >= 1e300, e.g.
-- cuffdiff's ±1.79769e+308: kept here, never significant, left out of every statistic),
-- significance flags (cutoffs of the integration, each side separately; NA padj or NA /
-- non-finite log2FC is never significant) and the concordance category (only when both sides
-- are significant): Concordant up (open & up), Concordant down (closed & down), Discordant
-- open/down, Discordant closed/up, Other (either side not significant).
create or replace view integration_pairs as
with p as (
    select l.integration_id, l.peak_id, l.gene_id, coalesce(g.gene_symbol, l.symbol) as symbol,
           g.input_id, l.distance, l.rule, k.chrom, k.start, k.stop, a.feature, a.annotation,
           coalesce(a.genic_symbol, a.genic_gene_id) as peak_genic_gene,
           case when a.feature = 'Promoter' then 'promoter' else 'distal' end as feature_class,
           k.logfc as atac_logfc, k.padj as atac_padj, g.logfc as rna_logfc, g.padj as rna_padj,
           coalesce(not (isfinite(k.logfc) and abs(k.logfc) < 1e300), false)
               as atac_logfc_nonfinite,
           coalesce(not (isfinite(g.logfc) and abs(g.logfc) < 1e300), false)
               as rna_logfc_nonfinite,
           coalesce(isfinite(k.logfc) and abs(k.logfc) < 1e300 and abs(k.logfc) > i.atac_lfc
                    and k.padj < i.atac_padj, false) as atac_significant,
           coalesce(isfinite(g.logfc) and abs(g.logfc) < 1e300 and abs(g.logfc) > i.rna_lfc
                    and g.padj < i.rna_padj, false) as rna_significant
    from int_links l
    join integrations i using (integration_id)
    join int_peaks k on k.integration_id = l.integration_id and k.peak_id = l.peak_id
    join int_genes g on g.integration_id = l.integration_id and g.gene_id = l.gene_id
    left join int_peak_annotation a
           on a.integration_id = l.integration_id and a.peak_id = l.peak_id
)
select *,
       case when not (atac_significant and rna_significant) then 'Other'
            when atac_logfc > 0 and rna_logfc > 0 then 'Concordant up'
            when atac_logfc < 0 and rna_logfc < 0 then 'Concordant down'
            when atac_logfc > 0 and rna_logfc < 0 then 'Discordant open/down'
            when atac_logfc < 0 and rna_logfc > 0 then 'Discordant closed/up'
            else 'Other' end as category
from p;
