-- qc_verdict: one QC verdict per comparison: fail (a major finding about the data), warn (minor findings, or only design limits such as sample size), pass.
-- reason names each kind of finding once, with its count when it fired more than once
-- (genomic_cluster ×25), under its own heading: major data findings, the design's sample size,
-- minor findings.
create or replace view qc_verdict as
with per_check as (
    select
        comparison_id,
        check_name,
        case
            when severity = 'major' and check_name = 'sample_size' then 'design'
            when severity = 'major' then 'data'
            else 'minor'
        end as kind,
        min(check_order) as first_order,
        count(*) as n
    from qc_findings
    group by all
),

f as (
    select
        comparison_id,
        sum(n) as n_findings,
        string_agg(check_name || case when n > 1 then ' ×' || n else '' end, ', '
                   order by first_order, check_name) filter (where kind = 'data') as data,
        string_agg(check_name, ', ') filter (where kind = 'design') as design,
        string_agg(check_name || case when n > 1 then ' ×' || n else '' end, ', '
                   order by first_order, check_name) filter (where kind = 'minor') as minor
    from per_check
    group by comparison_id
),

final as (
    select
        c.comparison_id,
        case
            when f.data is not null then 'fail'
            when coalesce(f.n_findings, 0) > 0 then 'warn'
            else 'pass'
        end as verdict,
        coalesce(f.n_findings, 0)::bigint as n_findings,
        case
            when f.comparison_id is null then 'no QC findings'
            else concat_ws('; ',
                'major finding about the data (' || f.data || '): see the report before use',
                case when f.data is not null then 'also the design: very few experiments per group ('
                    else 'usable with caution: the design has very few experiments per group ('
                end || f.design || ')',
                'minor findings (' || f.minor || ')')
        end as reason
    from comparisons c
    left join f using (comparison_id)
)

select * from final;
