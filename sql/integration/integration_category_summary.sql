-- integration_category_summary: per integration and concordance category: pairs, distinct
-- peaks, genes (by their lead pair, each gene once) and median scores.
create or replace view integration_category_summary as
with pairs as (
    select integration_id, category, count(*) as n_pairs, count(distinct peak_id) as n_peaks,
           median(product_score) as median_product_score,
           median(distance_weighted_score) as median_distance_weighted_score,
           median(abs(distance)) as median_abs_distance
    from integration_scores group by all),
genes as (
    select integration_id, category, count(*) as n_genes from integration_genes group by all)
select integration_id, category, coalesce(n_pairs, 0) as n_pairs, coalesce(n_peaks, 0) as n_peaks,
       coalesce(n_genes, 0) as n_genes, median_product_score, median_distance_weighted_score,
       median_abs_distance
from pairs full join genes using (integration_id, category)
order by integration_id,
         list_position(['Concordant up', 'Concordant down', 'Discordant open/down',
                        'Discordant closed/up', 'Other'], category);
