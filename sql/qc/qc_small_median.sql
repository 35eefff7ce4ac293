-- qc_small_median (minor): ChIP/ATAC only (skipped for dmr); >= small_min_sig significant filtered
-- regions whose median size is < small_median_bp.
create or replace view qc_small_median as
select
    s.comparison_id,
    'small_median_size' as check_name,
    'minor' as severity,
    'Unusually small significant regions (median '
        || regexp_replace(median(s.size)::varchar, '\.0$', '') || 'bp over ' || count(*)
        || ' significant regions): peaks may be fragmented.' as detail,
    to_json({n: count(*), median_size: median(s.size)})::varchar as evidence
from regions_significant s
join comparison_params p using (comparison_id)
where s.analysis <> 'dmr'
group by s.comparison_id
having count(*) >= any_value(p.small_min_sig) and median(s.size) < any_value(p.small_median_bp);
