-- integration_scores: integration_pairs plus the tutorial's scores:
-- product_score = log2FC_peak * log2FC_rna; z_product = z(log2FC_peak) * z(log2FC_rna), z over
-- the integration's linked pairs; significance_score = -log10 padj_peak - log10 padj_rna (padj
-- floored at 1e-300, so padj = 0 counts 300); weighted_score = product_score * significance_score;
-- distance_weight = exp(-min(|distance|, 100 kb) / 10 kb); distance_weighted_score =
-- weighted_score * distance_weight. NA padj gives NULL scores, never 300 (a NULL padj must not
-- reach greatest(), which skips NULLs); a non-finite log2FC (see integration_pairs) gives NULL
-- scores (the significance score too: the pair is left out of every statistic) and is left out
-- of the z means and SDs. NULL scores sort last.
-- The means and SDs add the values in sorted order, so they do not depend on the order in which
-- the rows are stored or scanned (a parallel sum would change in its last bits run to run).
create or replace view integration_scores as
with s as (
    select *,
           case when not atac_logfc_nonfinite then atac_logfc end as _afc,
           case when not rna_logfc_nonfinite then rna_logfc end as _rfc,
           case when atac_padj is not null and not atac_logfc_nonfinite
                then -log10(greatest(atac_padj, 1e-300)) end as _asig,
           case when rna_padj is not null and not rna_logfc_nonfinite
                then -log10(greatest(rna_padj, 1e-300)) end as _rsig
    from integration_pairs),
l as (
    select integration_id,
           list(_afc order by _afc) filter (where _afc is not null) as _al,
           list(_rfc order by _rfc) filter (where _rfc is not null) as _rl
    from s group by integration_id),
z as (
    select integration_id, list_avg(_al) as _am, list_stddev_samp(_al) as _asd,
           list_avg(_rl) as _rm, list_stddev_samp(_rl) as _rsd
    from l)
select s.* exclude (_afc, _rfc, _asig, _rsig),
       _afc * _rfc as product_score,
       ((_afc - _am) / nullif(_asd, 0)) * ((_rfc - _rm) / nullif(_rsd, 0)) as z_product,
       _asig + _rsig as significance_score,
       _afc * _rfc * (_asig + _rsig) as weighted_score,
       exp(-least(abs(distance), 100000) / 10000.0) as distance_weight,
       _afc * _rfc * (_asig + _rsig) * exp(-least(abs(distance), 100000) / 10000.0)
         as distance_weighted_score
from s join z using (integration_id);
