-- qc_sample_size: min(n_a, n_b) <= n_very_low -> major 'Very low sample size'; else < n_low -> minor; worded per method.
create or replace view qc_sample_size as
select
    c.comparison_id,
    'sample_size' as check_name,
    case when least(c.n_a, c.n_b) <= p.n_very_low then 'major' else 'minor' end as severity,
    case when least(c.n_a, c.n_b) <= p.n_very_low then 'Very low' else 'Low' end
        || ' sample size (n=' || c.n_a || ' vs n=' || c.n_b || '): '
        || case c.analysis
            when 'dmr' then 'metilene''s between-group tests (Mann-Whitney U, 2D KS) have little '
                || 'power and coarse p-values with so few experiments per group'
            else 'edgeR''s dispersion and FDR estimates are unreliable with so few experiments '
                || 'per group'
        end
        || '. This limits the design, not the data: treat q-values as approximate, focus on '
        || 'large effects (|logFC| > 2) and validate; add experiments to each group to firm it up.'
        as detail,
    to_json({n_a: c.n_a, n_b: c.n_b, analysis: c.analysis})::varchar as evidence
from comparisons c
join comparison_params p using (comparison_id)
where least(c.n_a, c.n_b) < p.n_low or least(c.n_a, c.n_b) <= p.n_very_low;
