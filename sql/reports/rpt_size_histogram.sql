-- rpt_size_histogram: region sizes of filtered regions in 30 equal bins of log10(size) per comparison (bin_start/bin_stop in bp), counted per category as in rpt_volcano (A-enriched / B-enriched significant, or not significant); one 0.05-wide bin when all sizes are equal.
create or replace view rpt_size_histogram as
with s as (
    select comparison_id,
           case when significant and direction = 'A' then 'A-enriched'
                when significant and direction = 'B' then 'B-enriched'
                else 'not significant' end as category,
           log10(size) as lg,
           min(log10(size)) over (partition by comparison_id) as lo,
           max(log10(size)) over (partition by comparison_id) as hi
    from regions_filtered
    where size > 0
),
b as (
    select comparison_id, category, lo,
           case when hi > lo then (hi - lo) / 30 else 0.05 end as width,
           least(floor((lg - lo) / case when hi > lo then (hi - lo) / 30 else 0.05 end), 29)::integer
               as bin
    from s
)
select
    comparison_id, category, bin,
    power(10, any_value(lo) + bin * any_value(width)) as bin_start,
    power(10, any_value(lo) + (bin + 1) * any_value(width)) as bin_stop,
    count(*) as n
from b
group by comparison_id, category, bin;
