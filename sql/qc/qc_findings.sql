-- qc_findings: every QC finding of every comparison (union of the qc_* views), ordered by check.
create or replace view qc_findings as
select *, 1 as check_order from qc_sex_chrom_all
union all select *, 2 from qc_sex_chrom_sig
union all select *, 3 from qc_nonstandard_contigs
union all select *, 4 from qc_tiny_regions
union all select *, 5 from qc_chrm
union all select *, 6 from qc_chrm_tiny
union all select *, 7 from qc_clusters
union all select *, 8 from qc_ma_asymmetry
union all select *, 9 from qc_small_median
union all select *, 10 from qc_sample_size
union all select *, 11 from qc_dropped_ids
union all select *, 12 from qc_unattributed_ids
union all select *, 13 from qc_empty_result;
