-- local_runs: comparisons computed on this machine by `chromdiff compare --local` (the DA
-- diffbind pipeline re-implemented; docs/pipeline.md). grain: comparison_id. A comparison with a
-- row here is local (comparisons.base_url is 'local:<pipeline_version>'); without one it came
-- from the ChIP-Atlas service (or the fake server).
create table if not exists local_runs (
    comparison_id    varchar primary key,
    pipeline_version varchar not null,   -- chromdiff-local-N/da-2025-<commit>
    engine           varchar not null,   -- numpy | r (edgeR implementation)
    cache_dir        varchar,
    n_union_regions  integer,            -- multiinter segments (before edgeR's filterByExpr)
    n_counted        integer,            -- segments with coverage in at least one experiment
    n_tested         integer,            -- rows filterByExpr kept (rows of the result BED)
    computed_at      timestamp not null default current_timestamp
);
-- spec_hash: the comparison's input hash without its files (ComparisonSpec.input_hash: IDs,
-- genome, analysis, threshold, title and group labels), so that a rerun with new files is told from another comparison
-- reusing the ID (comparisons.input_hash covers the files as well). NULL in older databases.
alter table local_runs add column if not exists spec_hash varchar;
