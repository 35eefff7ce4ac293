-- regions: every region the server reported, unfiltered (filters are views).
-- grain: (comparison_id, region_id); region_id = 1-based line number in the result BED.
-- Coordinates are 0-based half-open (BED). The column is "stop", not "end" ("end" is an SQL
-- keyword). logfc is always log2(A/B): positive = higher in A, whatever the result format.
-- pvalue/qvalue are raw probabilities (legacy log10 values are converted on load).
-- dmr rows: meth_diff = mean methylation A - B (positive = hypermethylated in A), logfc NULL.
-- metilene writes BED (start = first CpG's bedGraph end - 1, stop = last CpG's end; metilene
-- 0.2-8 metseg.c, metilene_input.pl `unionbedg | cut -f1,3-`): dmr rows are stored as given.
-- No primary key on purpose: the index makes a 1M-region load ~40% slower (insert + commit) and
-- a reload far slower; the grain is guaranteed by the loader (region_id = line number, duplicated
-- regions refused, rows replaced per comparison in one transaction).
create table if not exists regions (
    comparison_id varchar not null,
    region_id     integer not null,
    chrom         varchar not null,
    start         bigint  not null,
    stop          bigint  not null,
    logfc         double,
    pvalue        double,
    qvalue        double,
    mean_count_a  double,
    mean_count_b  double,
    meth_diff     double,
    n_cpgs        integer,
    p_mwu         double,
    p_ks          double,
    mean_meth_a   double,
    mean_meth_b   double
);
