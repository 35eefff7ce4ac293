-- annotation_tss_distance_bins: per comparison, regions by |distance to TSS| bin and side, as
-- ChIPseeker's plotDistToTSS counts them (R/plotDistToTSS.R, 85fd5f7): bins [0, 1), [1, 3),
-- [3, 5), [5, 10), [10, 100) kb and > 100 kb (a distance of exactly 100 kb is in no bin but in
-- the total); upstream = negative; a region at the TSS (distance 0) counts half upstream, half
-- downstream, so n_regions is fractional.
create or replace view annotation_tss_distance_bins as
with d as (
    select comparison_id, distance_to_tss as d
    from region_annotation where distance_to_tss is not null),
b as (
    select comparison_id, s.side, s.w,
           case when abs(d) < 1000 then 1 when abs(d) < 3000 then 2 when abs(d) < 5000 then 3
                when abs(d) < 10000 then 4 when abs(d) < 100000 then 5
                when abs(d) > 100000 then 6 end as bin_order
    from d, lateral (select * from (values ('upstream', case when d < 0 then 1.0
                                                             when d = 0 then 0.5 else 0.0 end),
                                           ('downstream', case when d > 0 then 1.0
                                                               when d = 0 then 0.5 else 0.0 end))
                     v(side, w) where w > 0) s),
t as (select comparison_id, sum(w) as total from b group by comparison_id)
select b.comparison_id, b.side,
       ['0-1kb', '1-3kb', '3-5kb', '5-10kb', '10-100kb', '>100kb'][b.bin_order] as bin,
       b.bin_order, sum(b.w)::double as n_regions,
       (sum(b.w) / any_value(t.total))::double as fraction
from b join t using (comparison_id)
where b.bin_order is not null
group by b.comparison_id, b.side, b.bin_order;
