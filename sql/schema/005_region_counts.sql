-- region_counts: normalised count of each experiment in each region (long form).
-- grain: (comparison_id, region_id, experiment_id). diffbind only.
create table if not exists region_counts (
    comparison_id varchar not null,
    region_id     integer not null,
    experiment_id varchar not null,
    count         double,
    primary key (comparison_id, region_id, experiment_id)
);
