-- region_counts_labeled: per-experiment counts with the experiment's group and order, for the
-- per-experiment columns of the exports (one row per comparison, region, experiment).
create or replace view region_counts_labeled as
select rc.comparison_id, rc.region_id, rc.experiment_id, e.grp, e.input_order, rc.count
from region_counts rc
join experiments e using (comparison_id, experiment_id);
