"""Group means with t intervals, and baseline balance (standardised differences)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._distributions import t_ppf
from ._validation import check_columns, check_conf_level, drop_incomplete

__all__ = ["group_means", "standardised_differences"]


def group_means(
    df: pd.DataFrame,
    *,
    value: str,
    by: Sequence[str] | str = (),
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Mean of ``value`` per group with a t-based confidence interval.

    For each group: ``mean +/- t(1 - a/2, n - 1) * sd / sqrt(n)`` (sd with denominator
    n - 1; sd, se and the interval are NaN when n = 1).

    Parameters
    ----------
    df : DataFrame
        Rows with a missing ``value`` or grouping value are dropped with a
        :class:`RowsDroppedWarning`.
    value : str
        Numeric column.
    by : str or sequence of str
        Grouping columns; empty for one overall row.
    conf_level : float

    Returns
    -------
    DataFrame
        ``*by, n, mean, sd, se, conf_low, conf_high``, groups in sorted order.
    """
    conf_level = check_conf_level(conf_level)
    by = [by] if isinstance(by, str) else list(by)
    check_columns(df, [value, *by])
    data = drop_incomplete(df[[*by, value]], [value, *by], context="group_means")
    if not pd.api.types.is_numeric_dtype(data[value]) or pd.api.types.is_bool_dtype(data[value]):
        data[value] = data[value].astype(float)
    if by:
        grouped = data.groupby(by, sort=True, observed=True)[value]
        out = grouped.agg(n="count", mean="mean", sd="std").reset_index()
    else:
        x = data[value]
        out = pd.DataFrame({"n": [int(x.count())], "mean": [x.mean()], "sd": [x.std()]})
    n = out["n"].to_numpy(dtype=float)
    out["se"] = out["sd"] / np.sqrt(n)
    with np.errstate(invalid="ignore"):
        q = np.where(n > 1, t_ppf(0.5 + conf_level / 2.0, np.maximum(n - 1, 1)), np.nan)
    out["conf_low"] = out["mean"] - q * out["se"]
    out["conf_high"] = out["mean"] + q * out["se"]
    out["n"] = out["n"].astype(int)
    return out[[*by, "n", "mean", "sd", "se", "conf_low", "conf_high"]]


def standardised_differences(
    df: pd.DataFrame,
    *,
    group: str,
    treated: object,
    covariates: Sequence[str],
    control: object | None = None,
) -> pd.DataFrame:
    """Balance table: standardised mean differences between treated and control units.

    ``std_diff = (m1 - m0) / sqrt((s1^2 + s0^2) / 2)`` for continuous and binary covariates
    alike (sample variances, denominator n - 1; Austin 2009); |std_diff| > 0.1 is the usual
    flag of imbalance.

    Parameters
    ----------
    df : DataFrame
        One row per unit (e.g. the baseline record).
    group : str
        Group column.
    treated : object
        Value of ``group`` marking treated units.
    covariates : sequence of str
        Numeric or boolean columns. Each covariate uses the units with a non-missing value;
        missing values are reported with a :class:`RowsDroppedWarning` per covariate.
    control : object, optional
        Value marking control units; by default every other non-missing group value.

    Returns
    -------
    DataFrame
        ``covariate, n_treated, n_control, mean_treated, mean_control, sd_pooled, std_diff``.
    """
    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    check_columns(df, [group, *covariates])
    present = set(df[group].dropna().unique())
    if treated not in present:
        raise ValueError(
            f"`treated`={treated!r} is not a value of {group!r}; values: {sorted(present, key=str)!r}"
        )
    if control is not None and control not in present:
        raise ValueError(
            f"`control`={control!r} is not a value of {group!r}; values: {sorted(present, key=str)!r}"
        )
    data = drop_incomplete(df, [group], context="standardised_differences")
    is_t = (data[group] == treated).to_numpy()
    is_c = ~is_t if control is None else (data[group] == control).to_numpy()
    rows = []
    for cov in covariates:
        col = data[cov]
        if pd.api.types.is_bool_dtype(col):
            col = col.astype(float)
        elif not pd.api.types.is_numeric_dtype(col):
            raise ValueError(
                f"covariate {cov!r} is not numeric (dtype {col.dtype}); code it as 0/1 indicators"
            )
        keep = is_t | is_c
        frame = pd.DataFrame({cov: col.to_numpy()[keep], "__treated__": is_t[keep]})
        frame = drop_incomplete(frame, [cov], context=f"standardised_differences[{cov}]")
        x = frame[cov].to_numpy(dtype=float)
        t_mask = frame["__treated__"].to_numpy()
        x1, x0 = x[t_mask], x[~t_mask]
        m1 = x1.mean() if len(x1) else np.nan
        m0 = x0.mean() if len(x0) else np.nan
        v1 = x1.var(ddof=1) if len(x1) > 1 else np.nan
        v0 = x0.var(ddof=1) if len(x0) > 1 else np.nan
        sd = float(np.sqrt((v1 + v0) / 2.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            smd = (m1 - m0) / sd if sd > 0 else np.nan
        rows.append((cov, len(x1), len(x0), m1, m0, sd, smd))
    return pd.DataFrame(
        rows,
        columns=[
            "covariate",
            "n_treated",
            "n_control",
            "mean_treated",
            "mean_control",
            "sd_pooled",
            "std_diff",
        ],
    )
