-- integration_targets: BETA-style ranked targets: up (or down) genes with rp > 0, ranked by the
-- rank product (R_binding / n) * (R_expr / n); R_binding = rank of rp (descending) and R_expr =
-- rank of log2FC (descending for up, ascending for down) among the n genes of integration_rp
-- tested for DE (up, down, notdiff): excluded (non-finite log2FC) and untested (NA padj) genes
-- neither rank nor count in n.
create or replace view integration_targets as
with r as (
    select *, count(*) over (partition by integration_id) as n,
           rank() over (partition by integration_id order by rp desc) as r_binding,
           rank() over (partition by integration_id order by rna_logfc desc nulls last) as r_up,
           rank() over (partition by integration_id order by rna_logfc asc nulls last) as r_down
    from integration_rp where de_class in ('up', 'down', 'notdiff'))
select integration_id, de_class as direction, gene_id, symbol, rp, n_peaks, min_distance,
       rna_logfc, rna_padj, r_binding,
       case when de_class = 'up' then r_up else r_down end as r_expr,
       (r_binding / n) * ((case when de_class = 'up' then r_up else r_down end) / n)
         as rank_product,
       row_number() over (partition by integration_id, de_class
                          order by (r_binding / n)
                                   * ((case when de_class = 'up' then r_up else r_down end) / n),
                                   gene_id) as target_rank
from r
where rp > 0 and de_class in ('up', 'down');
