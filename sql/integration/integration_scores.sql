-- integration_scores: integration_pairs plus the tutorial's scores:
-- product_score = log2FC_peak * log2FC_rna; z_product = z(log2FC_peak) * z(log2FC_rna), z over
-- the integration's linked pairs; significance_score = -log10 padj_peak - log10 padj_rna (padj
-- floored at 1e-300, so padj = 0 counts 300); weighted_score = product_score * significance_score;
-- distance_weight = exp(-min(|distance|, 100 kb) / 10 kb); distance_weighted_score =
-- weighted_score * distance_weight.
create or replace view integration_scores as
select *,
       atac_logfc * rna_logfc as product_score,
       ((atac_logfc - avg(atac_logfc) over w) / nullif(stddev_samp(atac_logfc) over w, 0))
         * ((rna_logfc - avg(rna_logfc) over w) / nullif(stddev_samp(rna_logfc) over w, 0))
         as z_product,
       -log10(greatest(atac_padj, 1e-300)) - log10(greatest(rna_padj, 1e-300))
         as significance_score,
       atac_logfc * rna_logfc
         * (-log10(greatest(atac_padj, 1e-300)) - log10(greatest(rna_padj, 1e-300)))
         as weighted_score,
       exp(-least(abs(distance), 100000) / 10000.0) as distance_weight,
       atac_logfc * rna_logfc
         * (-log10(greatest(atac_padj, 1e-300)) - log10(greatest(rna_padj, 1e-300)))
         * exp(-least(abs(distance), 100000) / 10000.0) as distance_weighted_score
from integration_pairs
window w as (partition by integration_id);
