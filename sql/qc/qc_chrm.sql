-- qc_chrm: chrM enrichment, ChIP/ATAC only (skipped for dmr). On filtered regions: >= chrm_min_regions
-- chrM regions and >= 1 significant; major if significant chrM >= chrm_major_n or
-- >= chrm_major_frac of all significant regions, else minor.
create or replace view qc_chrm as
with sig as (
    select comparison_id, count(*) filter (where significant) as n_sig_total
    from regions_filtered group by comparison_id
),
m as (
    select
        comparison_id,
        count(*) as n,
        count(*) filter (where significant) as n_sig,
        count(*) filter (where significant and direction = 'A') as n_sig_a,
        count(*) filter (where significant and direction = 'B') as n_sig_b
    from regions_filtered
    where chrom = 'chrM' and analysis <> 'dmr'
    group by comparison_id
)
select
    m.comparison_id,
    'chrm_enrichment' as check_name,
    case when m.n_sig >= p.chrm_major_n or m.n_sig >= p.chrm_major_frac * s.n_sig_total
         then 'major' else 'minor' end as severity,
    'chrM enrichment (' || m.n_sig || ' significant of ' || m.n || ' chrM regions; '
        || m.n_sig_a || ' enriched in A, ' || m.n_sig_b || ' in B; '
        || round(100.0 * m.n_sig / s.n_sig_total, 1) || '% of all significant). '
        || 'mtDNA lacks histones: the signal is likely non-specific binding or a library artifact; '
        || 'consider excluding chrM.' as detail,
    to_json({n: m.n, n_significant: m.n_sig, n_sig_a: m.n_sig_a, n_sig_b: m.n_sig_b,
             n_significant_total: s.n_sig_total})::varchar as evidence
from m
join sig s using (comparison_id)
join comparison_params p using (comparison_id)
where m.n >= p.chrm_min_regions and m.n_sig >= 1;
