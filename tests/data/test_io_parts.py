"""A table stored in parts (the exact-date pooled records: one parquet file a wave) reads as
the one table: data.io.read_parquet, read_rows_at and read_rows_where on hand-made parts give
what they give on the same rows in one file, row positions counted across the parts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from reintegration.data.io import (
    ParquetParts,
    read_parquet,
    read_rows_at,
    read_rows_where,
    write_parquet,
)


def _table(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": pd.array([["GIN", "SEN", "MAR", None][i % 4] for i in range(n)], "string"),
            "score": [i / 4 for i in range(n)],
            "flag": pd.array([[True, None, False][i % 3] for i in range(n)], dtype="boolean"),
            "count": pd.array([i if i % 5 else None for i in range(n)], dtype="Int64"),
            "day": pd.to_datetime(
                [f"2019-03-{i + 1:02d}" if i % 3 else None for i in range(n)]
            ).astype("datetime64[ms]"),
        }
    )


@pytest.fixture
def stored(tmp_path):
    """Ten rows in one file and in parts of 4, 0 and 6 rows (row groups of 3 rows)."""
    table = _table(10)
    whole = tmp_path / "whole.parquet"
    write_parquet(table, whole)
    parts = []
    for i, (lo, hi) in enumerate([(0, 4), (4, 4), (4, 10)]):
        parts.append(tmp_path / f"part{i}.parquet")
        frame = table.iloc[lo:hi].reset_index(drop=True)
        arrow = pa.Table.from_pandas(frame, schema=pq.read_schema(whole), preserve_index=False)
        pq.write_table(arrow, parts[-1], row_group_size=3)
    return table, whole, parts


def test_parts_read_as_the_whole_table(stored):
    table, whole, parts = stored
    assert ParquetParts(parts).num_rows == 10
    assert ParquetParts(parts).group_rows == [3, 1, 0, 3, 3]  # the empty part: one empty group
    pd.testing.assert_frame_equal(read_parquet(parts), table)
    pd.testing.assert_frame_equal(read_parquet(parts), read_parquet(whole))
    got = read_parquet(parts, columns=["score", "missing", "country"])
    pd.testing.assert_frame_equal(got, table[["score", "country"]])


def test_rows_at_positions_across_parts(stored):
    table, whole, parts = stored
    positions = [9, 0, 4, 3, 5]  # the last row, the first, both sides of the parts' boundary
    got = read_rows_at(parts, positions)
    expected = table.iloc[positions]
    expected.index = pd.Index(positions, dtype="int64")
    pd.testing.assert_frame_equal(got, expected)
    pd.testing.assert_frame_equal(got, read_rows_at(whole, positions))
    with pytest.raises(ValueError, match=r"within the 10 rows of .*part0.parquet and 2 more"):
        read_rows_at(parts, [10])


def test_rows_where_across_parts(stored):
    table, whole, parts = stored
    got = read_rows_where(parts, "country", ["SEN", "MAR"])
    mask = table["country"].isin(["SEN", "MAR"]).fillna(False).to_numpy()
    expected = table.loc[mask]
    expected.index = pd.Index(np.flatnonzero(mask), dtype="int64")
    assert list(got.index) == [1, 2, 5, 6, 9]
    pd.testing.assert_frame_equal(got, expected)
    pd.testing.assert_frame_equal(got, read_rows_where(whole, "country", ["MAR", "SEN"]))
    assert read_rows_where(parts, "country", ["XXX"]).empty


def test_parts_with_other_types_refused(stored, tmp_path):
    _, _, parts = stored
    other = tmp_path / "other.parquet"
    write_parquet(_table(2).astype({"score": "string"}), other)
    with pytest.raises(ValueError, match=r"other.parquet: other columns or types than"):
        read_rows_at([*parts, other], [0])
    with pytest.raises(ValueError, match="no parquet file given"):
        ParquetParts([])
