-- enrichment_top_terms: the 10 best terms (padj < 0.05) per run, query, method and set source, for reports.
create or replace view enrichment_top_terms as
select * from (
    select run_id, scope, scope_id, query, method, set_source, set_id, set_name, k, n_query,
           set_size, fold, pvalue, padj, genes, symbols,
           row_number() over (partition by run_id, query, method, set_source
                              order by pvalue, set_id) as rank
    from enrichment_results where padj < 0.05)
where rank <= 10;
