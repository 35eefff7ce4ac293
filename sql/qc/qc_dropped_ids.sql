-- qc_dropped_ids (major): submitted IDs the server did not use (a GSM it could not map, an invalid ID: its [WARNING] lines; a GSM it counted no sample for); the comparison ran on the rest.
create or replace view qc_dropped_ids as
select
    e.comparison_id,
    'dropped_ids' as check_name,
    'major' as severity,
    count(*) || ' of ' || any_value(c.n_a + c.n_b) || ' submitted IDs were not used as submitted: '
        || string_agg(e.experiment_id || ' (group ' || e.grp || ': ' || e.dropped || ')', '; '
                      order by e.grp, e.input_order)
        || '. The server compared the remaining experiments; check the design still holds.'
        as detail,
    to_json({ids: list(e.experiment_id order by e.grp, e.input_order)})::varchar as evidence
from experiments e
join comparisons c using (comparison_id)
where e.dropped is not null
group by e.comparison_id;
