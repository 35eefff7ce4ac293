"""Reconcile chromosome names of regions and annotation (``chr1``/``1``, ``chrM``/``MT``)."""

from __future__ import annotations

import warnings

import duckdb

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


def chrom_map(
    con: duckdb.DuckDBPyConnection, regions_table: str, annotation_id: str
) -> dict[str, str]:
    """Map each chromosome of ``regions_table`` to the annotation's spelling of it.

    Chromosomes with no annotated counterpart are left out. A ``UserWarning`` says how many
    regions (and which chromosomes) matched no annotated chromosome.
    """
    ann = {
        r[0]
        for r in con.execute(
            "select distinct chrom from ann_transcripts where annotation_id = ?", [annotation_id]
        ).fetchall()
    }
    counts = dict(
        con.execute(f"select chrom, count(*) from {regions_table} group by chrom").fetchall()
    )
    mapping: dict[str, str] = {}
    missing: dict[str, int] = {}
    for chrom, n in counts.items():
        hit = next((c for c in candidates(chrom) if c in ann), None)
        if hit is None:
            missing[chrom] = n
        else:
            mapping[chrom] = hit
    if missing:
        n = sum(missing.values())
        names = ", ".join(sorted(missing)[:8]) + (" …" if len(missing) > 8 else "")
        warnings.warn(
            f"{n} of {sum(counts.values())} regions are on chromosomes with no annotation "
            f"({names}); they get no gene",
            UserWarning,
            stacklevel=3,
        )
    return mapping
