# Regenerates edger_toptags.tsv: a real edgeR exact-test result table (topTags layout) for the
# column auto-detection tests. Genes are named by hg38 symbols; counts are simulated (seed 1).
suppressPackageStartupMessages(library(edgeR))
set.seed(1)
genes <- c("GAPDH", "ACTB", "TP53", "MYC", "EGFR", "KLK3", "FKBP5", "TMPRSS2", "CDKN1A", "MDM2",
           "BRCA1", "ESR1", "AR", "FOXA1", "GATA3", "SOX2", "PAX6", "NANOG", "POU5F1", "KRT5")
counts <- matrix(rnbinom(20 * 6, mu = 200, size = 10), nrow = 20,
                 dimnames = list(genes, paste0("s", 1:6)))
counts[1:4, 4:6] <- counts[1:4, 4:6] * 6
y <- DGEList(counts, group = factor(c(1, 1, 1, 2, 2, 2)))
y <- calcNormFactors(y)
y <- estimateDisp(y)
tt <- topTags(exactTest(y), n = Inf)$table
write.table(data.frame(gene = rownames(tt), tt), "edger_toptags.tsv", sep = "\t",
            quote = FALSE, row.names = FALSE)
# The same table as R writes it by default with row names: the header has one field fewer.
write.table(tt, "edger_toptags_rownames.tsv", sep = "\t", quote = FALSE)
