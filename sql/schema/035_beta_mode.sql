-- BETA-identical mode (`chromdiff integrate --method beta`): BETA 1.0.7 `basic`, score method.
-- Every table is keyed by integration_id; a re-run with the same id replaces its rows at once.
-- beta_runs: one row per run: inputs (SHA-256), BETA's RefSeq table, BETA's options, counts.
create table if not exists beta_runs (
    integration_id    varchar primary key,
    title             varchar not null,
    genome            varchar,
    reference         varchar not null,   -- 'BETA 1.0.7 hg19.refseq' or the --reference path
    reference_sha256  varchar,
    peaks_source      varchar not null,
    peaks_sha256      varchar,
    peaks_score_column varchar,           -- NULL: 3-column BED, every score 1.0 (as BETA)
    coordinate_base   integer not null default 0,
    rna_source        varchar not null,
    rna_sha256        varchar,
    rna_columns       varchar,            -- JSON: gene / logfc / padj columns used
    da                double not null,    -- --da: fraction (<= 1) or count of DE genes per sign
    pn                integer not null,   -- --pn: top peaks by score
    distance          bigint not null,    -- -d: peaks strictly closer than this to a TSS
    df                double not null,    -- --df: FDR threshold of DE genes
    cutoff            double not null,    -- -c: KS p cutoff that selects groups for targets
    gname2            boolean not null,   -- --gname2: IDs are gene symbols
    boundary          varchar,            -- --bl: the CTCF boundary file used (NULL: off)
    n_peaks_read      integer,
    n_peaks_used      integer,
    n_peaks_unplaced  integer,            -- top peaks on a chromosome without RefSeq rows (score nothing)
    n_transcripts     integer,            -- RefSeq rows on chr1-22, X, Y
    n_de_rows         integer,
    n_affx_skipped    integer,
    n_na_fdr          integer,            -- logFC given but FDR NA: read as 1 (BETA stops)
    n_ids_mangled     integer,            -- IDs BETA's strip('"_at"') cut beyond _at/.N (Cd8a -> Cd8)
    n_up              integer,            -- rows with logFC > 0
    n_down            integer,
    n_nochange        integer,            -- logFC 0 or NA
    n_up_selected     integer,            -- top --da with FDR <= --df
    n_down_selected   integer,
    background_rule   varchar,
    status            varchar not null,   -- done
    chromdiff_version varchar,
    created_at        timestamp not null default current_timestamp
);
-- beta_transcript_rp: regulatory potential of every RefSeq transcript (BETA's NAME.txt).
create table if not exists beta_transcript_rp (
    integration_id varchar not null,
    score_order  integer not null,        -- position after BETA's stable sort by score
    refseq       varchar not null,
    symbol       varchar,
    chrom        varchar not null,
    tx_start     bigint not null,         -- 0-based (UCSC txStart)
    tx_end       bigint not null,
    strand       varchar not null,
    tss          bigint not null,
    n_peaks      integer not null,        -- peaks with |centre - TSS| < distance
    rp           double not null,         -- sum exp(-0.5 - 4 d / distance)
    rp_text      varchar not null,        -- '%.3f' as BETA writes (and ranks) it
    file_rank    integer                  -- BETA's rank column; NULL where rp_text = 0.000 (NA)
);
-- beta_gene_sets: up, down and background gene lists and the RP rank each adds to the KS test.
create table if not exists beta_gene_sets (
    integration_id varchar not null,
    gene_set   varchar not null,          -- up | down | background
    position   integer not null,
    gene       varchar not null,          -- ID after BETA's clean-up
    rp_rank    integer                    -- NULL: not in the RefSeq table (left out of the test)
);
-- beta_function: BETA's function prediction: one-sided KS test of up/down RP ranks vs background.
create table if not exists beta_function (
    integration_id varchar not null,
    gene_set     varchar not null,        -- up | down
    n_genes      integer not null,
    n_background integer not null,
    d_statistic  double not null,         -- D+ = max(F_group - F_background)
    p_value      double not null,         -- R >= 4.2's method, no cancellation
    p_value_r    double not null,         -- what R >= 4.2 (so BETA today) returns
    p_value_asymptotic double not null,   -- exp(-2 n D^2): R < 4.2 (BETA 2013-2021)
    exact        boolean not null,        -- m * n < 10000: exact distribution (R >= 4.2)
    selected     boolean not null         -- p <= cutoff: its targets are ranked
);
-- beta_targets: BETA's ranked targets of each selected group (rank product).
create table if not exists beta_targets (
    integration_id varchar not null,
    gene_set        varchar not null,
    target_rank     integer not null,
    gene            varchar not null,
    refseq          varchar,
    symbol          varchar,
    chrom           varchar,
    tx_start        bigint,
    tx_end          bigint,
    strand          varchar,
    rp_text         varchar,
    binding_rank    integer not null,
    expression_rank integer not null,
    rank_product    double not null
);
