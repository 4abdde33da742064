"""The privacy scan's text of a parquet file (reintegration.release_text) does not depend on
how many columns are read at once, and holds every distinct value of every column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from reintegration import release_text
from reintegration.release_text import file_text


def _table() -> pd.DataFrame:
    rows = 7
    table = pd.DataFrame(
        {
            "case_code": ["GN-0001", "GN-0002", None, "SN-0004", "GN-0001", "SN-0006", "x"],
            "phone": [620123456, 620123457, 620123458, 1, 2, 3, 4],
            "count": pd.array([1, None, 3, 3, None, 6, 7], dtype="Int64"),
            "score": [0.5, np.nan, 0.25, 1 / 3, 0.5, 2.0, -1.0],
            "flag": [True, False, True, True, False, False, True],
            "country": pd.Categorical(["Guinea", "Senegal", None, "Guinea", "Mali", "Mali", "x"]),
            "interview_date": pd.to_datetime(
                ["2019-07-01", None, "2020-01-15"] + ["2020-07-31"] * 4
            ),
            "comment": pd.array(["a", None, "Aminata Diallo", "b", "a", "c", "d"], dtype="string"),
        },
        index=pd.Index([f"r{i}" for i in range(rows)], name="record"),
    )
    return table


@pytest.mark.parametrize("cells", [1, 7 * 3, 7 * 5, 10**6])
def test_batched_reads_give_the_one_column_at_a_time_text(tmp_path, monkeypatch, cells):
    path = tmp_path / "t.parquet"
    _table().to_parquet(path)
    monkeypatch.setattr(release_text, "PARQUET_CELLS_PER_READ", 1)  # one column per read
    one_at_a_time = file_text(path)
    monkeypatch.setattr(release_text, "PARQUET_CELLS_PER_READ", cells)
    assert file_text(path) == one_at_a_time


def test_the_text_names_every_column_and_distinct_value(tmp_path):
    path = tmp_path / "t.parquet"
    _table().to_parquet(path)
    lines = file_text(path).split("\n")
    header = "case_code phone count score flag country interview_date comment"
    assert lines[0] == header  # the named index is no column of the text
    for value in ("GN-0001", "620123456", "Aminata Diallo", "Senegal", "0.25", "2020-01-15"):
        assert any(value in line for line in lines), value
    assert lines.count("GN-0001") == 1  # distinct values once
    assert "<NA>" not in lines and "nan" not in lines  # missing values left out
