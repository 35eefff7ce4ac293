-- rpt_chrom_distribution: significant filtered regions per chromosome and direction, with
-- chrom_order giving the natural order: numbered chromosomes numerically (fly 2L, 2R, 3L, ...;
-- worm and yeast Roman numerals I, II, ..., yeast's chrX being chromosome 10), then X, Y, M,
-- others.
create or replace view rpt_chrom_distribution as
with r as (
    select s.comparison_id, s.chrom, s.direction, c.genome,
           regexp_extract(s.chrom, '^chr(\d+)[LR]?$', 1) as num,
           list_position(['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI',
                          'XII', 'XIII', 'XIV', 'XV', 'XVI'], s.chrom[4:]) as roman
    from regions_significant s join comparisons c using (comparison_id)
)
select
    comparison_id, chrom, direction, count(*) as n,
    dense_rank() over (
        partition by comparison_id
        order by coalesce(try_cast(num as integer),
                          case when chrom <> 'chrX' or genome = 'sacCer3' then roman end)
                     nulls last,
                 case chrom when 'chrX' then 1 when 'chrY' then 2 when 'chrM' then 3 else 4 end,
                 chrom
    ) as chrom_order
from r
group by comparison_id, chrom, direction, genome, num, roman;
