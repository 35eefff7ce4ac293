-- annotation_tss_distance_bins: per comparison, regions by |distance to TSS| bin and side
-- (ChIPseeker plotDistToTSS bins: 0-1, 1-3, 3-5, 5-10, 10-100, >100 kb; upstream = negative).
create or replace view annotation_tss_distance_bins as
with b as (
    select comparison_id,
           case when distance_to_tss < 0 then 'upstream' else 'downstream' end as side,
           case when abs(distance_to_tss) <= 1000 then '0-1kb'
                when abs(distance_to_tss) <= 3000 then '1-3kb'
                when abs(distance_to_tss) <= 5000 then '3-5kb'
                when abs(distance_to_tss) <= 10000 then '5-10kb'
                when abs(distance_to_tss) <= 100000 then '10-100kb'
                else '>100kb' end as bin,
           case when abs(distance_to_tss) <= 1000 then 1 when abs(distance_to_tss) <= 3000 then 2
                when abs(distance_to_tss) <= 5000 then 3 when abs(distance_to_tss) <= 10000 then 4
                when abs(distance_to_tss) <= 100000 then 5 else 6 end as bin_order
    from region_annotation where distance_to_tss is not null)
select comparison_id, side, bin, bin_order, count(*) as n_regions,
       count(*) / sum(count(*)) over (partition by comparison_id) as fraction
from b group by comparison_id, side, bin, bin_order;
