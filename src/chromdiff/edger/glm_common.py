"""edgeR's ``estimateGLMCommonDisp(method = "deviance", robust = TRUE, subset = NULL)``.

ChIP-Atlas's ``edgeR.r`` (inutano/chip-atlas ``script/update_2025/DA/edgeR.r:40-42``) takes
this branch when every group has one experiment. For a ``DGEList`` edgeR 3.40 calls
``estimateGLMCommonDisp.default`` with ``design = NULL`` (an intercept-only design, so one
residual degree of freedom for 1 vs 1) and ``offset = log(lib.size * norm.factors)``, which
calls ``dispDeviance``: rows with a raw count sum below 5 are dropped, then ``uniroot`` (R's
Brent ``zeroin``, ``tol = 1e-5``) finds the fourth root of the dispersion at which the
``pchisq(df, df)`` quantile of the rows' one-group NB deviances equals ``df``. The NB unit
deviance is edgeR's C++ ``compute_unit_nb_deviance`` (Poisson expansion below dispersion
1e-4, with its integer ``2/3`` that C evaluates to 0; gamma limit above mu x phi = 1e6).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import stats

from chromdiff.edger.classic import one_group

_MILDLY_LOW = 1e-8
_DBL_EPS = np.finfo(float).eps


def unit_nb_deviance(y: np.ndarray, mu: np.ndarray, phi: float) -> np.ndarray:
    """Return edgeR's ``compute_unit_nb_deviance`` (elementwise; ``phi`` a scalar)."""
    y = np.asarray(y, float) + _MILDLY_LOW
    mu = np.asarray(mu, float) + _MILDLY_LOW
    with np.errstate(divide="ignore", invalid="ignore"):
        if phi < 1e-4:
            resid = y - mu
            # C++ `2/3` is integer division: 0
            return 2 * (
                y * np.log(y / mu) - resid - 0.5 * resid * resid * phi * (1 + phi * (0 - y))
            )
        product = mu * phi
        gamma = 2 * ((y - mu) / mu - np.log(y / mu)) * mu / (1 + product)
        inv = 1 / phi
        nb = 2 * (y * np.log(y / mu) + (y + inv) * np.log((mu + inv) / (y + inv)))
        return np.where(product > 1e6, gamma, nb)


def one_group_deviance(y: np.ndarray, offset: np.ndarray, dispersion: float) -> np.ndarray:
    """Row deviances of ``glmFit(y, intercept, dispersion, offset, prior.count = 0)``."""
    beta = np.maximum(one_group(y, offset, dispersion), -1e8)  # mglmOneWay's pmax(beta, -1e8)
    mu = np.exp(beta[:, None] + offset[None, :])
    return unit_nb_deviance(y, mu, dispersion).sum(1)


def zeroin(f: Callable[[float], float], ax: float, bx: float, fa: float, fb: float,
           tol: float, maxit: int = 1000) -> float:  # fmt: skip
    """R's ``R_zeroin2`` (what ``uniroot`` calls): Brent's root finder, same steps."""
    a, b, c = ax, bx, ax
    fc = fa
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    for _ in range(maxit + 1):
        prev_step = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * _DBL_EPS * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0.0:
            return b
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:
                q, t1, t2 = fa / fc, fb / fc, fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < (0.75 * cb * q - abs(tol_act * q) / 2) and p < abs(prev_step * q / 2):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    return b


def glm_common_dispersion_deviance(
    y: np.ndarray, offset: np.ndarray, interval=(0.0, 4.0), tol: float = 1e-5,
    min_row_sum: float = 5,
) -> float:  # fmt: skip
    """``dispDeviance(robust = TRUE, subset = NULL)`` with an intercept-only design."""
    y = np.asarray(y, float)
    y = y[y.sum(1) >= min_row_sum]
    if y.shape[0] < 1:
        raise ValueError("no data rows with required number of counts")
    df = y.shape[1] - 1
    p = stats.chi2.cdf(df, df)

    def fun(par: float) -> float:
        dev = one_group_deviance(y, offset, par**4)
        return float(np.quantile(dev, p)) - df  # R quantile type 7 == numpy "linear"

    lo, hi = interval
    f_lo = fun(lo)
    if f_lo <= 0:
        return lo
    f_hi = fun(hi)
    if f_hi > 0:
        return hi
    root = zeroin(fun, lo**0.25, hi**0.25, fun(lo**0.25), fun(hi**0.25), tol)
    return root**4
