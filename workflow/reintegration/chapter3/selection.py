"""Beyond the study: selection into mentoring (STUDY.md §7).

Mentees were chosen with priority to a baseline composite below 0.33, by location and
voluntariness, so the plain DiD assumes parallel trends between groups that differ at
baseline. :func:`selection_adjusted_did` sets beside the plain DiD (change-score form,
HC1):

* ``ipw``: ATT of the change weighted by the mentoring propensity (Abadie 2005; normalised
  weights), and ``dr``: doubly robust (Sant'Anna & Zhao 2020), both from
  :func:`reintegration.stats.did_ipw` with a seeded bootstrap over persons stratified by
  mentoring and country (every resample keeps both groups); covariates: baseline composite,
  country, female, age, programmes. Both SEs are reported: the bootstrap one (``std_error``,
  the interval) and the analytic influence-function one (``std_error_analytic``);
* randomisation inference for the plain DiD: mentoring permuted within country
  (:func:`reintegration.stats.did_randomisation_inference`), seeded, B permutations.

Bootstrap accounting on every row: ``B_requested``, ``B_used``, resamples redrawn or fitted
with a reduced covariate set, failures by cause; the plain row carries the permutations'
accounting. When more than ``panel.ipw.max_failure_share`` of the resamples fail (or the
propensity model cannot be fitted at all) the row's ``status`` is "not estimable" with the
``reason`` and no interval; the same limit applies to the permutations (a relabelling with a
non-finite statistic fails), which then leave the randomisation p-value empty. The randomisation p-value is reported on every row of the
dimension (it belongs to the plain DiD statistic; the same sharp-null test whatever the row).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from reintegration.chapter3.did import regression_programmes
from reintegration.chapter3.panel import DIMENSIONS, panel_long, score_column
from reintegration.forked import forked_map
from reintegration.stats import (
    RowsDroppedWarning,
    did_change,
    did_ipw,
    did_ipw_joint,
    did_randomisation_inference,
)
from reintegration.stats.resampling import FAILURE_CAUSES

__all__ = [
    "SELECTION_COLUMNS",
    "analysis_covariates",
    "analysis_long",
    "selection_adjusted_did",
]

METHODS = ("ipw", "dr")
#: Bootstrap accounting columns of :func:`reintegration.stats.did_ipw`.
ACCOUNT_COLUMNS = (
    "B_requested",
    "B_used",
    "n_redrawn",
    "n_reduced",
    *(f"failures_{c}" for c in FAILURE_CAUSES),
)
SELECTION_COLUMNS = [
    "dimension",
    "method",
    "estimate",
    "std_error",
    "statistic",
    "p_value",
    "conf_low",
    "conf_high",
    "std_error_analytic",
    "std_error_bootstrap",
    "ri_p_value",
    "n_persons",
    "n_treated",
    "n_control",
    *ACCOUNT_COLUMNS,
    "covariates",
    "inference",
    "status",
    "reason",
]


#: The estimate columns every row of the table carries (plain, IPW and DR alike).
ESTIMATE_KEYS = ("estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high")
MAX_FAILURE_KEY = "panel.ipw.max_failure_share"
#: The long panel's columns, named as the DiD estimators name them.
DID_KEYS = dict(outcome="score", unit="panel_id", treated="treated", post="post")


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
    max_failure_share: float = 0.01,
    conf_level: float = 0.95,
    workers: int = 1,
) -> pd.DataFrame:
    """Plain, IPW and DR DiD per dimension with the within-country randomisation p-value.

    Returns one row per dimension and method (``plain``, then ``methods``); columns
    :data:`SELECTION_COLUMNS`. ``max_failure_share``: largest share of bootstrap resamples
    that may fail before an IPW/DR row is "not estimable" (config
    ``panel.ipw.max_failure_share``). ``workers``: processes the plain rows' permutations
    and the IPW/DR bootstraps' resamples are computed in (the same numbers for any count).
    """
    methods = [methods] if isinstance(methods, str) else list(methods)
    bad = [m for m in methods if m not in METHODS]
    if bad or not methods:
        raise ValueError(
            f"`methods` must be a non-empty subset of {list(METHODS)!r}; got {methods!r}"
        )
    data, covariates, categorical = analysis_covariates(panel, min_programme_count)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RowsDroppedWarning)
        longs = {dim: analysis_long(data, dim, covariates) for dim in dimensions}
    ri = {"B": ri_B, "seed": ri_seed, "max_failure_share": max_failure_share}

    def plain(dim: str) -> dict:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RowsDroppedWarning)
            return _plain_row(longs[dim], dim, ri=ri, conf_level=conf_level)

    # each dimension's permutations are seeded alone: the rows of any order of computation
    plains = dict(zip(longs, forked_map(plain, list(longs), workers), strict=True))
    spec = {"covariates": covariates, "categorical": categorical}
    boot = {"B": ipw_B, "seed": ipw_seed, "max_failure_share": max_failure_share}
    boot["workers"] = workers
    adjusted = _adjusted_rows(longs, methods, spec, boot, conf_level)
    rows = []
    for dim, plain in plains.items():
        rows.append(plain)
        base = {k: plain[k] for k in ("dimension", "ri_p_value", "n_persons", "n_treated")}
        base["n_control"] = plain["n_control"]
        base["covariates"] = " + ".join(covariates)
        rows.extend({**base, **adjusted[dim, method]} for method in methods)
    out = pd.DataFrame(rows)
    for col in ACCOUNT_COLUMNS:
        out[col] = out[col].astype("Int64")
    return out[SELECTION_COLUMNS]


def analysis_covariates(panel: pd.DataFrame, min_programme_count: int):
    """The panel with numeric covariates, the covariate list and the categorical reference."""
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
    return data, covariates, categorical


def analysis_long(data: pd.DataFrame, dim: str, covariates: Sequence[str]) -> pd.DataFrame:
    """Long two-period data of ``dim`` for the persons every estimator uses."""
    long = panel_long(data, dimension=dim, extra=[c for c in covariates if c != "country"])
    # the baseline composite is a covariate of every dimension: persons without it cannot
    # enter the propensity model, so all three estimators use the same persons
    long = long.loc[long.groupby("panel_id")["baseline_composite"].transform("count") == 2]
    return long.dropna(subset=["female", "age"])


def _plain_row(long: pd.DataFrame, dim: str, *, ri: dict, conf_level) -> dict:
    """Plain change-score DiD (HC1) with the randomisation p-value and its accounting.

    When more than ``max_failure_share`` of the relabellings fail (a non-finite statistic),
    the randomisation p-value is empty and the row "not estimable" with the reason; the HC1
    estimate and interval, which do not resample, stay.
    """
    ri_B = ri["B"]
    ri = did_randomisation_inference(
        long, **DID_KEYS, strata="country", **ri, config_key=MAX_FAILURE_KEY
    ).iloc[0]
    plain = did_change(long, **DID_KEYS, vcov="HC1", conf_level=conf_level)
    plain = plain.set_index("term").loc["treated"]
    return {
        "dimension": dim,
        "method": "plain",
        **{k: float(plain[k]) for k in ESTIMATE_KEYS},
        "std_error_analytic": float("nan"),
        "std_error_bootstrap": float("nan"),
        "ri_p_value": float(ri["p_value"]),
        "n_persons": int(ri["n_units"]),
        "n_treated": int(ri["n_treated"]),
        "n_control": int(ri["n_control"]),
        # the plain row's resampling is the permutation test
        "B_requested": int(ri["B_requested"]),
        "B_used": int(ri["B_used"]),
        "n_redrawn": 0,
        "n_reduced": 0,
        **{f"failures_{c}": 0 for c in FAILURE_CAUSES},
        "failures_nonfinite": int(ri["failures_nonfinite"]),
        "covariates": "",
        "inference": (f"HC1 t; randomisation p permuting mentoring within country (B = {ri_B})"),
        "status": str(ri["status"]),
        "reason": f"randomisation p-value: {ri['reason']}" if ri["reason"] else "",
    }


def _adjusted_rows(longs: dict, methods, spec: dict, boot: dict, conf_level: float) -> dict:
    """IPW and DR rows of every dimension, keyed (dimension, method).

    One :func:`did_ipw_joint` for all: the dimensions share their persons and covariates, so
    their resamples and propensity models are computed once (the numbers of separate
    :func:`did_ipw` calls). If it raises, each row is fitted on its own (:func:`_adjusted_row`),
    so that the row that cannot be estimated says why and the others stand.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RowsDroppedWarning)
            table = did_ipw_joint(
                list(longs.values()),
                **DID_KEYS,
                **spec,
                methods=methods,
                **boot,
                strata="country",
                conf_level=conf_level,
                config_key=MAX_FAILURE_KEY,
            )
    except ValueError:
        return {
            (dim, method): _adjusted_row(long, {**spec, "method": method}, boot, conf_level)
            for dim, long in longs.items()
            for method in methods
        }
    keys = [(dim, method) for dim in longs for method in methods]
    return {
        key: _row_of(res, key[1], int(boot["B"]))
        for key, (_, res) in zip(keys, table.iterrows(), strict=True)
    }


def _adjusted_row(long: pd.DataFrame, spec: dict, boot: dict, conf_level: float) -> dict:
    """One IPW or DR row from :func:`did_ipw`, or a not-estimable row saying why."""
    method, B = spec["method"], int(boot["B"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RowsDroppedWarning)
            res = did_ipw(
                long,
                **DID_KEYS,
                **spec,
                **boot,
                strata="country",
                conf_level=conf_level,
                config_key=MAX_FAILURE_KEY,
            ).iloc[0]
    except ValueError as error:
        # Too few persons for the propensity model (e.g. perfect separation in a small
        # panel): say so in the table instead of stopping the release.
        warnings.warn(
            f"selection-adjusted DiD ({method}) not estimable: {error}",
            RuntimeWarning,
            stacklevel=2,
        )
        return {
            "method": method,
            **dict.fromkeys([*ESTIMATE_KEYS, "std_error_analytic", "std_error_bootstrap"], np.nan),
            "B_requested": B,
            "B_used": 0,
            "n_redrawn": 0,
            "n_reduced": 0,
            **{f"failures_{c}": 0 for c in FAILURE_CAUSES},
            "inference": "",
            "status": "not estimable",
            "reason": f"{error}",
        }
    return _row_of(res, method, B)


def _row_of(res: pd.Series, method: str, B: int) -> dict:
    """The table's columns from one :func:`did_ipw` row."""
    row = {"method": method, **{k: float(res[k]) for k in ESTIMATE_KEYS}}
    row.update({k: res[k] for k in ("std_error_analytic", "std_error_bootstrap", "status")})
    row.update({k: int(res[k]) for k in ACCOUNT_COLUMNS})
    row["reason"] = str(res["reason"])
    used = int(res["B_used"])
    row["inference"] = (
        f"bootstrap over persons within mentoring x country (B = {used} of {B}), normal "
        f"interval; {int(res['n_redrawn'])} resample(s) redrawn, {int(res['n_reduced'])} "
        "with a reduced covariate set"
    )
    if row["status"] != "ok":
        warnings.warn(
            f"selection-adjusted DiD ({method}) not estimable: {row['reason']}",
            RuntimeWarning,
            stacklevel=2,
        )
    return row
