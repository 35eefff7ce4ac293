-- xc_recurring_regions: significant regions overlapping significant regions of other comparisons
-- of the same genome and analysis (diffbind with diffbind, dmr with dmr), one row per region: its
-- direction, how many other comparisons hit it, which, and their regions' directions
-- (comparison:direction; each comparison's own A/B).
create or replace view xc_recurring_regions as
select a.comparison_id, a.region_id, a.chrom, a.start, a.stop, c.genome, c.analysis,
       a.direction,
       count(distinct b.comparison_id) as n_other_comparisons,
       string_agg(distinct b.comparison_id, ',' order by b.comparison_id) as other_comparisons,
       string_agg(distinct b.comparison_id || ':' || b.direction, ','
                  order by b.comparison_id || ':' || b.direction) as other_directions
from regions_significant a
join comparisons c on c.comparison_id = a.comparison_id
join regions_significant b
  on b.comparison_id <> a.comparison_id and b.chrom = a.chrom
 and b.start < a.stop and a.start < b.stop
join comparisons cb on cb.comparison_id = b.comparison_id and cb.genome = c.genome
 and cb.analysis = c.analysis
group by all;
