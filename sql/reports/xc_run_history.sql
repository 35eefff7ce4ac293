-- xc_run_history: flow runs newest first, with duration and the comparison/versions involved.
create or replace view xc_run_history as
select run_id, flow_name, state, started_at, finished_at, round(duration_s, 2) as duration_s,
       comparison_id, result_format, annotation_id, chromdiff_version, prefect_version,
       duckdb_version, error, parameters
from flow_runs
order by started_at desc;
