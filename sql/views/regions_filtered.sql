-- regions_filtered: the analysis set ("all" regions): regions_unfiltered minus non-standard contigs
-- and regions shorter than comparison_params.min_region_bp.
create or replace view regions_filtered as
select * from regions_unfiltered where passes_filter;
