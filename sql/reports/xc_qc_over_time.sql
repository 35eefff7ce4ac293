-- xc_qc_over_time: QC findings per day the comparisons were loaded, by check and severity
-- (comparisons whose result is loaded; a design-only finding of a comparison never loaded has
-- no load day).
create or replace view xc_qc_over_time as
select cast(c.loaded_at as date) as day, f.check_name, f.severity,
       count(*) as n_findings, count(distinct f.comparison_id) as n_comparisons
from qc_findings f
join comparisons c on c.comparison_id = f.comparison_id
where c.loaded_at is not null
group by all;
