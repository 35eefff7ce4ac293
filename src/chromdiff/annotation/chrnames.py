"""Reconcile chromosome names of regions and annotation (``chr1``/``1``, ``chrM``/``MT``)."""

from __future__ import annotations

_MITO = ("chrM", "MT", "chrMT", "M")


def candidates(name: str) -> list[str]:
    """Return the spellings tried for ``name``, in order (itself first)."""
    out = [name]
    if name in _MITO:
        out += [m for m in _MITO if m != name]
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
