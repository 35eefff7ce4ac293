"""Benjamini-Hochberg adjustment, as R's ``p.adjust(method = "BH")`` (what ``topTags`` reports)."""

from __future__ import annotations

import numpy as np


def bh(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (as R's ``p.adjust(method="BH")``)."""
    n = len(p)
    if n == 0:
        return p.copy()
    order = np.argsort(p)[::-1]
    ranked = p[order] * n / np.arange(n, 0, -1)
    q = np.minimum.accumulate(ranked)
    out = np.empty(n)
    out[order] = np.minimum(q, 1.0)
    return out
