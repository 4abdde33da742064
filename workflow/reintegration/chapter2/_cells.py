"""Helpers of the Chapter II tables: the all-countries row, country labels, quiet warnings."""

from __future__ import annotations

import warnings

import pandas as pd

from reintegration.stats._validation import CellsSuppressedWarning, RowsDroppedWarning

from .labels import Labels

ALL = "ALL"
ALL_LABEL = "All countries"


def _country_labels(df: pd.DataFrame, labels: Labels, country: str = "country") -> pd.DataFrame:
    df = df.copy()
    df.insert(
        df.columns.get_loc(country) + 1,
        "country_label",
        [ALL_LABEL if c == ALL else labels.country(c) for c in df[country]],
    )
    return df


def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RowsDroppedWarning)
        return func(*args, **kwargs)


def _quiet_cells(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CellsSuppressedWarning)
        return func(*args, **kwargs)
