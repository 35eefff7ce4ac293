"""Report prose shared by the Markdown and HTML renderers (one source for both)."""

from __future__ import annotations

import os
from pathlib import Path

from chromdiff.design.comparison import LOCAL_URL_PREFIX
from chromdiff.report.context import ReportContext

CITATIONS = {
    "chipatlas": (
        "Zou Z, Ohta T, Oki S. ChIP-Atlas 3.0: a data-mining suite to explore chromosome "
        "architecture together with large-scale regulome data. Nucleic Acids Res. 2024;52:W45-W53."
    ),
    "chipatlas2018": (
        "Oki S, Ohta T, et al. ChIP-Atlas: a data-mining suite powered by full integration of "
        "public ChIP-seq data. EMBO Rep. 2018;19:e46255."
    ),
    "great": (
        "McLean CY, Bristor D, Hiller M, et al. GREAT improves functional interpretation of "
        "cis-regulatory regions. Nat Biotechnol. 2010;28:495-501."
    ),
    "go": (
        "Ashburner M, Ball CA, Blake JA, et al. Gene Ontology: tool for the unification of "
        "biology. Nat Genet. 2000;25:25-29."
    ),
    "edger": (
        "Robinson MD, McCarthy DJ, Smyth GK. edgeR: a Bioconductor package for differential "
        "expression analysis of digital gene expression data. Bioinformatics. 2010;26:139-140."
    ),
    "metilene": (
        "Jühling F, Kretzmer H, Bernhart SH, Otto C, Stadler PF, Hoffmann S. metilene: fast and "
        "sensitive calling of differentially methylated regions from bisulfite sequencing data. "
        "Genome Res. 2016;26:256-262."
    ),
}


def analysis_name(ctx: ReportContext) -> str:
    """Human name of the analysis."""
    return (
        "Differentially Methylated Regions (metilene)"
        if ctx.is_dmr
        else ("Differential Peak Regions (edgeR)")
    )


def example_caveats(ctx: ReportContext) -> list[tuple[str, str]]:
    """Return the design caveats of the built-in example whose groups this comparison uses."""
    try:
        from chromdiff.design.examples import EXAMPLES
    except ImportError:
        return []
    c = ctx.comparison
    ids_a, ids_b = set(ctx.ids("A")), set(ctx.ids("B"))
    return [
        (e.name, line)
        for e in EXAMPLES.values()
        if (e.genome, e.analysis) == (c["genome"], c["analysis"])
        and (set(e.ids_a), set(e.ids_b)) == (ids_a, ids_b)
        for line in e.design_caveats
    ]


def design_caveats(ctx: ReportContext) -> list[str]:
    """Design caveats shown before anything else."""
    c = ctx.comparison
    out = []
    if c["simulated"] and str(c["base_url"]).startswith(LOCAL_URL_PREFIX):  # the local demo
        out.append(
            "These results are SIMULATED: chromdiff ran ChIP-Atlas's pipeline on this machine "
            "on simulated input files (demo data), not on ChIP-Atlas output."
        )
    elif c["simulated"]:
        out.append("These results are SIMULATED (local fake server), not ChIP-Atlas output.")
    user = [i for g in ("A", "B") for i in ctx.ids(g) if i.startswith("URL_")]
    if user:
        out.append(
            f"{len(user)} experiment(s) are the user's own data ({', '.join(user)}: bigWig, peaks "
            "and read length given by the user; see table user_experiments)."
        )
    kind = (
        "experiments chosen by the user"
        if user
        else "public ChIP-Atlas experiments chosen by the user"
    )
    out.append(
        f"The experiments of each group are {kind}. {'metilene' if ctx.is_dmr else 'edgeR'} "
        "treats them as replicates, but they are not necessarily true biological replicates: they "
        "may differ in laboratory, antibody, cell source and protocol."
    )
    n_a, n_b = (ctx.sizes.get(k, c[k]) for k in ("n_a", "n_b"))  # as compared
    if min(n_a, n_b) == 1:
        out.append(
            "At least one group has a single experiment: there is no replicate to estimate "
            "its variability."
        )
    out += [f"Built-in example {name}: {line}" for name, line in example_caveats(ctx)]
    if ctx.sex_chroms:
        out.append(
            "Sex-chromosome confound on "
            + ", ".join(ctx.sex_chroms)
            + ": the groups probably differ in sex (e.g. male vs female cell lines)."
        )
    return out


QC_SCOPE = (
    "The non-standard-contig and tiny-region checks look at every reported region; all other "
    "checks look at the analysis set (after those regions are removed), with the significance "
    "rule of this comparison."
)

#: Checks that need read counts or describe ChIP/ATAC signal: not run on a dmr comparison.
DMR_NOT_RUN = (
    "For a methylation (dmr) comparison the sex-chromosome confound, MA-asymmetry, chrM, "
    "small-median and genomic-cluster checks do not apply and were not run: metilene reports "
    "methylation levels, not read counts (a sex mismatch between the groups is not detected "
    "here: look at chrX/chrY DMRs yourself)."
)


def significance_rule(ctx: ReportContext, *, spelled: bool = False) -> str:
    """Return the comparison's significance rule, e.g. ``q < 0.05, |log2FC| ≥ 1``.

    ``spelled``: in words, as the Methods write it (``q < 0.05 and |log2 fold change| ≥ 1``).
    """
    p = ctx.params
    names = ("methylation difference", "log2 fold change") if spelled else ("meth diff", "log2FC")
    effect = names[0] if ctx.is_dmr else names[1]
    cut = float(p["min_abs_logfc"])
    joint = " and " if spelled else ", "
    return f"q < {p['fdr']:g}" + (f"{joint}|{effect}| ≥ {cut:g}" if cut > 0 else "")


def significance_line(ctx: ReportContext) -> str:
    """Return the line under the counts: the significance rule and the analysis set's q and size."""
    n = ctx.counts
    if not n.get("n_filtered"):  # no minimum q or median size to give ("NA bp")
        return f"Significant: {significance_rule(ctx)}. Analysis set: empty (no regions)."
    return (
        f"Significant: {significance_rule(ctx)}. Analysis set: minimum q "
        f"{fmt_q(n.get('min_q'))}, median region size {fmt_num(n.get('median_size'), 0)} bp."
    )


def top_export_line(ctx: ReportContext) -> str:
    """Return the line under the top-regions table pointing at the top-N export.

    The export holds the first ``top_n`` regions of the analysis set: fewer when it is smaller.
    """
    top_n, n = int(ctx.params["top_n"]), int(ctx.counts.get("n_filtered") or 0)
    if n == 0:
        return f"The top-{top_n} export is empty: the analysis set has no regions."
    if n < top_n:
        return f"All {n:,} regions of the analysis set are in the top-{top_n} export."
    return f"The top {top_n} regions are in the top-{top_n} export."


def charts_note(ctx: ReportContext) -> str | None:
    """Return the line above the charts when they have nothing to draw, else None."""
    if not ctx.counts.get("n_filtered"):
        return "No regions in the analysis set: the charts below are empty."
    return None


def tiny_removed(ctx: ReportContext) -> str:
    """Return the count of regions removed as too short, saying why the QC check's is larger.

    The tiny-region QC check counts every short region; the filter counts only those it removes
    itself (the others were on non-standard contigs, removed first).
    """
    n = ctx.counts
    tiny, every = n.get("n_tiny", 0), n.get("n_tiny_all", n.get("n_tiny", 0))
    if every == tiny:
        return f"{tiny:,}"
    return (
        f"{tiny:,} (of {every:,} this short; {every - tiny:,} on non-standard contigs, "
        "removed there)"
    )


def qc_scope(ctx: ReportContext) -> str:
    """Return what the QC checks looked at (and, for dmr, which ones did not run)."""
    return f"{QC_SCOPE} {DMR_NOT_RUN}" if ctx.is_dmr else QC_SCOPE


def methods(ctx: ReportContext) -> str:
    """Methods paragraph."""
    p, c = ctx.params, ctx.comparison
    sig = significance_rule(ctx, spelled=True)
    if ctx.is_dmr:
        core = (
            "ChIP-Atlas Diff Analysis ran metilene on the bisulfite-seq methylation of both "
            "groups; the effect is the mean methylation difference A − B. metilene's q-value "
            "is its two-dimensional Kolmogorov-Smirnov p-value times the number of segments "
            "it tested (Bonferroni, capped at 1): a family-wise error bound, stricter than "
            "an FDR; its tests take every CpG of every experiment as an observation."
        )
    else:
        core = (
            "ChIP-Atlas Diff Analysis merged the peaks of both groups into regions, counted "
            "reads per experiment and ran edgeR's exact test (log2 fold change A over B, "
            "Benjamini-Hochberg q-values). Counts are edgeR pseudo-counts (CPM when both "
            "groups have one experiment)."
        )
    source = f"Request {c['request_id'] or 'n/a'} on {c['base_url']}"
    # chromdiff compare --local (docs/pipeline.md)
    if str(c["base_url"]).startswith(LOCAL_URL_PREFIX):
        core = core.replace("ChIP-Atlas Diff Analysis", "ChIP-Atlas's diffbind pipeline, run on "
                            "this machine by chromdiff,", 1)  # fmt: skip
        source = f"Computed locally ({c['base_url'].removeprefix(LOCAL_URL_PREFIX)})"
        core += {
            "numpy": " edgeR's steps ran in chromdiff's numpy port (checked against R edgeR "
            "3.40 on the same count tables).",
            "r": " edgeR's steps ran in R edgeR itself (Rscript, --engine r).",
        }.get(ctx.engine or "", "")
    if c["result_format"] == "diffbind_2024":
        core += (
            " The result came in the legacy format (log2 fold change to 2 decimals, p and q as "
            "log10 to 1 decimal): q-values are known to about ±12% and fold changes to ±0.005, "
            "so calls near the cutoffs are approximate."
        )
    return (
        f"{core} {source} (result format "
        f"{c['result_format'] or 'n/a'}, threshold {c['threshold']}). chromdiff removed regions on "
        f"non-standard contigs and regions shorter than {p['min_region_bp']} bp from the analysis "
        f"set (listed in the diff_regions_excluded export), called regions significant at {sig}, "
        "ran the QC checks of the ChIP-Atlas skill as SQL views (thresholds stored with the "
        f"comparison) and {annotated(ctx)}."
    )


def annotated(ctx: ReportContext) -> str:
    """How the regions were annotated to genes (or why they were not), for the Methods."""
    if ctx.annotation_id:
        built = f", built from {ctx.annotation_version}" if ctx.annotation_version else ""
        return f"annotated regions to the nearest gene offline ({ctx.annotation_id}{built})"
    if not ctx.counts.get("n_unfiltered"):  # not for want of an annotation
        return "had no regions to annotate to genes"
    return (
        f"did not annotate regions to genes: no gene annotation is embedded for "
        f"{ctx.comparison['genome']} (chromdiff annotate --comparison ID --gtf FILE annotates "
        "them with yours, then chromdiff report renders this report again)"
    )


def citations(ctx: ReportContext) -> list[str]:
    """Citations for the report."""
    tool = "metilene" if ctx.is_dmr else "edger"
    out = [CITATIONS["chipatlas"], CITATIONS["chipatlas2018"], CITATIONS[tool]]
    if ctx.enriched:
        out += [CITATIONS["great"], CITATIONS["go"]]
    return out


#: p- and q-values below this print as ``< 1e-300`` (0 is an underflow, not a probability of 0;
#: the integration's significance scores floor padj at the same value).
P_FLOOR = 1e-300


def fmt_q(q: float | None) -> str:
    """Format a p- or q-value as ``%.2e`` (``< 1e-300`` below :data:`P_FLOOR`, ``NA`` if missing).

    0 (an underflow) and any value below the floor print as ``< 1e-300``, never ``0.00e+00``.
    """
    if q is None or q != q:
        return "NA"
    if q < P_FLOOR:
        return f"< {P_FLOOR:g}"
    return f"{q:.2e}"


def fmt_num(x: float | None, digits: int = 2) -> str:
    """Format a number with ``digits`` decimals (``NA`` when missing, ``Inf`` / ``-Inf``).

    A value that rounds to zero prints unsigned (``0.00``, never ``-0.00``).
    """
    if x is None or x != x:
        return "NA"
    if x in (float("inf"), float("-inf")):
        return "Inf" if x > 0 else "-Inf"
    text = f"{x:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def fmt_distance(bp: float | None) -> str:
    """Signed distance to a TSS: ``0 bp``, ``-850 bp``, ``+2.1 kb``, ``-1.25 Mb`` (``NA``)."""
    if bp is None or bp != bp:
        return "NA"
    bp = int(bp)
    if bp == 0:
        return "0 bp"
    sign, a = ("+" if bp > 0 else "-"), abs(bp)
    if a < 1_000:
        return f"{sign}{a} bp"
    if a < 1_000_000:
        return f"{sign}{a / 1e3:.1f} kb"
    return f"{sign}{a / 1e6:.2f} Mb"


def fmt_gene_distance(gene: object, bp: float | None) -> str:
    """``GENE (+2.1 kb)``: a gene with its signed distance to the TSS (blank without a gene)."""
    if gene is None or gene != gene or gene == "":
        return ""
    return f"{gene} ({fmt_distance(bp)})"


#: Header and note of the gene columns of the top-regions tables (Markdown and HTML).
NEAREST_GENE_HEADER = "Nearest gene (distance to TSS)"
GENIC_GENE_HEADER = "Overlapping gene"
GENE_COLUMNS_NOTE = (
    "Nearest gene: the gene whose TSS is nearest, at any distance, with the signed distance "
    "from its TSS (+ downstream, - upstream in the gene's orientation, as ChIPseeker). "
    "Overlapping gene: the gene whose exon or intron the region overlaps (blank when "
    "intergenic); it may differ from the nearest one."
)

_TITLES = {
    "nonstandard_contigs": "Non-standard contigs present",
    "tiny_regions": "Implausibly small regions detected",
    "chrm_tiny_regions": "Tiny chrM regions (doubly suspect)",
}


def finding_title(check_name: str, detail: str) -> str:
    """Short title of a QC finding: the detail's lead (up to ': ' or '. '), or a fixed title."""
    if check_name in _TITLES:
        return _TITLES[check_name]
    cut = [i for i in (detail.find(": "), detail.find(". ")) if i > 0]
    return detail[: min(cut)] if cut else detail


def text_or_blank(x: object) -> str:
    """``str(x)``, or an empty string for None/NaN."""
    return "" if x is None or x != x else str(x)


def shown_path(path: str | None, report_dir: str | Path | None) -> str:
    """Return an input's path as a report shows it (never a machine's absolute path).

    Relative to the report's folder when the file is nearby (at most two levels up), else its
    file name.
    """
    if not path:
        return "NA"
    p = Path(path)
    if report_dir is not None and p.is_absolute():
        rel = Path(os.path.relpath(p, Path(report_dir).resolve()))
        if rel.parts.count("..") <= 2:
            return rel.as_posix()
    return p.name if p.is_absolute() else p.as_posix()
