"""Beyond the study: selection into mentoring (STUDY.md §7).

Mentees were chosen with priority to a baseline composite below 0.33, by location and
voluntariness, so the plain DiD assumes parallel trends between groups that differ at
baseline. :func:`selection_adjusted_did` sets beside the plain DiD (change-score form,
HC1):

* ``ipw``: ATT of the change weighted by the mentoring propensity (Abadie 2005; normalised
  weights), and ``dr``: doubly robust (Sant'Anna & Zhao 2020), both from
  :func:`reintegration.stats.did_ipw` with a seeded bootstrap over persons; covariates:
  baseline composite, country, female, age, programmes;
* randomisation inference for the plain DiD: mentoring permuted within country
  (:func:`reintegration.stats.did_randomisation_inference`), seeded, B permutations.

The randomisation p-value is reported on every row of the dimension (it belongs to the plain
DiD statistic; it is the same sharp-null test whatever the estimator row).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import pandas as pd

from reintegration.chapter3.did import regression_programmes
from reintegration.chapter3.panel import DIMENSIONS, panel_long, score_column
from reintegration.stats import RowsDroppedWarning, did_change, did_ipw, did_randomisation_inference

__all__ = ["SELECTION_COLUMNS", "selection_adjusted_did"]

METHODS = ("ipw", "dr")
SELECTION_COLUMNS = [
    "dimension",
    "method",
    "estimate",
    "std_error",
    "statistic",
    "p_value",
    "conf_low",
    "conf_high",
    "ri_p_value",
    "ri_B",
    "n_persons",
    "n_treated",
    "n_control",
    "B",
    "covariates",
    "inference",
]


#: The estimate columns every row of the table carries (plain, IPW and DR alike).
ESTIMATE_KEYS = ("estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high")


def selection_adjusted_did(
    panel: pd.DataFrame,
    *,
    dimensions: Sequence[str] = DIMENSIONS,
    methods: Sequence[str] = METHODS,
    ipw_B: int = 199,
    ipw_seed: int = 20200,
    ri_B: int = 999,
    ri_seed: int = 20201,
    min_programme_count: int,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Plain, IPW and DR DiD per dimension with the within-country randomisation p-value.

    Returns one row per dimension and method (``plain``, then ``methods``); columns
    :data:`SELECTION_COLUMNS`.
    """
    methods = [methods] if isinstance(methods, str) else list(methods)
    bad = [m for m in methods if m not in METHODS]
    if bad or not methods:
        raise ValueError(
            f"`methods` must be a non-empty subset of {list(METHODS)!r}; got {methods!r}"
        )
    data = panel.copy()
    data["baseline_composite"] = data[f"{score_column('composite')}_first"].astype(float)
    data["female"] = data["female"].astype(float)
    programmes = regression_programmes(data, min_count=min_programme_count)
    for col in programmes:
        data[col] = data[col].astype(float)
    covariates = ["baseline_composite", "female", "age", *programmes]
    categorical = None
    countries = sorted(data["country"].unique())
    if len(countries) > 1:
        covariates.insert(1, "country")
        categorical = {"country": countries[-1]}
    rows = []
    for dim in dimensions:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RowsDroppedWarning)
            long = panel_long(data, dimension=dim, extra=[c for c in covariates if c != "country"])
            # the baseline composite is a covariate of every dimension: persons without it
            # cannot enter the propensity model, so all three estimators use the same persons
            long = long.loc[long.groupby("panel_id")["baseline_composite"].transform("count") == 2]
            long = long.dropna(subset=["female", "age"])
            ri = did_randomisation_inference(
                long,
                outcome="score",
                unit="panel_id",
                treated="treated",
                post="post",
                seed=ri_seed,
                strata="country",
                B=ri_B,
            ).iloc[0]
            plain = (
                did_change(
                    long,
                    outcome="score",
                    unit="panel_id",
                    treated="treated",
                    post="post",
                    vcov="HC1",
                    conf_level=conf_level,
                )
                .set_index("term")
                .loc["treated"]
            )
        n = int(ri["n_units"])
        base = {
            "dimension": dim,
            "ri_p_value": float(ri["p_value"]),
            "ri_B": int(ri_B),
            "n_persons": n,
            "n_treated": int(ri["n_treated"]),
            "n_control": int(ri["n_control"]),
            "covariates": " + ".join(covariates),
        }
        rows.append(
            {
                **base,
                "method": "plain",
                **{k: float(plain[k]) for k in ESTIMATE_KEYS},
                "B": pd.NA,
                "covariates": "",
                "inference": "HC1 t; randomisation p permuting mentoring within country",
            }
        )
        for method in methods:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RowsDroppedWarning)
                    res = did_ipw(
                        long,
                        outcome="score",
                        unit="panel_id",
                        treated="treated",
                        post="post",
                        covariates=covariates,
                        categorical=categorical,
                        method=method,
                        seed=ipw_seed,
                        B=ipw_B,
                        conf_level=conf_level,
                    ).iloc[0]
            except ValueError as error:
                # Too few persons for the propensity model (e.g. perfect separation in a small
                # panel): say so in the table instead of stopping the release.
                warnings.warn(
                    f"selection-adjusted DiD ({dim}, {method}) not estimable: {error}",
                    RuntimeWarning,
                    stacklevel=2,
                )
                rows.append(
                    {
                        **base,
                        "method": method,
                        **dict.fromkeys(
                            ESTIMATE_KEYS,
                            float("nan"),
                        ),
                        "B": int(ipw_B),
                        "inference": f"not estimable: {error}",
                    }
                )
                continue
            rows.append(
                {
                    **base,
                    "method": method,
                    **{k: float(res[k]) for k in ESTIMATE_KEYS},
                    "B": int(ipw_B),
                    "inference": f"bootstrap over persons (B = {ipw_B}), normal interval",
                }
            )
    out = pd.DataFrame(rows)
    out["B"] = out["B"].astype("Int64")
    return out[SELECTION_COLUMNS]
