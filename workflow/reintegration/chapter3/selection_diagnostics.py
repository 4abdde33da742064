"""Diagnostics of the selection-adjusted DiD (Sant'Anna & Zhao practice), one long table.

:func:`selection_diagnostics` stacks, per dimension, the tables of
:func:`reintegration.stats.drdid_diagnostics` (``overlap``, ``balance``, ``ess``,
``estimators``, ``trimming``) with a ``table`` and a ``dimension`` column, on the persons and
covariates of :func:`reintegration.chapter3.selection.selection_adjusted_did`. Disclosure
control: the overlap bins are ``count`` cells of their group's ``n`` (bins sum to it, so a lone
small bin would come back by subtraction: :func:`protect_counts` suppresses a second one); a
group of fewer than ``min_cell`` persons blanks its ``n`` and ESS too.
A dimension whose propensity model cannot be fitted gets one row ``table == "all"`` with
``status`` "not estimable" and the ``reason``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from reintegration.chapter3.panel import DIMENSIONS
from reintegration.chapter3.selection import analysis_covariates, analysis_long
from reintegration.estimable import NOT_ESTIMABLE
from reintegration.stats import RowsDroppedWarning, drdid_diagnostics
from reintegration.stats.disclosure import PRIMARY, protect_counts

__all__ = ["DIAGNOSTIC_TABLES", "selection_diagnostics"]

DIAGNOSTIC_TABLES = ("overlap", "balance", "ess", "estimators", "trimming")


def selection_diagnostics(
    panel: pd.DataFrame,
    *,
    dimensions: Sequence[str] = DIMENSIONS,
    min_programme_count: int,
    min_cell: int,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Long table of the DR-DiD diagnostics per dimension; leading columns ``table, dimension``."""
    data, covariates, categorical = analysis_covariates(panel, min_programme_count)
    parts = []
    for dim in dimensions:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RowsDroppedWarning)
            long = analysis_long(data, dim, covariates)
            try:
                tables = drdid_diagnostics(
                    long,
                    outcome="score",
                    unit="panel_id",
                    treated="treated",
                    post="post",
                    covariates=covariates,
                    categorical=categorical,
                    conf_level=conf_level,
                )
            except ValueError as error:  # e.g. the propensity model separates: say so, go on
                reason = f"propensity model cannot be fitted: {error}"
                warnings.warn(f"selection diagnostics ({dim}): {reason}", RuntimeWarning, 2)
                row = {"table": "all", "dimension": dim, "status": NOT_ESTIMABLE, "reason": reason}
                parts.append(pd.DataFrame([row]))
                continue
        tables["overlap"], tables["ess"] = _protected(tables, min_cell, dim)
        for name in DIAGNOSTIC_TABLES:
            part = tables[name].copy()
            part.insert(0, "dimension", dim)
            part.insert(0, "table", name)
            parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _protected(tables: dict, min_cell: int, dim: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The overlap and ESS tables with small cells and groups suppressed."""
    overlap = tables["overlap"].rename(columns={"n": "count"})
    overlap["n"] = overlap.groupby("group")["count"].transform("sum")
    overlap = protect_counts(
        overlap, min_cell=min_cell, row=["group"], col="p_low", count="count", n="n",
        share=None, name=f"selection diagnostics overlap ({dim})",
    )  # fmt: skip
    ess = tables["ess"].copy()
    small = ess["n"] < min_cell
    ess["n"] = ess["n"].astype("Int64").mask(small)
    ess["ess"] = ess["ess"].mask(small)
    ess["suppression"] = np.where(small, PRIMARY, "")
    ess["suppressed"] = small
    return overlap, ess
