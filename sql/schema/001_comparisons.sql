-- comparisons: one row per comparison of two groups of experiments (the unit of work).
-- grain: comparison_id. Status walks created -> submitting -> submitted -> running -> finished
-- -> loaded (or failed; in_doubt when a submission may have reached the server unanswered).
-- request_id is written as soon as the server returns it, so an interrupted run resumes polling
-- instead of resubmitting; result rows always belong to request_id. reported_at: annotation and
-- report written (a loaded comparison without it is finished by the next run).
create table if not exists comparisons (
    comparison_id     varchar primary key,
    title             varchar not null,
    analysis          varchar not null check (analysis in ('diffbind', 'dmr')),
    genome            varchar not null,
    description_a     varchar not null,
    description_b     varchar not null,
    threshold         integer not null,
    n_a               integer not null,
    n_b               integer not null,
    input_hash        varchar not null,
    base_url          varchar not null,
    request_id        varchar,
    status            varchar not null,
    result_format     varchar,           -- diffbind_2025 | diffbind_2024 | dmr
    simulated         boolean not null default false,
    n_regions         integer,
    error             varchar,
    chromdiff_version varchar,
    created_at        timestamp not null default current_timestamp,
    submitted_at      timestamp,
    finished_at       timestamp,
    loaded_at         timestamp,
    reported_at       timestamp,
    updated_at        timestamp not null default current_timestamp
);
