-- annotation_feature_counts: per comparison, regions per ChIPseeker summary category
-- (Promoter bins, 5'/3' UTR, 1st/Other Exon, 1st/Other Intron, Downstream (<=3kb), Distal Intergenic).
create or replace view annotation_feature_counts as
with c as (
    select comparison_id,
           case when feature = 'Promoter' then annotation
                when feature = 'Exon' then
                     case when annotation like '%exon 1 of%' then '1st Exon' else 'Other Exon' end
                when feature = 'Intron' then
                     case when annotation like '%intron 1 of%' then '1st Intron'
                          else 'Other Intron' end
                when feature = 'Downstream' then 'Downstream (<=3kb)'
                else feature end as category
    from region_annotation where feature is not null)
select comparison_id, category, count(*) as n_regions,
       count(*) / sum(count(*)) over (partition by comparison_id) as fraction
from c group by comparison_id, category;
