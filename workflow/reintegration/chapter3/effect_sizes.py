"""Annex 4: effect sizes of the per-person change (last minus first), mentored vs not.

Semantics of R's ``effsize::cohen.d`` (see :mod:`reintegration.stats.effect_sizes`):
treated = mentored, control = not mentored; ``sd`` is the pooled SD for d and g and the
control group's SD for Glass's delta. Persons lacking the dimension score at either record
are left out (counted in ``n_treated`` / ``n_control``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import pandas as pd

from reintegration.chapter3.did import change_data
from reintegration.chapter3.panel import DIMENSIONS
from reintegration.stats import RowsDroppedWarning, effect_sizes

__all__ = ["ANNEX4_COLUMNS", "annex4_table"]

ANNEX4_COLUMNS = [
    "scope",
    "dimension",
    "type",
    "estimate",
    "sd",
    "J",
    "lower",
    "upper",
    "confidence",
    "magnitude",
    "n_treated",
    "n_control",
]


def annex4_table(
    panel: pd.DataFrame,
    *,
    dimensions: Sequence[str] = DIMENSIONS,
    by_country: bool = True,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Cohen's d, Hedges' g and Glass's delta per dimension, pooled (Annex 4) and, with
    ``by_country``, per country. Columns :data:`ANNEX4_COLUMNS`."""
    data = change_data(panel)
    data["group"] = data["mentored"].map({True: "mentored", False: "not mentored"})
    scopes = ["pooled", *(sorted(data["country"].unique()) if by_country else [])]
    parts = []
    for scope in scopes:
        sub = data if scope == "pooled" else data.loc[data["country"] == scope]
        for dim in dimensions:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RowsDroppedWarning)
                es = effect_sizes(
                    sub,
                    value=f"change_{dim}",
                    group="group",
                    treated="mentored",
                    control="not mentored",
                    conf_level=conf_level,
                )
            parts.append(es.assign(scope=scope, dimension=dim))
    return pd.concat(parts, ignore_index=True)[ANNEX4_COLUMNS]
