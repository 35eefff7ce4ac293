"""One-sided two-sample Kolmogorov–Smirnov test exactly as BETA runs it (R's ``ks.test``).

BETA 1.0.7 writes an R script (``Up_Down_score.py:216``: ``ks.test(d, dbg, alternative =
"greater")``, ``d`` the regulatory-potential *ranks* of a gene group, ``dbg`` those of the
background) and reads back ``ks$p.value``. So BETA's p-value is R's, and R's depends on its
version:

* R >= 4.2 (``stats:::ks.test.default`` + ``psmirnov``): exact (ties handled) when
  ``m * n < 10000``, else asymptotic computed as ``1 - (1 - exp(-2 n D^2))``, which is 0 once
  ``exp(-2 n D^2)`` < 1.1e-16;
* R < 4.2 (``ks.test.R``: ``PVAL <- ... exp(- 2 * n * STATISTIC^2)``): always asymptotic,
  ``exp(-2 n D^2)``.

:func:`ks_greater` returns all three: ``p_value`` (R >= 4.2's method without the cancellation:
what chromdiff reports), ``p_value_r`` (what current R, hence current BETA, prints, bit for
bit on x86-64) and ``p_value_asymptotic`` (R < 4.2 and BETA's 2013–2021 output).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: R's ``ks.test`` uses the exact distribution when ``m * n`` is below this (R >= 4.2).
EXACT_BELOW = 10_000


@dataclass(frozen=True)
class KsResult:
    """D+ statistic and p-values of ``ks.test(x, y, alternative = "greater")``."""

    n_x: int
    n_y: int
    d_statistic: float
    p_value: float
    p_value_r: float
    p_value_asymptotic: float
    exact: bool


def d_plus(x: np.ndarray, y: np.ndarray) -> float:
    """``max(F_x - F_y)`` as R computes it (long-double cumsum, evaluated at tie ends)."""
    nx, ny = len(x), len(y)
    w = np.concatenate([x, y]).astype(float)
    order = np.argsort(w, kind="stable")  # R's order(): ties keep their input order
    steps = np.where(order < nx, 1.0 / nx, -1.0 / ny).astype(np.longdouble)
    z = np.cumsum(steps).astype(float)  # R's cumsum accumulates in long double
    sw = w[order]
    if len(np.unique(w)) < nx + ny:
        keep = np.flatnonzero(np.diff(sw) != 0)
        z = z[np.concatenate([keep, [nx + ny - 1]])]
    return float(np.max(z))


def _exact_upper(q: float, nx: int, ny: int, pooled: np.ndarray) -> float:
    """R >= 4.2 ``psmirnov(q, c(nx, ny), z, two.sided = FALSE, exact = TRUE, lower.tail = FALSE)``.

    A port of R's lattice-path recursion (``pfun``), ties included.
    """
    n_total = nx + ny
    s = np.sort(pooled)
    ties = np.concatenate([np.diff(s) != 0, [True]])
    stat = (0.5 + math.floor(q * nx * ny - 1e-07)) / (nx * ny)
    u = np.array([0.0])
    diag = np.array([1.0])
    k = 1
    while True:
        u = np.append(u, 1 + u[-1])
        v = k - u
        bit = (u <= nx) & (v <= ny) & (u >= 0) & (v >= 0)
        u, v = u[bit], v[bit]
        d = u / nx - v / ny
        diag = (np.append(diag, 0.0) + np.insert(diag, 0, 0.0))[bit]
        if ties[k - 1]:
            diag = diag * (stat > d)
        k += 1
        if n_total < k:
            break
    ret = float(diag.sum()) if diag.size else 0.0
    logdenom = math.lgamma(n_total + 1) - math.lgamma(nx + 1) - math.lgamma(ny + 1)
    return 1 - ret / math.exp(logdenom)


def ks_greater(x: list[float] | np.ndarray, y: list[float] | np.ndarray) -> KsResult:
    """Run R's ``ks.test(x, y, alternative = "greater")`` (is x's CDF above y's?).

    A small p says x is stochastically smaller (for BETA: better RP ranks than the background).

    Parameters
    ----------
    x, y : array-like
        The group's and the background's values (BETA: regulatory-potential ranks, 1 = best).
    """
    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    nx, ny = len(xa), len(ya)
    if nx == 0 or ny == 0:
        raise ValueError("ks_greater needs non-empty samples")
    q = d_plus(xa, ya)
    n = nx * ny / (nx + ny)
    asym = math.exp(-2 * n * q**2)
    exact = nx * ny < EXACT_BELOW
    if exact:
        p_r = _exact_upper(q, nx, ny, np.concatenate([xa, ya]))
        p = p_r
    else:
        p_r = 1 - (1 - math.exp(-2 * n * q**2))
        p = asym
    clip = lambda v: min(1.0, max(0.0, v))  # noqa: E731 - R: PVAL <- min(1, max(0, PVAL))
    return KsResult(nx, ny, q, clip(p), clip(p_r), clip(asym), exact)
