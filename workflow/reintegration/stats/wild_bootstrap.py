"""Wild cluster bootstrap (WCR/WCU) p-values for linear regression coefficients.

References: Cameron, Gelbach & Miller (2008), *Review of Economics and Statistics* 90(3);
Roodman, MacKinnon, Nielsen & Webb (2019), "Fast and wild: bootstrap inference in Stata
using boottest", *Stata Journal* 19(1); Webb (2023) for the six-point weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._design import (
    Design,
    LeastSquares,
    build_design,
    group_layout,
    group_sums,
    least_squares,
)
from ._validation import check_choice, check_positive_int

__all__ = [
    "BOOT_COLUMNS",
    "WEIGHT_TYPES",
    "WildBootstrap",
    "wild_cluster_bootstrap",
    "wild_cluster_bootstrap_terms",
]

WEIGHT_TYPES = ("rademacher", "webb")
BOOT_COLUMNS = ["term", "estimate", "statistic", "p_value_boot", "B", "weights_type", "n_clusters"]
#: Accounting columns after BOOT_COLUMNS: ``B`` is the number of draws made (2**G when all sign
#: vectors are enumerated), ``B_requested`` the option, ``B_used`` the draws with a finite t.
#: Causes a draw can fail for (columns ``failures_<cause>``): a bootstrap SE that is zero (to
#: rounding) or a statistic that is not finite.
WILD_FAILURE_CAUSES = ("zero_se", "nonfinite")
ACCOUNT_COLUMNS = [
    "B_requested",
    "B_used",
    *(f"failures_{c}" for c in WILD_FAILURE_CAUSES),
    "status",
    "reason",
]
#: Relative size below which a draw's bootstrap SE counts as zero.
ZERO_SE_TOL = 1e-10
_WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


@dataclass(frozen=True)
class WildBootstrap:
    """Options for wild cluster bootstrap p-values inside :func:`ols`.

    ``terms=None`` tests every coefficient except the intercept.
    """

    seed: int
    B: int = 999
    weights_type: str = "rademacher"
    impose_null: bool = True
    terms: tuple[str, ...] | None = None
    max_failure_share: float = 0.01


def _draw_weights(n_clusters: int, B: int, weights_type: str, seed: int) -> np.ndarray:
    """Cluster weights, n_clusters x B.

    With Rademacher weights and 2**G <= B all 2**G sign vectors are enumerated instead of
    sampled (as boottest does), so the p-value is exact and B becomes 2**G.
    """
    if weights_type == "rademacher" and 2**n_clusters <= B:
        codes = np.arange(2**n_clusters)
        bits = (codes[None, :] >> np.arange(n_clusters)[:, None]) & 1
        return 1.0 - 2.0 * bits
    rng = np.random.default_rng(seed)
    if weights_type == "rademacher":
        return rng.integers(0, 2, size=(n_clusters, B)) * 2.0 - 1.0
    return rng.choice(_WEBB, size=(n_clusters, B))


def _wild_t(
    fit: LeastSquares,
    groups: np.ndarray,
    G: int,
    j: int,
    V: np.ndarray,
    impose_null: bool,
    score_e: np.ndarray,
    layout: tuple[np.ndarray, np.ndarray],
) -> tuple[float, float, float, int, dict[str, int]]:
    """Observed estimate, observed CR1 t, the bootstrap p-value, draws used, failures by cause.

    All B bootstrap t statistics are computed from cluster-level quantities without
    forming the n x B matrix of bootstrap outcomes. With A = (X'X)^{-1}, z = X A e_j,
    unrestricted residuals e and bootstrap outcomes y* = X b_0 + u . v, where u are the
    residuals under the null b_j = 0 (WCR: u = e + z b_j / A_jj, the restricted least-squares
    residuals) or u = e (WCU),

        b*_j - b0_j = sum_g w_g v_g,        w_g = z_g' u_g,
        s*_h        = w_h v_h - (z_h' X_h) A sum_g X_g' u_g v_g   (score of cluster h),
        t*          = (b*_j - b0_j) / sqrt(c sum_h s*_h^2),  c = G/(G-1) (n-1)/(n-k).
    """
    Xt, bread, beta = fit.Xt, fit.bread, fit.beta
    n, k = Xt.shape
    c = G / (G - 1) * (n - 1) / (n - k)
    z = Xt @ bread[j]
    t_obs = beta[j] / np.sqrt(c * np.sum(group_sums(z * fit.resid, groups, G) ** 2))
    zx = group_sums(Xt * z[:, None], groups, G, layout=layout)  # G x k, rows z_g' X_g
    if impose_null:
        shift = beta[j] / bread[j, j]
        u = fit.resid + shift * z
        xu = score_e + shift * zx  # rows X_g' u_g
    else:
        u = fit.resid
        xu = score_e
    w = group_sums(z * u, groups, G)  # G
    Q = np.diag(w) - zx @ bread @ xu.T  # G x G
    num = w @ V
    den = np.sqrt(c * np.sum((Q @ V) ** 2, axis=0))
    # the same scores summed in absolute value: a bootstrap SE cancelled to below ZERO_SE_TOL
    # of that is rounding noise (e.g. the coefficient of a cluster dummy, residuals summing to
    # zero within each cluster)
    Xu_abs = group_sums(np.abs(Xt * u[:, None]), groups, G, layout=layout)
    Q_abs = np.diag(group_sums(np.abs(z * u), groups, G)) + np.abs(zx) @ np.abs(bread) @ Xu_abs.T
    mag = np.sqrt(c * np.sum((Q_abs @ np.abs(V)) ** 2, axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        t_boot = num / den
    zero = den <= ZERO_SE_TOL * mag
    finite = np.isfinite(t_boot) & ~zero
    causes = {"zero_se": int(np.sum(zero)), "nonfinite": int(np.sum(~zero & ~np.isfinite(t_boot)))}
    tol = 1e-10 * max(1.0, abs(t_obs))
    p = float(np.mean(np.abs(t_boot[finite]) >= abs(t_obs) - tol)) if finite.any() else np.nan
    return float(beta[j]), float(t_obs), p, int(finite.sum()), causes


def bootstrap_design(
    design: Design, options: WildBootstrap, fit: LeastSquares | None = None
) -> pd.DataFrame:
    """Wild cluster bootstrap table for a built design (used by :func:`ols`, which passes its
    ``fit``, the design's least squares, so the QR is not done twice)."""
    if not isinstance(options, WildBootstrap):
        raise ValueError(f"`bootstrap` must be a WildBootstrap(...) instance; got {options!r}")
    terms = options.terms
    if terms is None:
        terms = [t for t in (design.all_names or design.names) if t != "(Intercept)"]
    return _run(design, list(terms), options, fit)


def _run(
    design: Design, test_terms: list[str], options: WildBootstrap, fit: LeastSquares | None
) -> pd.DataFrame:
    check_choice("weights_type", options.weights_type, WEIGHT_TYPES)
    B = check_positive_int("B", options.B, minimum=9)
    if design.groups is None or design.n_groups is None or design.n_groups < 2:
        raise ValueError("the wild cluster bootstrap needs at least 2 clusters")
    unknown = [t for t in test_terms if t not in design.names and t not in design.aliased]
    if unknown:
        raise ValueError(f"term(s) {unknown!r} not in the model; terms are {design.names!r}")
    V = _draw_weights(design.n_groups, B, options.weights_type, options.seed)
    if fit is None:
        fit = least_squares(design.y, design.X, design.weights)
    layout = group_layout(design.groups, design.n_groups)  # shared by every term's sums
    score_e = group_sums(fit.Xt * fit.resid[:, None], design.groups, design.n_groups, layout=layout)
    rows = []
    used_B = V.shape[1]  # 2**G when every sign vector is enumerated
    for term in test_terms:
        common = (used_B, options.weights_type, design.n_groups, B)
        if term in design.aliased:  # R: NA coefficient, nothing to test
            rows.append(
                (term, np.nan, np.nan, np.nan, *common, 0, 0, 0, "not estimable", "aliased")
            )
            continue
        j = design.names.index(term)
        est, t_obs, p, finite, causes = _wild_t(
            fit, design.groups, design.n_groups, j, V, options.impose_null, score_e, layout
        )
        status, reason = "ok", ""
        if (used_B - finite) / used_B > options.max_failure_share:
            status, p = "not estimable", np.nan
            why = ", ".join(f"{c}: {k}" for c, k in causes.items() if k)
            reason = (
                f"{used_B - finite} of {used_B} wild bootstrap draws gave no t statistic "
                f"({why}), more than the allowed share {options.max_failure_share:g}"
            )
        counts = tuple(causes[c] for c in WILD_FAILURE_CAUSES)
        rows.append((term, est, t_obs, p, *common, finite, *counts, status, reason))
    return pd.DataFrame(rows, columns=[*BOOT_COLUMNS, *ACCOUNT_COLUMNS])


def wild_cluster_bootstrap_terms(
    df: pd.DataFrame,
    *,
    outcome: str,
    terms: Sequence[str],
    cluster: str,
    seed: int,
    test_terms: Sequence[str] | None = None,
    categorical: Mapping[str, object] | None = None,
    weights: str | None = None,
    weights_type: str = "rademacher",
    B: int = 999,
    impose_null: bool = True,
    intercept: bool = True,
    max_failure_share: float = 0.01,
) -> pd.DataFrame:
    """Wild cluster bootstrap p-values for several coefficients of one regression.

    Same model and options as :func:`wild_cluster_bootstrap`; ``test_terms=None`` tests
    every coefficient except the intercept. All terms share the same draws. Each row also
    carries ``B_requested, B_used, failures_zero_se, failures_nonfinite, status, reason``:
    draws without a t statistic (bootstrap SE zero to rounding, or not finite) are counted by
    cause, and above ``max_failure_share`` of them the p-value is "not estimable".
    """
    check_choice("weights_type", weights_type, WEIGHT_TYPES)
    design = build_design(
        df,
        outcome=outcome,
        terms=terms,
        categorical=categorical,
        weights=weights,
        cluster=cluster,
        intercept=intercept,
        context="wild_cluster_bootstrap",
    )
    options = WildBootstrap(
        seed=seed,
        B=B,
        weights_type=weights_type,
        impose_null=impose_null,
        terms=None if test_terms is None else tuple(test_terms),
        max_failure_share=max_failure_share,
    )
    return bootstrap_design(design, options)


def wild_cluster_bootstrap(
    df: pd.DataFrame,
    *,
    outcome: str,
    terms: Sequence[str],
    cluster: str,
    term: str,
    seed: int,
    categorical: Mapping[str, object] | None = None,
    weights: str | None = None,
    weights_type: str = "rademacher",
    B: int = 999,
    impose_null: bool = True,
    intercept: bool = True,
    max_failure_share: float = 0.01,
) -> pd.DataFrame:
    """Wild cluster bootstrap-t p-value for H0: b_term = 0 in y_i = b0 + b'x_i + e_i.

    WCR (``impose_null=True``, the default, Cameron-Gelbach-Miller 2008; boottest's
    default): fit the model with ``b_term = 0`` imposed, giving fitted values and residuals
    u_i; for each of B draws of cluster weights v_g (Rademacher +-1, or Webb's six-point
    +-sqrt(1/2), +-1, +-sqrt(3/2)) form ``y*_i = fitted_i + u_i v_g(i)``, refit the full
    model and compute the CR1 t statistic of ``b*_term``. WCU (``impose_null=False``) uses
    unrestricted residuals and centres at ``b_hat_term``. The symmetric p-value is
    ``#{|t*_b| >= |t|} / B``. The draws come from ``numpy.random.default_rng(seed)``; with
    Rademacher weights and ``2**G <= B`` all sign vectors are enumerated (B = 2**G).
    The B refits are computed in closed form on cluster-level matrices (no loop).

    Parameters
    ----------
    df : DataFrame
        Data; incomplete rows are dropped with a :class:`RowsDroppedWarning`.
    outcome, terms, categorical, weights, intercept
        The model, as in :func:`ols`.
    cluster : str
        Cluster column.
    term : str
        Coefficient to test (a broom-style term name, e.g. ``"countryGuinea"``).
    seed : int
        Seed for the weight draws.
    weights_type : {"rademacher", "webb"}
    B : int
        Number of bootstrap draws (>= 9).
    impose_null : bool
        WCR (True) or WCU (False).

    Returns
    -------
    DataFrame
        One row: ``term, estimate, statistic, p_value_boot, B, weights_type, n_clusters``
        (``statistic`` is the CR1 t ratio).
    """
    return wild_cluster_bootstrap_terms(
        df,
        outcome=outcome,
        terms=terms,
        cluster=cluster,
        seed=seed,
        test_terms=[term],
        categorical=categorical,
        weights=weights,
        weights_type=weights_type,
        B=B,
        impose_null=impose_null,
        intercept=intercept,
        max_failure_share=max_failure_share,
    )
