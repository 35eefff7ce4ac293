-- region_counts: normalised count of each experiment in each region (long form).
-- grain: (comparison_id, region_id, experiment_id). diffbind only.
-- No primary key on purpose: an index over ~16 M rows per comparison makes loads ~10x slower; the
-- grain is guaranteed by the loader (unique regions, unique experiment IDs per comparison).
create table if not exists region_counts (
    comparison_id varchar not null,
    region_id     integer not null,
    experiment_id varchar not null,
    count         double
);
