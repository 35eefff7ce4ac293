"""Reconcile chromosome names of regions and annotation (``chr1``/``1``, ``chrM``/``MT``)."""

from __future__ import annotations

import re

from chromdiff.errors import InputError

#: The mitochondrial chromosome's spellings (UCSC, Ensembl/NCBI and their mixes).
MITO_NAMES = ("chrM", "MT", "chrMT", "M")


def candidates(name: str) -> list[str]:
    """Return the spellings tried for ``name``, in order (itself first)."""
    out = [name]
    if name in MITO_NAMES:
        out += [m for m in MITO_NAMES if m != name]
    elif name.lower().startswith("chr"):
        out.append(name[3:])
    else:
        out.append("chr" + name)
    return out


def chrom_map(counts: dict[str, int], ann: set[str], *, warn: bool = True) -> dict[str, str]:
    """Map each region chromosome to the annotation's spelling of it.

    Parameters
    ----------
    counts : dict of str to int
        Regions per chromosome name (as spelled in the regions).
    ann : set of str
        The annotation's chromosomes (those with transcripts).

    Returns
    -------
    dict of str to str
        Chromosomes with an annotated counterpart (the first of :func:`candidates` in ``ann``).
        Unless ``warn`` is false, a logged warning (logger ``chromdiff.annotation.chrnames``:
        one line, no source line) says how many regions (and which chromosomes) matched none.
    """
    mapping: dict[str, str] = {}
    missing: dict[str, int] = {}
    for chrom, n in counts.items():
        hit = next((c for c in candidates(chrom) if c in ann), None)
        if hit is None:
            missing[chrom] = n
        else:
            mapping[chrom] = hit
    if missing and warn:
        n = sum(missing.values())
        names = ", ".join(sorted(missing)[:8]) + (" …" if len(missing) > 8 else "")
        import logging  # here: a run without the warning does not import logging

        logging.getLogger(__name__).warning(
            "%d of %d regions are on chromosomes with no annotation (%s); they get no gene",
            n,
            sum(counts.values()),
            names,
        )
    return mapping


def _natural(name: str) -> tuple:
    """Sort key: primary names first (no ``_``), ``chr2`` before ``chr10``."""
    parts = re.split(r"(\d+)", name)
    return ("_" in name, *((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts))


def require_a_match(counts: dict[str, int], ann: set[str], source: str) -> None:
    """Raise when no region chromosome matches any annotation chromosome.

    Then nothing can be annotated (every row would come out empty): the names follow another
    convention, e.g. RefSeq accessions (``NC_000001.11``) in the GTF and UCSC names (``chr1``)
    in the regions.

    Parameters
    ----------
    counts : dict of str to int
        Regions per chromosome name (as spelled in the regions); nothing is checked when empty.
    ann : set of str
        The annotation's chromosomes (those with transcripts).
    source : str
        What the annotation is (``embedded:hg38``, a GTF path), for the message.

    Raises
    ------
    InputError
        One line naming a few chromosomes of each side.
    """
    if not counts or chrom_map(counts, ann, warn=False):  # at least one chromosome matched
        return

    def few(names) -> str:
        names = sorted(names, key=_natural)
        return ", ".join(names[:4]) + (", …" if len(names) > 4 else "")

    have = few(ann) if ann else "none: it has no transcript"
    n = sum(counts.values())
    who = "the one region is not" if n == 1 else f"none of the {n:,} regions is"
    raise InputError(
        f"{who} on a chromosome of the annotation ({source}; regions on {few(counts)}, "
        f"annotation chromosomes: {have}): rename one side's chromosomes to the other's"
    )
