-- rpt_volcano: one point per filtered region: effect (logFC, or meth_diff for dmr), -log10 q
-- (q clipped at 1e-300) and category (A-enriched / B-enriched significant, or not significant).
create or replace view rpt_volcano as
select
    comparison_id, region_id, chrom, start, stop, effect,
    -log10(greatest(qvalue, 1e-300)) as neg_log10_q,
    significant,
    case when significant and direction = 'A' then 'A-enriched'
         when significant and direction = 'B' then 'B-enriched'
         else 'not significant' end as category
from regions_filtered
where qvalue is not null and effect is not null;
