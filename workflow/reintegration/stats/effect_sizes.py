"""Standardised mean differences as R's ``effsize::cohen.d`` (CRAN source) computes them.

For two independent groups (1 = treated, 2 = control) with sizes n1, n2, means m1, m2 and
SDs s1, s2 (denominator n - 1):

* Cohen's d = (m1 - m2) / s_p,  s_p = sqrt(((n1-1) s1^2 + (n2-1) s2^2) / (n1 + n2 - 2));
* Hedges' g = J d,  J = 1 - 3 / (4 (n1 + n2) - 9);
* Glass's delta = (m1 - m2) / s2 (the control group's SD): ``cohen.d(pooled = FALSE)``.

Confidence intervals (``noncentral = FALSE``, effsize's default): est +/- t(1 - a/2,
n1 + n2 - 2) * S with S = sqrt((n1 + n2)/(n1 n2) + est^2 / (2 (n1 + n2))) (Grissom & Kim
2005, eq. 3.13). effsize evaluates S at the reported estimate: at d for d, at delta for
Glass's delta (same formula, as effsize does), and at g for Hedges' g, whose S is then
multiplied by J. Magnitude (Cohen 1992): |est| < 0.2 negligible, < 0.5 small, < 0.8 medium,
else large.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._distributions import t_ppf
from ._validation import check_columns, check_conf_level, drop_incomplete

__all__ = [
    "EFFECT_SIZE_COLUMNS",
    "cohen_d_ci",
    "effect_size_magnitude",
    "effect_sizes",
    "glass_delta_ci",
    "hedges_g_ci",
    "hedges_j",
]

EFFECT_SIZE_COLUMNS = [
    "type",
    "estimate",
    "sd",
    "J",
    "lower",
    "upper",
    "confidence",
    "magnitude",
    "n_treated",
    "n_control",
]


def _check_ns(n1: int, n2: int) -> None:
    if n1 < 2 or n2 < 2:
        raise ValueError(f"each group needs at least 2 observations; got n1={n1}, n2={n2}")


def hedges_j(n1: int, n2: int) -> float:
    """Hedges' small-sample correction J = 1 - 3 / (4 (n1 + n2) - 9)."""
    _check_ns(n1, n2)
    return 1.0 - 3.0 / (4.0 * (n1 + n2) - 9.0)


def _se(est: float, n1: int, n2: int) -> float:
    return math.sqrt((n1 + n2) / (n1 * n2) + est**2 / (2.0 * (n1 + n2)))


def _tq(n1: int, n2: int, conf_level: float) -> float:
    return float(t_ppf(0.5 + conf_level / 2.0, n1 + n2 - 2))


def cohen_d_ci(d: float, n1: int, n2: int, conf_level: float = 0.95) -> tuple[float, float]:
    """CI of Cohen's d: d +/- t(n1+n2-2) sqrt((n1+n2)/(n1 n2) + d^2/(2(n1+n2)))."""
    conf_level = check_conf_level(conf_level)
    _check_ns(n1, n2)
    half = _tq(n1, n2, conf_level) * _se(d, n1, n2)
    return d - half, d + half


def glass_delta_ci(delta: float, n1: int, n2: int, conf_level: float = 0.95) -> tuple[float, float]:
    """CI of Glass's delta as effsize computes it: the Cohen's d formula evaluated at delta."""
    return cohen_d_ci(delta, n1, n2, conf_level)


def hedges_g_ci(g: float, n1: int, n2: int, conf_level: float = 0.95) -> tuple[float, float]:
    """CI of Hedges' g: g +/- t(n1+n2-2) J sqrt((n1+n2)/(n1 n2) + g^2/(2(n1+n2)))."""
    conf_level = check_conf_level(conf_level)
    half = _tq(n1, n2, conf_level) * _se(g, n1, n2) * hedges_j(n1, n2)
    return g - half, g + half


def effect_size_magnitude(estimate: float) -> str:
    """Cohen's labels: |x| < 0.2 negligible, < 0.5 small, < 0.8 medium, else large."""
    a = abs(estimate)
    if math.isnan(a):
        return "NA"
    if a < 0.2:
        return "negligible"
    if a < 0.5:
        return "small"
    if a < 0.8:
        return "medium"
    return "large"


def effect_sizes(
    df: pd.DataFrame,
    *,
    value: str,
    group: str,
    treated: object,
    control: object,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Cohen's d, Hedges' g and Glass's delta of ``value`` for treated vs control.

    Estimating equations (1 = rows with ``group == treated``, 2 = ``group == control``)::

        d     = (m1 - m2) / s_p,  s_p^2 = ((n1-1) s1^2 + (n2-1) s2^2) / (n1 + n2 - 2)
        g     = J d,              J = 1 - 3 / (4 (n1 + n2) - 9)
        delta = (m1 - m2) / s2

    with CIs as in R's ``effsize::cohen.d`` (see the module docstring).

    Parameters
    ----------
    df : DataFrame
        One row per unit (e.g. the per-person change, last minus first). Rows of other
        groups are ignored; rows of the two groups with a missing ``value`` are dropped
        with a :class:`RowsDroppedWarning`.
    value, group : str
        Outcome and group columns.
    treated, control : object
        The values of ``group`` that identify the two groups.
    conf_level : float

    Returns
    -------
    DataFrame
        Rows ``cohen_d``, ``hedges_g``, ``glass_delta``; columns ``type, estimate, sd, J,
        lower, upper, confidence, magnitude, n_treated, n_control``. ``sd`` is the
        denominator (pooled SD for d and g, control SD for delta); ``J`` is NaN except for g.
    """
    conf_level = check_conf_level(conf_level)
    check_columns(df, [value, group])
    present = set(df[group].dropna().unique())
    for name, level in (("treated", treated), ("control", control)):
        if level not in present:
            raise ValueError(
                f"`{name}`={level!r} is not a value of {group!r}; values: {sorted(present, key=str)!r}"
            )
    if treated == control:
        raise ValueError("`treated` and `control` must differ")
    sub = df.loc[df[group].isin([treated, control]), [value, group]]
    sub = drop_incomplete(sub, [value], context="effect_sizes")
    x1 = sub.loc[sub[group] == treated, value].to_numpy(dtype=float)
    x2 = sub.loc[sub[group] == control, value].to_numpy(dtype=float)
    n1, n2 = len(x1), len(x2)
    _check_ns(n1, n2)
    m1, m2 = x1.mean(), x2.mean()
    s1, s2 = x1.std(ddof=1), x2.std(ddof=1)
    sp = math.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2))
    if sp == 0 or s2 == 0:
        raise ValueError("effect sizes are undefined: a standard deviation is zero")
    d = (m1 - m2) / sp
    J = hedges_j(n1, n2)
    g = d * J
    delta = (m1 - m2) / s2
    rows = [
        ("cohen_d", d, sp, np.nan, *cohen_d_ci(d, n1, n2, conf_level)),
        ("hedges_g", g, sp, J, *hedges_g_ci(g, n1, n2, conf_level)),
        ("glass_delta", delta, s2, np.nan, *glass_delta_ci(delta, n1, n2, conf_level)),
    ]
    out = pd.DataFrame(rows, columns=["type", "estimate", "sd", "J", "lower", "upper"])
    out["confidence"] = conf_level
    out["magnitude"] = [effect_size_magnitude(e) for e in out["estimate"]]
    out["n_treated"] = n1
    out["n_control"] = n2
    return out[EFFECT_SIZE_COLUMNS]
