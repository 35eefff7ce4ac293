-- integration_genes: one row per DE gene with at least one linked peak (a gene with many peaks
-- counts once). The lead pair is the gene's pair in a concordance category if any, else any
-- pair; ties broken by |distance_weighted_score| (NULL, e.g. NA padj, last), then |distance|.
-- category = the lead pair's; the *_nonfinite flags are integration_pairs'. The sum adds the
-- scores in sorted order (the same bits whatever order the rows are scanned in).
create or replace view integration_genes as
select integration_id, gene_id,
       arg_min(symbol, rk) as symbol,
       any_value(rna_logfc) as rna_logfc, any_value(rna_padj) as rna_padj,
       bool_or(rna_logfc_nonfinite) as rna_logfc_nonfinite,
       bool_or(rna_significant) as rna_significant,
       count(*) as n_peaks,
       count(*) filter (where atac_significant) as n_significant_peaks,
       arg_min(peak_id, rk) as lead_peak_id,
       arg_min(atac_logfc, rk) as lead_atac_logfc,
       arg_min(atac_padj, rk) as lead_atac_padj,
       arg_min(atac_logfc_nonfinite, rk) as lead_atac_logfc_nonfinite,
       arg_min(distance, rk) as lead_distance,
       arg_min(peak_genic_gene, rk) as lead_peak_genic_gene,
       arg_min(feature_class, rk) as lead_feature_class,
       arg_min(category, rk) as category,
       arg_min(product_score, rk) as product_score,
       arg_min(significance_score, rk) as significance_score,
       arg_min(weighted_score, rk) as weighted_score,
       arg_min(distance_weighted_score, rk) as distance_weighted_score,
       sum(distance_weighted_score order by distance_weighted_score)
           as sum_distance_weighted_score
from (
    select *, row_number() over (
        partition by integration_id, gene_id
        order by (category = 'Other'), abs(distance_weighted_score) desc nulls last,
                 abs(distance), peak_id) as rk
    from integration_scores)
group by integration_id, gene_id;
