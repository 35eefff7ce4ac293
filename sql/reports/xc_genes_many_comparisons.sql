-- xc_genes_many_comparisons: genes annotated to significant regions, with the number of
-- comparisons (and regions) hitting them; one row per (genome, symbol).
create or replace view xc_genes_many_comparisons as
select c.genome, ra.symbol,
       count(distinct s.comparison_id) as n_comparisons,
       count(*) as n_regions,
       string_agg(distinct s.comparison_id, ',' order by s.comparison_id) as comparisons
from regions_significant s
join region_annotation ra on ra.comparison_id = s.comparison_id and ra.region_id = s.region_id
join comparisons c on c.comparison_id = s.comparison_id
where ra.symbol is not null
group by all;
