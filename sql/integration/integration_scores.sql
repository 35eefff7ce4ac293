-- integration_scores: integration_pairs plus the tutorial's scores:
-- product_score = log2FC_peak * log2FC_rna; z_product = z(log2FC_peak) * z(log2FC_rna), z over
-- the integration's linked pairs; significance_score = -log10 padj_peak - log10 padj_rna (padj
-- floored at 1e-300, so padj = 0 counts 300); weighted_score = product_score * significance_score;
-- distance_weight = exp(-min(|distance|, 100 kb) / 10 kb); distance_weighted_score =
-- weighted_score * distance_weight. NA padj gives NULL scores, never 300 (a NULL padj must not
-- reach greatest(), which skips NULLs); a non-finite log2FC (see integration_pairs) gives NULL
-- product/z/weighted scores and is left out of the z means and SDs. NULL scores sort last.
create or replace view integration_scores as
with s as (
    select *,
           case when not atac_logfc_nonfinite then atac_logfc end as _afc,
           case when not rna_logfc_nonfinite then rna_logfc end as _rfc,
           case when atac_padj is not null then -log10(greatest(atac_padj, 1e-300)) end as _asig,
           case when rna_padj is not null then -log10(greatest(rna_padj, 1e-300)) end as _rsig
    from integration_pairs)
select * exclude (_afc, _rfc, _asig, _rsig),
       _afc * _rfc as product_score,
       ((_afc - avg(_afc) over w) / nullif(stddev_samp(_afc) over w, 0))
         * ((_rfc - avg(_rfc) over w) / nullif(stddev_samp(_rfc) over w, 0)) as z_product,
       _asig + _rsig as significance_score,
       _afc * _rfc * (_asig + _rsig) as weighted_score,
       exp(-least(abs(distance), 100000) / 10000.0) as distance_weight,
       _afc * _rfc * (_asig + _rsig) * exp(-least(abs(distance), 100000) / 10000.0)
         as distance_weighted_score
from s
window w as (partition by integration_id);
