-- enrichment_integration: enrichment rows of integrations (ORA of each concordance category and of the up/down genes), ranked within (integration, query, set source) by p-value.
create or replace view enrichment_integration as
select e.scope_id as integration_id, e.query, e.method, e.set_source, e.set_id, e.set_name,
       e.k, e.n_query, e.set_size, e.universe_size, e.expected, e.fold, e.pvalue, e.padj,
       e.genes, e.symbols, e.background,
       row_number() over (partition by e.run_id, e.query, e.method, e.set_source
                          order by e.pvalue, e.set_id) as rank
from enrichment_results e
where e.scope = 'integration';
