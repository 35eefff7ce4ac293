-- enrichment_results: functional enrichment, one row per (run, query, test, gene set) with k >= 1.
-- run_id: 'comparison:<id>' or 'integration:<id>' (ad-hoc `chromdiff enrich --genes/--regions`
-- runs write their --out file and are not stored here); a re-run with the same run_id replaces
-- all its rows (and notes) in one transaction.
-- method: ora (gene-list hypergeometric, clusterProfiler enricher/enrichGO) | great_binomial |
-- great_hypergeometric | great_regions_hypergeometric (docs/enrichment.md has the definitions).
-- k = hits, n_query = list size in the universe (regions for great_binomial/_regions_*),
-- set_size = the set's genes in the universe (genes with a domain for great_*), universe_size =
-- N (NULL for the binomial), genome_fraction = the term's regulatory-domain union / genome.
create table if not exists enrichment_results (
    run_id          varchar not null,
    scope           varchar not null,   -- comparison | integration | adhoc
    scope_id        varchar,            -- comparison_id / integration_id; NULL for adhoc
    query           varchar not null,   -- the list tested: A-enriched, Concordant up, up, ...
    method          varchar not null,
    set_source      varchar not null,   -- GO:BP | GO:MF | GO:CC | gmt:<file name>
    set_version     varchar,
    background      varchar not null,   -- the universe in words
    set_id          varchar not null,
    set_name        varchar,
    k               integer not null,
    n_query         integer not null,
    set_size        integer,
    universe_size   bigint,
    genome_fraction double,
    expected        double,
    fold            double,
    pvalue          double,
    padj            double,
    genes           varchar,            -- '/'-joined ids of the hit genes (Entrez for GO)
    symbols         varchar,            -- the same genes as symbols (annotation), when known
    created_at      timestamp not null default current_timestamp
);
-- enrichment_notes: what a run skipped or assumed and why (no gene sets for the genome, an empty
-- list, the universe used), one line each.
create table if not exists enrichment_notes (
    run_id  varchar not null,
    query   varchar,
    kind    varchar not null,   -- skipped | universe | info
    message varchar not null
);
