-- rpt_ma: MA-plot points (diffbind only): log2 of max(mean count, ma_floor) against logFC, with the
-- volcano's category so significant regions are highlighted.
create or replace view rpt_ma as
select
    comparison_id, region_id, log2_mean_count, effect, significant,
    case when significant and direction = 'A' then 'A-enriched'
         when significant and direction = 'B' then 'B-enriched'
         else 'not significant' end as category
from regions_filtered
where log2_mean_count is not null and effect is not null;
