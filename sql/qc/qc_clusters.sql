-- qc_clusters (minor): significant filtered regions only; needs >= cluster_min significant overall
-- and on the chromosome. For each start s, the window [s, s + cluster_window_bp] of starts; the
-- best window per chromosome fires when it holds >= cluster_min regions. Notes near-zero counts when
-- the depleted group's mean count in the window is < cluster_zero_mean.
create or replace view qc_clusters as
with sig as (
    select s.*, count(*) over (partition by s.comparison_id) as n_sig_total,
           count(*) over (partition by s.comparison_id, s.chrom) as n_sig_chrom
    from regions_significant s
),
win as (
    select
        a.comparison_id, a.chrom, a.start as win_start,
        count(*) as n,
        max(b.stop) as win_stop,
        count(*) filter (where b.direction = 'A') as n_a,
        count(*) filter (where b.direction = 'B') as n_b,
        avg(b.mean_count_a) as mean_a,
        avg(b.mean_count_b) as mean_b
    from sig a
    join comparison_params p on p.comparison_id = a.comparison_id
    join sig b
      on b.comparison_id = a.comparison_id and b.chrom = a.chrom
     and b.start >= a.start and b.start <= a.start + p.cluster_window_bp
    where a.n_sig_total >= p.cluster_min and a.n_sig_chrom >= p.cluster_min
    group by a.comparison_id, a.chrom, a.start
),
best as (
    select *, row_number() over (partition by comparison_id, chrom order by n desc, win_start) as k
    from win
)
select
    b.comparison_id,
    'genomic_cluster' as check_name,
    'minor' as severity,
    b.chrom || ' genomic cluster (' || b.n || ' significant regions in '
        || case when b.win_stop - b.win_start >= 100000
                then round((b.win_stop - b.win_start) / 1e6, 1) || ' Mb'
                else round((b.win_stop - b.win_start) / 1e3, 1) || ' kb' end || ' at ' || b.chrom || ':'
        || b.win_start || '-' || b.win_stop || '; '
        || round(100.0 * greatest(b.n_a, b.n_b) / b.n, 1) || '% enriched in group '
        || case when b.n_a > b.n_b then 'A' else 'B' end || ')'
        || case when (case when b.n_a > b.n_b then b.mean_b else b.mean_a end) < p.cluster_zero_mean
                then '; near-zero counts in the depleted group' else '' end
        || '. May be a copy-number amplification or structural variant: check the locus in a '
        || 'genome browser.' as detail,
    to_json({chrom: b.chrom, start: b.win_start, stop: b.win_stop, n: b.n, n_a: b.n_a,
             n_b: b.n_b})::varchar as evidence
from best b
join comparison_params p using (comparison_id)
where b.k = 1 and b.n >= p.cluster_min;
