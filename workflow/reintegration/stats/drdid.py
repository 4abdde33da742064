"""Panel ATT by regression adjustment, IPW and doubly robust DiD (Sant'Anna & Zhao 2020).

Notation (one row per unit): ``dY = y_1 - y_0``, ``D`` treatment, ``X`` baseline covariates with
an intercept; ``p(X)`` the logit propensity; ``m(X)`` the OLS regression of dY on X among the
controls; control weights ``w0 = p/(1-p) (1 - D)``, treated weights ``w1 = D``.

    ra:   ATT = mean_{D=1}(dY - m(X))                                (DRDID::reg_did_panel)
    ipw:  ATT = sum w1 dY / sum w1 - sum w0 dY / sum w0              (DRDID::std_ipw_did_panel)
    dr:   ATT = sum w1 (dY - m) / sum w1 - sum w0 (dY - m) / sum w0  (DRDID::drdid_panel)

Analytic standard errors are ``sd(psi) / sqrt(n)`` with ``psi`` the estimator's influence
function, including the estimation effect of the propensity score (logit score times its inverse
Hessian) and of the outcome regression (OLS), as in Sant'Anna & Zhao (2020), J. Econometrics
219(1), Sections 3.1 and 3.2, and their R package DRDID (not on Debian, so the formulas are
checked here by hand and against a numerical derivative of the estimator, tests/stats).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._design import QR_TOL, build_design, identified_columns
from ._validation import (
    check_columns,
    drop_incomplete,
)

__all__ = [
    "ATT_METHODS",
    "AttFit",
    "FitFailure",
    "att_fit",
    "control_weights",
    "did_ipw",
    "fitted_columns",
    "prepare_att_data",
    "propensity_scores",
]

ATT_METHODS = ("ra", "ipw", "dr")
#: A control whose propensity score is within this of 1 separates the logit.
SEPARATION_PS = 1e-12


class FitFailure(ValueError):
    """A propensity or outcome model that cannot be fitted; ``cause`` names why."""

    def __init__(self, cause: str, message: str):
        super().__init__(message)
        self.cause = cause


@dataclass(frozen=True, eq=False)
class AttFit:
    """Point estimate, influence function (one value per unit) and the fitted models."""

    att: float
    influence: np.ndarray
    ps: np.ndarray  # propensity scores (NaN for "ra")
    outcome_fit: np.ndarray  # m(X) (NaN for "ipw")
    columns: list[int]  # covariate columns used (after dropping aliased ones)

    @property
    def se(self) -> float:
        n = len(self.influence)
        return float(np.std(self.influence, ddof=1) / np.sqrt(n))


def logit(X: np.ndarray, d: np.ndarray, max_iter: int = 100, tol: float = 1e-10) -> np.ndarray:
    """Logistic regression by Newton-Raphson; :class:`FitFailure` when it cannot converge."""
    from scipy.special import expit

    beta = np.zeros(X.shape[1])
    for _ in range(max_iter):
        p = expit(X @ beta)
        hess = (X * (p * (1.0 - p))[:, None]).T @ X
        try:
            step = np.linalg.solve(hess, X.T @ (d - p))
        except np.linalg.LinAlgError:
            raise FitFailure("singular", "propensity model: singular Hessian") from None
        beta = beta + step
        if not np.all(np.isfinite(beta)):
            raise FitFailure("separation", "propensity model diverged (separation)")
        if np.max(np.abs(step)) < tol:
            return beta
    raise FitFailure("separation", "propensity model did not converge (perfect separation?)")


def _check_groups(d: np.ndarray) -> None:
    if not (d == 1).any() or not (d == 0).any():
        raise FitFailure("one_group", "need treated and control units")


def att_fit(
    dy: np.ndarray, d: np.ndarray, X: np.ndarray, method: str, *, drop_aliased: bool = True
) -> AttFit:
    """ATT and its influence function for ``method`` in :data:`ATT_METHODS` (module docstring).

    ``X`` holds an intercept column. With ``drop_aliased`` covariate columns aliased in these
    rows (R's QR rule, tolerance 1e-7; e.g. a flag constant in a bootstrap resample) are dropped
    before fitting, and so are columns that are constant within the treated or within the
    controls when the propensity model is used (they separate the logit).
    """
    _check_groups(d)
    n = len(dy)
    treated = d == 1
    cols = fitted_columns(X, d, method) if drop_aliased else list(range(X.shape[1]))
    Xc = X[:, cols]
    w1 = d.astype(float)
    ps = np.full(n, np.nan)
    m = np.full(n, np.nan)
    lin_ps = lin_ols = None
    if method != "ra":
        ps = propensity_scores(Xc, d)
        hess_inv = np.linalg.inv((Xc * (ps * (1.0 - ps))[:, None]).T @ Xc / n)
        lin_ps = ((d - ps)[:, None] * Xc) @ hess_inv  # n x k, logit's linear representation
    if method != "ipw":
        ctrl = ~treated
        beta = np.linalg.lstsq(Xc[ctrl], dy[ctrl], rcond=None)[0]
        m = Xc @ beta
        xpx_inv = np.linalg.pinv((Xc * ctrl[:, None]).T @ Xc / n)
        lin_ols = ((ctrl * (dy - m))[:, None] * Xc) @ xpx_inv  # OLS's linear representation
    if method == "ra":
        return _ra(dy, w1, Xc, m, lin_ols, cols)
    w0 = control_weights(ps, treated)
    resid = dy if method == "ipw" else dy - m
    eta1 = np.mean(w1 * resid) / np.mean(w1)
    eta0 = np.mean(w0 * resid) / np.mean(w0)
    inf1 = w1 * resid - w1 * eta1
    inf0 = w0 * resid - w0 * eta0 + lin_ps @ np.mean((w0 * (resid - eta0))[:, None] * Xc, axis=0)
    if method == "dr":
        inf1 = inf1 - lin_ols @ np.mean(w1[:, None] * Xc, axis=0)
        inf0 = inf0 - lin_ols @ np.mean(w0[:, None] * Xc, axis=0)
    psi = inf1 / np.mean(w1) - inf0 / np.mean(w0)
    return AttFit(float(eta1 - eta0), psi, ps, m, cols)


def fitted_columns(X: np.ndarray, d: np.ndarray, method: str) -> list[int]:
    """Covariate columns :func:`att_fit` keeps: not aliased (R's QR rule, tolerance 1e-7), and,
    when the propensity model is used, not constant within the treated or within the controls
    while varying overall (such a column separates the logit)."""
    cols = identified_columns(X, QR_TOL)
    if method == "ra":
        return cols
    treated = d == 1
    return [j for j in cols if not _varies(X[:, j]) or _varies_in_both(X[:, j], treated)]


def propensity_scores(Xc: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Logit propensity scores on the kept columns; :class:`FitFailure` when a control's is 1."""
    from scipy.special import expit

    ps = expit(Xc @ logit(Xc, d))
    if np.any(ps[d != 1] >= 1.0 - SEPARATION_PS):
        raise FitFailure("separation", "propensity score of a control is 1")
    return ps


def control_weights(ps: np.ndarray, treated: np.ndarray) -> np.ndarray:
    """ATT weights of the controls, p/(1-p) (0 for the treated); any shape (resamples x n)."""
    return np.where(treated, 0.0, ps / (1.0 - ps))


def _ra(dy, w1, Xc, m, lin_ols, cols) -> AttFit:
    eta1 = np.mean(w1 * dy) / np.mean(w1)
    eta0 = np.mean(w1 * m) / np.mean(w1)
    inf1 = (w1 * dy - w1 * eta1) / np.mean(w1)
    inf0 = (w1 * m - w1 * eta0 + lin_ols @ np.mean(w1[:, None] * Xc, axis=0)) / np.mean(w1)
    return AttFit(float(eta1 - eta0), inf1 - inf0, np.full(len(dy), np.nan), m, cols)


def _varies(x: np.ndarray) -> bool:
    return bool(np.ptp(x) > 0)


def _varies_in_both(x: np.ndarray, treated: np.ndarray) -> bool:
    return _varies(x[treated]) and _varies(x[~treated])


SE_TYPES = ("bootstrap", "analytic")


def prepare_att_data(
    df: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    treated: str,
    post: str,
    covariates: Sequence[str],
    categorical: Mapping[str, object] | None,
    strata: str | None,
    context: str,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Per-unit changes, the (standardised, intercept-first) covariate matrix and its names."""
    from .did import _changes, _check_binary, _check_constant_within

    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    if not covariates:
        raise ValueError("`covariates` must name at least one column")
    extra = [strata] if strata and strata not in covariates else []
    check_columns(df, [treated, *covariates, *extra])
    changes = _changes(
        df,
        outcome=outcome,
        unit=unit,
        post=post,
        carry=[treated, *covariates, *extra],
        context=context,
    )
    changes = drop_incomplete(changes, [treated, *extra], context=context)
    _check_binary(changes, treated, context)
    _check_constant_within(df.loc[df[unit].isin(changes[unit])], treated, unit, context)
    design = build_design(
        changes, outcome="change", terms=covariates, categorical=categorical, context=context
    )
    data, X = design.data, design.X
    # standardise covariates (not the intercept) for a well-conditioned Newton fit; the ATT and
    # its influence function do not depend on the scaling
    sd = X.std(axis=0)
    X = (X - np.where(sd > 0, X.mean(axis=0), 0.0)) / np.where(sd > 0, sd, 1.0)
    dy = data["change"].to_numpy(dtype=float)
    d = data[treated].to_numpy(dtype=float)
    return data, dy, d, X, design.names


def did_ipw(
    df: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    treated: str,
    post: str,
    covariates: Sequence[str],
    seed: int,
    categorical: Mapping[str, object] | None = None,
    method: str = "ipw",
    B: int = 999,
    conf_level: float = 0.95,
    se: str = "bootstrap",
    strata: str | None = None,
    max_failure_share: float = 0.01,
    max_redraws: int = 10,
    config_key: str = "",
    workers: int = 1,
) -> pd.DataFrame:
    """Selection-adjusted DiD (ATT) by regression adjustment, IPW or doubly robust.

    Estimating equations in the module docstring; covariates are taken from each unit's
    pre-period record (listing ``outcome`` means the baseline outcome). Two standard errors:
    the analytic influence-function SE of Sant'Anna & Zhao (2020) and a seeded bootstrap over
    units, stratified within treatment group (and ``strata``, e.g. country) so that every
    resample keeps both groups; a covariate aliased or separating in a resample is dropped for
    it, and a resample that still fails is redrawn (``max_redraws``). ``se`` picks which SE
    gives ``std_error``, the normal-theory statistic, p-value and interval. When more than
    ``max_failure_share`` of the resamples fail, the bootstrap is "not estimable" (``status``,
    ``reason``; with ``se="bootstrap"`` the inference columns are then empty). ``workers``
    forked processes fit the resamples side by side; the numbers do not depend on it.

    Parameters
    ----------
    df : DataFrame
        Long two-period data as for :func:`did_2x2`.
    outcome, unit, treated, post : str
    covariates : sequence of str
        Baseline covariates (numeric, or listed in ``categorical``).
    seed : int
        Seed of the bootstrap (``numpy.random.default_rng``).
    method : {"ipw", "dr", "ra"}
    B : int
        Bootstrap resamples requested.
    se : {"bootstrap", "analytic"}
    strata : str, optional
        Column whose levels the bootstrap keeps within each treatment group.
    max_failure_share : float
        Largest share of failed resamples (default 0.01).
    config_key : str
        Named in the ``reason`` as the setting that changes the limit.

    Returns
    -------
    DataFrame
        One row: the tidy columns, ``method, n_units, n_treated, n_control, B``,
        ``std_error_analytic, std_error_bootstrap, se_type``, the accounting columns
        ``B_requested, B_used, n_redrawn, n_reduced, failures_<cause>, status, reason``.
    """
    from .drdid_joint import did_ipw_joint

    return did_ipw_joint(
        [df],
        outcome=outcome,
        unit=unit,
        treated=treated,
        post=post,
        covariates=covariates,
        seed=seed,
        categorical=categorical,
        methods=[method],
        B=B,
        conf_level=conf_level,
        se=se,
        strata=strata,
        max_failure_share=max_failure_share,
        max_redraws=max_redraws,
        config_key=config_key,
        workers=workers,
    )
