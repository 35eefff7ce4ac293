-- qc_unattributed_ids (minor): IDs the server counted without saying under which SRX (several GSMs in one group): their per-experiment counts are not attributed (no region_counts rows); the comparison and its group statistics are unaffected.
create or replace view qc_unattributed_ids as
select
    e.comparison_id,
    'unattributed_ids' as check_name,
    'minor' as severity,
    count(*) || ' submitted ID(s) were compared but cannot be tied to their count column: '
        || string_agg(e.experiment_id || ' (group ' || e.grp || ': ' || e.unattributed || ')',
                      '; ' order by e.grp, e.input_order)
        || '. The server maps each GSM to its SRX and names only the SRXs; the group statistics '
        || 'use every experiment, but these IDs have no per-experiment counts here.' as detail,
    to_json({ids: list(e.experiment_id order by e.grp, e.input_order)})::varchar as evidence
from experiments e
where e.unattributed is not null and e.dropped is null
group by e.comparison_id;
