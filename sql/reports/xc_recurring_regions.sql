-- xc_recurring_regions: significant regions overlapping significant regions of other comparisons
-- (same genome), one row per region with how many other comparisons hit it and which.
create or replace view xc_recurring_regions as
select a.comparison_id, a.region_id, a.chrom, a.start, a.stop, c.genome,
       count(distinct b.comparison_id) as n_other_comparisons,
       string_agg(distinct b.comparison_id, ',' order by b.comparison_id) as other_comparisons
from regions_significant a
join comparisons c on c.comparison_id = a.comparison_id
join regions_significant b
  on b.comparison_id <> a.comparison_id and b.chrom = a.chrom
 and b.start < a.stop and a.start < b.stop
join comparisons cb on cb.comparison_id = b.comparison_id and cb.genome = c.genome
group by all;
