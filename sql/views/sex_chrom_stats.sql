-- sex_chrom_stats: per comparison, sex chromosome (chrX, chrY) and scope ('all' filtered regions or
-- 'significant' ones) the numbers of the sex-chromosome confound rule (§8 checks 1-2): n, n_a, n_b,
-- dominant fraction, enriched group, mean count of each group, depletion ratio and whether it fires.
-- 'all': means over all that chrom's regions; 'significant': over the dominant-direction rows only.
-- 'significant' here is the q-value part of the comparison's rule (qvalue < fdr, with a direction),
-- never its --min-abs-logfc cutoff: rows kept for |log2FC| >= c have a depleted/enriched count ratio
-- near 2^-c or below by construction, so at c >= 3.32 any two same-direction hits would fire the
-- < 0.1 depletion test on data without any sex difference.
create or replace view sex_chrom_stats as
-- Not for sacCer3: yeast has no sex chromosomes, and its chrX is chromosome X of I-XVI (the
-- skill's rule, written for mammals, looks at every chrX).
with sexed as (
    select f.* from regions_filtered f
    where f.chrom in ('chrX', 'chrY')
      and not exists (select 1 from comparisons c where c.comparison_id = f.comparison_id
                      and c.genome = 'sacCer3')
),
base as (
    select f.*, 'all' as scope from sexed f
    union all
    select f.*, 'significant' as scope from sexed f
    join comparison_params p using (comparison_id)
    where f.qvalue < p.fdr and f.direction <> 'none'
),
agg as (
    select
        comparison_id, chrom, scope,
        count(*) as n,
        count(*) filter (where direction = 'A') as n_a,
        count(*) filter (where direction = 'B') as n_b
    from base
    group by all
),
dom as (
    select
        a.*,
        greatest(n_a, n_b)::double / n as dominant_frac,
        case when n_a > n_b then 'A' else 'B' end as enriched
    from agg a
),
means as (
    select
        d.comparison_id, d.chrom, d.scope,
        avg(case when d.enriched = 'A' then b.mean_count_a else b.mean_count_b end) as enriched_mean,
        avg(case when d.enriched = 'A' then b.mean_count_b else b.mean_count_a end) as depleted_mean
    from dom d
    join base b
      on b.comparison_id = d.comparison_id and b.chrom = d.chrom and b.scope = d.scope
     and (d.scope = 'all' or b.direction = d.enriched)
    group by all
)
select
    d.comparison_id, d.chrom, d.scope, d.n, d.n_a, d.n_b, d.dominant_frac, d.enriched,
    m.enriched_mean, m.depleted_mean,
    m.depleted_mean / nullif(m.enriched_mean, 0) as depletion_ratio,
    coalesce(
        d.n >= case when d.scope = 'all' then p.sex_min_all else p.sex_min_sig end
        and d.dominant_frac >= case when d.scope = 'all' then p.sex_all_frac else p.sex_sig_frac end
        and m.enriched_mean > 0
        and m.depleted_mean / m.enriched_mean < p.sex_depletion_ratio,
        false
    ) as fires
from dom d
join means m using (comparison_id, chrom, scope)
join comparison_params p using (comparison_id);
