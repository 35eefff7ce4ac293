-- qc_sex_chrom_all (major): on all filtered regions of chrX/chrY: n >= sex_min_all, dominant
-- fraction >= sex_all_frac, depleted/enriched mean-count ratio < sex_depletion_ratio. Dropped for a
-- chromosome that also fires in qc_sex_chrom_sig (the significant-regions finding wins).
create or replace view qc_sex_chrom_all as
select
    s.comparison_id,
    'sex_chrom_confound' as check_name,
    'major' as severity,
    s.chrom || ' sex chromosome confound: ' || s.n || ' filtered regions, '
        || round(100 * s.dominant_frac, 1) || '% enriched in group ' || s.enriched
        || '; group ' || case when s.enriched = 'A' then 'B' else 'A' end
        || ' mean count is ' || round(100 * s.depletion_ratio, 1)
        || '% of group ' || s.enriched || '''s. This points to a sex mismatch between the groups, '
        || 'not differential binding: exclude ' || s.chrom || ' from interpretation.' as detail,
    to_json({chrom: s.chrom, scope: s.scope, n: s.n, n_a: s.n_a, n_b: s.n_b,
             dominant_frac: s.dominant_frac, enriched: s.enriched,
             depletion_ratio: s.depletion_ratio})::varchar as evidence
from sex_chrom_stats s
where s.scope = 'all' and s.fires
  and not exists (
      select 1 from sex_chrom_stats g
      where g.comparison_id = s.comparison_id and g.chrom = s.chrom
        and g.scope = 'significant' and g.fires);
