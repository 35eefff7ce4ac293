"""Report prose shared by the Markdown and HTML renderers (one source for both)."""

from __future__ import annotations

import os
from pathlib import Path

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
    if c["simulated"]:
        out.append("These results are SIMULATED (local fake server), not ChIP-Atlas output.")
    out.append(
        "The experiments of each group are public ChIP-Atlas experiments chosen by the user. edgeR "
        "treats them as replicates, but they are not necessarily true biological replicates: they "
        "may differ in laboratory, antibody, cell source and protocol."
    )
    if min(c["n_a"], c["n_b"]) == 1:
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


def methods(ctx: ReportContext) -> str:
    """Methods paragraph."""
    p, c = ctx.params, ctx.comparison
    sig = f"q < {p['fdr']:g}" + (
        f" and |effect| ≥ {p['min_abs_logfc']:g}" if p["min_abs_logfc"] > 0 else ""
    )
    if ctx.is_dmr:
        core = (
            "ChIP-Atlas Diff Analysis ran metilene on the bisulfite-seq methylation of both "
            "groups; the effect is the mean methylation difference A − B."
        )
    else:
        core = (
            "ChIP-Atlas Diff Analysis merged the peaks of both groups into regions, counted "
            "reads per experiment and ran edgeR's exact test (log2 fold change A over B, "
            "Benjamini-Hochberg q-values). Counts are edgeR pseudo-counts (CPM when both "
            "groups have one experiment)."
        )
    return (
        f"{core} Request {c['request_id'] or 'n/a'} on {c['base_url']} (result format "
        f"{c['result_format'] or 'n/a'}, threshold {c['threshold']}). chromdiff removed regions on "
        f"non-standard contigs and regions shorter than {p['min_region_bp']} bp from the analysis "
        f"set (kept in the unfiltered export), called regions significant at {sig}, ran the QC "
        "checks of the ChIP-Atlas skill as SQL views (thresholds stored with the comparison) and "
        "annotated regions to the nearest gene offline."
    )


def citations(ctx: ReportContext) -> list[str]:
    """Citations for the report."""
    tool = "metilene" if ctx.is_dmr else "edger"
    return [CITATIONS["chipatlas"], CITATIONS["chipatlas2018"], CITATIONS[tool]]


def fmt_q(q: float | None) -> str:
    """Format a q-value as ``%.2e`` (``NA`` when missing)."""
    return "NA" if q is None or q != q else f"{q:.2e}"


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
