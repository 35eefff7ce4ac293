-- comparison_group_sizes: per comparison, the experiments submitted per group (n_a_submitted,
-- n_b_submitted: the comparisons row) and those the server compared (n_a, n_b: the length of
-- the result's count lists, one value per experiment it counted, edgeR.r:64; without counts, as
-- for dmr or before a load: submitted minus dropped IDs). The report and qc_sample_size use n_a,
-- n_b.
create or replace view comparison_group_sizes as
with e as (
    select comparison_id,
           count(*) filter (where grp = 'A' and dropped is null) as n_a,
           count(*) filter (where grp = 'B' and dropped is null) as n_b
    from experiments
    group by comparison_id
),
v as (
    select comparison_id, max(len(counts_a)) as n_a, max(len(counts_b)) as n_b
    from region_count_vectors
    group by comparison_id
)
select c.comparison_id, c.n_a as n_a_submitted, c.n_b as n_b_submitted,
       coalesce(v.n_a, e.n_a, c.n_a) as n_a, coalesce(v.n_b, e.n_b, c.n_b) as n_b
from comparisons c
left join e using (comparison_id)
left join v using (comparison_id);
