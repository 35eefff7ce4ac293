-- integration_feature_summary: linked pairs by the peak's genomic feature (ChIPseeker category)
-- and concordance category, with the fraction of the feature's pairs.
create or replace view integration_feature_summary as
select *, n_pairs / sum(n_pairs) over (partition by integration_id, feature) as fraction_of_feature
from (
    select integration_id, coalesce(feature, 'unannotated') as feature, category,
           count(*) as n_pairs, count(distinct peak_id) as n_peaks
    from integration_pairs
    group by 1, 2, 3)
order by integration_id, feature, category;
