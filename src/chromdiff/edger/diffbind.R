# chromdiff --engine r: the edgeR calls of ChIP-Atlas's diffbind step, run by real edgeR.
#
# Usage: Rscript diffbind.R COUNTS.csv GROUPS.tsv OUT.tsv
#   COUNTS.csv: the count table as DA's combine_counts writes it (header "Peak,<name>,...",
#               one row per region, integer counts).
#   GROUPS.tsv: <name>\t<A|B>, one line per column of COUNTS.csv.
#   OUT.tsv:    Peak, logFC, PValue, FDR (full precision), then one normalised-count column per
#               experiment; only the rows filterByExpr keeps. chromdiff formats the BED itself.
# Same calls as inutano/chip-atlas script/update_2025/DA/edgeR.r (lines 19-47, 56-72):
# DGEList(group), filterByExpr, subset with keep.lib.sizes = FALSE, calcNormFactors,
# estimateGLMCommonDisp(method = "deviance", robust = TRUE, subset = NULL) when every group has
# one experiment else estimateCommonDisp + estimateTagwiseDisp, pseudo-counts (or CPM with
# normalised library sizes), exactTest(pair = 2:1), topTags over all rows.

suppressPackageStartupMessages(library(edgeR))

args <- commandArgs(trailingOnly = TRUE)
stopifnot(length(args) == 3)
count <- as.matrix(read.csv(args[1], header = TRUE, row.names = 1, check.names = FALSE))
groups <- read.delim(args[2], header = FALSE, col.names = c("name", "group"),
                     colClasses = "character")
group <- factor(groups$group[match(colnames(count), groups$name)])
stopifnot(!anyNA(group))

y <- DGEList(counts = count, group = group)
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
res <- topTags(exactTest(y, pair = 2:1), n = nrow(count))$table
res <- res[rownames(norm), c("logFC", "PValue", "FDR")]
out <- cbind(data.frame(Peak = rownames(norm)), res, norm)
num <- vapply(out, is.numeric, logical(1))
out[num] <- lapply(out[num], function(x) sprintf("%.17g", x))  # full double precision
write.table(out, args[3], sep = "\t", quote = FALSE, row.names = FALSE)
