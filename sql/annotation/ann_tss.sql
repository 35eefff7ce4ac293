-- ann_tss: one row per transcript TSS of every loaded annotation (0-based base; strand-aware).
create or replace view ann_tss as
select annotation_id, chrom, case when strand = '-' then stop - 1 else start end as tss,
       strand, tx_id, gene_id, symbol
from ann_transcripts;
