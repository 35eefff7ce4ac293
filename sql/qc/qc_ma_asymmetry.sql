-- qc_ma_asymmetry (minor): significant filtered regions; needs >= ma_min_sig significant and
-- >= ma_min_per_dir in each direction; fires when the medians of log2(max(mean count, ma_floor))
-- of the A- and B-enriched hits differ by >= ma_diff. Names the group whose hits sit lower.
-- (round(x, 2) + 0.0 in the text: a median that rounds to zero prints 0.0, never -0.0.)
create or replace view qc_ma_asymmetry as
with m as (
    select
        comparison_id,
        count(*) as n,
        count(*) filter (where direction = 'A') as n_a,
        count(*) filter (where direction = 'B') as n_b,
        median(log2_mean_count) filter (where direction = 'A') as med_a,
        median(log2_mean_count) filter (where direction = 'B') as med_b
    from regions_significant
    group by comparison_id
)
select
    m.comparison_id,
    'ma_asymmetry' as check_name,
    'minor' as severity,
    'MA plot asymmetry (group ' || case when m.med_a < m.med_b then 'A' else 'B' end
        || ' significant hits at low counts): median log2 mean count ' || (round(m.med_a, 2) + 0.0)
        || ' for A-enriched vs ' || (round(m.med_b, 2) + 0.0) || ' for B-enriched hits. Possible '
        || 'normalization artifact or noise-driven signal: focus on the higher-count hits.'
        as detail,
    to_json({n: m.n, n_a: m.n_a, n_b: m.n_b, median_a: m.med_a, median_b: m.med_b})::varchar
        as evidence
from m
join comparison_params p using (comparison_id)
where m.n >= p.ma_min_sig and m.n_a >= p.ma_min_per_dir and m.n_b >= p.ma_min_per_dir
  and abs(m.med_a - m.med_b) >= p.ma_diff;
