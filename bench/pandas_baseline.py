"""The pandas approach of the reference scripts (chipatlas_api.md §7.3, ``parse_bed_results.py``).

``pd.read_csv(sep="\\t", header=None, dtype=str)``, drop browser/track rows, name the 8 columns,
convert numbers, then split the comma count strings row by row with ``.apply`` (mean per group,
unparseable → 0.0), derive size, direction, significance and score, and sort. This is the
baseline the load benchmark compares against; it does not even keep per-experiment counts.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

_COLUMNS = ["chrom", "chromStart", "chromEnd", "counts_a", "counts_b", "logFC", "pvalue", "qvalue"]


def _mean_counts(value: str) -> float:
    try:
        vals = [float(x) for x in str(value).split(",")]
    except ValueError:
        return 0.0
    return sum(vals) / len(vals) if vals else 0.0


def _score(q: float) -> int:
    if q is None or math.isnan(q):
        return 0
    return int(min(-math.log10(max(q, 1e-300)) * 100, 1000))


def parse_bed_pandas(path: str | Path) -> pd.DataFrame:
    """Parse a diffbind result BED the way the reference skill does; return its DataFrame."""
    df = pd.read_csv(path, sep="\t", header=None, dtype=str, comment="#")
    df = df[~df[0].str.startswith(("browser", "track"))]
    df.columns = _COLUMNS
    df["chromStart"] = df["chromStart"].astype(int)
    df["chromEnd"] = df["chromEnd"].astype(int)
    for col in ("logFC", "pvalue", "qvalue"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    df["region_size"] = df["chromEnd"] - df["chromStart"]
    df["direction"] = np.where(df["logFC"] > 0, "A_enriched", "B_enriched")
    df["significant"] = df["qvalue"] < 0.05
    df["mean_count_a"] = df["counts_a"].apply(_mean_counts)
    df["mean_count_b"] = df["counts_b"].apply(_mean_counts)
    df["score"] = df["qvalue"].apply(_score)
    df["abs_lfc"] = df["logFC"].abs()
    df = df.sort_values(["qvalue", "abs_lfc", "chrom", "chromStart"], ascending=[1, 0, 1, 1])
    return df.drop(columns="abs_lfc").reset_index(drop=True)
