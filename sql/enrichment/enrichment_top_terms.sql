-- enrichment_top_terms: the 10 best terms (padj < 0.05) per run, query, method and set source, as the reports show them; a GREAT binomial term also needs gene-test padj < 0.05 (padj_genes), as GREAT's default output.
create or replace view enrichment_top_terms as
with genes as (
    select run_id, query, set_source, set_id, padj as padj_genes
    from enrichment_results where method = 'great_hypergeometric'
),
kept as (
    select r.*, case when r.method = 'great_binomial' then g.padj_genes end as padj_genes
    from enrichment_results r
    left join genes g using (run_id, query, set_source, set_id)
    where r.padj < 0.05 and (r.method <> 'great_binomial' or g.padj_genes < 0.05)
)
select * from (
    select run_id, scope, scope_id, query, method, set_source, set_id, set_name, k, n_query,
           set_size, fold, pvalue, padj, padj_genes, genes, symbols,
           row_number() over (partition by run_id, query, method, set_source
                              order by pvalue, set_id) as rank
    from kept)
where rank <= 10;
