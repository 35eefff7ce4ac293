-- rpt_direction_counts: per comparison, the counts of the report: regions before and after the
-- filters, removed by each filter, and all / significant regions by direction; n_sig_nonstandard
-- and n_sig_tiny: regions the significance rule would call but the filters removed; n_tiny_all:
-- every region shorter than min_region_bp (n_tiny counts those on standard contigs, the others
-- were already removed as non-standard).
create or replace view rpt_direction_counts as
select
    comparison_id,
    count(*) as n_unfiltered,
    count(*) filter (where passes_filter) as n_filtered,
    count(*) filter (where not is_standard) as n_nonstandard,
    count(*) filter (where is_standard and not passes_filter) as n_tiny,
    count(*) filter (where size < p.min_region_bp) as n_tiny_all,
    count(*) filter (where passes_filter and direction = 'A') as n_a,
    count(*) filter (where passes_filter and direction = 'B') as n_b,
    count(*) filter (where passes_filter and direction = 'none') as n_none,
    count(*) filter (where passes_filter and significant) as n_sig,
    count(*) filter (where passes_filter and significant and direction = 'A') as n_sig_a,
    count(*) filter (where passes_filter and significant and direction = 'B') as n_sig_b,
    count(*) filter (where passes_filter and significant and direction = 'none') as n_sig_none,
    count(*) filter (where not is_standard and significant) as n_sig_nonstandard,
    count(*) filter (where is_standard and not passes_filter and significant) as n_sig_tiny,
    min(effect) filter (where passes_filter) as min_effect,
    max(effect) filter (where passes_filter) as max_effect,
    median(abs(effect)) filter (where passes_filter) as median_abs_effect,
    min(qvalue) filter (where passes_filter) as min_q,
    median(size) filter (where passes_filter) as median_size
from regions_unfiltered
join comparison_params p using (comparison_id)
group by comparison_id, p.min_region_bp;
