"""Row hashes a column at a time (reintegration.data.hashing): the same values as one\nwhole-table hash, so pooling and cleaning give the same results with bounded memory."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from reintegration.data.hashing import RowHash, column_hash, row_hashes


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "a": pd.array(["x", None, "y", "x", "z", "x", None], dtype="string"),
            "b": [1.5, np.nan, 2.0, 1.5, 3.25, 1.5, np.nan],
            "c": pd.array([1, 2, None, 1, 5, 1, 2], dtype="Int64"),
            "d": pd.to_datetime(
                ["2020-01-02", None, "2019-07-01", "2020-01-02", None, "2020-01-02", None]
            ),  # fmt: skip
        },
        index=[10, 11, 12, 13, 14, 15, 16],
    )


def test_column_wise_gives_the_whole_table_hash():
    frame = _frame()
    whole = pd.util.hash_pandas_object(
        frame[["a", "b", "c", "d"]].astype("string").fillna("<NA>"), index=False
    ).to_numpy()
    assert np.array_equal(row_hashes(frame, ["a", "b", "c", "d"]), whole)


@pytest.mark.parametrize(
    "values",
    [
        [0.0, -0.0, np.nan, 1.5, 0.0],  # -0.0 is its own text
        [1e300, 1 / 3, np.inf, -np.inf, 1 / 3],
        pd.array([True, None, False, True], dtype="boolean"),
        pd.array([1, None, 1, -7], dtype="Int64"),
        [True, False, False],
    ],
)
def test_number_columns_hash_as_their_text(values):
    """Numbers and booleans are hashed per distinct value: the same as hashing every cell's text."""
    column = pd.Series(values)
    text = column.astype("string").fillna("<NA>")
    assert np.array_equal(column_hash(column), pd.util.hash_pandas_object(text, index=False))


@pytest.mark.parametrize("storage", ["pyarrow", "python"])
def test_text_columns_hash_as_their_filled_text(storage):
    """Arrow-backed text is filled by Arrow (issue 16), other text by fillna: both are the
    definition, the hash of the text with ``<NA>`` in the gaps."""
    column = pd.Series(["x", None, "", "é<NA>", "x", None], dtype=pd.StringDtype(storage))
    text = column.fillna("<NA>")
    assert np.array_equal(column_hash(column), pd.util.hash_pandas_object(text, index=False))
    assert column_hash(column)[1] == column_hash(pd.Series(["<NA>"], dtype="string"))[0]


def test_row_hash_checks_the_column_count():
    rows = RowHash(3, 2)
    rows.add(column_hash(_frame()["a"].iloc[:3]))
    with pytest.raises(ValueError, match="1 of 2"):
        rows.result()
    rows.add(column_hash(_frame()["b"].iloc[:3]))
    with pytest.raises(ValueError, match="more than"):
        rows.add(column_hash(_frame()["c"].iloc[:3]))


def test_dates_with_a_time_of_day():
    """pandas writes a whole date column with times once one value has a time of day: the
    midnight dates are hashed as the whole column's text."""
    frame = pd.DataFrame(
        {
            "d": pd.to_datetime(
                ["2020-01-01", "2020-01-02", "2020-01-03 05:00", None], format="ISO8601"
            )
        }  # fmt: skip
    )
    text = frame.astype("string").fillna("<NA>")
    assert text["d"].iloc[0] == "2020-01-01 00:00:00"  # the whole column's format
    whole = pd.util.hash_pandas_object(text, index=False).to_numpy()
    assert np.array_equal(row_hashes(frame, ["d"]), whole)


def test_equal_rows_hash_equal_and_others_differ():
    h = row_hashes(_frame(), ["a", "b", "c", "d"])
    # rows 0, 3 and 5 are identical; rows 1 and 6 are identical (all missing but c = 2)
    assert h[0] == h[3] == h[5]
    assert h[1] == h[6]
    assert len({h[0], h[1], h[2], h[4]}) == 4


def test_index_and_column_subset():
    frame = _frame()
    shifted = frame.set_index(frame.index + 100)
    assert np.array_equal(row_hashes(frame, ["a"]), row_hashes(shifted, ["a"]))
    assert not np.array_equal(row_hashes(frame, ["a"]), row_hashes(frame, ["a", "b"]))


def test_empty():
    assert row_hashes(_frame().iloc[:0], ["a"]).shape == (0,)
