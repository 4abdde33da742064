"""Input checks shared by the estimators: option sets, columns, dropped rows."""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Iterable, Sequence

import pandas as pd

__all__ = [
    "CellsSuppressedWarning",
    "RowsDroppedWarning",
    "check_choice",
    "check_columns",
    "check_conf_level",
    "check_positive_int",
    "drop_incomplete",
]


class RowsDroppedWarning(UserWarning):
    """Rows (or units) were left out of an estimate because of missing or unusable values."""


class CellsSuppressedWarning(UserWarning):
    """Table cells were blanked because they rest on too few observations."""


def check_choice(name: str, value: object, allowed: Iterable[object]) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``allowed``.

    The message names the option and lists the allowed values, e.g.
    ``"`vcov` must be one of ['classical', 'HC1']; got 'HC9'"``.
    """
    allowed = list(allowed)
    if value not in allowed:
        raise ValueError(f"`{name}` must be one of {allowed!r}; got {value!r}")


def check_columns(df: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise ``ValueError`` naming the missing columns and the available ones."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame; got {type(df).__name__}")
    missing = [c for c in dict.fromkeys(columns) if c not in df.columns]
    if missing:
        raise ValueError(
            f"column(s) {missing!r} not found in the data; available columns: "
            f"{[str(c) for c in df.columns]!r}"
        )


def check_conf_level(conf_level: float) -> float:
    """Return ``conf_level`` as float after checking 0 < conf_level < 1."""
    try:
        value = float(conf_level)
    except (TypeError, ValueError):
        raise ValueError(f"`conf_level` must be a number in (0, 1); got {conf_level!r}") from None
    if not 0.0 < value < 1.0:
        raise ValueError(f"`conf_level` must be a number in (0, 1); got {conf_level!r}")
    return value


def check_positive_int(name: str, value: object, *, minimum: int = 1) -> int:
    """Return ``value`` as int after checking it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}; got {value!r}")
    return int(value)


def drop_incomplete(df: pd.DataFrame, columns: Sequence[str], *, context: str) -> pd.DataFrame:
    """Drop rows with a missing value in any of ``columns``, warning with the count.

    Returns the complete rows (a copy; the index is kept). When rows are dropped a
    :class:`RowsDroppedWarning` says how many and in which columns, e.g.
    ``"ols: dropped 12 of 500 rows with missing values in score, age"``.
    Nothing is ever dropped silently.
    """
    columns = list(dict.fromkeys(columns))
    check_columns(df, columns)
    missing = df[columns].isna()
    bad = missing.any(axis=1)
    n_bad = int(bad.sum())
    if n_bad:
        where = [c for c in columns if bool(missing[c].any())]
        warnings.warn(
            f"{context}: dropped {n_bad} of {len(df)} rows with missing values in "
            f"{', '.join(map(str, where))}",
            RowsDroppedWarning,
            stacklevel=3,
        )
    return df.loc[~bad].copy()
