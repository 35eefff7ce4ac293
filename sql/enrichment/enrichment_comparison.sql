-- enrichment_comparison: enrichment rows of comparisons (GREAT on A-/B-enriched regions), with the comparison's title and genome, ranked within (comparison, query, method, set source) by p-value.
create or replace view enrichment_comparison as
select e.scope_id as comparison_id, c.title, c.genome, e.query, e.method, e.set_source,
       e.set_id, e.set_name, e.k, e.n_query, e.set_size, e.universe_size, e.genome_fraction,
       e.expected, e.fold, e.pvalue, e.padj, e.genes, e.symbols, e.background,
       row_number() over (partition by e.run_id, e.query, e.method, e.set_source
                          order by e.pvalue, e.set_id) as rank
from enrichment_results e
left join comparisons c on c.comparison_id = e.scope_id
where e.scope = 'comparison';
