-- integration_rp: BETA regulatory potential per DE gene matched to the annotation:
-- rp = sum over bound peaks with centre within 100 kb of the TSS of exp(-(0.5 + 4 * d/100kb))
-- (0 when none), de_class = untested (NA padj or NA log2FC: the DE tool did not test the gene,
-- e.g. DESeq2's all-zero counts or independent filtering, cuffdiff's NOTEST/LOWDATA/HIDATA/FAIL
-- rows, a table without an adjusted p column), excluded (tested, with a non-finite log2FC: ±Inf,
-- NaN, |log2FC| >= 1e300 such as cuffdiff's ±1.79769e+308), up / down (significant by the RNA
-- cutoffs) or notdiff (tested, not significant). Excluded and untested genes are left out of the KS tests (neither group nor
-- background: an unmeasured gene is not evidence of "not DE", and low-count genes sit far from
-- peaks, so counting them drags the background's RP down) and of the target ranking. The terms
-- are added in sorted order: the same bits whatever order the links are scanned in.
create or replace view integration_rp as
with rp as (
    select integration_id, gene_id, sum(w order by w) as rp, count(*) as n_peaks,
           min(distance) as min_distance
    from (select *, exp(-(0.5 + 4.0 * distance / 100000.0)) as w from int_rp_links)
    group by integration_id, gene_id)
select g.integration_id, g.gene_id, g.gene_symbol as symbol, g.logfc as rna_logfc,
       g.padj as rna_padj, coalesce(rp.rp, 0) as rp, coalesce(rp.n_peaks, 0) as n_peaks,
       rp.min_distance,
       case when g.padj is null or g.logfc is null then 'untested'
            when not (isfinite(g.logfc) and abs(g.logfc) < 1e300) then 'excluded'
            when abs(g.logfc) > i.rna_lfc and g.padj < i.rna_padj
            then (case when g.logfc > 0 then 'up' else 'down' end)
            else 'notdiff' end as de_class
from int_genes g join integrations i using (integration_id)
left join rp on rp.integration_id = g.integration_id and rp.gene_id = g.gene_id
where g.gene_id is not null;
