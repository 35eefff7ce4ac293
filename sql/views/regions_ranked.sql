-- regions_ranked: filtered regions with their rank in strict q-value order (qvalue ascending,
-- NULL last; ties by |effect| descending, then chrom, start, stop, region_id). Unannotated rows
-- keep their place.
create or replace view regions_ranked as
select
    f.*,
    row_number() over (
        partition by f.comparison_id
        order by f.qvalue asc nulls last, abs(f.effect) desc nulls last,
                 f.chrom, f.start, f.stop, f.region_id
    ) as rank
from regions_filtered f;
