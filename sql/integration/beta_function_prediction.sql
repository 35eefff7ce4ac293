-- beta_function_prediction: BETA mode's KS test per gene set with its options and the call
-- (up selected: activating; down selected: repressive), as BETA's function prediction reads.
create or replace view beta_function_prediction as
select f.integration_id, r.title, f.gene_set, f.n_genes, f.n_background, f.d_statistic,
       f.p_value, f.p_value_r, f.p_value_asymptotic,
       case when f.exact then 'exact' else 'asymptotic' end as method,
       r.cutoff, f.selected,
       case when not f.selected then 'not significant'
            when f.gene_set = 'up' then 'activating'
            else 'repressive' end as call,
       r.da, r.pn, r.distance, r.df, r.background_rule
from beta_function f join beta_runs r using (integration_id);
