-- comparison_params: significance and QC thresholds stored with each comparison
-- (chipatlas_api.md §8). Column defaults are the single source of the default values; views
-- read thresholds from here, never from literals.
create table if not exists comparison_params (
    comparison_id        varchar primary key,
    fdr                  double  not null default 0.05,  -- significant: qvalue < fdr
    min_abs_logfc        double  not null default 0.0,   -- and |logfc| >= this
    top_n                integer not null default 50,
    min_region_bp        integer not null default 10,    -- filter: size < this is excluded
    sex_all_frac         double  not null default 0.80,  -- >=
    sex_sig_frac         double  not null default 0.67,  -- >=
    sex_depletion_ratio  double  not null default 0.10,  -- <
    sex_min_all          integer not null default 3,
    sex_min_sig          integer not null default 2,
    chrm_min_regions     integer not null default 3,
    chrm_major_n         integer not null default 5,
    chrm_major_frac      double  not null default 0.10,
    chrm_tiny_bp         integer not null default 20,
    cluster_min          integer not null default 10,
    cluster_window_bp    bigint  not null default 2000000,
    cluster_zero_mean    double  not null default 1.0,
    ma_min_sig           integer not null default 5,
    ma_min_per_dir       integer not null default 3,
    ma_diff              double  not null default 1.0,
    ma_floor             double  not null default 0.1,
    small_median_bp      integer not null default 100,
    small_min_sig        integer not null default 5,
    n_very_low           integer not null default 3,      -- min(n) <= this: major
    n_low                integer not null default 5       -- min(n) <  this: minor
);
