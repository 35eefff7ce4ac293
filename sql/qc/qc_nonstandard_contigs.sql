-- qc_nonstandard_contigs (minor): at least one region (of all, unfiltered) on a contig outside the
-- genome's standard set; these rows are excluded from the analysis views.
create or replace view qc_nonstandard_contigs as
select
    comparison_id,
    'nonstandard_contigs' as check_name,
    'minor' as severity,
    count(*) filter (where not is_standard) || ' of ' || count(*) || ' regions ('
        || round(100.0 * count(*) filter (where not is_standard) / count(*), 1) || '%) lie on '
        || count(distinct chrom) filter (where not is_standard) || ' non-standard contigs ('
        || count(*) filter (where not is_standard and significant)
        || ' significant); they are excluded from the analysis (listed in the diff_regions_excluded export).' as detail,
    to_json({n: count(*) filter (where not is_standard), n_total: count(*),
             n_contigs: count(distinct chrom) filter (where not is_standard),
             n_significant: count(*) filter (where not is_standard and significant)})::varchar
        as evidence
from regions_unfiltered
group by comparison_id
having count(*) filter (where not is_standard) > 0;
