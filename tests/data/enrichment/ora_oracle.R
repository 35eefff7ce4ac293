# Independent oracle for chromdiff's gene-list ORA (tests/test_enrichment_ora.py, marker goseq).
# Reads universe and query Entrez ids (one per line), takes GO BP gene sets from org.Hs.eg.db's
# own propagated GOALL map (not from chromdiff's embedded parquet), runs goseq's hypergeometric
# test (p.over = P(X >= k) over the annotated universe) and applies clusterProfiler's selection:
# sets of 10-500 universe genes holding >= 1 query gene, then p.adjust(method = "BH").
# Usage: Rscript ora_oracle.R universe.txt query.txt out.tsv
suppressPackageStartupMessages({
    library(org.Hs.eg.db)
    library(goseq)
})
args <- commandArgs(trailingOnly = TRUE)
universe <- unique(readLines(args[1]))
query <- unique(readLines(args[2]))
tab <- AnnotationDbi::toTable(org.Hs.egGO2ALLEGS)
tab <- unique(tab[tab$Ontology == "BP", c("gene_id", "go_id")])
tab <- tab[tab$gene_id %in% universe, ]
gene2cat <- split(tab$go_id, tab$gene_id)
pwf <- data.frame(DEgenes = as.integer(universe %in% query), bias.data = 1, pwf = 1,
                  row.names = universe)
res <- suppressMessages(goseq(pwf, gene2cat = gene2cat, method = "Hypergeometric",
                              use_genes_without_cat = FALSE))
res <- res[res$numInCat >= 10 & res$numInCat <= 500 & res$numDEInCat >= 1, ]
res$padj <- p.adjust(res$over_represented_pvalue, method = "BH")
out <- data.frame(set_id = res$category, k = res$numDEInCat, set_size = res$numInCat,
                  pvalue = res$over_represented_pvalue, padj = res$padj)
write.table(out, args[3], sep = "\t", quote = FALSE, row.names = FALSE)
