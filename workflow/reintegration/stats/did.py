"""Difference-in-differences on two periods: 2x2 regression, change score, permutation.

The selection-adjusted (RA/IPW/DR) estimators are in :mod:`reintegration.stats.drdid`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._validation import (
    RowsDroppedWarning,
    check_choice,
    check_columns,
    check_conf_level,
    check_positive_int,
    drop_incomplete,
)
from .regression import ols

__all__ = [
    "FewClustersWarning",
    "change_scores",
    "did_2x2",
    "did_change",
    "did_randomisation_inference",
]


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
    max_failure_share: float = 0.01,
    config_key: str = "",
) -> pd.DataFrame:
    """Randomisation (permutation) inference for the two-period DiD.

    Statistic: the DiD ``mean_{D=1}(dY) - mean_{D=0}(dY)`` with ``dY = y_i1 - y_i0`` (equal
    to the :func:`did_2x2` interaction on a balanced panel). Under the sharp null of no
    effect for anyone, treatment labels are exchangeable (within ``strata``, e.g. country,
    when given): B random relabellings from ``numpy.random.default_rng(seed)`` give the
    reference distribution and the two-sided p-value
    ``(1 + #{|T_b| >= |T_obs|}) / (B + 1)``. A relabelling whose statistic is not finite
    (overflow) is not counted (``failures_nonfinite``; the p-value then uses the ``B_used``
    finite ones); above ``max_failure_share`` of them, or with a non-finite observed
    statistic, the p-value is "not estimable" (``status``, ``reason``, naming ``config_key``).

    Returns
    -------
    DataFrame
        One row: term, estimate, p_value, B, n_units, n_treated, n_control, strata,
        n_strata, B_requested, B_used, failures_nonfinite, status, reason.
    """
    B = check_positive_int("B", B, minimum=1)
    if not 0.0 <= max_failure_share < 1.0:
        raise ValueError(f"`max_failure_share` must be in [0, 1); got {max_failure_share!r}")
    config_note = f" (config `{config_key}`)" if config_key else ""
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

    if strata is None:
        blocks = [np.arange(len(d))]
    else:
        codes, _ = pd.factorize(changes[strata], sort=True)
        blocks = [np.flatnonzero(codes == s) for s in range(codes.max() + 1)]
    from .resampling import permutation_stats

    stat = permutation_stats(dy, d, blocks, B, seed)  # [0]: observed labels
    obs = stat[0]
    finite = np.isfinite(stat[1:])
    n_failed = int(B - finite.sum())
    tol = 1e-10 * max(1.0, abs(obs))
    p = (1 + int(np.sum(np.abs(stat[1:][finite]) >= abs(obs) - tol))) / (finite.sum() + 1)
    status, reason = "ok", ""
    if not np.isfinite(obs) or n_failed / B > max_failure_share:
        status, p = "not estimable", np.nan
        reason = (
            "the observed statistic is not finite"
            if not np.isfinite(obs)
            else f"{n_failed} of {B} relabellings gave a non-finite statistic (nonfinite: "
            f"{n_failed}), more than the allowed share {max_failure_share:g}{config_note}"
        )
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
                "B_requested": B,
                "B_used": B - n_failed,
                "failures_nonfinite": n_failed,
                "status": status,
                "reason": reason,
            }
        ]
    )
