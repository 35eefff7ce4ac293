"""Column auto-detection for DE and differential-peak tables (DESeq2, edgeR, limma, DiffBind, ...).

Each role has candidate header names in priority order; headers are compared after lower-casing
and dropping everything that is not a letter or digit (``adj.P.Val`` → ``adjpval``,
``log2(fold_change)`` → ``log2foldchange``). A user mapping (``role=column``) always wins.
"""

from __future__ import annotations

import re

from chromdiff.errors import InputError

#: Roles of the RNA (differential expression) side, each with its candidate names.
RNA_ROLES: dict[str, tuple[str, ...]] = {
    "gene": (
        "gene_id",
        "geneid",
        "ensembl_gene_id",
        "ensembl",
        "ensembl_id",
        "id",
        "row_name",
        "test_id",
        "probe_id",
        "probeid",
        "feature",
        "feature_id",
        "genes",
        "x",
        "unnamed0",
        "gene",
    ),
    "symbol": (
        "symbol",
        "gene_symbol",
        "gene_name",
        "genename",
        "hgnc_symbol",
        "external_gene_name",
        "name2",
        "gene",
    ),
    "entrez": ("entrez", "entrezid", "entrez_id", "entrezgene", "entrezgene_id", "ncbi_gene_id"),
    "logfc": ("log2foldchange", "logfc", "log2fc", "lfc", "log2_fold_change", "fold"),
    "padj": ("padj", "fdr", "adjpval", "adjpvalue", "qvalue", "qval", "padjusted", "bh"),
    "pvalue": ("pvalue", "pval", "p", "rawp"),
}

#: Roles of the peak side (differential regions or plain peaks).
PEAK_ROLES: dict[str, tuple[str, ...]] = {
    "chrom": ("chrom", "chr", "chromosome", "seqnames", "seqname", "chr_name", "seqid"),
    "start": ("start", "chromstart", "chrstart", "peak_start"),
    "stop": ("end", "stop", "chromend", "chrend", "peak_end"),
    "name": ("name", "peak", "peak_id", "peakid", "id", "region_id"),
    "logfc": ("log2foldchange", "logfc", "log2fc", "fold", "lfc", "log2_fold_change"),
    "padj": ("fdr", "padj", "adjpval", "qvalue", "qval", "adjpvalue"),
    "pvalue": ("pvalue", "pval", "p"),
    "score": ("score",),
}

#: Roles that must be present on each side.
REQUIRED = {"rna": ("gene", "logfc"), "peaks": ("chrom", "start", "stop")}

_NORM_RE = re.compile(r"[^a-z0-9]")


def norm(name: str) -> str:
    """Lower-case ``name`` and drop every non-alphanumeric character (``#ID`` → ``id``)."""
    return _NORM_RE.sub("", name.lower())


def parse_mapping(text: str | None) -> dict[str, str]:
    """Parse a user mapping ``"logfc=Fold,padj=FDR"`` into ``{"logfc": "Fold", "padj": "FDR"}``."""
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        role, sep, col = part.partition("=")
        if not sep or not role.strip() or not col.strip():
            raise InputError(f"column mapping {part!r}: expected role=column (e.g. logfc=Fold)")
        out[role.strip().lower()] = col.strip()
    return out


def detect_columns(
    header: list[str],
    side: str,
    *,
    source: str,
    overrides: dict[str, str] | None = None,
    id_fallback: bool = True,
) -> dict[str, str]:
    """Map each role of ``side`` (``rna`` or ``peaks``) to a column of ``header``.

    Parameters
    ----------
    header : list of str
        Column names as read (already cleaned of quotes, BOM and a leading ``#``).
    side : str
        ``rna`` or ``peaks``.
    source : str
        File name, for error messages.
    overrides : dict, optional
        ``role -> column`` given by the user; each must exist.
    id_fallback : bool
        ``rna``: without an ID column, take the Entrez (else symbol) column as the gene ID.

    Returns
    -------
    dict
        ``role -> column`` for every role found (required roles always present).

    Raises
    ------
    InputError
        A required role is missing, or an override names an unknown role or column.
    """
    roles = RNA_ROLES if side == "rna" else PEAK_ROLES
    overrides = dict(overrides or {})
    for role, col in overrides.items():
        if role not in roles:
            raise InputError(f"{source}: unknown column role {role!r} (roles: {', '.join(roles)})")
        if col not in header:
            raise InputError(
                f"{source}: column {col!r} given for {role} is not in the header "
                f"(columns: {', '.join(header)})"
            )
    by_norm: dict[str, str] = {}
    for col in header:
        by_norm.setdefault(norm(col), col)
    found: dict[str, str] = dict(overrides)
    used = set(found.values())
    for role, candidates in roles.items():
        if role in found:
            continue
        for cand in candidates:
            col = by_norm.get(norm(cand))
            if col is not None and col not in used:
                found[role] = col
                used.add(col)
                break
    if side == "rna" and id_fallback and "gene" not in found:  # keyed by Entrez IDs or symbols
        for role in ("entrez", "symbol"):
            if role in found:
                found["gene"] = found[role]
                break
    missing = [r for r in REQUIRED[side] if r not in found]
    if missing:
        hint = ", ".join(f"{r} ({'/'.join(roles[r][:4])})" for r in missing)
        raise InputError(
            f"{source}: no column for {hint}; columns are: {', '.join(header)} "
            f"(map them with --{'rna' if side == 'rna' else 'atac'}-columns role=column)"
        )
    return found


def guess_tool(header: list[str], side: str) -> str:
    """Name the tool whose output layout ``header`` looks like (recorded as provenance)."""
    cols = {norm(c) for c in header}
    if side == "peaks":
        if {"conc", "fold"} <= cols or any(c.startswith("conc") for c in cols):
            return "diffbind"
        if "logcpm" in cols:
            return "edger"
        if "log2foldchange" in cols:
            return "deseq2"
        if "foldenrichment" in cols:
            return "macs"
        return "bed" if cols <= {"chrom", "start", "end", "name", "score", "strand"} else "table"
    if "log2foldchange" in cols and "basemean" in cols:
        return "deseq2"
    if "adjpval" in cols and "aveexpr" in cols:
        return "limma"
    if "logcpm" in cols:
        return "edger"
    if "log2foldchange" in cols and "qvalue" in cols:
        return "cuffdiff"
    return "table"
