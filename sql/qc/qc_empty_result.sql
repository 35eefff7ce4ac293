-- qc_empty_result (major): a loaded comparison whose result holds no regions at all; for dmr, metilene may have failed silently on the server (its errors are discarded and a failed step leaves an empty result, docs/chipatlas.md).
create or replace view qc_empty_result as
select
    c.comparison_id,
    'empty_result' as check_name,
    'major' as severity,
    'The result holds no regions. '
        || case when c.analysis = 'dmr'
            then 'metilene found no DMRs, or failed on the server without saying so (the server '
                || 'discards its errors and a failed step leaves an empty result)'
            else 'Nothing was compared: the server found no regions in these experiments, or a '
                || 'step failed on it'
        end
        || '; read the job''s log (raw_files, kind log) before taking this as "no difference".'
        as detail,
    to_json({n_regions: 0, request_id: c.request_id})::varchar as evidence
from comparisons c
where c.status = 'loaded'
  and not exists (select 1 from regions r where r.comparison_id = c.comparison_id);
