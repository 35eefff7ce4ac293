-- regions_significant: filtered regions with qvalue < fdr and |effect| >= min_abs_logfc.
create or replace view regions_significant as
select * from regions_filtered where significant;
