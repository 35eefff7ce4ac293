-- rpt_top_regions: the top_n regions (regions_top) formatted for the report table: rank, location
-- chr:start-end as a genome browser reads it (1-based, both ends included: the stored 0-based
-- start + 1) with thousands separators, size, effect, q, direction (A-/B-enriched; A-/B-hyper for
-- dmr), the nearest gene with its signed distance to the TSS (nearest_gene, nearest_distance;
-- shown at any distance) and the overlapping (genic) gene.
create or replace view rpt_top_regions as
select
    t.comparison_id, t.rank,
    t.chrom || ':' || format('{:,}', t.start + 1) || '-' || format('{:,}', t.stop) as location,
    t.size, t.effect, t.qvalue, t.significant,
    case when t.direction in ('A', 'B')
         then t.direction || (case when c.analysis = 'dmr' then '-hyper' else '-enriched' end)
         else 'none' end as direction,
    t.chrom in ('chrX', 'chrY') as on_sex_chrom,
    t.nearest_gene, t.distance_to_tss as nearest_distance, t.genic_gene
from regions_top t
join comparisons c using (comparison_id);
