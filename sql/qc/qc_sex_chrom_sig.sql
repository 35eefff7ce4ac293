-- qc_sex_chrom_sig (major): on significant filtered regions of chrX/chrY: n >= sex_min_sig,
-- dominant fraction >= sex_sig_frac, ratio of the groups' mean counts over the dominant-direction
-- rows < sex_depletion_ratio.
create or replace view qc_sex_chrom_sig as
select
    s.comparison_id,
    'sex_chrom_confound_significant' as check_name,
    'major' as severity,
    s.chrom || ' sex chromosome confound (significant regions): ' || s.n
        || ' significant regions, ' || round(100 * s.dominant_frac, 1) || '% enriched in group '
        || s.enriched || '; group ' || case when s.enriched = 'A' then 'B' else 'A' end
        || ' mean count is ' || round(100 * s.depletion_ratio, 1) || '% of group ' || s.enriched
        || '''s. This points to a sex mismatch between the groups, not differential binding: '
        || 'exclude ' || s.chrom || ' from interpretation.' as detail,
    to_json({chrom: s.chrom, scope: s.scope, n: s.n, n_a: s.n_a, n_b: s.n_b,
             dominant_frac: s.dominant_frac, enriched: s.enriched,
             depletion_ratio: s.depletion_ratio})::varchar as evidence
from sex_chrom_stats s
where s.scope = 'significant' and s.fires;
