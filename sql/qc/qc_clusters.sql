-- qc_clusters (minor): significant filtered regions only; needs >= cluster_min significant overall
-- and on the chromosome. For each start s, the window [s, s + cluster_window_bp] of starts; the
-- best window per chromosome fires when it holds >= cluster_min regions. Notes near-zero counts when
-- the depleted group's mean count in the window is < cluster_zero_mean. A tie in direction counts
-- as A dominant (qc_checks.py: dominant_dir = "A" if n_a >= n_b else "B"). Not for dmr: a copy-number
-- change does not move a methylation level (methylated / all reads), and metilene splits large
-- blocks into neighbouring DMRs at its CpG-gap limit, so DMRs cluster by design.
create or replace view qc_clusters as
with sig as (
    select s.comparison_id, s.chrom, s.start, s.stop, s.direction, s.mean_count_a,
           s.mean_count_b, p.cluster_window_bp as w, p.cluster_min,
           count(*) over (partition by s.comparison_id) as n_sig_total,
           count(*) over (partition by s.comparison_id, s.chrom) as n_sig_chrom
    from regions_significant s
    join comparison_params p on p.comparison_id = s.comparison_id
    where s.analysis <> 'dmr'
),
-- One sliding window per region: every significant region of the chromosome whose start lies in
-- [start, start + w] (RANGE frame: peers with the same start are included, as in a self-join).
win as (
    select
        comparison_id, chrom, start as win_start,
        count(*) over f as n,
        max(stop) over f as win_stop,
        count(*) filter (where direction = 'A') over f as n_a,
        count(*) filter (where direction = 'B') over f as n_b,
        avg(mean_count_a) over f as mean_a,
        avg(mean_count_b) over f as mean_b
    from sig
    where n_sig_total >= cluster_min and n_sig_chrom >= cluster_min
    window f as (partition by comparison_id, chrom order by start
                 range between current row and w following)
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
        || format('{:,}', b.win_start + 1) || '-' || format('{:,}', b.win_stop) || '; '
        || round(100.0 * greatest(b.n_a, b.n_b) / b.n, 1) || '% enriched in group '
        || case when b.n_a >= b.n_b then 'A' else 'B' end || ')'
        || case when (case when b.n_a >= b.n_b then b.mean_b else b.mean_a end) < p.cluster_zero_mean
                then '; near-zero counts in the depleted group' else '' end
        || '. May be a copy-number amplification or structural variant: check the locus in a '
        || 'genome browser.' as detail,
    to_json({chrom: b.chrom, start: b.win_start, stop: b.win_stop, n: b.n, n_a: b.n_a,
             n_b: b.n_b})::varchar as evidence
from best b
join comparison_params p using (comparison_id)
where b.k = 1 and b.n >= p.cluster_min;
