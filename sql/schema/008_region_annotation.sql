-- region_annotation: gene annotation of each region of a comparison (ChIPseeker-like).
-- grain: (comparison_id, region_id). Written by the annotation engine after loading.
-- distance_to_tss: signed as ChIPseeker (positive = region 3' of the TSS in gene orientation);
-- nearest_label: 'GENE' when a gene overlaps the region, else 'GENE (+2.1kb)' within the flank.
create table if not exists region_annotation (
    comparison_id   varchar not null,
    region_id       integer not null,
    annotation      varchar,   -- e.g. 'Promoter (<=1kb)', 'Intron (NM_x/1234, intron 2 of 5)'
    feature         varchar,   -- Promoter | 5' UTR | 3' UTR | Exon | Intron | Downstream | Distal Intergenic
    gene_id         varchar,
    symbol          varchar,
    gene_strand     varchar,
    gene_start      bigint,
    gene_stop       bigint,
    tss             bigint,
    distance_to_tss bigint,
    nearest_label   varchar,
    annotation_id   varchar,   -- which annotation build was used
    primary key (comparison_id, region_id)
);
-- Added by the annotation engine (idempotent for databases created before):
-- tx_id = transcript whose TSS is nearest; genic_* = gene of the Exon/Intron hit (may differ).
alter table region_annotation add column if not exists tx_id varchar;
alter table region_annotation add column if not exists genic_gene_id varchar;
alter table region_annotation add column if not exists genic_symbol varchar;
