-- xc_qc_over_time: QC findings per day the comparisons were loaded, by check and severity.
create or replace view xc_qc_over_time as
select cast(coalesce(c.loaded_at, c.created_at) as date) as day, f.check_name, f.severity,
       count(*) as n_findings, count(distinct f.comparison_id) as n_comparisons
from qc_findings f
join comparisons c on c.comparison_id = f.comparison_id
group by all;
