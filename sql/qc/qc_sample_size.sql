-- qc_sample_size: experiments the server compared per group (the length of the result's count lists; without counts, as for dmr or before a load: submitted minus dropped IDs); min(n) <= n_very_low -> major 'Very low sample size'; else < n_low -> minor; worded per method.
create or replace view qc_sample_size as
with e as (
    select comparison_id,
           count(*) filter (where grp = 'A' and dropped is null) as n_a,
           count(*) filter (where grp = 'B' and dropped is null) as n_b
    from experiments
    group by comparison_id
),
-- one value per experiment the server counted (edgeR.r:64): the server's own n, also when
-- several GSMs of a group cannot be told apart
v as (
    select comparison_id, max(len(counts_a)) as n_a, max(len(counts_b)) as n_b
    from region_count_vectors
    group by comparison_id
),
n as (
    select e.comparison_id, coalesce(v.n_a, e.n_a) as n_a, coalesce(v.n_b, e.n_b) as n_b
    from e left join v using (comparison_id)
)
select
    n.comparison_id,
    'sample_size' as check_name,
    case when least(n.n_a, n.n_b) <= p.n_very_low then 'major' else 'minor' end as severity,
    case when least(n.n_a, n.n_b) <= p.n_very_low then 'Very low' else 'Low' end
        || ' sample size (n=' || n.n_a || ' vs n=' || n.n_b || '): '
        || case c.analysis
            when 'dmr' then 'metilene''s between-group tests (Mann-Whitney U, 2D KS) have little '
                || 'power and coarse p-values with so few experiments per group'
            else 'edgeR''s dispersion and FDR estimates are unreliable with so few experiments '
                || 'per group'
        end
        || '. This limits the design, not the data: treat q-values as approximate, focus on '
        || case c.analysis when 'dmr' then 'large methylation differences'
                else 'large effects (|logFC| > 2)' end
        || ' and validate; add experiments to each group to firm it up.'
        as detail,
    to_json({n_a: n.n_a, n_b: n.n_b, analysis: c.analysis})::varchar as evidence
from n
join comparisons c using (comparison_id)
join comparison_params p using (comparison_id)
where least(n.n_a, n.n_b) < p.n_low or least(n.n_a, n.n_b) <= p.n_very_low;
