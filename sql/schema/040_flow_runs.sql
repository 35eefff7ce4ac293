-- flow_runs: run history, one row per flow run (compare, batch, ...), written by chromdiff.warehouse.history.
-- grain: run_id (the Prefect flow run id, or a uuid outside Prefect). parameters is JSON text.
-- Versions: chromdiff/prefect/duckdb of the process that ran; annotation_id (integrate runs;
-- a comparison's is in region_annotation) and result_format (compare runs) describe the data it
-- produced (NULL otherwise). duration_s = finished_at - started_at.
-- cancelled: stopped by Ctrl-C/SIGTERM; crashed: its process died without closing the row.
create table if not exists flow_runs (
    run_id            varchar primary key,
    flow_name         varchar not null,
    parameters        json,
    chromdiff_version varchar not null,
    prefect_version   varchar,
    duckdb_version    varchar not null,
    annotation_id     varchar,
    result_format     varchar,
    comparison_id     varchar,
    state             varchar not null,   -- running | completed | failed | cancelled | crashed
    error             varchar,
    started_at        timestamp not null,
    finished_at       timestamp,
    duration_s        double,
    pid               integer,            -- process that ran it (stale running rows: crashed)
    host              varchar
);

-- batch_results: one row per comparison of each batch run (grain: batch_run_id, comparison_id).
-- status: loaded | skipped | failed; qc_verdict: pass | warn | fail (from the qc_verdict view).
create table if not exists batch_results (
    batch_run_id  varchar not null,
    comparison_id varchar not null,
    status        varchar not null,
    skipped       boolean not null,
    n_regions     integer,
    qc_verdict    varchar,
    n_findings    integer,
    error         varchar,
    recorded_at   timestamp not null default current_timestamp,
    primary key (batch_run_id, comparison_id)
);
