"""Difference-in-differences on two periods: 2x2 regression, change score, IPW/DR, permutation."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._design import build_design
from ._validation import (
    RowsDroppedWarning,
    check_choice,
    check_columns,
    check_conf_level,
    check_positive_int,
    drop_incomplete,
)
from .regression import TIDY_COLUMNS, ols

__all__ = [
    "change_scores",
    "did_2x2",
    "did_change",
    "did_ipw",
    "did_randomisation_inference",
]

IPW_METHODS = ("ipw", "dr")


class FewClustersWarning(UserWarning):
    """A clustered p-value rests on fewer treated or comparison clusters than configured."""


def _check_binary(df: pd.DataFrame, column: str, context: str) -> None:
    values = pd.unique(df[column].dropna())
    bad = [v for v in values if v not in (0, 1)]
    if bad:
        raise ValueError(
            f"{context}: column {column!r} must be coded 0/1 or boolean; found {sorted(map(str, bad))!r}"
        )


def _check_constant_within(df: pd.DataFrame, column: str, unit: str, context: str) -> None:
    varying = df.groupby(unit, sort=True)[column].nunique()
    varying = varying[varying > 1]
    if len(varying):
        raise ValueError(
            f"{context}: {column!r} must be constant within {unit!r}; it varies for "
            f"{len(varying)} unit(s), e.g. {list(varying.index[:5])!r}"
        )


def _changes(
    df: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    post: str,
    carry: Sequence[str],
    context: str,
) -> pd.DataFrame:
    carry = [c for c in dict.fromkeys(carry) if c not in (unit, post)]
    clash = [c for c in carry if c in ("y_pre", "y_post", "change")]
    if clash:
        raise ValueError(f"{context}: column names {clash!r} are reserved for the output")
    check_columns(df, [outcome, unit, post, *carry])
    data = drop_incomplete(df, [outcome, unit, post], context=context)
    _check_binary(data, post, context)
    _reject_duplicates(data, unit, post, context)
    is_post = data[post].astype(bool)
    pre = data.loc[~is_post].set_index(unit)
    after = data.loc[is_post].set_index(unit)
    units = pre.index.union(after.index)
    both = pre.index.intersection(after.index).sort_values()
    if len(both) < len(units):
        warnings.warn(
            f"{context}: dropped {len(units) - len(both)} of {len(units)} units without both a "
            f"pre ({post}=0) and a post ({post}=1) record",
            RowsDroppedWarning,
            stacklevel=3,
        )
    out = pre.loc[both, carry].copy() if carry else pd.DataFrame(index=both)
    out["y_pre"] = pre.loc[both, outcome].to_numpy(dtype=float)
    out["y_post"] = after.loc[both, outcome].to_numpy(dtype=float)
    out["change"] = out["y_post"] - out["y_pre"]
    return out.rename_axis(unit).reset_index()


def change_scores(
    df: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    post: str,
    carry: Sequence[str] = (),
) -> pd.DataFrame:
    """Per-unit first and last values and their change, from long two-period data.

    ``change_u = y_u(post=1) - y_u(post=0)``.

    Parameters
    ----------
    df : DataFrame
        Long data, at most one record per unit and period; ``post`` coded 0/1.
    outcome, unit, post : str
        Column names.
    carry : sequence of str
        Columns copied from each unit's pre-period (baseline) record.

    Returns
    -------
    DataFrame
        ``unit, *carry, y_pre, y_post, change``, one row per unit with both records,
        sorted by unit. Records with a missing outcome, and units lacking a period, are
        dropped with a :class:`RowsDroppedWarning`.
    """
    return _changes(df, outcome=outcome, unit=unit, post=post, carry=carry, context="change_scores")


def did_2x2(
    df: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    treated: str,
    post: str,
    cluster: str | None = None,
    vcov: str = "cluster",
    conf_level: float = 0.95,
    min_clusters: int = 10,
) -> pd.DataFrame:
    """Two-period difference-in-differences regression on long data.

    Estimating equation (one row per unit and period)::

        y_it = a + b treated_i + c post_t + d (treated_i x post_t) + e_it

    ``d`` (term ``f"{treated}:{post}"``) is the DiD estimate: the change in the treated
    group minus the change in the comparison group of the four cell means.

    Parameters
    ----------
    df : DataFrame
        Long data; ``treated`` and ``post`` coded 0/1 (or boolean), ``treated`` constant
        within unit. Incomplete rows are dropped with a :class:`RowsDroppedWarning`.
    outcome, unit, treated, post : str
        Column names.
    cluster : str, optional
        Cluster column for ``vcov="cluster"``; defaults to ``unit``.
    vcov : {"cluster", "classical", "HC0", "HC1", "HC2", "HC3"}
        Covariance estimator as in :func:`ols` (default CR1 clustered by unit, t with
        G - 1 degrees of freedom).
    conf_level : float
    min_clusters : int
        With ``vcov="cluster"``, a :class:`FewClustersWarning` when fewer than this many
        clusters hold treated (or comparison) units: the CR1 t test then over-rejects badly
        (MacKinnon & Webb 2017); prefer the wild cluster bootstrap. Default 10.

    Returns
    -------
    DataFrame
        Tidy rows ``(Intercept)``, ``treated``, ``post``, ``treated:post`` with the
        :func:`ols` columns plus ``n_obs``, ``n_units``, ``vcov_type``, ``n_clusters``,
        ``n_clusters_treated``, ``n_clusters_control`` (missing unless clustered).

    Duplicate (unit, period) rows are rejected, as in :func:`did_change`.
    """
    check_choice("vcov", vcov, ("cluster", "classical", "HC0", "HC1", "HC2", "HC3"))
    conf_level = check_conf_level(conf_level)
    if cluster is not None and vcov != "cluster":
        raise ValueError(f"`cluster` is only used with vcov='cluster'; got vcov={vcov!r}")
    cl = (cluster or unit) if vcov == "cluster" else None
    cols = [outcome, unit, treated, post] + ([cl] if cl else [])
    check_columns(df, cols)
    data = drop_incomplete(df, cols, context="did_2x2")
    for c in (treated, post):
        _check_binary(data, c, "did_2x2")
    _check_constant_within(data, treated, unit, "did_2x2")
    _reject_duplicates(data, unit, post, "did_2x2")
    min_clusters = check_positive_int("min_clusters", min_clusters, minimum=1)
    arms = _cluster_counts(data, treated, cl) if cl else (pd.NA, pd.NA)
    if cl and min(arms) < min_clusters:
        warnings.warn(
            f"did_2x2: the clustered p-value rests on {arms[0]} treated and {arms[1]} comparison "
            f"cluster(s) of {cl!r}, fewer than min_clusters={min_clusters}; CR1 t tests "
            "over-reject with few treated clusters (use the wild cluster bootstrap)",
            FewClustersWarning,
            stacklevel=2,
        )
    fit = ols(
        data,
        outcome=outcome,
        terms=[treated, post, f"{treated}:{post}"],
        vcov=vcov,
        cluster=cl,
        conf_level=conf_level,
    )
    out = fit.tidy.copy()
    out["n_obs"] = int(fit.glance["n"].iloc[0])
    out["n_units"] = int(data[unit].nunique())
    out["vcov_type"] = vcov
    out["n_clusters"] = fit.glance["n_clusters"].iloc[0]
    out["n_clusters_treated"] = pd.array([arms[0]] * len(out), dtype="Int64")
    out["n_clusters_control"] = pd.array([arms[1]] * len(out), dtype="Int64")
    return out


def _cluster_counts(data: pd.DataFrame, treated: str, cluster: str) -> tuple[int, int]:
    """Clusters holding treated units, and clusters holding comparison units."""
    d = data[treated].astype(bool)
    return int(data.loc[d, cluster].nunique()), int(data.loc[~d, cluster].nunique())


def _reject_duplicates(data: pd.DataFrame, unit: str, post: str, context: str) -> None:
    dup = data.duplicated([unit, post])
    if dup.any():
        example = data.loc[dup, unit].iloc[0]
        example = example.item() if isinstance(example, np.generic) else example
        raise ValueError(
            f"{context}: {int(dup.sum())} duplicate ({unit!r}, {post!r}) record(s), e.g. unit "
            f"{example!r}; keep one first (post=0) and one last (post=1) record per unit"
        )


def did_change(
    df: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    treated: str,
    post: str,
    vcov: str = "HC1",
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """First-difference (person fixed-effects) DiD: regress the per-unit change on treatment.

    Estimating equation (one row per unit with both periods)::

        y_i1 - y_i0 = c + d treated_i + (e_i1 - e_i0)

    For a balanced panel ``d`` equals the interaction of :func:`did_2x2` exactly (both are
    the difference in mean changes), and equals the treated x post coefficient of the
    two-way (unit and period) fixed-effects regression.

    Parameters
    ----------
    df : DataFrame
        Long data as for :func:`did_2x2`. Units without both periods are dropped with a
        :class:`RowsDroppedWarning`.
    outcome, unit, treated, post : str
    vcov : {"HC1", "classical", "HC0", "HC2", "HC3"}
    conf_level : float

    Returns
    -------
    DataFrame
        Tidy rows ``(Intercept)`` (mean change of the comparison group) and ``treated``
        (the DiD), plus ``n_units`` and ``vcov_type``.
    """
    check_choice("vcov", vcov, ("HC1", "classical", "HC0", "HC2", "HC3"))
    conf_level = check_conf_level(conf_level)
    check_columns(df, [treated])
    changes = _changes(
        df, outcome=outcome, unit=unit, post=post, carry=[treated], context="did_change"
    )
    _check_binary(changes, treated, "did_change")
    _check_constant_within(df.loc[df[unit].isin(changes[unit])], treated, unit, "did_change")
    fit = ols(changes, outcome="change", terms=[treated], vcov=vcov, conf_level=conf_level)
    out = fit.tidy.copy()
    out["n_units"] = len(changes)
    out["vcov_type"] = vcov
    return out


def _logit(X: np.ndarray, d: np.ndarray, max_iter: int = 100, tol: float = 1e-10) -> np.ndarray:
    """Logistic regression by Newton-Raphson; raises LinAlgError/ValueError on failure."""
    from scipy.special import expit

    beta = np.zeros(X.shape[1])
    for _ in range(max_iter):
        p = expit(X @ beta)
        hess = (X * (p * (1.0 - p))[:, None]).T @ X
        step = np.linalg.solve(hess, X.T @ (d - p))
        beta = beta + step
        if np.max(np.abs(step)) < tol:
            return beta
    raise ValueError("propensity model did not converge (perfect separation?)")


def _att(dy: np.ndarray, d: np.ndarray, X: np.ndarray, method: str) -> float:
    """Normalised IPW (Abadie 2005) or DR (Sant'Anna & Zhao 2020) ATT of the change."""
    from scipy.special import expit

    ps = expit(X @ _logit(X, d))
    treated = d == 1
    control = ~treated
    if not treated.any() or not control.any():
        raise ValueError("need treated and control units")
    resid = dy
    if method == "dr":
        # Minimum-norm least squares: a bootstrap resample can leave a covariate constant among
        # the controls; a plain QR solve then returns huge coefficients and absurd SEs.
        gamma = np.linalg.lstsq(X[control], dy[control], rcond=None)[0]
        resid = dy - X @ gamma
    w0 = np.where(control, ps / (1.0 - ps), 0.0)
    return float(resid[treated].mean() - np.sum(w0 * resid) / np.sum(w0))


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
) -> pd.DataFrame:
    """Selection-adjusted DiD (ATT) by inverse probability weighting or doubly robust.

    With change ``dY_i = y_i1 - y_i0``, treatment ``D_i`` and baseline covariates ``X_i``
    (taken from each unit's pre-period record, so listing ``outcome`` among the covariates
    means the baseline outcome), the propensity ``p(X) = P(D = 1 | X)`` is a logistic
    regression of D on an intercept and X. With ATT weights ``w_i = p(X_i)/(1 - p(X_i))``
    for controls::

        ipw:  ATT = mean_{D=1}(dY) - sum_{D=0} w_i dY_i / sum_{D=0} w_i
        dr:   ATT = mean_{D=1}(dY - m(X)) - sum_{D=0} w_i (dY_i - m(X_i)) / sum_{D=0} w_i

    where ``m(X)`` is the OLS regression of dY on X among controls (Sant'Anna & Zhao 2020,
    panel DR-DiD, as ``DRDID::drdid_panel``; the ipw form is ``DRDID::std_ipw_did_panel``).
    Standard errors: seeded nonparametric bootstrap over units (B resamples with
    replacement, refitting the propensity and outcome models each time); the statistic is
    ATT/SE with a normal p-value and a normal interval ATT +/- z SE.

    Parameters
    ----------
    df : DataFrame
        Long two-period data as for :func:`did_2x2`.
    outcome, unit, treated, post : str
    covariates : sequence of str
        Baseline covariates (numeric, or listed in ``categorical``).
    seed : int
        Seed of the bootstrap (``numpy.random.default_rng``).
    categorical : dict, optional
        ``{column: reference level}`` for categorical covariates.
    method : {"ipw", "dr"}
    B : int
        Bootstrap resamples.
    conf_level : float

    Returns
    -------
    DataFrame
        One row: ``term`` (``f"{treated}:{post}"``), estimate, std_error, statistic,
        p_value, conf_low, conf_high, method, n_units, n_treated, n_control, B.
    """
    from scipy import stats

    check_choice("method", method, IPW_METHODS)
    conf_level = check_conf_level(conf_level)
    B = check_positive_int("B", B, minimum=2)
    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    if not covariates:
        raise ValueError("`covariates` must name at least one column")
    check_columns(df, [treated, *covariates])
    changes = _changes(
        df,
        outcome=outcome,
        unit=unit,
        post=post,
        carry=[treated, *covariates],
        context="did_ipw",
    )
    changes = drop_incomplete(changes, [treated], context="did_ipw")
    _check_binary(changes, treated, "did_ipw")
    _check_constant_within(df.loc[df[unit].isin(changes[unit])], treated, unit, "did_ipw")
    design = build_design(
        changes, outcome="change", terms=covariates, categorical=categorical, context="did_ipw"
    )
    data, X = design.data, design.X
    # standardise covariates (not the intercept) for a well-conditioned Newton fit
    sd = X.std(axis=0)
    scale = np.where(sd > 0, sd, 1.0)
    X = (X - np.where(sd > 0, X.mean(axis=0), 0.0)) / scale
    dy = data["change"].to_numpy(dtype=float)
    d = data[treated].to_numpy(dtype=float)
    try:
        att = _att(dy, d, X, method)
    except np.linalg.LinAlgError:
        raise ValueError("did_ipw: propensity model failed (perfect separation?)") from None

    rng = np.random.default_rng(seed)
    n = len(dy)
    draws = np.full(B, np.nan)
    for b in range(B):
        idx = rng.integers(0, n, n)
        try:
            draws[b] = _att(dy[idx], d[idx], X[idx], method)
        except (ValueError, np.linalg.LinAlgError):
            continue
    failed = int(np.isnan(draws).sum())
    if failed:
        warnings.warn(
            f"did_ipw: {failed} of {B} bootstrap resamples could not be fitted "
            "(no treated or no control units, or separation) and were left out",
            RuntimeWarning,
            stacklevel=2,
        )
    se = float(np.nanstd(draws, ddof=1))
    z = att / se if se > 0 else np.nan
    q = stats.norm.ppf(0.5 + conf_level / 2.0)
    row = {
        "term": f"{treated}:{post}",
        "estimate": att,
        "std_error": se,
        "statistic": z,
        "p_value": float(2.0 * stats.norm.sf(abs(z))),
        "conf_low": att - q * se,
        "conf_high": att + q * se,
        "method": method,
        "n_units": n,
        "n_treated": int(d.sum()),
        "n_control": int(n - d.sum()),
        "B": B,
    }
    return pd.DataFrame([row], columns=[*TIDY_COLUMNS, *list(row)[7:]])


def did_randomisation_inference(
    df: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    treated: str,
    post: str,
    seed: int,
    strata: str | None = None,
    B: int = 999,
) -> pd.DataFrame:
    """Randomisation (permutation) inference for the two-period DiD.

    Statistic: the DiD ``mean_{D=1}(dY) - mean_{D=0}(dY)`` with ``dY = y_i1 - y_i0`` (equal
    to the :func:`did_2x2` interaction on a balanced panel). Under the sharp null of no
    effect for anyone, treatment labels are exchangeable (within ``strata``, e.g. country,
    when given): B random relabellings from ``numpy.random.default_rng(seed)`` give the
    reference distribution and the two-sided p-value
    ``(1 + #{|T_b| >= |T_obs|}) / (B + 1)``.

    Returns
    -------
    DataFrame
        One row: term, estimate, p_value, B, n_units, n_treated, n_control, strata,
        n_strata.
    """
    B = check_positive_int("B", B, minimum=1)
    check_columns(df, [treated] + ([strata] if strata else []))
    carry = [treated] + ([strata] if strata else [])
    changes = _changes(
        df,
        outcome=outcome,
        unit=unit,
        post=post,
        carry=carry,
        context="did_randomisation_inference",
    )
    changes = drop_incomplete(changes, carry, context="did_randomisation_inference")
    _check_binary(changes, treated, "did_randomisation_inference")
    _check_constant_within(
        df.loc[df[unit].isin(changes[unit])], treated, unit, "did_randomisation_inference"
    )
    dy = changes["change"].to_numpy(dtype=float)
    d = changes[treated].to_numpy(dtype=float)
    n1 = d.sum()
    n0 = len(d) - n1
    if n1 == 0 or n0 == 0:
        raise ValueError("did_randomisation_inference: need treated and control units")

    rng = np.random.default_rng(seed)
    perms = np.tile(d, (B + 1, 1))
    if strata is None:
        blocks = [np.arange(len(d))]
    else:
        codes, _ = pd.factorize(changes[strata], sort=True)
        blocks = [np.flatnonzero(codes == s) for s in range(codes.max() + 1)]
    for idx in blocks:
        perms[1:, idx] = rng.permuted(perms[1:, idx], axis=1)
    stat = perms @ dy / n1 - (1.0 - perms) @ dy / n0  # row 0: observed labels
    obs = stat[0]
    tol = 1e-10 * max(1.0, abs(obs))
    p = (1 + int(np.sum(np.abs(stat[1:]) >= abs(obs) - tol))) / (B + 1)
    return pd.DataFrame(
        [
            {
                "term": f"{treated}:{post}",
                "estimate": float(obs),
                "p_value": p,
                "B": B,
                "n_units": len(d),
                "n_treated": int(n1),
                "n_control": int(n0),
                "strata": strata,
                "n_strata": len(blocks),
            }
        ]
    )
