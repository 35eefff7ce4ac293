-- Integration of differential regions (ATAC-seq or any peaks) with RNA-seq differential
-- expression. Every table is keyed by integration_id; a re-run with the same id replaces its rows.
-- integrations: one row per run: inputs (provenance), thresholds, link rule, status.
create table if not exists integrations (
    integration_id  varchar primary key,
    title           varchar not null,
    genome          varchar not null,
    annotation_id   varchar,
    peaks_source    varchar not null,   -- file path or 'comparison:<id>'
    peaks_sha256    varchar,
    peaks_tool      varchar,            -- detected layout: diffbind | deseq2 | edger | bed | macs | comparison | ...
    peaks_columns   varchar,            -- role=column mapping used (JSON)
    rna_source      varchar not null,
    rna_sha256      varchar,
    rna_tool        varchar,
    rna_columns     varchar,
    coordinate_base integer not null default 0,  -- 1 when the peak table was 1-based (converted)
    link_rule       varchar not null,   -- nearest | distance | great
    max_distance    bigint,
    atac_lfc        double not null,    -- significance: |log2FC| > atac_lfc and padj < atac_padj
    atac_padj       double not null,
    rna_lfc         double not null,
    rna_padj        double not null,
    simulated       boolean not null default false,
    status          varchar not null,   -- loaded | linked | computed | done (published)
    n_peaks         integer,
    n_genes         integer,
    chromdiff_version varchar,
    created_at      timestamp not null default current_timestamp,
    updated_at      timestamp not null default current_timestamp
);
-- int_peaks: the peak side, one row per input region (0-based half-open).
create table if not exists int_peaks (
    integration_id varchar not null,
    peak_id     integer not null,
    chrom       varchar not null,
    start       bigint not null,
    stop        bigint not null,
    name        varchar,
    logfc       double,      -- log2 fold change (NULL for plain peak files)
    pvalue      double,
    padj        double,
    score       double,      -- peak score (BED column 5, MACS -10log10p) when present
    source_line bigint,      -- line of the input file
    primary key (integration_id, peak_id)
);
-- int_genes: the RNA side after identifier reconciliation and de-duplication (one row per input
-- gene kept; duplicates dropped are counted in int_input_notes).
create table if not exists int_genes (
    integration_id varchar not null,
    row_id      integer not null,
    input_id    varchar,     -- the identifier as given (version suffix kept)
    symbol      varchar,     -- symbol column of the input, if any
    entrez      varchar,     -- Entrez column of the input, if any
    logfc       double,
    pvalue      double,
    padj        double,
    gene_id     varchar,     -- resolved annotation gene_id (NULL: not found in the annotation)
    gene_symbol varchar,     -- the annotation's symbol of gene_id
    match_via   varchar,     -- gene_id | entrez | refseq | symbol | ambiguous_symbol | NULL
    source_line bigint,
    primary key (integration_id, row_id)
);
-- int_input_notes: what the readers handled and report (NA padj, padj = 0, duplicates, ...).
create table if not exists int_input_notes (
    integration_id varchar not null,
    side    varchar not null,    -- peaks | rna
    kind    varchar not null,
    n       bigint not null,
    example varchar,
    message varchar not null
);
-- int_peak_annotation: ChIPseeker-like annotation of every peak (columns of annotate_regions).
create table if not exists int_peak_annotation (
    integration_id varchar not null,
    peak_id     integer not null,
    feature     varchar,
    annotation  varchar,
    gene_id     varchar,
    symbol      varchar,
    gene_strand varchar,
    tss         bigint,
    distance_to_tss bigint,
    primary key (integration_id, peak_id)
);
-- genic_*: the gene whose exon or intron the peak overlaps (may differ from the nearest gene);
-- added later, so databases created before get the columns here.
alter table int_peak_annotation add column if not exists genic_gene_id varchar;
alter table int_peak_annotation add column if not exists genic_symbol varchar;
-- int_links: peak-gene links under the integration's rule; distance signed as ChIPseeker's (+ = 3'
-- of the TSS in the gene's orientation): its edge distance for nearest and distance, GREAT's
-- midpoint distance for great.
create table if not exists int_links (
    integration_id varchar not null,
    peak_id  integer not null,
    gene_id  varchar not null,
    symbol   varchar,
    distance bigint,
    rule     varchar not null
);
-- int_rp_links: BETA links: peak centre within 100 kb of a gene's TSS, delta = |centre-TSS|/100kb.
create table if not exists int_rp_links (
    integration_id varchar not null,
    peak_id  integer not null,
    gene_id  varchar not null,
    distance bigint not null
);
-- int_correlations: Pearson (p, 95% CI) and Spearman of peak vs RNA log2FC, per set and scope.
create table if not exists int_correlations (
    integration_id varchar not null,
    level   varchar not null,   -- pair | gene
    pair_set varchar not null,  -- significant (both sides) | linked (all linked pairs)
    scope   varchar not null,   -- all | promoter | distal
    n       integer not null,
    pearson_r double, pearson_p double, pearson_ci_low double, pearson_ci_high double,
    spearman_rho double, spearman_p double
);
-- int_sensitivity: the same correlation and the category counts over a grid of cutoffs.
create table if not exists int_sensitivity (
    integration_id varchar not null,
    lfc_cutoff double not null, padj_cutoff double not null,
    n_pairs integer not null, n_genes integer not null,
    pearson_r double, spearman_rho double,
    n_concordant_up integer, n_concordant_down integer,
    n_discordant_open_down integer, n_discordant_closed_up integer
);
-- int_beta_tests: BETA's one-sided KS test of up/down genes' regulatory potential vs non-DE.
create table if not exists int_beta_tests (
    integration_id varchar not null,
    direction varchar not null,     -- up | down
    n_genes integer not null, n_background integer not null,
    ks_stat double, p_value double,
    median_rp double, median_rp_background double
);
