-- region_annotation_labeled: regions of a comparison with their gene annotation (left join:
-- regions without annotation keep NULL columns); effect is logfc, or a dmr comparison's
-- meth_diff (both kept); genic_gene_id/genic_symbol: the gene whose exon or intron the region
-- overlaps, tx_id: the transcript whose TSS is nearest.
create or replace view region_annotation_labeled as
select r.comparison_id, r.region_id, r.chrom, r.start, r.stop,
       case when c.analysis = 'dmr' then r.meth_diff else r.logfc end as effect,
       r.logfc, r.meth_diff, r.qvalue,
       a.feature, a.annotation, a.gene_id, a.symbol, a.gene_strand, a.tss, a.distance_to_tss,
       a.nearest_label, a.tx_id, a.genic_gene_id, a.genic_symbol, a.annotation_id
from regions r
join comparisons c using (comparison_id)
left join region_annotation a using (comparison_id, region_id);
