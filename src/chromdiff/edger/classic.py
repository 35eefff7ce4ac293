"""A numpy port of the edgeR steps ChIP-Atlas's diffbind analysis runs (edgeR 3.40 classic path).

The 2025 server script (``chipatlas_api.md`` §2) runs ``DGEList(group)`` → ``filterByExpr`` →
subset with ``keep.lib.sizes = FALSE`` → ``calcNormFactors`` (TMM) → ``estimateCommonDisp`` →
``estimateTagwiseDisp`` → ``exactTest(pair = 2:1)`` → ``topTags`` (BH), and writes the
pseudo-counts of ``estimateCommonDisp``. :func:`edger_classic` repeats those steps on a raw count
matrix with the same algorithms (TMM with the upper-quartile reference column, conditional
likelihood maximised by R's Brent ``optimize``, the tagwise grid with a moving-average trend and
an FMM-spline interpolant, quantile-to-quantile pseudo-counts, the double-tail NB exact test with
the beta approximation above 900 counts, one-group NB GLM fits for logFC). It agrees with real
edgeR to ~1e-9 (``tests/test_edger_oracle.py``). The server's other branch (both groups of size
one: ``estimateGLMCommonDisp(method = "deviance", robust = TRUE)`` and CPM output) is in
:mod:`chromdiff.edger.glm_common`.

Product code: the local diffbind pipeline (:mod:`chromdiff.local`) runs it through
:func:`chromdiff.edger.diffbind.run_edger`, and the fake server uses it when
``Scenario.statistics == "edger"``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from chromdiff.edger.adjust import bh

_LOW = 1e-10  # edgeR's low_value: counts at or below it count as zero in the one-group fit


@dataclass
class EdgerResult:
    """Statistics of the kept regions (``keep`` indexes the input rows)."""

    keep: np.ndarray  # bool (n,)
    #: (k, n_a + n_b) normalised counts the server writes: pseudo-counts, or CPM when single
    pseudo: np.ndarray
    logfc: np.ndarray  # log2(A/B)
    pvalue: np.ndarray
    fdr: np.ndarray
    common_dispersion: float
    tagwise_dispersion: np.ndarray  # per row (the common one repeated when single)
    norm_factors: np.ndarray
    single: bool = False  # both groups n = 1: GLM deviance dispersion, CPM written


def filter_by_expr(y: np.ndarray, group: np.ndarray, lib_size: np.ndarray) -> np.ndarray:
    """``filterByExpr`` with its defaults (min.count 10, min.total.count 15, large.n 10)."""
    _, n = np.unique(group, return_counts=True)
    min_n = float(n.min())
    if min_n > 10:
        min_n = 10 + (min_n - 10) * 0.7
    cutoff = 10 / np.median(lib_size) * 1e6
    cpm = y / lib_size * 1e6
    tol = 1e-14
    return ((cpm >= cutoff).sum(1) >= min_n - tol) & (y.sum(1) >= 15 - tol)


def _quantile7(x: np.ndarray, p: float) -> float:
    return float(np.quantile(x, p))  # numpy's default "linear" is R's type 7


def _tmm_factor(obs, ref, n_o, n_r, logratio_trim=0.3, sum_trim=0.05) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        log_r = np.log2((obs / n_o) / (ref / n_r))
        abs_e = (np.log2(obs / n_o) + np.log2(ref / n_r)) / 2
        v = (n_o - obs) / n_o / obs + (n_r - ref) / n_r / ref
    fin = np.isfinite(log_r) & np.isfinite(abs_e) & (abs_e > -1e10)
    log_r, abs_e, v = log_r[fin], abs_e[fin], v[fin]
    # R: max(abs(numeric(0))) is -Inf (< 1e-6): no shared non-zero row gives factor 1 too
    if len(log_r) == 0 or np.max(np.abs(log_r)) < 1e-6:
        return 1.0
    n = len(log_r)
    lo_l = np.floor(n * logratio_trim) + 1
    hi_l = n + 1 - lo_l
    lo_s = np.floor(n * sum_trim) + 1
    hi_s = n + 1 - lo_s
    rank_r, rank_e = stats.rankdata(log_r), stats.rankdata(abs_e)  # R's rank: average ties
    keep = (rank_r >= lo_l) & (rank_r <= hi_l) & (rank_e >= lo_s) & (rank_e <= hi_s)
    f = np.sum(log_r[keep] / v[keep]) / np.sum(1 / v[keep])
    return float(2**f) if np.isfinite(f) else 1.0


def calc_norm_factors(y: np.ndarray, lib_size: np.ndarray) -> np.ndarray:
    """``calcNormFactors(method = "TMM")`` with the default reference column."""
    x = y[(y > 0).any(axis=1)].astype(float)
    if x.shape[0] == 0 or x.shape[1] == 1:
        return np.ones(y.shape[1])
    f75 = np.array([_quantile7(x[:, j], 0.75) for j in range(x.shape[1])]) / lib_size
    if np.median(f75) < 1e-20:
        ref = int(np.argmax(np.sqrt(x).sum(0)))
    else:
        ref = int(np.argmin(np.abs(f75 - f75.mean())))
    f = np.array(
        [_tmm_factor(x[:, j], x[:, ref], lib_size[j], lib_size[ref]) for j in range(x.shape[1])]
    )
    return f / np.exp(np.mean(np.log(f)))


def one_group(y: np.ndarray, offset: np.ndarray, dispersion, maxit=50, tol=1e-10) -> np.ndarray:
    """``mglmOneGroup``: Newton fit of log mean per row (``-inf`` for all-zero rows)."""
    y = np.asarray(y, float)
    disp = np.broadcast_to(np.asarray(dispersion, float).reshape(-1, 1), (y.shape[0], 1))
    off = np.broadcast_to(offset, y.shape)
    nonzero = (y > _LOW).any(axis=1)
    beta = np.full(y.shape[0], -np.inf)
    if not nonzero.any():
        return beta
    yy, oo, dd = y[nonzero], off[nonzero], disp[nonzero]
    b = np.log(np.where(yy > _LOW, yy / np.exp(oo), 0.0).sum(1) / y.shape[1])
    active = np.ones(len(b), bool)
    for _ in range(maxit):
        mu = np.exp(b[active, None] + oo[active])
        denom = 1 + mu * dd[active]
        step = ((yy[active] - mu) / denom).sum(1) / (mu / denom).sum(1)
        b[active] += step
        done = np.abs(step) < tol
        idx = np.flatnonzero(active)
        active[idx[done]] = False
        if not active.any():
            break
    beta[nonzero] = b
    return beta


def q2qnbinom(x, input_mean, output_mean, dispersion) -> np.ndarray:
    """``q2qnbinom``: move counts between NB means (average of normal and gamma quantiles)."""
    x = np.asarray(x, float)
    im, om = np.array(input_mean, float), np.array(output_mean, float)
    disp = np.broadcast_to(np.asarray(dispersion, float).reshape(-1, 1), x.shape)
    zero = (im < 1e-14) | (om < 1e-14)
    im[zero] += 0.25
    om[zero] += 0.25
    ri, ro = 1 + disp * im, 1 + disp * om
    vi, vo = im * ri, om * ro
    upper = x >= im
    z = (x - im) / np.sqrt(vi)
    # log tail probabilities (upper tail where x >= mean, lower otherwise); each element takes
    # only its own branch
    nd = special.ndtri_exp(special.log_ndtr(np.where(upper, -z, z)))
    q1 = om + np.sqrt(vo) * np.where(upper, -nd, nd)
    a_in, a_out = im / ri, om / ro
    lo = ~upper
    p2 = np.empty(x.shape)
    p2[upper] = stats.gamma.logsf(x[upper], a_in[upper], scale=ri[upper])
    p2[lo] = stats.gamma.logcdf(x[lo], a_in[lo], scale=ri[lo])
    pe = np.exp(p2)
    q2 = np.empty(x.shape)
    q2[upper] = special.gammainccinv(a_out[upper], pe[upper])
    q2[lo] = special.gammaincinv(a_out[lo], pe[lo])
    q2 *= ro
    return (q1 + q2) / 2


def equalize_lib_sizes(y, group, lib_size, dispersion) -> np.ndarray:
    """``equalizeLibSizes``: pseudo-counts at the geometric-mean library size."""
    common = np.exp(np.mean(np.log(lib_size)))
    input_mean = np.zeros(y.shape)
    output_mean = np.zeros(y.shape)
    for g in _levels(group):
        j = group == g
        lam = np.exp(one_group(y[:, j], np.log(lib_size[j]), dispersion))
        input_mean[:, j] = np.outer(lam, lib_size[j])
        output_mean[:, j] = np.outer(lam, np.full(j.sum(), common))
    pseudo = q2qnbinom(y, input_mean, output_mean, dispersion)
    return np.maximum(pseudo, 0)


def _levels(group: np.ndarray) -> list:
    seen: list = []
    for g in group:
        if g not in seen:
            seen.append(g)
    return seen


def _cond_loglik(groups: list[np.ndarray], delta) -> np.ndarray:
    """Sum over groups of ``condLogLikDerDelta(der = 0)``: one value per row."""
    r = 1 / np.asarray(delta, float) - 1
    total = 0.0
    for y in groups:
        n = y.shape[1]
        m = y.mean(1)
        rr = r if np.ndim(r) == 0 else r.reshape(-1, 1)
        r1 = r if np.ndim(r) == 0 else r.reshape(-1)
        total = total + (
            special.gammaln(y + rr).sum(1) + special.gammaln(n * r1)
            - special.gammaln(n * (m + r1)) - n * special.gammaln(r1)
        )  # fmt: skip
    return total


def brent_fmin(f, ax: float, bx: float, tol: float) -> float:
    """R's ``optimize`` minimiser (Brent's ``fmin``, same steps as R's ``Brent_fmin``)."""
    c = (3.0 - np.sqrt(5.0)) * 0.5
    eps = np.sqrt(np.finfo(float).eps)
    a, b = ax, bx
    v = a + c * (b - a)
    w = x = v
    d = e = 0.0
    fx = f(x)
    fv = fw = fx
    tol3 = tol / 3.0
    while True:
        xm = (a + b) * 0.5
        tol1 = eps * abs(x) + tol3
        t2 = tol1 * 2.0
        if abs(x - xm) <= t2 - (b - a) * 0.5:
            break
        p = q = r = 0.0
        if abs(e) > tol1:
            r = (x - w) * (fx - fv)
            q = (x - v) * (fx - fw)
            p = (x - v) * q - (x - w) * r
            q = (q - r) * 2.0
            if q > 0.0:
                p = -p
            else:
                q = -q
            r = e
            e = d
        if abs(p) >= abs(q * 0.5 * r) or p <= q * (a - x) or p >= q * (b - x):
            e = b - x if x < xm else a - x
            d = c * e
        else:
            d = p / q
            u = x + d
            if u - a < t2 or b - u < t2:
                d = tol1 if x < xm else -tol1
        if abs(d) >= tol1:
            u = x + d
        elif d > 0.0:
            u = x + tol1
        else:
            u = x - tol1
        fu = f(u)
        if fu <= fx:
            if u < x:
                b = x
            else:
                a = x
            v, fv, w, fw, x, fx = w, fw, x, fx, u, fu
        else:
            if u < x:
                a = u
            else:
                b = u
            if fu <= fw or w == x:
                v, fv, w, fw = w, fw, u, fu
            elif fu <= fv or v == x or v == w:
                v, fv = u, fu
    return x


def estimate_common_disp(y, group, lib_size, tol=1e-6, rowsum_filter=5) -> float:
    """``estimateCommonDisp``: two rounds of pseudo-counts and a conditional-likelihood fit."""
    sel = y.sum(1) > rowsum_filter
    disp = 0.01
    for _ in range(2):
        pseudo = equalize_lib_sizes(y, group, lib_size, disp)[sel]
        groups = [pseudo[:, group == g] for g in sorted(set(group))]
        delta = brent_fmin(lambda d, g=groups: -float(np.sum(_cond_loglik(g, d))),
                           1e-4, 100 / 101, tol)  # fmt: skip
        disp = delta / (1 - delta)
    return disp


def ave_log_cpm(y, lib_size, dispersion, prior_count=2.0) -> np.ndarray:
    """``aveLogCPM``: log2 CPM of a one-group fit with a library-scaled prior count."""
    prior = prior_count * lib_size / lib_size.mean()
    offset = np.log(lib_size + 2 * prior)
    return (one_group(y + prior, offset, dispersion) + np.log(1e6)) / np.log(2)


def _moving_average_by_col(x: np.ndarray, width: int) -> np.ndarray:
    if width <= 1:
        return x
    n, m = x.shape
    width = min(width, n)
    half1, half2 = int(np.ceil(width / 2)), width // 2
    xx = np.vstack([np.zeros((half1, m)), x, np.zeros((half2, m))])
    cs = np.cumsum(xx, axis=0)
    n2 = xx.shape[0]
    out = cs[width:n2] - cs[: n2 - width]
    n3 = out.shape[0]
    w = np.full(n3, float(width))
    if half1 > 1:
        w[: half1 - 1] = width - np.arange(half1 - 1, 0, -1)
    w[n3 - half2 :] = width - np.arange(1, half2 + 1)
    return out / w[:, None]


def _fmm_spline(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """R's ``fmm_spline`` (Forsythe-Malcolm-Moler end conditions), rows of ``y`` at once."""
    n = len(x)
    k = y.shape[0]
    b, c, d = np.zeros((k, n)), np.zeros((k, n)), np.zeros((k, n))
    dx = np.diff(x)
    dd = np.zeros(n)
    dd[: n - 1] = dx
    bb = np.zeros(n)
    c[:, 1] = (y[:, 1] - y[:, 0]) / dd[0]
    for i in range(1, n - 1):
        bb[i] = 2.0 * (dd[i - 1] + dd[i])
        c[:, i + 1] = (y[:, i + 1] - y[:, i]) / dd[i]
        c[:, i] = c[:, i + 1] - c[:, i]
    bb[0], bb[n - 1] = -dd[0], -dd[n - 2]
    c[:, 0] = c[:, n - 1] = 0.0
    if n > 3:
        c0 = c[:, 2] / (x[3] - x[1]) - c[:, 1] / (x[2] - x[0])
        cn = c[:, n - 2] / (x[n - 1] - x[n - 3]) - c[:, n - 3] / (x[n - 2] - x[n - 4])
        c[:, 0] = c0 * dd[0] * dd[0] / (x[3] - x[0])
        c[:, n - 1] = -cn * dd[n - 2] * dd[n - 2] / (x[n - 1] - x[n - 4])
    for i in range(1, n):
        t = dd[i - 1] / bb[i - 1]
        bb[i] = bb[i] - t * dd[i - 1]
        c[:, i] = c[:, i] - t * c[:, i - 1]
    c[:, n - 1] = c[:, n - 1] / bb[n - 1]
    for i in range(n - 2, -1, -1):
        c[:, i] = (c[:, i] - dd[i] * c[:, i + 1]) / bb[i]
    b[:, n - 1] = (y[:, n - 1] - y[:, n - 2]) / dd[n - 2] + dd[n - 2] * (
        c[:, n - 2] + 2.0 * c[:, n - 1]
    )
    for i in range(n - 1):
        b[:, i] = (y[:, i + 1] - y[:, i]) / dd[i] - dd[i] * (c[:, i + 1] + 2.0 * c[:, i])
        d[:, i] = (c[:, i + 1] - c[:, i]) / dd[i]
        c[:, i] = 3.0 * c[:, i]
    c[:, n - 1] = 3.0 * c[:, n - 1]
    d[:, n - 1] = d[:, n - 2]
    return b, c, d


def maximize_interpolant(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Port of ``maximizeInterpolant``: maximum of an FMM spline next to the best grid point."""
    b, c, d = _fmm_spline(x, y)
    k, n = y.shape
    at = np.argmax(y, axis=1)  # first maximum, as the C++ loop
    rows = np.arange(k)
    best = y[rows, at].copy()
    x_max = x[at].copy()
    for side in (-1, 0):  # segment left of the maximum, then right of it
        seg = at + side
        ok = (seg >= 0) & (seg < n - 1)
        segc = np.clip(seg, 0, n - 2)
        qa, qb, qc = 3 * d[rows, segc], 2 * c[rows, segc], b[rows, segc]
        disc = qb * qb - 4 * qa * qc
        with np.errstate(invalid="ignore", divide="ignore"):
            sol = -qb / (2 * qa) - np.sqrt(disc) / (2 * qa)
            width = x[segc + 1] - x[segc]
            val = ((d[rows, segc] * sol + c[rows, segc]) * sol + b[rows, segc]) * sol
            val = val + y[rows, segc]
            better = ok & (disc >= 0) & (sol > 0) & (sol < width) & (val > best)
        best = np.where(better, val, best)
        x_max = np.where(better, sol + x[segc], x_max)
    return x_max


def estimate_tagwise_disp(y, group, lib_size, dispersion, ave_log_cpm_, prior_df=10,
                          span=0.3, grid_length=11, grid_range=(-6, 6),
                          pseudo=None) -> np.ndarray:  # fmt: skip
    """``estimateTagwiseDisp`` (grid method, moving-average trend): weighted likelihood EB.

    ``pseudo`` may pass ``equalize_lib_sizes(y, group, lib_size, dispersion)`` when the caller
    has it already (the same call edgeR makes here).
    """
    ntags, nlibs = y.shape
    if pseudo is None:
        pseudo = equalize_lib_sizes(y, group, lib_size, dispersion)
    groups = [pseudo[:, group == g] for g in sorted(set(group))]
    prior_n = prior_df / (nlibs - len(groups))
    spline_pts = np.linspace(grid_range[0], grid_range[1], grid_length)
    spline_disp = dispersion * 2**spline_pts
    grid_vals = spline_disp / (1 + spline_disp)
    l0 = np.column_stack([_cond_loglik(groups, g) for g in grid_vals])
    o = np.argsort(ave_log_cpm_, kind="stable")
    oo = np.argsort(o, kind="stable")
    m0 = _moving_average_by_col(l0[o], int(np.floor(span * ntags)))[oo]
    return dispersion * 2 ** maximize_interpolant(spline_pts, l0 + prior_n * m0)


def _dnbinom(x, size, mu):
    """R's ``dnbinom(x, size, mu = mu)`` elementwise; ``size = Inf`` (dispersion 0) is Poisson."""
    x, size, mu = np.broadcast_arrays(np.asarray(x, float), np.asarray(size, float),
                                      np.asarray(mu, float))  # fmt: skip
    inf = np.isinf(size)
    if not inf.any():
        return stats.nbinom.pmf(x, size, size / (size + mu))
    finite = np.where(inf, 1.0, size)
    return np.where(inf, stats.poisson.pmf(x, mu),
                    stats.nbinom.pmf(x, finite, finite / (finite + mu)))  # fmt: skip


#: Largest number of terms summed at once by the exact test (bounds its memory).
_EXACT_CHUNK = 2_000_000


def exact_test_double_tail(y1, y2, dispersion, big_count=900) -> np.ndarray:
    """``exactTestDoubleTail``: NB exact test of the group sums (beta approximation if big).

    For each tested row the probabilities of the tail ``x = 0..s1`` (or ``s1..s``) are summed;
    all rows' terms go through one vectorised ``dnbinom`` per chunk.
    """
    n1, n2 = y1.shape[1], y2.shape[1]
    s1 = np.round(y1.sum(1)) if n1 > 1 else np.round(y1[:, 0])  # R rounds half to even too
    s2 = np.round(y2.sum(1)) if n2 > 1 else np.round(y2[:, 0])
    s = s1 + s2
    mu = s / (n1 + n2)
    mu1, mu2 = n1 * mu, n2 * mu
    pvals = np.ones(len(s))
    big = (s1 > big_count) & (s2 > big_count)
    if big.any():
        # the beta approximation takes the unrounded sums, as edgeR's exactTestBetaApprox
        pvals[big] = _beta_approx(y1[big].sum(1), y2[big].sum(1), n1, n2, dispersion[big])
    rows = np.flatnonzero(((s1 < mu1) | (s1 > mu1)) & ~big)
    if not len(rows):
        return np.minimum(pvals, 1.0)
    lower = s1[rows] < mu1[rows]
    lo = np.where(lower, 0, s1[rows])
    length = (np.where(lower, s1[rows], s[rows]) - lo + 1).astype(np.int64)
    with np.errstate(divide="ignore"):
        disp = dispersion[rows]
        size1, size2, size = n1 / disp, n2 / disp, (n1 + n2) / disp
    p_bot = _dnbinom(s[rows], size, s[rows])
    sums = np.zeros(len(rows))
    start = 0
    while start < len(rows):
        stop = start + max(1, int(np.searchsorted(np.cumsum(length[start:]), _EXACT_CHUNK)))
        stop = min(stop, len(rows))
        ln = length[start:stop]
        rep = np.repeat(np.arange(start, stop), ln)
        first = np.concatenate([[0], np.cumsum(ln)[:-1]])
        x = lo[rep] + (np.arange(ln.sum()) - np.repeat(first, ln))
        g = rows[rep]
        p_top = _dnbinom(x, size1[rep], mu1[g]) * _dnbinom(s[g] - x, size2[rep], mu2[g])
        sums[start:stop] = np.add.reduceat(p_top, first)
        start = stop
    pvals[rows] = 2 * sums / p_bot
    return np.minimum(pvals, 1.0)


def _beta_approx(y1, y2, n1, n2, dispersion) -> np.ndarray:
    y = y1 + y2
    mu = y / (n1 + n2)
    pvals = np.ones(len(y))
    alpha1 = n1 * mu / (1 + dispersion * mu)
    alpha2 = n2 / n1 * alpha1
    med = stats.beta.ppf(0.5, alpha1, alpha2)
    left = (y1 + 0.5) / y < med
    right = (y1 - 0.5) / y > med
    pvals[left] = 2 * stats.beta.cdf((y1[left] + 0.5) / y[left], alpha1[left], alpha2[left])
    pvals[right] = 2 * stats.beta.sf((y1[right] - 0.5) / y[right], alpha1[right], alpha2[right])
    return pvals


def edger_classic(raw: np.ndarray, n_a: int, n_b: int, prior_count: float = 0.125) -> EdgerResult:
    """Run the server's edgeR steps on ``raw`` (A columns first); see the module docstring.

    When both groups have one experiment this is ``edgeR.r``'s other branch (lines 40-42 and
    58-59): the deviance GLM common dispersion (:mod:`chromdiff.edger.glm_common`), CPM with
    normalised library sizes as the written counts, and the exact test at that dispersion.
    """
    raw = np.asarray(raw)
    group = np.array(["A"] * n_a + ["B"] * n_b)
    keep = filter_by_expr(raw, group, raw.sum(0).astype(float))
    y = raw[keep].astype(float)
    lib = y.sum(0)
    nf = calc_norm_factors(y, lib)
    lib_n = lib * nf
    if n_a == 1 and n_b == 1:
        from chromdiff.edger.glm_common import glm_common_dispersion_deviance

        common = glm_common_dispersion_deviance(y, np.log(lib_n))
        disp = np.full(y.shape[0], common)
        logfc, p = exact_test_pair21(y, group, lib_n, disp, prior_count)
        cpm = y / lib_n * 1e6
        return EdgerResult(keep, cpm, logfc, p, bh(p), common, disp, nf, single=True)
    common = estimate_common_disp(y, group, lib_n)
    pseudo = equalize_lib_sizes(y, group, lib_n, common)
    alc = ave_log_cpm(y, lib_n, common)
    tagwise = estimate_tagwise_disp(y, group, lib_n, common, alc, pseudo=pseudo)
    logfc, p = exact_test_pair21(y, group, lib_n, tagwise, prior_count)
    return EdgerResult(keep, pseudo, logfc, p, bh(p), common, tagwise, nf)


def exact_test_pair21(y, group, lib_n, dispersion, prior_count: float = 0.125):
    """``exactTest(pair = 2:1)`` on kept rows: logFC = log2(A/B) and double-tail p-values.

    ``lib_n`` are the normalised library sizes (lib.size x norm.factors), ``dispersion`` one
    value per row (tagwise, or the common one repeated).
    """
    dispersion = np.broadcast_to(np.asarray(dispersion, float), (y.shape[0],)).copy()
    offset = np.log(lib_n)
    lib_avg = np.exp(np.mean(offset))
    prior = prior_count * lib_n / lib_n.mean()
    offset_aug = np.log(lib_n + 2 * prior)
    ja, jb = group == "A", group == "B"
    ab_a = one_group(y[:, ja] + prior[ja], offset_aug[ja], dispersion)
    ab_b = one_group(y[:, jb] + prior[jb], offset_aug[jb], dispersion)
    logfc = (ab_a - ab_b) / np.log(2)
    e = np.exp(one_group(y, offset, dispersion))
    q = {}
    for name, j in (("A", ja), ("B", jb)):
        inp = np.outer(e, lib_n[j])
        out = np.outer(e, np.full(j.sum(), lib_avg))
        q[name] = q2qnbinom(y[:, j], inp, out, dispersion)
    # pair = 2:1 puts B first in the test; the double-tail p-value is symmetric in the groups
    return logfc, exact_test_double_tail(q["B"], q["A"], dispersion)
