-- rpt_top_regions: the top_n regions (regions_top) formatted for the report table: rank, location
-- chr:start-end with thousands separators, size, effect, q, direction, the nearest gene with its
-- signed distance to the TSS (nearest_gene, nearest_distance; shown at any distance) and the
-- overlapping (genic) gene.
create or replace view rpt_top_regions as
select
    comparison_id, rank,
    chrom || ':' || format('{:,}', start) || '-' || format('{:,}', stop) as location,
    size, effect, qvalue, significant,
    case direction when 'A' then 'A-enriched' when 'B' then 'B-enriched' else 'none' end
        as direction,
    chrom in ('chrX', 'chrY') as on_sex_chrom,
    nearest_gene, distance_to_tss as nearest_distance, genic_gene
from regions_top;
