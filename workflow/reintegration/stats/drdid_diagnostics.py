"""Diagnostics a reviewer expects beside a selection-adjusted DiD (Sant'Anna & Zhao practice).

:func:`drdid_diagnostics` returns tidy tables for one outcome: propensity overlap by group
(binned counts, no unit-level scores), the estimate with units outside the trimming interval
dropped beside the untrimmed one, covariate balance before and after weighting (standardised
differences, target |d| < 0.1, and variance ratios), the effective sample size of the weighted
controls, and regression adjustment, IPW and DR side by side with analytic SEs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._distributions import norm_ppf
from .drdid import (
    ATT_METHODS,
    FitFailure,
    att_fit,
    control_weights,
    fitted_columns,
    prepare_att_data,
    propensity_scores,
)

__all__ = ["BALANCE_TARGET", "drdid_diagnostics"]

#: Largest absolute standardised difference after weighting counted as balanced.
BALANCE_TARGET = 0.1


def _weighted_moments(x: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    mean = float(np.sum(w * x) / np.sum(w))
    return mean, float(np.sum(w * (x - mean) ** 2) / np.sum(w))


def _balance(X: np.ndarray, names: list[str], d: np.ndarray, w0: np.ndarray) -> pd.DataFrame:
    """Standardised differences (Austin 2009: pooled unweighted SD) and variance ratios."""
    t, c = d == 1, d == 0
    rows = []
    for j, name in enumerate(names):
        x = X[:, j]
        if np.ptp(x) == 0:
            continue  # the intercept
        m1, v1 = _weighted_moments(x[t], np.ones(t.sum()))
        m0, v0 = _weighted_moments(x[c], np.ones(c.sum()))
        m0w, v0w = _weighted_moments(x[c], w0[c])
        sd = np.sqrt((v1 + v0) / 2.0)
        rows.append(
            {
                "covariate": name,
                "std_diff_before": (m1 - m0) / sd if sd > 0 else np.nan,
                "std_diff_after": (m1 - m0w) / sd if sd > 0 else np.nan,
                "var_ratio_before": v1 / v0 if v0 > 0 else np.nan,
                "var_ratio_after": v1 / v0w if v0w > 0 else np.nan,
            }
        )
    out = pd.DataFrame(rows)
    out["balanced_after"] = out["std_diff_after"].abs() < BALANCE_TARGET
    return out


def _estimate_row(dy, d, X, method, label, conf_level) -> dict[str, object]:
    q = norm_ppf(0.5 + conf_level / 2.0)
    try:
        fit = att_fit(dy, d, X, method)
    except (FitFailure, np.linalg.LinAlgError) as error:
        return {"sample": label, "method": method, "status": "not estimable", "reason": str(error)}
    return {
        "sample": label,
        "method": method,
        "estimate": fit.att,
        "std_error": fit.se,
        "conf_low": fit.att - q * fit.se,
        "conf_high": fit.att + q * fit.se,
        "n_treated": int(d.sum()),
        "n_control": int(len(d) - d.sum()),
        "status": "ok",
        "reason": "",
    }


def drdid_diagnostics(
    df: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    treated: str,
    post: str,
    covariates: Sequence[str],
    categorical: Mapping[str, object] | None = None,
    trim: tuple[float, float] = (0.1, 0.9),
    bins: int = 10,
    conf_level: float = 0.95,
) -> dict[str, pd.DataFrame]:
    """Tables ``overlap, balance, ess, estimators, trimming`` for one outcome.

    The propensity model is the logit of :func:`did_ipw` (same covariates and data).
    ``overlap``: counts per propensity bin (``bins`` equal-width bins on [0, 1]) and group;
    ``balance``: one row per covariate term; ``ess``: ``(sum w)^2 / sum w^2`` per group with ATT
    weights (1 for the treated, p/(1-p) for controls); ``estimators``: ra, ipw, dr with
    Sant'Anna-Zhao analytic SEs; ``trimming``: ipw and dr on all units and on units with
    ``trim[0] <= p <= trim[1]`` (Crump et al. 2009), with the shares trimmed per group.
    """
    lo, hi = trim
    if not 0.0 <= lo < hi <= 1.0:
        raise ValueError(f"`trim` must be (low, high) with 0 <= low < high <= 1; got {trim!r}")
    _, dy, d, X, names = prepare_att_data(
        df,
        outcome=outcome,
        unit=unit,
        treated=treated,
        post=post,
        covariates=covariates,
        categorical=categorical,
        strata=None,
        context="drdid_diagnostics",
    )
    ps = propensity_scores(X[:, fitted_columns(X, d, "ipw")], d)  # the model of did_ipw
    group = np.where(d == 1, "treated", "control")
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.searchsorted(edges, ps, side="right") - 1, 0, bins - 1)
    overlap = (
        pd.DataFrame({"group": group, "bin": which})
        .groupby(["group", "bin"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=range(bins), fill_value=0)
        .stack()
        .rename("n")
        .reset_index()
    )
    overlap.insert(1, "p_low", edges[overlap["bin"]])
    overlap.insert(2, "p_high", edges[overlap["bin"] + 1])
    w = np.where(d == 1, 1.0, control_weights(ps, d == 1))
    ess = pd.DataFrame(
        [
            {"group": g, "n": int(m.sum()), "ess": float(w[m].sum() ** 2 / np.sum(w[m] ** 2))}
            for g, m in (("treated", d == 1), ("control", d == 0))
        ]
    )
    estimators = pd.DataFrame([_estimate_row(dy, d, X, m, "all", conf_level) for m in ATT_METHODS])
    keep = (ps >= lo) & (ps <= hi)
    trimming = pd.DataFrame(
        [_estimate_row(dy, d, X, m, "all", conf_level) for m in ("ipw", "dr")]
        + [
            _estimate_row(dy[keep], d[keep], X[keep], m, f"trimmed [{lo:g}, {hi:g}]", conf_level)
            for m in ("ipw", "dr")
        ]
    )
    for g, m in (("treated", d == 1), ("control", d == 0)):
        trimming[f"share_trimmed_{g}"] = float(np.mean(~keep[m]))
    return {
        "overlap": overlap[["group", "p_low", "p_high", "n"]],
        "balance": _balance(X, names, d, w),
        "ess": ess,
        "estimators": estimators,
        "trimming": trimming,
    }
