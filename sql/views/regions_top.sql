-- regions_top: the first comparison_params.top_n rows of regions_ranked (strict q-value order).
create or replace view regions_top as
select r.*
from regions_ranked r
join comparison_params p using (comparison_id)
where r.rank <= p.top_n;
