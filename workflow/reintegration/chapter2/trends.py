"""Trendlines (Figure 2): score against years since return, per country and outcome.

For each country and outcome a straight line ``score = a + b * time`` is fitted by OLS
(classical standard errors); the band is the 95% confidence interval of the fitted mean,
``yhat(t) +/- t(0.975, n - 2) * sqrt(x_t' V x_t)`` with ``x_t = (1, t)``, over the range of
years since return observed in that country (5th to 95th percentile, so that a few very late
interviews do not stretch the line).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from reintegration.stats import RowsDroppedWarning, check_columns, ols
from reintegration.stats._distributions import t_ppf

from .labels import OUTCOMES, Labels

__all__ = ["fit_trends"]


def fit_trends(
    data: pd.DataFrame,
    *,
    countries: Sequence[str],
    labels: Labels,
    min_cell: int,
    outcomes: Sequence[str] = OUTCOMES,
    country: str = "country",
    time: str = "time",
    grid_points: int = 25,
    conf_level: float = 0.95,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Slopes and bands of score on ``time`` for each of ``countries`` and ``outcomes``.

    Returns
    -------
    (slopes, bands)
        ``slopes``: ``country, country_label, outcome, n, intercept, slope, std_error,
        p_value, conf_low, conf_high, suppressed`` (fits on fewer than ``min_cell``
        returnees are suppressed); ``bands``: ``country, country_label, outcome, time, fit,
        conf_low, conf_high`` on a grid of ``grid_points`` values.
    """
    check_columns(data, [country, time])
    unknown = sorted(set(countries) - set(data[country].dropna().unique()))
    if unknown:
        raise ValueError(
            f"trend countries {unknown!r} are not in the data; available: "
            f"{sorted(set(data[country].dropna().unique()))!r}"
        )
    slope_rows, band_rows = [], []
    for c in countries:
        sub = data[data[country] == c]
        for outcome in outcomes:
            col = f"score_{outcome}"
            ok = sub[[col, time]].dropna()
            n = len(ok)
            base = {"country": c, "country_label": labels.country(c), "outcome": outcome, "n": n}
            if n < max(min_cell, 3):
                slope_rows.append({**base, "suppressed": True})
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RowsDroppedWarning)
                res = ols(ok, outcome=col, terms=[time], conf_level=conf_level)
            tidy = res.tidy.set_index("term")
            slope_rows.append(
                {
                    **base,
                    "intercept": tidy.loc["(Intercept)", "estimate"],
                    "slope": tidy.loc[time, "estimate"],
                    "std_error": tidy.loc[time, "std_error"],
                    "p_value": tidy.loc[time, "p_value"],
                    "conf_low": tidy.loc[time, "conf_low"],
                    "conf_high": tidy.loc[time, "conf_high"],
                    "suppressed": False,
                }
            )
            lo, hi = np.quantile(ok[time].to_numpy(dtype=float), [0.05, 0.95])
            grid = np.linspace(lo, hi, grid_points)
            X = np.column_stack([np.ones_like(grid), grid])
            beta = tidy["estimate"].to_numpy()
            V = res.vcov.to_numpy()
            fit = X @ beta
            se = np.sqrt(np.einsum("ij,jk,ik->i", X, V, X))
            q = t_ppf(0.5 + conf_level / 2.0, n - 2)
            for t, f, s in zip(grid, fit, se, strict=True):
                band_rows.append(
                    {**base, "time": t, "fit": f, "conf_low": f - q * s, "conf_high": f + q * s}
                )
    slope_cols = ["country", "country_label", "outcome", "n", "intercept", "slope", "std_error"]
    slope_cols += ["p_value", "conf_low", "conf_high", "suppressed"]
    slopes = pd.DataFrame(slope_rows).reindex(columns=slope_cols)
    slopes["suppressed"] = slopes["suppressed"].astype(bool)
    band_cols = ["country", "country_label", "outcome", "time", "fit", "conf_low", "conf_high"]
    bands = pd.DataFrame(band_rows).reindex(columns=band_cols)
    return slopes, bands
