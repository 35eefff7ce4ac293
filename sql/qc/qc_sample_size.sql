-- qc_sample_size: experiments the server used per group (submitted minus dropped IDs); min(n) <= n_very_low -> major 'Very low sample size'; else < n_low -> minor.
create or replace view qc_sample_size as
with n as (
    select comparison_id,
           count(*) filter (where grp = 'A' and dropped is null) as n_a,
           count(*) filter (where grp = 'B' and dropped is null) as n_b
    from experiments
    group by comparison_id
)
select
    n.comparison_id,
    'sample_size' as check_name,
    case when least(n.n_a, n.n_b) <= p.n_very_low then 'major' else 'minor' end as severity,
    case when least(n.n_a, n.n_b) <= p.n_very_low then 'Very low' else 'Low' end
        || ' sample size (n=' || n.n_a || ' vs n=' || n.n_b || '): edgeR dispersion and FDR '
        || 'estimates are unreliable with so few experiments; focus on large effects and validate.'
        as detail,
    to_json({n_a: n.n_a, n_b: n.n_b})::varchar as evidence
from n
join comparisons c using (comparison_id)
join comparison_params p using (comparison_id)
where least(n.n_a, n.n_b) < p.n_low or least(n.n_a, n.n_b) <= p.n_very_low;
