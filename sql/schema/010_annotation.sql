-- Annotation tables (ann_*): gene models loaded once per annotation build, keyed by annotation_id
-- ('embedded:hg38', 'gtf:<sha256 prefix>'). Coordinates 0-based half-open; tss = 0-based base.
-- annotation_sources: provenance of each build (source, version, licence).
create table if not exists annotation_sources (
    annotation_id varchar primary key,
    genome        varchar,
    kind          varchar not null,   -- embedded | gtf
    source        varchar not null,
    version       varchar,
    licence       varchar,
    n_genes       bigint,
    n_transcripts bigint,
    n_exons       bigint,
    n_utrs        bigint,
    loaded_at     timestamp not null default current_timestamp
);
-- ann_genes: one row per gene locus of each annotation build (gene_id, symbol, span, strand, TSS):
-- a gene at several places (copies, alt contigs, strays) has a row each; its gene-level TSS is its
-- longest locus's (the links and integration use that, annotation/genesql.py gene_tss_sql).
create table if not exists ann_genes (
    annotation_id varchar not null,
    gene_id varchar, symbol varchar, chrom varchar not null,
    start bigint not null, stop bigint not null, strand varchar not null, tss bigint not null
);
-- ann_transcripts: one row per transcript of each annotation build (span, strand, gene).
create table if not exists ann_transcripts (
    annotation_id varchar not null,
    tx_id varchar, gene_id varchar, symbol varchar, chrom varchar not null,
    start bigint not null, stop bigint not null, strand varchar not null
);
-- ann_exons: exons merged per gene (union of the gene's transcripts' exons).
create table if not exists ann_exons (
    annotation_id varchar not null,
    gene_id varchar, chrom varchar not null, start bigint not null, stop bigint not null,
    strand varchar not null
);
-- ann_tx_exons: each transcript's own exons (user GTFs only; the embedded builds have exons merged
-- per gene): the engine numbers a GTF build's exons and introns per transcript, as ChIPseeker.
create table if not exists ann_tx_exons (
    annotation_id varchar not null,
    tx_id varchar not null, gene_id varchar, chrom varchar not null, start bigint not null,
    stop bigint not null, strand varchar not null
);
-- ann_utrs: 5'/3' UTR segments per transcript (only from user GTFs); kind is '5UTR' or '3UTR'.
create table if not exists ann_utrs (
    annotation_id varchar not null,
    tx_id varchar, gene_id varchar, chrom varchar not null, start bigint not null,
    stop bigint not null, strand varchar not null, kind varchar not null
);
-- ann_coding_genes: the protein-coding genes of a GTF build, which GREAT's regulatory domains use
-- (GREAT, rGREAT: protein-coding genes only). basis: 'gene_type' (its gene_type / gene_biotype
-- attribute is protein_coding) or 'CDS' (no such attribute; a transcript of it has CDS rows). A
-- GTF with neither has no rows. Embedded builds need none: a gene with an NM_ transcript codes
-- (annotation/genesql.py coding_genes_sql).
create table if not exists ann_coding_genes (
    annotation_id varchar not null,
    gene_id varchar not null, basis varchar not null
);
