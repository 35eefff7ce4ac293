-- region_count_vectors: normalised counts of each region, one list per group (diffbind only).
-- grain: (comparison_id, region_id). counts_a[i] belongs to the experiment of group A with
-- experiments.count_order = i (the server writes each group's values in the order of its
-- count files' shell glob, set from its log on load: docs/chipatlas.md, sample order); same
-- for counts_b. The long form (one row per experiment) is the view region_counts.
-- Lists instead of 16 M long rows per 1 M-region comparison: ~4x less to write on load.
-- No primary key on purpose (an index costs load time; the loader guarantees the grain).
create table if not exists region_count_vectors (
    comparison_id varchar  not null,
    region_id     integer  not null,
    counts_a      double[] not null,
    counts_b      double[] not null
);
