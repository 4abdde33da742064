"""Student t and normal tail functions without importing ``scipy.stats`` (issue 16).

``import scipy.stats`` costs about 1.1 s of CPU per job; the few functions the estimators
need are thin wrappers of ``scipy.special`` (``scipy.stats.t._sf`` is ``stdtr(df, -x)``,
``t._ppf`` is ``stdtrit``, ``norm`` uses ``ndtr`` / ``ndtri``). These give the same values
bit for bit as ``scipy.stats.t`` and ``scipy.stats.norm`` at default ``loc`` and ``scale``,
including NaN for an invalid ``df`` (``df <= 0``) or probability (outside [0, 1]).
``scipy.special`` (0.2-0.4 s) is imported on first use, not with the package.
"""

from __future__ import annotations

import numpy as np

_SQRT_2PI = np.sqrt(2 * np.pi)  # as scipy.stats' _norm_pdf_C


def _scalar(out: np.ndarray):
    """A 0-d result as a NumPy scalar, as ``scipy.stats`` returns it."""
    return out[()] if out.ndim == 0 else out


def t_sf(x, df):
    """``scipy.stats.t.sf(x, df)``."""
    from scipy import special

    x, df = np.asarray(x, dtype=float), np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        out = np.where(df > 0, special.stdtr(df, -x), np.nan)
    return _scalar(np.asarray(out))


def t_ppf(q, df):
    """``scipy.stats.t.ppf(q, df)``: -inf at q = 0, inf at q = 1."""
    from scipy import special

    q, df = np.asarray(q, dtype=float), np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        inner = special.stdtrit(df, q)
        out = np.where(q == 0, -np.inf, np.where(q == 1, np.inf, inner))
        out = np.where((df > 0) & (q >= 0) & (q <= 1), out, np.nan)
    return _scalar(np.asarray(out))


def norm_cdf(x):
    """``scipy.stats.norm.cdf(x)``."""
    from scipy import special

    return _scalar(np.asarray(special.ndtr(np.asarray(x, dtype=float))))


def norm_sf(x):
    """``scipy.stats.norm.sf(x)``."""
    from scipy import special

    return _scalar(np.asarray(special.ndtr(-np.asarray(x, dtype=float))))


def norm_ppf(q):
    """``scipy.stats.norm.ppf(q)``."""
    from scipy import special

    return _scalar(np.asarray(special.ndtri(np.asarray(q, dtype=float))))


def norm_pdf(x):
    """``scipy.stats.norm.pdf(x)``."""
    x = np.asarray(x, dtype=float)
    return _scalar(np.asarray(np.exp(-(x**2) / 2.0) / _SQRT_2PI))
