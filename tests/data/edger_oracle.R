# edgeR oracle for tests/test_edger_oracle.py: the statistics ChIP-Atlas's diffbind step computes.
#
# Usage: Rscript edger_oracle.R COUNTS.tsv N_A N_B OUT.tsv
#   COUNTS.tsv: header "id" + one column per experiment (group A columns first, then B),
#               integer raw counts, one row per region.
#   OUT.tsv:    id, keep (filterByExpr), logFC (log2 A/B), PValue, FDR, dispersion (tagwise,
#               or the common GLM one for 1 vs 1), then the normalised
#               counts (pseudo-counts, or CPM when both groups have one experiment); rows that
#               filterByExpr drops have NA statistics.
# Steps follow the 2025 server script (chipatlas_api.md section 2): DGEList(group), filterByExpr,
# subset with keep.lib.sizes = FALSE, calcNormFactors (TMM), estimateCommonDisp +
# estimateTagwiseDisp (estimateGLMCommonDisp(method = "deviance", robust = TRUE) when both groups
# have n = 1), exactTest(pair = 2:1) so logFC = log2(A/B), topTags (BH) over the kept rows.
# The common dispersion and the TMM factors go to stderr for debugging.

suppressPackageStartupMessages(library(edgeR))

args <- commandArgs(trailingOnly = TRUE)
stopifnot(length(args) == 4)
n_a <- as.integer(args[2])
n_b <- as.integer(args[3])

tab <- read.delim(args[1], check.names = FALSE)
counts <- as.matrix(tab[, -1, drop = FALSE])
rownames(counts) <- tab$id
stopifnot(ncol(counts) == n_a + n_b)
group <- factor(c(rep("A", n_a), rep("B", n_b)))

y <- DGEList(counts = counts, group = group)
keep <- filterByExpr(y, group = group)
y <- calcNormFactors(y[keep, , keep.lib.sizes = FALSE])
single <- all(table(group) == 1)
if (single) {
  y <- estimateGLMCommonDisp(y, method = "deviance", robust = TRUE, subset = NULL)
  norm <- cpm(y, normalized.lib.sizes = TRUE)
} else {
  y <- estimateTagwiseDisp(estimateCommonDisp(y))
  norm <- y$pseudo.counts
}
message("common.dispersion=", format(y$common.dispersion, digits = 15))
message("norm.factors=", paste(format(y$samples$norm.factors, digits = 15), collapse = ","))

res <- topTags(exactTest(y, pair = 2:1), n = Inf, sort.by = "none")$table
out <- data.frame(id = tab$id, keep = keep, logFC = NA_real_, PValue = NA_real_, FDR = NA_real_,
                  dispersion = NA_real_)
idx <- match(rownames(res), tab$id)
disp <- if (single) y$common.dispersion else y$tagwise.dispersion
out$dispersion[idx] <- disp
out$logFC[idx] <- res$logFC
out$PValue[idx] <- res$PValue
out$FDR[idx] <- res$FDR
normfull <- matrix(NA_real_, nrow(tab), ncol(counts), dimnames = list(NULL, colnames(counts)))
normfull[match(rownames(norm), tab$id), ] <- norm
out <- cbind(out, normfull)
options(digits = 15)
write.table(out, args[4], sep = "\t", quote = FALSE, row.names = FALSE)
