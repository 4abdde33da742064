"""Statistical disclosure control for published tables."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import pandas as pd

from ._validation import CellsSuppressedWarning, check_columns, check_positive_int

__all__ = ["suppress_small_cells"]


def suppress_small_cells(
    table: pd.DataFrame,
    *,
    count_col: str,
    value_cols: Sequence[str],
    min_count: int = 5,
) -> pd.DataFrame:
    """Blank the values of rows computed from fewer than ``min_count`` units.

    A row is suppressed when ``table[count_col] < min_count`` or the count is missing; its
    ``value_cols`` are set to missing and a boolean column ``suppressed`` marks it. Rows are
    never dropped. If ``table`` already has a ``suppressed`` column it is combined with
    logical OR, so the function can be applied repeatedly. The count column itself is left
    as is unless listed in ``value_cols``.

    Parameters
    ----------
    table : DataFrame
    count_col : str
        Column with the number of units behind each row.
    value_cols : sequence of str
        Columns to blank in suppressed rows.
    min_count : int
        Smallest publishable count (default 5, the study's configured minimum).

    Returns
    -------
    DataFrame
        A copy of ``table`` with the values blanked and ``suppressed`` added. A
        :class:`CellsSuppressedWarning` reports how many rows and cells were suppressed.
    """
    min_count = check_positive_int("min_count", min_count)
    value_cols = [value_cols] if isinstance(value_cols, str) else list(value_cols)
    check_columns(table, [count_col, *value_cols])
    if "suppressed" in value_cols:
        raise ValueError("`value_cols` cannot include the 'suppressed' flag column")
    counts = pd.to_numeric(table[count_col], errors="raise")
    mask = (counts < min_count) | counts.isna()
    mask = mask.fillna(True).astype(bool)
    out = table.copy()
    for col in value_cols:
        out[col] = out[col].mask(mask)
    if "suppressed" in out.columns:
        mask = mask | out["suppressed"].fillna(False).astype(bool)
    out["suppressed"] = mask.to_numpy(dtype=bool)
    n_rows = int(((counts < min_count) | counts.isna()).fillna(True).sum())
    if n_rows:
        warnings.warn(
            f"suppress_small_cells: suppressed {n_rows * len(value_cols)} cell(s) in {n_rows} of "
            f"{len(table)} row(s) with {count_col} < {min_count} (columns: {', '.join(value_cols)})",
            CellsSuppressedWarning,
            stacklevel=2,
        )
    return out
