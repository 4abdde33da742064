"""Design matrices with R/broom-style term names, and the least-squares core.

Term syntax (no formula parsing of user strings beyond this):

* ``"age"``: a numeric (or boolean, coded 0/1) column, named ``age``;
* a column listed in ``categorical`` (``{column: reference level}``): one 0/1 indicator per
  observed non-reference level, named ``f"{column}{level}"`` (e.g. ``countryGuinea``);
* ``"a:b"``: the product of numeric columns ``a`` and ``b`` (unless a column is literally named
  ``"a:b"``), named ``a:b``;
* the intercept, when requested, is named ``(Intercept)``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ._validation import check_choice, check_columns, drop_incomplete

INTERCEPT = "(Intercept)"
VCOV_TYPES = ("classical", "HC0", "HC1", "HC2", "HC3", "cluster")
#: R's ``lm`` tolerance (``qr(..., tol = 1e-07)``): a column whose part orthogonal to the columns
#: kept before it has norm below ``QR_TOL`` times its own norm is aliased.
QR_TOL = 1e-7
#: leverages this close to one are treated as one (R's sandwich: hatvalues 1 -> NaN weights).
LEVERAGE_ONE_TOL = 1e-10


class AliasedTermsWarning(UserWarning):
    """Terms were left out of a fit as linear combinations of earlier terms (R: NA, aliased)."""


class LeverageOneWarning(UserWarning):
    """Rows with leverage one make HC2/HC3 standard errors undefined (NaN, as R's sandwich)."""


@dataclass(frozen=True, eq=False)
class Design:
    """A complete-case design: response, regressors (unweighted) and their names."""

    y: np.ndarray
    X: np.ndarray
    names: list[str]
    weights: np.ndarray | None
    groups: np.ndarray | None  # cluster codes 0..G-1, or None
    n_groups: int | None
    intercept: bool
    data: pd.DataFrame  # the rows used, with the original index
    aliased: tuple[str, ...] = ()  # terms left out (R's NA coefficients), in term order
    all_names: tuple[str, ...] = ()  # every term, aliased ones included, in output order


def _split_term(term: str, df: pd.DataFrame) -> list[str]:
    if term in df.columns or ":" not in term:
        return [term]
    return term.split(":")


def _numeric(series: pd.Series, column: str) -> np.ndarray:
    if pd.api.types.is_bool_dtype(series):
        return series.astype(float).to_numpy()
    if not pd.api.types.is_numeric_dtype(series):
        raise ValueError(
            f"column {column!r} is not numeric (dtype {series.dtype}); list it in "
            f"`categorical` with its reference level, e.g. categorical={{{column!r}: ...}}"
        )
    return series.to_numpy(dtype=float)


def _levels(series: pd.Series) -> list[object]:
    """Observed levels in a stable order: category order for categoricals, else sorted."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        observed = set(series.dropna().unique())
        return [c for c in series.cat.categories if c in observed]
    values = list(pd.unique(series.dropna()))
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def build_design(
    df: pd.DataFrame,
    *,
    outcome: str,
    terms: Sequence[str],
    categorical: Mapping[str, object] | None = None,
    weights: str | None = None,
    cluster: str | None = None,
    intercept: bool = True,
    context: str,
) -> Design:
    """Build the complete-case design for ``outcome ~ terms`` (see module docstring)."""
    if isinstance(terms, str):
        terms = [terms]
    terms = list(terms)
    if len(set(terms)) != len(terms):
        raise ValueError(f"`terms` contains duplicates: {terms!r}")
    categorical = dict(categorical or {})
    unknown = [c for c in categorical if c not in terms]
    if unknown:
        raise ValueError(f"`categorical` names column(s) {unknown!r} that are not in `terms`")
    parts = {t: _split_term(t, df) for t in terms}
    for t, cols in parts.items():
        if len(cols) > 1 and any(c in categorical for c in cols):
            raise ValueError(f"interaction {t!r}: categorical columns cannot be interacted")
    columns = [outcome] + [c for cols in parts.values() for c in cols]
    columns += [c for c in (weights, cluster) if c is not None]
    check_columns(df, columns)
    data = drop_incomplete(df, columns, context=context)
    if len(data) == 0:
        raise ValueError(f"{context}: no complete rows to fit")

    y = _numeric(data[outcome], outcome)
    blocks: list[np.ndarray] = []
    names: list[str] = []
    if intercept:
        blocks.append(np.ones((len(data), 1)))
        names.append(INTERCEPT)
    for t in terms:
        cols = parts[t]
        if t in categorical:
            levels = _levels(data[t])
            ref = categorical[t]
            if ref not in levels:
                raise ValueError(
                    f"reference level {ref!r} of {t!r} is not among its observed levels {levels!r}"
                )
            others = [lev for lev in levels if lev != ref]
            values = data[t]
            for lev in others:
                blocks.append((values == lev).to_numpy(dtype=float)[:, None])
                names.append(f"{t}{lev}")
        else:
            col = np.ones(len(data))
            for c in cols:
                col = col * _numeric(data[c], c)
            blocks.append(col[:, None])
            names.append(t)
    X = np.hstack(blocks) if blocks else np.empty((len(data), 0))

    w = None
    if weights is not None:
        w = _numeric(data[weights], weights)
        if not np.all(np.isfinite(w)) or np.any(w <= 0):
            raise ValueError(f"weights column {weights!r} must be finite and > 0")
    groups = n_groups = None
    if cluster is not None:
        codes, uniques = pd.factorize(data[cluster], sort=True)
        groups, n_groups = codes.astype(np.intp), len(uniques)

    if not np.all(np.isfinite(y)) or not np.all(np.isfinite(X)):
        raise ValueError(f"{context}: outcome or regressors contain non-finite values")
    n, k = X.shape
    if k == 0:
        raise ValueError(f"{context}: the model has no terms and no intercept")
    keep = identified_columns(X if w is None else X * np.sqrt(w)[:, None])
    aliased = tuple(names[j] for j in range(k) if j not in set(keep))
    if aliased:
        warnings.warn(
            f"{context}: {len(aliased)} coefficient(s) not defined because of singularities "
            f"(aliased, as R's lm: NA): {list(aliased)!r} are linear combinations of earlier "
            f"terms (QR tolerance {QR_TOL:g})",
            AliasedTermsWarning,
            stacklevel=3,
        )
    if not keep:
        raise ValueError(f"{context}: every regressor is zero; nothing to fit")
    if n <= len(keep):
        raise ValueError(f"{context}: {n} complete rows for {len(keep)} coefficients")
    kept_names = [names[j] for j in keep]
    return Design(
        y, X[:, keep], kept_names, w, groups, n_groups, intercept, data, aliased, tuple(names)
    )


#: The Gram screen of :func:`identified_columns` decides alone only when every column's part
#: orthogonal to the columns before it is at least this share of its norm (10^5 times the QR
#: tolerance) and the column-scaled Gram matrix is conditioned below ``_SCREEN_MAX_COND``.
_SCREEN_MIN_RATIO = 1e-2
_SCREEN_MAX_COND = 1e6


def identified_columns(X: np.ndarray, tol: float = QR_TOL) -> list[int]:
    """Indices of the columns R's ``lm`` keeps: a rank-revealing QR with limited pivoting.

    As LINPACK ``dqrdc2`` (R's ``qr(tol = 1e-07)``): columns are taken in order; one whose
    component orthogonal to the columns already kept has norm below ``tol`` times its own norm
    is aliased (moved to the end, coefficient NA). Gram-Schmidt applied twice keeps the basis
    orthonormal to machine precision. A full-rank design far from that tolerance is recognised
    first from its k x k Gram matrix (:func:`_clearly_full_rank`, one pass over the data
    instead of 2k), with the same answer: every column.
    """
    n, k = X.shape
    if _clearly_full_rank(X, tol):
        return list(range(k))
    rows = np.empty((k, n))  # the basis vectors as rows, filled in place (no k^2 n copying)
    keep: list[int] = []
    for j in range(k):
        x = X[:, j]
        norm = float(np.linalg.norm(x))
        if norm == 0.0:
            continue
        basis = rows[: len(keep)]
        v = x - (basis @ x) @ basis
        v = v - (basis @ v) @ basis
        rest = float(np.linalg.norm(v))
        if rest < tol * norm:
            continue
        rows[len(keep)] = v / rest
        keep.append(j)
    return keep


def _clearly_full_rank(X: np.ndarray, tol: float) -> bool:
    """Whether no column of ``X`` comes near aliasing (:func:`clearly_full_rank_each`)."""
    if X.shape[1] == 0:
        return False
    return bool(clearly_full_rank_each((X.T @ X)[None], tol)[0])


def clearly_full_rank_each(gram: np.ndarray, tol: float = QR_TOL) -> np.ndarray:
    """For a stack of Gram matrices X'X (C, k, k): whether no column of that X comes near
    aliasing, so that :func:`identified_columns` keeps every column.

    With the columns scaled to norm one, the diagonal of the Cholesky factor of X'X is each
    column's orthogonal part relative to its norm, the ratio :func:`identified_columns` tests
    (equal in exact arithmetic). Their rounding error grows with the Gram matrix's condition;
    below ``_SCREEN_MAX_COND`` it is far under ``_SCREEN_MIN_RATIO``, so every ratio above that
    is far above ``tol`` and the Gram-Schmidt would keep every column. Anything else (a zero
    or non-finite column, a ratio below the screen, an ill-conditioned design) is False: left
    to the Gram-Schmidt.
    """
    clear = np.zeros(len(gram), dtype=bool)
    if tol * 1e5 > _SCREEN_MIN_RATIO or gram.shape[-1] == 0:
        return clear
    norms = np.sqrt(np.diagonal(gram, axis1=1, axis2=2))
    finite = np.isfinite(gram).all(axis=(1, 2)) & (norms > 0.0).all(axis=1)
    for c in np.flatnonzero(finite):
        scaled = gram[c] / np.outer(norms[c], norms[c])
        try:
            ratios = np.diag(np.linalg.cholesky(scaled))
        except np.linalg.LinAlgError:
            continue
        clear[c] = ratios.min() >= _SCREEN_MIN_RATIO and np.linalg.cond(scaled) < _SCREEN_MAX_COND
    return clear


def group_layout(groups: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows sorted by group (stable) and each group's end in that order: computed once for
    the many :func:`group_sums` of one fit."""
    order = np.argsort(groups, kind="stable")
    return order, np.cumsum(np.bincount(groups, minlength=n_groups))


def group_sums(
    values: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
    *,
    layout: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Sum the rows of ``values`` (n or n x k) within groups coded 0..n_groups-1.

    Each group's rows are added in row order, as ``np.bincount`` adds them, whichever way is
    taken. With two or more columns the rows of each group are gathered (``layout``, from
    :func:`group_layout`) and summed down the columns, row after row: the per-column
    bincounts to the bit, 5-7x faster (issue 16). One column is a contiguous reduction, which
    numpy sums pairwise, so it keeps bincount.
    """
    if values.ndim == 1:
        return np.bincount(groups, weights=values, minlength=n_groups)
    k = values.shape[1]
    if k < 2:
        sums = [np.bincount(groups, weights=values[:, j], minlength=n_groups) for j in range(k)]
        return np.column_stack(sums).reshape(n_groups, k)
    order, ends = group_layout(groups, n_groups) if layout is None else layout
    out = np.zeros((n_groups, k))
    start = 0
    for g, stop in enumerate(ends):
        if stop > start:
            out[g] = values[order[start:stop]].sum(axis=0) + 0.0  # + 0.0: -0.0 as bincount's 0.0
        start = stop
    return out


@dataclass(frozen=True, eq=False)
class LeastSquares:
    """Least-squares fit on (sqrt-weight) transformed data."""

    beta: np.ndarray
    bread: np.ndarray  # (X'WX)^{-1}
    Xt: np.ndarray  # sqrt(w) * X
    yt: np.ndarray  # sqrt(w) * y
    resid: np.ndarray  # sqrt(w) * (y - X beta)

    @cached_property
    def leverage(self) -> np.ndarray:
        """h_ii, the diagonal of the hat matrix (once per fit: HC2/HC3 and the leverage-one
        check both need it)."""
        return np.einsum("ij,jk,ik->i", self.Xt, self.bread, self.Xt)


def least_squares(y: np.ndarray, X: np.ndarray, w: np.ndarray | None = None) -> LeastSquares:
    """(Weighted) least squares via QR: beta = (X'WX)^{-1} X'Wy."""
    if w is not None:
        sw = np.sqrt(w)
        Xt, yt = X * sw[:, None], y * sw
    else:
        Xt, yt = X, y
    q, r = np.linalg.qr(Xt)
    r_inv = np.linalg.solve(r, np.eye(r.shape[0]))
    beta = r_inv @ (q.T @ yt)
    bread = r_inv @ r_inv.T
    return LeastSquares(beta, bread, Xt, yt, yt - Xt @ beta)


def leverage_one_rows(fit: LeastSquares) -> np.ndarray:
    """Positions of rows with leverage h_ii = 1 (to ``LEVERAGE_ONE_TOL``): fitted exactly."""
    return np.flatnonzero(fit.leverage > 1.0 - LEVERAGE_ONE_TOL)


def rows_only_terms(X: np.ndarray, names: Sequence[str], rows: np.ndarray) -> list[str]:
    """Terms whose column is non-zero only in ``rows`` (e.g. a factor level observed once)."""
    other = np.ones(X.shape[0], dtype=bool)
    other[rows] = False
    return [
        name
        for j, name in enumerate(names)
        if np.any(X[rows, j] != 0) and not np.any(X[other, j] != 0)
    ]


def vcov_matrix(
    fit: LeastSquares,
    vcov: str,
    *,
    groups: np.ndarray | None = None,
    n_groups: int | None = None,
) -> np.ndarray:
    """Covariance matrix of the coefficients.

    classical: s^2 (X'WX)^{-1}, s^2 = sum(w e^2)/(n - k);
    HC0-HC3: sandwich (X'WX)^{-1} X'W diag(omega_i) W X (X'WX)^{-1} with omega_i = e_i^2
    (HC0), times n/(n-k) (HC1), e_i^2/(1-h_ii) (HC2), e_i^2/(1-h_ii)^2 (HC3);
    cluster (CR1): sum over clusters of scores s_g = X_g'W_g e_g, times
    G/(G-1) * (n-1)/(n-k), as Stata's ``vce(cluster)`` and statsmodels' default.
    """
    check_choice("vcov", vcov, VCOV_TYPES)
    Xt, e, bread = fit.Xt, fit.resid, fit.bread
    n, k = Xt.shape
    if vcov == "classical":
        return bread * (e @ e) / (n - k)
    if vcov == "cluster":
        if groups is None or n_groups is None:
            raise ValueError("vcov='cluster' needs cluster codes")
        if n_groups < 2:
            raise ValueError(f"vcov='cluster' needs at least 2 clusters; got {n_groups}")
        scores = group_sums(Xt * e[:, None], groups, n_groups)
        meat = scores.T @ scores
        factor = n_groups / (n_groups - 1) * (n - 1) / (n - k)
        return factor * bread @ meat @ bread
    omega = e**2
    if vcov in ("HC2", "HC3"):
        if len(leverage_one_rows(fit)):
            # R (sandwich::vcovHC): 0/0 for these rows, so every standard error is NaN.
            return np.full_like(bread, np.nan)
        omega = omega / (1.0 - fit.leverage) ** (1 if vcov == "HC2" else 2)
    meat = (Xt * omega[:, None]).T @ Xt
    out = bread @ meat @ bread
    if vcov == "HC1":
        out = out * n / (n - k)
    return out
