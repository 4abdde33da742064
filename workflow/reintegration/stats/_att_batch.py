"""The bootstrap's ATT refits as matrix operations over a chunk of resamples.

:func:`att_batch` returns, for each row of an index matrix (one resample per row), what
:func:`reintegration.stats.drdid.att_fit` returns for ``att`` on ``(dy[idx], d[idx], X[idx])``,
bit for bit: the same covariate-dropping rule, the same Newton iterations and the same failure
causes. Each resample's arithmetic is the one of the loop: stacked ``matmul``, ``solve`` and
``inv`` call the same BLAS/LAPACK routine on each (n x k) slice as the 2-D calls do on the
single matrix, and row reductions sum pairwise like the 1-D ones (tests/stats compare with
draws stored from the loop). Resamples are grouped by the covariate columns they keep, and a
resample's Newton iterations stop when its own step converges.

Only the decisions of R's QR rule (which columns are aliased) are computed differently: a
resample far from aliasing keeps every column by the Gram screen of
:func:`reintegration.stats._design.identified_columns`; the others by a Gram-Schmidt over the
stack, run twice, and a resample whose decision lies within a factor 100 of the tolerance is
decided again by ``identified_columns`` itself, so the decisions are the loop's.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from ._design import QR_TOL, clearly_full_rank_each, identified_columns
from .drdid import SEPARATION_PS, control_weights

__all__ = ["att_batch", "att_batch_many"]

#: Ratios |v_orth| / |x| this close to the QR tolerance (factor) are re-decided by the loop rule.
_MARGIN = 100.0


def _mv(A: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Stacked matrix @ vector: (C, n, k) @ (C, k) -> (C, n), one gemv per slice."""
    return (A @ v[:, :, None])[:, :, 0]


def _kept_columns(Xb: np.ndarray, cols: np.ndarray, tol: float = QR_TOL) -> np.ndarray:
    """(C, k) mask of the columns :func:`identified_columns` keeps in each resample.

    ``cols`` is ``Xb`` laid out as (C, k, n), each column contiguous. Column ``j`` is projected
    on the basis of the columns before it only (the later ones are still zero there); the
    decisions do not turn on the last bits of the ratios (module docstring).
    """
    keep = np.zeros(cols.shape[:2], dtype=bool)
    # resamples far from aliasing keep every column (identified_columns' Gram screen)
    clear = clearly_full_rank_each(cols @ cols.transpose(0, 2, 1), tol)
    keep[clear] = True
    rest = np.flatnonzero(~clear)
    if len(rest):
        keep[rest] = _kept_columns_gram_schmidt(Xb[rest], cols[rest], tol)
    return keep


def _kept_columns_gram_schmidt(Xb: np.ndarray, cols: np.ndarray, tol: float) -> np.ndarray:
    """:func:`_kept_columns` by the batched Gram-Schmidt (module docstring)."""
    C, k, n = cols.shape
    basis = np.zeros((C, k, n))
    keep = np.zeros((C, k), dtype=bool)
    unsure = np.zeros(C, dtype=bool)
    for j in range(k):
        x = cols[:, j, :]
        norm = np.linalg.norm(x, axis=1)
        v = x
        if j:
            before = basis[:, :j, :]
            for _ in range(2):  # Gram-Schmidt twice: orthogonal to working precision
                v = v - (before.transpose(0, 2, 1) @ (before @ v[:, :, None]))[:, :, 0]
        rest = np.linalg.norm(v, axis=1)
        nonzero = norm > 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(nonzero, rest / np.where(nonzero, norm, 1.0), 0.0)
        kept = nonzero & (ratio >= tol)
        unsure |= nonzero & (ratio > tol / _MARGIN) & (ratio < tol * _MARGIN)
        keep[:, j] = kept
        with np.errstate(divide="ignore", invalid="ignore"):
            basis[kept, j, :] = v[kept] / rest[kept, None]
    for c in np.flatnonzero(unsure):
        keep[c] = False
        keep[c, identified_columns(Xb[c], tol)] = True
    return keep


def _varies_mask(cols: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """(C, k): column takes two values (within ``rows``, a (C, n) mask, when given); ``cols``
    is the resamples' design laid out as (C, k, n), finite as build_design makes it (for a NaN
    the loop's np.ptp > 0 would be False, this True)."""
    if rows is None:
        return cols.max(axis=2) > cols.min(axis=2)
    # a value other than the one in the first row of the mask (none: no row, no variation);
    # one byte per cell instead of the two float copies a masked max and min would fill
    first = np.take_along_axis(cols, rows.argmax(axis=1)[:, None, None], axis=2)
    return ((cols != first) & rows[:, None, :]).any(axis=2)


def _solve_each(H: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stacked solve; slices with a singular matrix give NaN and ``False`` in the mask."""
    try:
        return np.linalg.solve(H, g[:, :, None])[:, :, 0], np.ones(len(H), dtype=bool)
    except np.linalg.LinAlgError:
        out, ok = np.full(g.shape, np.nan), np.ones(len(H), dtype=bool)
        for c in range(len(H)):
            try:
                out[c] = np.linalg.solve(H[c], g[c])
            except np.linalg.LinAlgError:
                ok[c] = False
        return out, ok


def _invertible(M: np.ndarray, invert=np.linalg.inv) -> np.ndarray:
    """Mask of the slices ``invert`` (``inv`` or ``pinv``) accepts without LinAlgError."""
    try:
        invert(M)
        return np.ones(len(M), dtype=bool)
    except np.linalg.LinAlgError:
        ok = np.ones(len(M), dtype=bool)
        for c in range(len(M)):
            try:
                invert(M[c])
            except np.linalg.LinAlgError:
                ok[c] = False
        return ok


def _logit_batch(X, d, cause, max_iter: int = 100, tol: float = 1e-10):
    """Newton-Raphson of :func:`drdid.logit` on each slice; failures set ``cause``."""
    C, _, k = X.shape
    gamma = np.full((C, k), np.nan)
    active = np.arange(C)
    Xa, da, beta = X, d, np.zeros((C, k))
    for _ in range(max_iter):
        p = expit(_mv(Xa, beta))
        hess = (Xa * (p * (1.0 - p))[:, :, None]).transpose(0, 2, 1) @ Xa
        step, ok = _solve_each(hess, _mv(Xa.transpose(0, 2, 1), da - p))
        cause[active[~ok]] = "singular"
        beta = beta + step
        finite = np.all(np.isfinite(beta), axis=1)
        cause[active[ok & ~finite]] = "separation"
        done = ok & finite & (np.max(np.abs(step), axis=1) < tol)
        gamma[active[done]] = beta[done]
        still = ok & finite & ~done
        if not still.all():
            active, Xa, da, beta = active[still], Xa[still], da[still], beta[still]
        if len(active) == 0:
            return gamma
    cause[active] = "separation"  # did not converge
    return gamma


def _propensity(Xc, d, cause) -> np.ndarray:
    """(C, n) propensity scores of each slice (NaN where it fails; failures set ``cause``)."""
    C, n, _ = Xc.shape
    treated = d == 1
    ps = np.full((C, n), np.nan)
    gamma = _logit_batch(Xc, d, cause)
    ok = cause == None  # noqa: E711 (elementwise)
    ps[ok] = expit(_mv(Xc[ok], gamma[ok]))
    sep = ok & np.any(np.where(treated, False, ps >= 1.0 - SEPARATION_PS), axis=1)
    cause[sep] = "separation"
    ok = cause == None  # noqa: E711
    w = ps[ok] * (1.0 - ps[ok])
    H = (Xc[ok] * w[:, :, None]).transpose(0, 2, 1) @ Xc[ok] / n
    cause[np.flatnonzero(ok)[~_invertible(H)]] = "singular"
    return ps


def _outcome_model(dy, treated, Xc, cause) -> np.ndarray:
    """(C, n) fitted values of the controls' OLS of ``dy`` on ``Xc`` in each slice."""
    C, n, _ = Xc.shape
    m = np.full((C, n), np.nan)
    for c in np.flatnonzero(cause == None):  # noqa: E711
        ctrl = ~treated[c]
        try:
            beta = np.linalg.lstsq(Xc[c][ctrl], dy[c][ctrl], rcond=None)[0]
        except np.linalg.LinAlgError:
            cause[c] = "singular"
            continue
        m[c] = Xc[c] @ beta
    ok = cause == None  # noqa: E711
    ctrl = (~treated[ok]).astype(float)
    H = (Xc[ok] * ctrl[:, :, None]).transpose(0, 2, 1) @ Xc[ok] / n
    cause[np.flatnonzero(ok)[~_invertible(H, np.linalg.pinv)]] = "singular"
    return m


def _att_of(dy, d, Xc, method, ps, cause) -> np.ndarray:
    """ATT of each slice given its propensity scores ``ps`` (unused by ``ra``)."""
    treated = d == 1
    att = np.full(len(dy), np.nan)
    m = _outcome_model(dy, treated, Xc, cause) if method != "ipw" else None
    ok = cause == None  # noqa: E711
    w1 = d[ok]
    if method == "ra":
        eta1 = np.mean(w1 * dy[ok], axis=1) / np.mean(w1, axis=1)
        eta0 = np.mean(w1 * m[ok], axis=1) / np.mean(w1, axis=1)
    else:
        p = ps[ok]
        w0 = control_weights(p, treated[ok])
        resid = dy[ok] if method == "ipw" else dy[ok] - m[ok]
        eta1 = np.mean(w1 * resid, axis=1) / np.mean(w1, axis=1)
        eta0 = np.mean(w0 * resid, axis=1) / np.mean(w0, axis=1)
    att[ok] = eta1 - eta0
    return att


def _kept_by_model(Xb, db, methods) -> dict[bool, np.ndarray]:
    """(C, k) kept-column masks by whether the method uses the propensity model (not ``ra``)."""
    by_column = np.ascontiguousarray(Xb.transpose(0, 2, 1))  # reductions over rows contiguous
    keep = _kept_columns(Xb, by_column)
    out = {}
    if "ra" in methods:
        out[False] = keep
    if any(method != "ra" for method in methods):
        treated = db == 1
        varies = _varies_mask(by_column)
        both = _varies_mask(by_column, treated) & _varies_mask(by_column, ~treated)
        out[True] = keep & (~varies | both)
    return out


def att_batch_many(
    dys: np.ndarray, d: np.ndarray, X: np.ndarray, idx: np.ndarray, methods, k_full: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`att_batch` of every outcome (row of ``dys``, (m, n)) and method at once.

    Returns (values, reduced, cause), each (C, m, len(methods)), slice ``[:, o, j]`` equal to
    ``att_batch(dys[o], d, X, idx, methods[j], k_full[o, j])``. What depends only on the
    resampled design (kept columns, the propensity model) is computed once for all outcomes
    and methods, so the selection chapter's outcomes and IPW/DR share it.
    """
    methods = tuple(methods)
    db, Xb = d[idx], X[idx]
    dyb = [dy[idx] for dy in dys]
    C, m, M = len(idx), len(dys), len(methods)
    values = np.full((C, m, M), np.nan)
    cause = np.full((C, m, M), None, dtype=object)
    treated = db == 1
    one_group = ~treated.any(axis=1) | treated.all(axis=1)
    cause[one_group] = "one_group"
    reduced = np.zeros((C, m, M), dtype=bool)
    for uses_ps, keep in _kept_by_model(Xb, db, methods).items():
        mine = [j for j, method in enumerate(methods) if (method != "ra") == uses_ps]
        reduced[:, :, mine] = keep.sum(axis=1)[:, None, None] < k_full[None, :, mine]
        masks, group = np.unique(keep, axis=0, return_inverse=True)
        for g, mask in enumerate(masks):
            rows = np.flatnonzero((group.ravel() == g) & ~one_group)
            if len(rows) == 0:
                continue
            Xg, dg = Xb[rows][:, :, np.flatnonzero(mask)], db[rows]
            shared = np.full(len(rows), None, dtype=object)
            ps = _propensity(Xg, dg, shared) if uses_ps else None
            for o in range(m):
                for j in mine:
                    sub = shared.copy()
                    values[rows, o, j] = _att_of(dyb[o][rows], dg, Xg, methods[j], ps, sub)
                    cause[rows, o, j] = sub
    bad = (cause == None) & ~np.isfinite(values)  # noqa: E711
    cause[bad] = "nonfinite"
    values[cause != None] = np.nan  # noqa: E711
    return values, reduced, cause


def att_batch(
    dy: np.ndarray, d: np.ndarray, X: np.ndarray, idx: np.ndarray, method: str, k_full: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ATT of each resample ``idx[c]``: (values, reduced, cause) as :func:`drdid.att_fit`.

    ``values[c]`` is NaN and ``cause[c]`` one of :data:`resampling.FAILURE_CAUSES` when the
    resample cannot be fitted (``None`` otherwise); ``reduced[c]`` says fewer than ``k_full``
    covariate columns were kept.
    """
    values, reduced, cause = att_batch_many(dy[None, :], d, X, idx, (method,), np.array([[k_full]]))
    return values[:, 0, 0], reduced[:, 0, 0], cause[:, 0, 0]
