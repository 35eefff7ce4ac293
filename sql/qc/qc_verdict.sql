-- qc_verdict: one QC verdict per comparison: fail (a major finding about the data), warn (minor findings, or only design limits such as sample size), pass.
create or replace view qc_verdict as
with f as (
    select
        comparison_id,
        count(*) as n_findings,
        count(*) filter (where severity = 'major' and check_name <> 'sample_size') as n_major_data,
        count(*) filter (where severity = 'major' and check_name = 'sample_size') as n_major_design,
        string_agg(check_name, ', ' order by check_order) as checks
    from qc_findings
    group by comparison_id
)
select
    c.comparison_id,
    case
        when coalesce(f.n_major_data, 0) > 0 then 'fail'
        when coalesce(f.n_findings, 0) > 0 then 'warn'
        else 'pass'
    end as verdict,
    coalesce(f.n_findings, 0) as n_findings,
    case
        when coalesce(f.n_major_data, 0) > 0
            then 'major finding about the data (' || f.checks || '): see the report before use'
        when coalesce(f.n_major_design, 0) > 0
            then 'usable with caution: the design has very few experiments per group ('
                || f.checks || ')'
        when coalesce(f.n_findings, 0) > 0 then 'minor findings (' || f.checks || ')'
        else 'no QC findings'
    end as reason
from comparisons c
left join f using (comparison_id);
