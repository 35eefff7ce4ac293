-- region_counts: normalised count of each experiment in each region (long form), unpacked from
-- region_count_vectors with the experiment's position in its group's list (count_order).
-- grain: (comparison_id, region_id, experiment_id). diffbind only. experiment_id is the submitted
-- ID (a GSM stays a GSM; experiments.server_id names the SRX it was counted under); IDs the server
-- dropped have no count position and no rows here.
create or replace view region_counts as
select v.comparison_id, v.region_id, e.experiment_id,
       case e.grp when 'A' then v.counts_a[e.count_order] else v.counts_b[e.count_order] end
           as count
from region_count_vectors v
join experiments e using (comparison_id)
where e.count_order is not null;
