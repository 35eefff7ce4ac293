-- region_annotation_labeled: regions of a comparison with their gene annotation (left join:
-- regions without annotation keep NULL columns).
create or replace view region_annotation_labeled as
select r.comparison_id, r.region_id, r.chrom, r.start, r.stop, r.logfc, r.qvalue,
       a.feature, a.annotation, a.gene_id, a.symbol, a.gene_strand, a.tss, a.distance_to_tss,
       a.nearest_label, a.annotation_id
from regions r
left join region_annotation a using (comparison_id, region_id);
