-- qc_tiny_regions (minor): at least one region (of all, unfiltered) with size < min_region_bp;
-- these rows are excluded from the analysis views.
create or replace view qc_tiny_regions as
select
    u.comparison_id,
    'tiny_regions' as check_name,
    'minor' as severity,
    count(*) || ' regions are shorter than ' || any_value(p.min_region_bp) || ' bp (smallest '
        || min(u.size) || ' bp, ' || count(*) filter (where u.significant)
        || ' significant); they are excluded from the analysis (listed in the diff_regions_excluded export).'
        as detail,
    to_json({n: count(*), min_size: min(u.size),
             n_significant: count(*) filter (where u.significant)})::varchar as evidence
from regions_unfiltered u
join comparison_params p using (comparison_id)
where u.size < p.min_region_bp
group by u.comparison_id;
