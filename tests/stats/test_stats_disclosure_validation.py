"""Small-cell suppression and the shared input checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from reintegration.stats import (
    CellsSuppressedWarning,
    RowsDroppedWarning,
    check_choice,
    check_columns,
    drop_incomplete,
    suppress_small_cells,
)


def test_small_cells_suppressed_not_dropped():
    table = pd.DataFrame(
        {
            "country": ["Guinea", "Senegal", "Morocco", "Mali"],
            "n": [109, 4, 6, 0],
            "mean": [0.55, 0.61, 0.42, np.nan],
            "share": [0.3, 0.5, 0.2, np.nan],
            "count_women": [30, 2, 3, 0],
        }
    )
    with pytest.warns(CellsSuppressedWarning, match="suppressed 6 cell.* in 2 of 4 row"):
        out = suppress_small_cells(
            table, count_col="n", min_count=5, value_cols=["mean", "share", "count_women"]
        )
    assert len(out) == 4
    assert list(out["country"]) == list(table["country"])
    assert list(out["suppressed"]) == [False, True, False, True]
    assert out["suppressed"].dtype == bool
    assert out.loc[1, ["mean", "share", "count_women"]].isna().all()
    assert out.loc[0, "mean"] == 0.55
    assert out.loc[2, "count_women"] == 3
    assert list(out["n"]) == [109, 4, 6, 0]  # the count itself is kept
    assert table.loc[1, "mean"] == 0.61  # input untouched


def test_no_warning_when_nothing_suppressed_and_repeat_application():
    table = pd.DataFrame({"n": [10, 20], "v": [1.0, 2.0]})
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = suppress_small_cells(table, count_col="n", value_cols=["v"])
    assert not out["suppressed"].any()
    first = pd.DataFrame({"n": [3, 20], "v": [1.0, 2.0], "w": [5.0, 6.0]})
    with pytest.warns(CellsSuppressedWarning):
        once = suppress_small_cells(first, count_col="n", value_cols=["v"])
    with pytest.warns(CellsSuppressedWarning):
        twice = suppress_small_cells(once, count_col="n", min_count=25, value_cols=["w"])
    assert list(twice["suppressed"]) == [True, True]
    with pytest.raises(ValueError, match="min_count"):
        suppress_small_cells(table, count_col="n", value_cols=["v"], min_count=0)
    with pytest.raises(ValueError, match=r"\['x'\] not found"):
        suppress_small_cells(table, count_col="n", value_cols=["x"])


def test_check_choice_message():
    with pytest.raises(ValueError) as err:
        check_choice("vcov", "HC9", ["a", "b"])
    assert str(err.value) == "`vcov` must be one of ['a', 'b']; got 'HC9'"
    check_choice("vcov", "a", ["a", "b"])


def test_check_columns_names_missing_and_available():
    df = pd.DataFrame({"score": [1], "age": [2]})
    with pytest.raises(ValueError, match=r"\['sex', 'x'\] not found.*\['score', 'age'\]"):
        check_columns(df, ["score", "sex", "x"])


def test_drop_incomplete_warns_with_counts():
    df = pd.DataFrame({"score": [1.0, np.nan, 3.0, 4.0], "age": [1, 2, None, 4], "z": [None] * 4})
    with pytest.warns(RowsDroppedWarning) as rec:
        out = drop_incomplete(df, ["score", "age"], context="ols")
    assert str(rec[0].message) == "ols: dropped 2 of 4 rows with missing values in score, age"
    assert list(out.index) == [0, 3]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same = drop_incomplete(df.dropna(subset=["score", "age"]), ["score"], context="x")
    assert len(same) == 2
