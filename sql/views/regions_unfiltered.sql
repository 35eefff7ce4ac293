-- regions_unfiltered: every region of every comparison (nothing removed), with derived columns:
-- size, effect (logfc for diffbind, meth_diff for dmr), direction ('A' > 0, 'B' < 0, 'none' for 0
-- or NULL), significant (qvalue < fdr and |effect| >= min_abs_logfc, from comparison_params, and
-- a direction: an effect of exactly 0 changes in neither group), is_standard, passes_filter
-- (standard contig and size >= min_region_bp), mean_count and log2_mean_count (log2 of
-- max(mean count, ma_floor); NULL without counts), and when annotated: nearest_gene (symbol,
-- else gene ID, of the gene whose TSS is nearest, at any distance), distance_to_tss (signed as
-- ChIPseeker: + = 3' of the TSS in the gene's orientation) and genic_gene (the gene whose exon
-- or intron the region overlaps, which may differ from the nearest one; NULL when intergenic).
create or replace view regions_unfiltered as
select
    r.comparison_id,
    r.region_id,
    r.chrom,
    r.start,
    r.stop,
    r.stop - r.start as size,
    c.analysis,
    e.effect,
    r.logfc,
    r.meth_diff,
    r.pvalue,
    r.qvalue,
    case when e.effect > 0 then 'A' when e.effect < 0 then 'B' else 'none' end as direction,
    coalesce(r.qvalue < p.fdr and abs(e.effect) >= p.min_abs_logfc and e.effect <> 0, false)
        as significant,
    s.chrom is not null as is_standard,
    s.chrom is not null and r.stop - r.start >= p.min_region_bp as passes_filter,
    r.mean_count_a,
    r.mean_count_b,
    (r.mean_count_a + r.mean_count_b) / 2 as mean_count,
    -- greatest() skips a NULL argument: a region without counts would sit at the floor
    case when r.mean_count_a is not null and r.mean_count_b is not null
         then log2(greatest((r.mean_count_a + r.mean_count_b) / 2, p.ma_floor)) end
        as log2_mean_count,
    r.n_cpgs,
    r.p_mwu,
    r.p_ks,
    r.mean_meth_a,
    r.mean_meth_b,
    coalesce(a.symbol, a.gene_id) as nearest_gene,
    a.symbol as gene_symbol,
    a.feature as gene_feature,
    a.distance_to_tss,
    coalesce(a.genic_symbol, a.genic_gene_id) as genic_gene
from regions r
join comparisons c using (comparison_id)
join comparison_params p using (comparison_id)
-- the effect, written once: logFC, or a dmr comparison's methylation difference
cross join lateral (select case when c.analysis = 'dmr' then r.meth_diff else r.logfc end
                           as effect) e
left join comparison_chrom_set s on s.comparison_id = r.comparison_id and s.chrom = r.chrom
left join region_annotation a on a.comparison_id = r.comparison_id and a.region_id = r.region_id;
