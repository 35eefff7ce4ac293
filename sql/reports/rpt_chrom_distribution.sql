-- rpt_chrom_distribution: significant filtered regions per chromosome and direction, with
-- chrom_order giving the natural order (numbered chromosomes numerically, then X, Y, M, others).
create or replace view rpt_chrom_distribution as
select
    comparison_id, chrom, direction, count(*) as n,
    dense_rank() over (
        partition by comparison_id
        order by try_cast(regexp_extract(chrom, '^chr(\d+)$', 1) as integer) nulls last,
                 case chrom when 'chrX' then 1 when 'chrY' then 2 when 'chrM' then 3 else 4 end,
                 chrom
    ) as chrom_order
from regions_significant
group by comparison_id, chrom, direction;
