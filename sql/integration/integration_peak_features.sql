-- integration_peak_features: every annotated peak of an integration with its ChIPseeker summary
-- category, TSS-distance bin and whether it is significant (as in integration_pairs: a non-finite
-- log2FC is never significant; the feature and TSS-distance charts of the differential peaks
-- read it).
create or replace view integration_peak_features as
select a.integration_id, a.peak_id, a.feature, a.distance_to_tss,
       case when a.feature = 'Promoter' then a.annotation
            when a.feature = 'Exon' then
                 case when a.annotation like '%exon 1 of%' then '1st Exon' else 'Other Exon' end
            when a.feature = 'Intron' then
                 case when a.annotation like '%intron 1 of%' then '1st Intron' else 'Other Intron' end
            when a.feature = 'Downstream' then 'Downstream (<=3kb)'
            else a.feature end as category,
       -- ChIPseeker's plotDistToTSS bins, half-open (annotation_tss_distance_bins); 'both': at
       -- the TSS, counted half upstream, half downstream; bin_order NULL at exactly 100 kb
       case when a.distance_to_tss < 0 then 'upstream' when a.distance_to_tss > 0
            then 'downstream' else 'both' end as side,
       case when abs(a.distance_to_tss) < 1000 then 1 when abs(a.distance_to_tss) < 3000 then 2
            when abs(a.distance_to_tss) < 5000 then 3 when abs(a.distance_to_tss) < 10000 then 4
            when abs(a.distance_to_tss) < 100000 then 5
            when abs(a.distance_to_tss) > 100000 then 6 end as bin_order,
       coalesce(isfinite(p.logfc) and abs(p.logfc) < 1e300 and abs(p.logfc) > i.atac_lfc
                and p.padj < i.atac_padj, false) as significant
from int_peak_annotation a
join int_peaks p using (integration_id, peak_id)
join integrations i using (integration_id)
where a.feature is not null;
