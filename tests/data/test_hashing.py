"""Row hashes in blocks (reintegration.data.hashing): the same values as one whole-table hash,
whatever the block size, so pooling and cleaning give the same results with bounded memory."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from reintegration.data.hashing import row_hashes


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


@pytest.mark.parametrize("block", [1, 2, 3, 7, 100])
def test_blocks_give_the_whole_table_hash(block):
    frame = _frame()
    whole = pd.util.hash_pandas_object(
        frame[["a", "b", "c", "d"]].astype("string").fillna("<NA>"), index=False
    ).to_numpy()
    assert np.array_equal(row_hashes(frame, ["a", "b", "c", "d"], block_rows=block), whole)


@pytest.mark.parametrize("block", [1, 2, 3])
def test_dates_with_a_time_of_day_in_one_block(block):
    """pandas writes a whole date column with times once one value has a time of day: a
    block of midnight dates must still be hashed as the whole column's text."""
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
    assert np.array_equal(row_hashes(frame, ["d"], block_rows=block), whole)


def test_equal_rows_hash_equal_and_others_differ():
    h = row_hashes(_frame(), ["a", "b", "c", "d"], block_rows=2)
    # rows 0, 3 and 5 are identical; rows 1 and 6 are identical (all missing but c = 2)
    assert h[0] == h[3] == h[5]
    assert h[1] == h[6]
    assert len({h[0], h[1], h[2], h[4]}) == 4


def test_index_and_column_subset():
    frame = _frame()
    shifted = frame.set_index(frame.index + 100)
    assert np.array_equal(row_hashes(frame, ["a"]), row_hashes(shifted, ["a"]))
    assert not np.array_equal(row_hashes(frame, ["a"]), row_hashes(frame, ["a", "b"]))


def test_empty_and_bad_block():
    assert row_hashes(_frame().iloc[:0], ["a"]).shape == (0,)
    with pytest.raises(ValueError, match="block_rows"):
        row_hashes(_frame(), ["a"], block_rows=0)
