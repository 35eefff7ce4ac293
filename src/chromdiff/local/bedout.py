"""Write the 2025 diffbind BED exactly as ``edgeR.r`` writes it.

``edgeR.r:49-82``: one row per region ``filterByExpr`` kept, in peak-list order
(``intersect(rownames(peak_bed), ...)``, line 74): chrom, start, end, group A's and group B's
normalised counts (``formatC(format = "f", digits = 2)``, comma-joined when a group has
several experiments, lines 49-54 and 67), logFC, PValue, FDR (``topTags`` columns 1, 3, 4),
tab-separated, no header, no quotes (``write.table``, lines 79-82). ``write.table`` prints
doubles with up to 15 significant digits, fixed or scientific notation, whichever is shorter
(:func:`r_number`).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np


def r_number(x: float) -> str:
    """Return ``x`` as R's ``write.table`` writes a double (15 significant digits)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "NA"
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    if x == 0:
        return "0"
    ref = float(f"{x:.14e}")
    if abs(x) < sys.float_info.min:  # subnormal: R compares 15 decimal digits, not the double
        mantissa = f"{x:.14e}".split("e")[0].rstrip("0").rstrip(".")
        digits = len(mantissa.replace("-", "").replace(".", ""))
    else:
        digits = next(d for d in range(1, 16) if float(f"{x:.{d - 1}e}") == ref)
    sci = f"{x:.{digits - 1}e}"
    mantissa, exp = sci.split("e")
    exponent = int(exp)
    sci = f"{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    fixed = f"{x:.{max(0, digits - 1 - exponent)}f}"
    return fixed if len(fixed) <= len(sci) else sci


def format_counts(values: np.ndarray) -> list[str]:
    """Return each row's counts as ``formatC(digits = 2, format = "f")`` joined by commas."""
    return [",".join(f"{v:.2f}" for v in row) for row in values]


def write_diffbind_bed(path: Path, chrom, start, end, norm_a, norm_b, logfc, pvalue, fdr) -> Path:
    """Write the result BED (rows already in peak-list order); return ``path``."""
    ca, cb = format_counts(np.asarray(norm_a)), format_counts(np.asarray(norm_b))
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w") as fh:
        for row in zip(chrom, start, end, ca, cb, logfc, pvalue, fdr, strict=True):
            c, s, e, a, b, lfc, p, q = row
            fh.write(f"{c}\t{int(s)}\t{int(e)}\t{a}\t{b}\t{r_number(float(lfc))}\t"
                     f"{r_number(float(p))}\t{r_number(float(q))}\n")  # fmt: skip
    tmp.replace(path)
    return path
