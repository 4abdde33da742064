"""Linear regression with tidy (broom-style) output."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ._design import (
    VCOV_TYPES,
    LeverageOneWarning,
    build_design,
    least_squares,
    leverage_one_rows,
    rows_only_terms,
    vcov_matrix,
)
from ._distributions import t_ppf, t_sf
from ._validation import check_choice, check_columns, check_conf_level

__all__ = ["TIDY_COLUMNS", "GLANCE_COLUMNS", "RegressionResult", "ols", "ols_vcovs"]

TIDY_COLUMNS = ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]
GLANCE_COLUMNS = [
    "n",
    "df_resid",
    "r_squared",
    "adj_r_squared",
    "vcov_type",
    "n_clusters",
    "outcome",
]


@dataclass(frozen=True, eq=False)
class RegressionResult:
    """Result of :func:`ols`.

    Attributes
    ----------
    tidy : DataFrame
        One row per coefficient: ``term, estimate, std_error, statistic, p_value, conf_low,
        conf_high``.
    glance : DataFrame
        One row: ``n, df_resid, r_squared, adj_r_squared, vcov_type, n_clusters, outcome``.
    vcov : DataFrame
        Coefficient covariance matrix, rows and columns labelled by term.
    bootstrap : DataFrame or None
        Wild cluster bootstrap table (see :func:`wild_cluster_bootstrap`) when requested.
    """

    tidy: pd.DataFrame
    glance: pd.DataFrame
    vcov: pd.DataFrame
    bootstrap: pd.DataFrame | None = None


def ols(
    df: pd.DataFrame,
    *,
    outcome: str,
    terms: Sequence[str],
    categorical: Mapping[str, object] | None = None,
    weights: str | None = None,
    vcov: str = "classical",
    cluster: str | None = None,
    conf_level: float = 0.95,
    bootstrap: object | None = None,
    intercept: bool = True,
) -> RegressionResult:
    """Ordinary (or weighted) least squares with classical, robust or clustered inference.

    Estimating equation::

        y_i = b0 + b' x_i + e_i,     b_hat = argmin sum_i w_i (y_i - b0 - b' x_i)^2

    where ``x_i`` holds the numeric ``terms``, products for ``"a:b"`` terms and one 0/1
    indicator per non-reference level of each ``categorical`` column (``w_i = 1`` unless
    ``weights`` names a column of positive analytic weights).

    Parameters
    ----------
    df : DataFrame
        Data, one row per observation. Rows with a missing value in any used column are
        dropped with a :class:`RowsDroppedWarning`.
    outcome : str
        Response column.
    terms : sequence of str
        Regressors in output order: numeric/boolean columns, ``"a:b"`` products, or
        columns listed in ``categorical``.
    categorical : dict, optional
        ``{column: reference level}``; each other observed level gets an indicator named
        ``f"{column}{level}"`` (levels in category order, else sorted).
    weights : str, optional
        Column of analytic (WLS) weights.
    vcov : {"classical", "HC0", "HC1", "HC2", "HC3", "cluster"}
        Covariance estimator. ``"cluster"`` is CR1 with the Stata small-sample factor
        ``G/(G-1) * (N-1)/(N-K)``; it needs ``cluster``.
    cluster : str, optional
        Cluster column (only with ``vcov="cluster"``).
    conf_level : float
        Confidence level of the t-based intervals.
    bootstrap : WildBootstrap, optional
        Options for wild cluster bootstrap p-values (needs ``vcov="cluster"``); the table
        is returned as ``result.bootstrap``.
    intercept : bool
        Include ``(Intercept)``.

    Returns
    -------
    RegressionResult
        ``tidy``, ``glance``, ``vcov`` and ``bootstrap`` tables. Statistics are t ratios;
        p-values and intervals use a t distribution with ``n - k`` degrees of freedom
        (``k`` the rank), or ``G - 1`` for ``vcov="cluster"``.

    Edge cases follow R: a term that is a linear combination of earlier ones (rank-revealing
    QR, tolerance 1e-7, as ``lm``) keeps its row with NA estimate and an
    :class:`AliasedTermsWarning`; with rows of leverage one, HC2/HC3 standard errors are NaN
    (``sandwich::vcovHC``) with a :class:`LeverageOneWarning` naming the rows and terms.
    """
    check_choice("vcov", vcov, VCOV_TYPES)
    conf_level = check_conf_level(conf_level)
    if vcov == "cluster" and cluster is None:
        raise ValueError("vcov='cluster' needs `cluster`, the column identifying clusters")
    if vcov != "cluster" and cluster is not None:
        raise ValueError(f"`cluster` is only used with vcov='cluster'; got vcov={vcov!r}")
    if bootstrap is not None and vcov != "cluster":
        raise ValueError("`bootstrap` (wild cluster bootstrap) needs vcov='cluster'")

    design = build_design(
        df,
        outcome=outcome,
        terms=terms,
        categorical=categorical,
        weights=weights,
        cluster=cluster,
        intercept=intercept,
        context="ols",
    )
    fit = least_squares(design.y, design.X, design.weights)
    return _result(design, fit, vcov, conf_level, bootstrap, outcome)


def ols_vcovs(
    df: pd.DataFrame,
    *,
    outcome: str,
    terms: Sequence[str],
    vcovs: Sequence[str],
    categorical: Mapping[str, object] | None = None,
    weights: str | None = None,
    cluster: str | None = None,
    conf_level: float = 0.95,
    bootstrap: object | None = None,
    intercept: bool = True,
) -> dict[str, RegressionResult]:
    """:func:`ols` once per covariance estimator in ``vcovs``, from one design and one fit.

    ``{vcov: ols(df, vcov=vcov, ...)}`` with ``cluster`` (and ``bootstrap``) given to the
    ``"cluster"`` fit only: the coefficients do not depend on the covariance estimator, so the
    design and its QR are built once (the same tables, tested). When the cluster column is
    missing on rows the other fits use, the clustered fit drops them and is fitted on its own.
    """
    vcovs = list(vcovs)
    for v in vcovs:
        check_choice("vcov", v, VCOV_TYPES)
    if ("cluster" in vcovs) != (cluster is not None):
        raise ValueError("`cluster` is needed with, and only with, 'cluster' among `vcovs`")
    if bootstrap is not None and "cluster" not in vcovs:
        raise ValueError("`bootstrap` (wild cluster bootstrap) needs 'cluster' among `vcovs`")
    conf_level = check_conf_level(conf_level)
    if cluster is not None:
        check_columns(df, [cluster])
    keys = dict(outcome=outcome, terms=terms, categorical=categorical, weights=weights)
    design = build_design(df, **keys, intercept=intercept, context="ols")
    fit = least_squares(design.y, design.X, design.weights)
    out = {}
    for v in vcovs:
        if v != "cluster":
            out[v] = _result(design, fit, v, conf_level, None, outcome)
            continue
        labels = design.data[cluster]
        if labels.isna().any():
            out[v] = ols(df, **keys, vcov=v, cluster=cluster, conf_level=conf_level,
                         bootstrap=bootstrap, intercept=intercept)  # fmt: skip
            continue
        codes, uniques = pd.factorize(labels, sort=True)  # as build_design(cluster=...)
        clustered = replace(design, groups=codes.astype(np.intp), n_groups=len(uniques))
        out[v] = _result(clustered, fit, v, conf_level, bootstrap, outcome)
    return out


def _result(design, fit, vcov: str, conf_level: float, bootstrap, outcome: str):
    """The tables of :func:`ols` for a built design and its least-squares fit."""
    intercept = design.intercept
    cov = vcov_matrix(fit, vcov, groups=design.groups, n_groups=design.n_groups)
    if vcov in ("HC2", "HC3"):
        _warn_leverage_one(design, fit, vcov)
    n, k = design.X.shape  # k: the rank (aliased terms are not columns of design.X)
    df_resid = n - k
    df_inf = design.n_groups - 1 if vcov == "cluster" else df_resid
    tidy = tidy_table(design.names, fit.beta, cov, df_inf, conf_level)
    names = list(design.all_names) or design.names
    if design.aliased:
        tidy = tidy.set_index("term").reindex(names).rename_axis("term").reset_index()
        cov = pd.DataFrame(cov, index=design.names, columns=design.names)
        cov = cov.reindex(index=names, columns=names).to_numpy()

    # R^2 on the weighted scale; centred when the model has an intercept.
    w = np.ones(n) if design.weights is None else design.weights
    ssr = float(fit.resid @ fit.resid)
    if intercept:
        ybar = np.average(design.y, weights=w)
        tss = float(np.sum(w * (design.y - ybar) ** 2))
    else:
        tss = float(np.sum(w * design.y**2))
    r2 = 1.0 - ssr / tss if tss > 0 else np.nan
    adj = 1.0 - (1.0 - r2) * (n - int(intercept)) / df_resid
    glance = pd.DataFrame(
        {
            "n": [n],
            "df_resid": [df_resid],
            "r_squared": [r2],
            "adj_r_squared": [adj],
            "vcov_type": [vcov],
            "n_clusters": pd.array([design.n_groups], dtype="Int64"),
            "outcome": [outcome],
        }
    )
    boot = None
    if bootstrap is not None:
        from .wild_bootstrap import bootstrap_design

        boot = bootstrap_design(design, bootstrap, fit)
    return RegressionResult(
        tidy=tidy,
        glance=glance,
        vcov=pd.DataFrame(cov, index=names, columns=names),
        bootstrap=boot,
    )


def _warn_leverage_one(design, fit, vcov: str) -> None:
    rows = leverage_one_rows(fit)
    if not len(rows):
        return
    terms = rows_only_terms(design.X, design.names, rows)
    labels = [getattr(lab, "item", lambda lab=lab: lab)() for lab in design.data.index[rows[:10]]]
    warnings.warn(
        f"ols: {len(rows)} observation(s) with leverage one (rows {labels!r}"
        f"{', ...' if len(rows) > 10 else ''}; term(s) observed only there: {terms!r}); "
        f"{vcov} standard errors are NaN, as R's sandwich::vcovHC",
        LeverageOneWarning,
        stacklevel=3,
    )


def tidy_table(
    names: Sequence[str],
    beta: np.ndarray,
    cov: np.ndarray,
    df_inf: float,
    conf_level: float,
) -> pd.DataFrame:
    """Tidy coefficient table with t-based p-values and intervals."""
    se = np.sqrt(np.diag(cov))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = beta / se
    p = 2.0 * t_sf(np.abs(t), df_inf)
    q = t_ppf(0.5 + conf_level / 2.0, df_inf)
    return pd.DataFrame(
        {
            "term": list(names),
            "estimate": beta,
            "std_error": se,
            "statistic": t,
            "p_value": p,
            "conf_low": beta - q * se,
            "conf_high": beta + q * se,
        }
    )
