"""bigWig coverage to read counts per region, as DA's ``bw_to_bg`` step computes them.

DA converts each bigWig to bedGraph with ``bigWigToBedGraph`` (``DA:553-581``), intersects it
with the regions (``bedtools intersect -a bg -b peak_list -sorted -wa -wb``) and, per region,
sums ``(bg_end - bg_start) x value`` over every bedGraph line that overlaps it by at least one
base, **whole lines, not clipped to the region** (``DA:502-513``). The count is
``int((sum / scale_factor + 0.5) / read_length) + 1`` (``DA:512``): the RPM coverage back to
base coverage, divided by the read length, truncated, plus one. A region no bedGraph line
touches gets no count line and 0 in the table (``DA:534``); one touched only by zero-valued
lines still gets 1.

The bedGraph lines are rebuilt from the bigWig with pyBigWig the way kent's
``bigWigToBedGraph`` writes them (``processChromChunk``): adjacent intervals with the same value
are merged into one line and the value is printed with ``%g`` (6 significant digits), which
is what awk then sums. User bigWigs must hold integer values: DA checks the first 10,000
bedGraph lines (``DA:540-551``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from chromdiff.errors import InputError

#: bedGraph lines DA checks for integer values in a user bigWig (``head -n 10000``, DA:546).
INTEGER_CHECK_LINES = 10_000


def open_bigwig(path: Path, label: str):
    """Open a bigWig with pyBigWig; raise :class:`InputError` naming ``label`` if unreadable."""
    import pyBigWig

    try:
        bw = pyBigWig.open(str(path))
    except (RuntimeError, OSError):
        bw = None
    if bw is None or not bw.isBigWig():
        raise InputError(f"{label}: not a readable bigWig file")
    return bw


def _g6(values: np.ndarray) -> np.ndarray:
    """Return ``values`` as ``printf("%g")`` writes them (applied once per distinct value)."""
    uniq, inv = np.unique(values, return_inverse=True)
    return np.array([float(f"{v:g}") for v in uniq])[inv] if len(uniq) else values


def bedgraph_lines(bw, chrom: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (starts, ends, values) of ``bigWigToBedGraph``'s lines for ``chrom``."""
    ivs = bw.intervals(chrom) or ()
    if not ivs:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0)
    arr = np.array(ivs, dtype=float)
    s, e, v = arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64), arr[:, 2]
    # a new line unless this interval continues the previous one with the same value
    new = np.ones(len(s), bool)
    new[1:] = ~((e[:-1] == s[1:]) & (v[:-1] == v[1:]))
    first = np.flatnonzero(new)
    last = np.append(first[1:] - 1, len(s) - 1)
    return s[first], e[last], _g6(v[first])


def check_integer_values(bw, label: str) -> None:
    """Raise :class:`InputError` if the first 10,000 bedGraph lines hold a non-integer value."""
    seen = 0
    for chrom in bw.chroms():
        s, _, v = bedgraph_lines(bw, chrom)
        take = min(len(v), INTEGER_CHECK_LINES - seen)
        bad = np.flatnonzero(v[:take] != np.floor(v[:take]))
        if len(bad):
            i = bad[0]
            raise InputError(
                f"{label}: bigWig has non-integer value {v[i]:g} at {chrom}:{s[i] + 1}; user "
                "bigWigs must hold raw read coverage (ChIP-Atlas refuses others)"
            )
        seen += take
        if seen >= INTEGER_CHECK_LINES:
            return


def check_peaks_match(bw, extent: dict[str, int], peak_label: str, bw_label: str) -> None:
    """Raise :class:`InputError` if the peaks use chromosomes or positions the bigWig lacks."""
    sizes = bw.chroms()
    missing = sorted(c for c in extent if c not in sizes)
    if missing:
        shown = ", ".join(missing[:3]) + (", ..." if len(missing) > 3 else "")
        raise InputError(
            f"{peak_label}: chromosomes {shown} are not in the bigWig {bw_label} "
            "(peak file of another genome or naming?)"
        )
    beyond = sorted(c for c, end in extent.items() if end > sizes[c])
    if beyond:
        c = beyond[0]
        raise InputError(
            f"{peak_label}: peak ends at {c}:{extent[c]}, beyond {c}'s length {sizes[c]} in the "
            f"bigWig {bw_label} (peak file of another assembly?)"
        )


def region_sums(bw, chrom: np.ndarray, start: np.ndarray, end: np.ndarray):
    """Return (sums, touched) per region: DA's whole-line coverage sums, and 'any line overlaps'.

    Regions must not overlap each other within a chromosome (multiinter segments do not).
    Each sum adds the lines' ``(end - start) x value`` in file order, as awk does.
    """
    sums = np.zeros(len(chrom))
    touched = np.zeros(len(chrom), bool)
    sizes = bw.chroms()
    for c in np.unique(chrom):
        if c not in sizes:
            continue
        idx = np.flatnonzero(chrom == c)
        idx = idx[np.argsort(start[idx], kind="stable")]
        s, e, v = bedgraph_lines(bw, c)
        if not len(s):
            continue
        weight = (e - s) * v
        lo = np.searchsorted(e, start[idx], side="right")  # first line ending after the start
        hi = np.searchsorted(s, end[idx], side="left")  # lines starting before the end
        hit = hi > lo
        if hit.any():
            bounds = np.column_stack([lo[hit], hi[hit]]).ravel()
            padded = np.append(weight, 0.0)
            sums[idx[hit]] = np.add.reduceat(padded, bounds)[::2]
            touched[idx[hit]] = True
    return sums, touched


def reads_from_coverage(sums: np.ndarray, touched: np.ndarray, scale_factor: float,
                        read_length: float) -> np.ndarray:  # fmt: skip
    """Return DA's counts: ``int((sum / sf + 0.5) / read_length) + 1``, 0 where untouched."""
    counts = np.floor((sums / scale_factor + 0.5) / read_length).astype(np.int64) + 1
    return np.where(touched, counts, 0)
