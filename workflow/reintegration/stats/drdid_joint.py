""":func:`did_ipw` of several outcomes and methods with one bootstrap pass over their resamples.

The selection chapter runs IPW and DR on four score dimensions of the same persons: the same
covariates, treatment and strata, so the same seeded resamples. What depends only on a
resample's design (the kept columns, the propensity model) is the same for all eight, so it is
computed once per resample (:func:`reintegration.stats._att_batch.att_batch_many`) instead of
eight times. The numbers are those of separate :func:`did_ipw` calls bit for bit:

- a series none of whose first ``B`` resamples fails has exactly those resamples as its draws
  (:func:`did_ipw` redraws only after a failure), which is what the shared pass fits;
- a series with a failure among them is run again on its own (:func:`accounted_bootstrap`),
  so its redraws and later draws are its own, as in a separate call;
- frames whose prepared data differ (other persons, or another order) share nothing.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._distributions import norm_ppf, norm_sf
from ._validation import check_choice, check_conf_level, check_positive_int
from .drdid import ATT_METHODS, SE_TYPES, FitFailure, att_fit, prepare_att_data

__all__ = ["did_ipw_joint"]


def did_ipw_joint(
    frames: Sequence[pd.DataFrame],
    *,
    outcome: str,
    unit: str,
    treated: str,
    post: str,
    covariates: Sequence[str],
    seed: int,
    categorical: Mapping[str, object] | None = None,
    methods: Sequence[str] = ("ipw", "dr"),
    B: int = 999,
    conf_level: float = 0.95,
    se: str = "bootstrap",
    strata: str | None = None,
    max_failure_share: float = 0.01,
    max_redraws: int = 10,
    config_key: str = "",
    workers: int = 1,
) -> pd.DataFrame:
    """``did_ipw(frame, method=method, ...)`` for every frame, then every method, in one table.

    Row ``i * len(methods) + j`` equals ``did_ipw(frames[i], method=methods[j], ...)`` with the
    other arguments as given (same seed for all); the estimating equations are those of
    :func:`reintegration.stats.did_ipw`. Raises the ``ValueError`` the first failing call
    would raise.
    """
    from .resampling import chunk_size, strata_cells

    methods = [methods] if isinstance(methods, str) else list(methods)
    if not methods:
        raise ValueError(f"`methods` must list at least one of {list(ATT_METHODS)!r}")
    for method in methods:
        check_choice("method", method, ATT_METHODS)
    check_choice("se", se, SE_TYPES)
    conf_level = check_conf_level(conf_level)
    B = check_positive_int("B", B, minimum=2)
    keys = dict(outcome=outcome, unit=unit, treated=treated, post=post, covariates=covariates)
    keys.update(categorical=categorical, strata=strata, context="did_ipw")
    prepared = [prepare_att_data(df, **keys) for df in frames]
    fits = [[_full_fit(p, method) for method in methods] for p in prepared]
    boot = dict(B=B, seed=seed, max_failure_share=max_failure_share, config_key=config_key)
    boot.update(max_redraws=max_redraws, workers=workers)
    accounts: dict[int, list] = {}
    for members in _same_design(prepared, strata):
        data, _, d, X, _ = prepared[members[0]]
        cells = strata_cells(d, _strata_labels(data, strata))
        dys = np.stack([prepared[i][1] for i in members])
        k_full = np.array([[len(fits[i][j].columns) for j in range(len(methods))] for i in members])
        chunk = chunk_size(*X.shape, B)
        group = _bootstrap_group(dys, d, X, methods, k_full, cells, chunk=chunk, **boot)
        accounts.update(zip(members, group, strict=True))
    rows = []
    for i, (_, dy, d, _, _) in enumerate(prepared):
        for j, method in enumerate(methods):
            full, account = fits[i][j], accounts[i][j]
            rows.append(_row(full, account, dy, d, treated, post, method, B, se, conf_level))
    return pd.DataFrame(rows)


def _full_fit(prepared, method: str):
    """The full-sample fit of :func:`did_ipw`, with its warning for dropped covariates."""
    _, dy, d, X, names = prepared
    try:
        full = att_fit(dy, d, X, method)
    except (FitFailure, np.linalg.LinAlgError) as error:
        raise ValueError(f"did_ipw: {error}") from None
    dropped = [names[j] for j in range(X.shape[1]) if j not in full.columns]
    if dropped:
        warnings.warn(
            f"did_ipw: covariate term(s) {dropped!r} dropped: aliased, or constant within the "
            "treated or within the controls (they would separate the propensity model)",
            RuntimeWarning,
            stacklevel=3,
        )
    return full


def _strata_labels(data: pd.DataFrame, strata: str | None) -> np.ndarray | None:
    return None if strata is None else data[strata].astype(str).to_numpy()


def _same_design(prepared, strata: str | None) -> list[list[int]]:
    """Frames grouped by identical treatment, covariate matrix and strata, row for row: their
    resamples are the same arrays, only the outcome changes differ."""
    groups: dict[tuple, list[int]] = {}
    for i, (data, _, d, X, _) in enumerate(prepared):
        labels = _strata_labels(data, strata)
        key = (d.tobytes(), X.shape, X.tobytes(), None if labels is None else tuple(labels))
        groups.setdefault(key, []).append(i)
    return list(groups.values())


def _bootstrap_group(dys, d, X, methods, k_full, cells, *, chunk, **boot) -> list[list]:
    """Accounts of every (outcome, method) of one design: a shared pass, then the series with
    a failure among its first B resamples again on their own."""
    from ._att_batch import att_batch, att_batch_many
    from .resampling import account_of_draws, accounted_bootstrap, joint_draws

    m, M = k_full.shape
    single = dict(chunk=chunk, **boot)

    def alone(o: int, j: int):
        def refit(idx):
            return att_batch(dys[o], d, X, idx, methods[j], int(k_full[o, j]))

        return accounted_bootstrap(refit, cells, **single)

    if m * M == 1:
        return [[alone(0, 0)]]

    def fit(idx):
        return att_batch_many(dys, d, X, idx, methods, k_full)

    values, reduced, cause = joint_draws(
        fit, cells, B=boot["B"], seed=boot["seed"], chunk=chunk, workers=boot["workers"]
    )
    accounts = [[None] * M for _ in range(m)]
    for o in range(m):
        for j in range(M):
            if np.any(cause[:, o, j] != None):  # noqa: E711 (elementwise)
                accounts[o][j] = alone(o, j)
            else:
                accounts[o][j] = account_of_draws(
                    values[:, o, j],
                    reduced[:, o, j],
                    max_failure_share=boot["max_failure_share"],
                    config_key=boot["config_key"],
                )
    return accounts


def _row(full, account, dy, d, treated, post, method, B, se, conf_level) -> dict:
    """The one-row table of :func:`did_ipw`."""
    chosen = account.se if se == "bootstrap" else full.se
    z = full.att / chosen if chosen > 0 else np.nan
    q = norm_ppf(0.5 + conf_level / 2.0)
    n = len(dy)
    row = {
        "term": f"{treated}:{post}",
        "estimate": full.att,
        "std_error": chosen,
        "statistic": z,
        "p_value": float(2.0 * norm_sf(abs(z))),
        "conf_low": full.att - q * chosen,
        "conf_high": full.att + q * chosen,
        "method": method,
        "n_units": n,
        "n_treated": int(d.sum()),
        "n_control": int(n - d.sum()),
        "B": B,
        "std_error_analytic": full.se,
        "std_error_bootstrap": account.se,
        "se_type": se,
        **account.columns(),
    }
    if se == "analytic":
        row["status"], row["reason"] = "ok", ""
    return row
