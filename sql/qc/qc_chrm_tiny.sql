-- qc_chrm_tiny (major): ChIP/ATAC only; significant filtered chrM regions shorter than chrm_tiny_bp
-- are doubly suspect (mitochondrial and implausibly small).
create or replace view qc_chrm_tiny as
select
    f.comparison_id,
    'chrm_tiny_regions' as check_name,
    'major' as severity,
    count(*) || ' significant chrM regions are shorter than ' || any_value(p.chrm_tiny_bp)
        || ' bp (smallest ' || min(f.size) || ' bp): doubly suspect, mitochondrial and tiny.'
        as detail,
    to_json({n: count(*), min_size: min(f.size)})::varchar as evidence
from regions_filtered f
join comparison_params p using (comparison_id)
where f.chrom = 'chrM' and f.analysis <> 'dmr' and f.significant and f.size < p.chrm_tiny_bp
group by f.comparison_id;
