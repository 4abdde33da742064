"""Chapter-level DiD and change regression over the panel (wrappers over reintegration.stats).

* :func:`change_regression` (Figure 20): ``change ~ mentored + country + programmes +
  days_between + female + age``, one OLS per dimension and the composite, HC3 standard
  errors by default. Programmes are the ``assist_<x>`` flags (True on any of the person's
  records) with at least ``min_programme_count`` persons on each side (others would be
  near-constant columns); the reference country is the last of the sorted panel countries
  (SEN for the study, so the term ``countryGIN`` is "Guinea vs Senegal").
* :func:`did_table`: per scope (pooled, each country) and dimension, the DiD of
  ``score ~ mentored * post`` on the first and last record of each person:
  ``2x2`` (person-clustered CR1, the study's estimate), ``change_score`` (the person
  fixed-effects / first-difference form, HC1) and, pooled only, ``2x2_country_post``
  (adds country and country x post, person-clustered). Both forms use the persons with the
  score at both records, so the 2x2 and change-score estimates are identical; the function
  raises if they differ by more than 1e-9.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from reintegration.chapter3.panel import DIMENSIONS, panel_long, programme_columns, score_column
from reintegration.stats import RowsDroppedWarning, did_2x2, did_change, ols

__all__ = ["DID_COLUMNS", "change_regression", "change_data", "did_table", "regression_programmes"]

DID_COLUMNS = [
    "scope",
    "dimension",
    "form",
    "term",
    "estimate",
    "std_error",
    "statistic",
    "p_value",
    "conf_low",
    "conf_high",
    "n_persons",
    "n_treated",
    "n_control",
    "vcov_type",
]
VCOV_CHANGE = ("HC3", "HC1", "HC2", "HC0", "classical")


def change_data(panel: pd.DataFrame) -> pd.DataFrame:
    """Per-person change (last minus first) of each dimension: ``change_<dim>``."""
    out = panel.copy()
    for d in DIMENSIONS:
        col = score_column(d)
        out[f"change_{d}"] = out[f"{col}_last"] - out[f"{col}_first"]
    return out


def regression_programmes(panel: pd.DataFrame, *, min_count: int) -> list[str]:
    """Programme flags with at least ``min_count`` persons receiving and not receiving it."""
    keep = []
    for col in programme_columns(panel):
        k = int(panel[col].astype(bool).sum())
        if k >= min_count and len(panel) - k >= min_count:
            keep.append(col)
    return keep


def change_regression(
    panel: pd.DataFrame,
    *,
    vcov: str = "HC3",
    min_programme_count: int,
    conf_level: float = 0.95,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Figure 20: regression of the per-person change on mentoring and covariates.

    Returns ``(tidy, glance)``: tidy rows ``type`` (dimension), ``term, estimate,
    std_error, statistic, p_value, conf_low, conf_high``; glance rows with n, R², vcov
    type and the terms used.
    """
    if vcov not in VCOV_CHANGE:
        raise ValueError(f"`vcov` must be one of {list(VCOV_CHANGE)!r}; got {vcov!r}")
    data = change_data(panel)
    data["mentored"] = data["mentored"].astype(int)
    data["female"] = data["female"].astype(float)
    countries = sorted(data["country"].unique())
    programmes = regression_programmes(data, min_count=min_programme_count)
    for col in programmes:
        data[col] = data[col].astype(int)
    terms = ["mentored"]
    categorical = None
    if len(countries) > 1:
        terms.append("country")
        categorical = {"country": countries[-1]}
    terms += [*programmes, "days_between", "female", "age"]
    tidy_parts, glance_parts = [], []
    for d in DIMENSIONS:
        fit = ols(
            data,
            outcome=f"change_{d}",
            terms=terms,
            categorical=categorical,
            vcov=vcov,
            conf_level=conf_level,
        )
        tidy_parts.append(fit.tidy.assign(type=d))
        g = fit.glance.copy()
        g.insert(0, "type", d)
        g["terms"] = " + ".join(terms)
        g["reference_country"] = categorical["country"] if categorical else ""
        glance_parts.append(g)
    tidy = pd.concat(tidy_parts, ignore_index=True)
    tidy = tidy[["type", *[c for c in tidy.columns if c != "type"]]]
    return tidy, pd.concat(glance_parts, ignore_index=True)


def _row(scope, dim, form, tidy_row, n, n1, n0, vcov) -> dict:
    return {
        "scope": scope,
        "dimension": dim,
        "form": form,
        "term": "mentored:post",
        "estimate": float(tidy_row["estimate"]),
        "std_error": float(tidy_row["std_error"]),
        "statistic": float(tidy_row["statistic"]),
        "p_value": float(tidy_row["p_value"]),
        "conf_low": float(tidy_row["conf_low"]),
        "conf_high": float(tidy_row["conf_high"]),
        "n_persons": int(n),
        "n_treated": int(n1),
        "n_control": int(n0),
        "vcov_type": vcov,
    }


def did_table(
    panel: pd.DataFrame,
    *,
    dimensions: Sequence[str] = DIMENSIONS,
    conf_level: float = 0.95,
    tolerance: float = 1e-9,
    min_clusters: int = 10,
) -> pd.DataFrame:
    """Tidy DiD table (see the module docstring); columns :data:`DID_COLUMNS`.

    ``min_clusters`` (config ``panel.min_clusters``): fewer treated or comparison clusters
    (persons) than this make :func:`did_2x2` warn that its clustered p-value over-rejects.
    """
    rows = []
    scopes = ["pooled", *sorted(panel["country"].unique())]
    for dim in dimensions:
        for scope in scopes:
            sub = panel if scope == "pooled" else panel.loc[panel["country"] == scope]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RowsDroppedWarning)
                long = panel_long(sub, dimension=dim)
            n = long["panel_id"].nunique()
            n1 = long.loc[long["post"] == 0, "treated"].sum()
            n0 = n - n1
            if n1 < 2 or n0 < 2:
                continue
            two = did_2x2(
                long,
                outcome="score",
                unit="panel_id",
                treated="treated",
                post="post",
                conf_level=conf_level,
                min_clusters=min_clusters,
            )
            two = two.set_index("term").loc["treated:post"]
            change = did_change(
                long,
                outcome="score",
                unit="panel_id",
                treated="treated",
                post="post",
                vcov="HC1",
                conf_level=conf_level,
            )
            change = change.set_index("term").loc["treated"]
            if abs(two["estimate"] - change["estimate"]) > tolerance:
                raise AssertionError(
                    f"did_table[{scope}, {dim}]: 2x2 interaction {two['estimate']!r} differs "
                    f"from the change-score estimate {change['estimate']!r}"
                )
            rows.append(_row(scope, dim, "2x2", two, n, n1, n0, "cluster (person), CR1"))
            rows.append(_row(scope, dim, "change_score", change, n, n1, n0, "HC1"))
            if scope == "pooled" and long["country"].nunique() > 1:
                ref = sorted(long["country"].unique())[-1]
                dummies = []
                for c in sorted(long["country"].unique()):
                    if c != ref:
                        long[f"country_{c}"] = (long["country"] == c).astype(int)
                        dummies += [f"country_{c}", f"country_{c}:post"]
                fit = ols(
                    long,
                    outcome="score",
                    terms=["treated", "post", "treated:post", *dummies],
                    vcov="cluster",
                    cluster="panel_id",
                    conf_level=conf_level,
                )
                r = fit.tidy.set_index("term").loc["treated:post"]
                rows.append(
                    _row(scope, dim, "2x2_country_post", r, n, n1, n0, "cluster (person), CR1")
                )
    out = pd.DataFrame(rows, columns=DID_COLUMNS)
    out["p_value"] = out["p_value"].astype(float)
    return out.replace({np.inf: np.nan})
