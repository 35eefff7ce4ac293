-- qc_sample_size: experiments the server compared per group (comparison_group_sizes); min(n) <= n_very_low -> major 'Very low sample size'; else < n_low -> minor; worded per method.
create or replace view qc_sample_size as
with n as (select comparison_id, n_a, n_b from comparison_group_sizes)
select
    n.comparison_id,
    'sample_size' as check_name,
    case when least(n.n_a, n.n_b) <= p.n_very_low then 'major' else 'minor' end as severity,
    case when least(n.n_a, n.n_b) <= p.n_very_low then 'Very low' else 'Low' end
        || ' sample size (n=' || n.n_a || ' vs n=' || n.n_b || '): '
        || case c.analysis
            when 'dmr' then 'metilene tests every CpG of every experiment as an observation '
                || '(Mann-Whitney U, 2D KS over CpG x experiment values), so with so few '
                || 'experiments per group its p- and q-values overstate the evidence: '
                || 'variation between experiments is barely seen'
            else 'edgeR''s dispersion and FDR estimates are unreliable with so few experiments '
                || 'per group'
        end
        || '. This limits the design, not the data: treat q-values as '
        || case c.analysis when 'dmr' then 'optimistic' else 'approximate' end || ', focus on '
        || case c.analysis when 'dmr' then 'large methylation differences'
                else 'large effects (|logFC| > 2)' end
        || ' and validate; add experiments to each group to firm it up.'
        as detail,
    to_json({n_a: n.n_a, n_b: n.n_b, analysis: c.analysis})::varchar as evidence
from n
join comparisons c using (comparison_id)
join comparison_params p using (comparison_id)
where least(n.n_a, n.n_b) < p.n_low or least(n.n_a, n.n_b) <= p.n_very_low;
