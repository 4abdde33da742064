"""Pooling in two forked processes (issue 16): the dates of the kept rows judged from one look
at whole columns (coarsen.date_evidence), and the same files as with one process."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from reintegration.data.coarsen import (
    coarsen_records,
    date_evidence,
    is_date_column,
    is_date_of_rows,
)
from reintegration.data.io import read_parquet, write_parquet
from reintegration.data.pool import pool_waves, write_pooled

KEY = b"k" * 32

COLUMNS = {
    "datetime": pd.Series(pd.to_datetime(["2019-01-02", None, "2019-03-04", "2019-05-06"])),
    "numbers": pd.Series([1.0, 2.0, np.nan, 4.0]),
    "days": pd.array(["2019-01-02", None, "2019-03-04 10:00", "2019-05-06"], dtype="string"),
    "months": pd.array(["2019-01", "2019-02", None, "2019-04"], dtype="string"),
    "day_then_text": pd.array(["2019-01-02", "soon", None, "2019-05-06"], dtype="string"),
    "text_then_day": pd.array(["soon", "2019-01-02", "2019-03-04", None], dtype="string"),
    "missing_first": pd.array([None, "2019-01-02", "unknown", "2019-05-06"], dtype="string"),
    "literal_na": pd.array([None, "<NA>", "2019-03-04", "2019-05-06"], dtype="string"),
    "all_missing": pd.array([None, None, None, None], dtype="string"),
    "objects": pd.Series(["2019-01-02", None, 20190304, "2019-05-06"], dtype=object),
}


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_evidence_decides_as_is_date_column_on_every_subset(name):
    """All 16 subsets of the rows: is_date_of_rows says what is_date_column of those rows
    says, or None (then pooling looks at the kept rows themselves)."""
    column = pd.Series(COLUMNS[name])
    evidence = date_evidence(column)
    named = [i for i in evidence[1:] if i is not None]  # the rows a text column's evidence names
    for bits in range(16):
        kept = np.array([(bits >> i) & 1 == 1 for i in range(4)])
        decided = is_date_of_rows(evidence, kept)
        if decided is not None:
            assert decided == is_date_column(column[kept]), (name, kept)
        else:  # undecided only when a row it names is left out
            assert evidence[0] == "text" and not kept[named].all(), (name, kept)


def test_evidence_of_a_whole_column():
    assert is_date_of_rows(date_evidence(pd.Series(COLUMNS["days"])), np.ones(4, bool))
    assert not is_date_of_rows(date_evidence(pd.Series(COLUMNS["months"])), np.ones(4, bool))
    assert date_evidence(pd.Series(COLUMNS["text_then_day"])) == ("text", 0, 0)
    assert date_evidence(pd.Series(COLUMNS["missing_first"])) == ("text", 1, 2)
    assert date_evidence(pd.Series(COLUMNS["all_missing"])) == ("text", None, None)


def _wave(wave: str, people: list[str], visits: list, composite: list[float]) -> pd.DataFrame:
    n = len(people)
    return pd.DataFrame(
        {
            "record_id": pd.array([f"{wave}/f.csv::{i + 2}" for i in range(n)], "string"),
            "wave": pd.array([wave] * n, dtype="string"),
            "source_format": pd.array(["case_management"] * n, dtype="string"),
            "person_id": pd.array(people, dtype="string"),
            "composite": composite,
            # a text date column: the literal text "<NA>" hashes as a missing cell does
            "visit": pd.array(visits, dtype="string"),
            "interview_date": pd.to_datetime(["2019-03-01"] * n).astype("datetime64[s]"),
            "return_date": pd.to_datetime(["2018-11-01"] * n).astype("datetime64[s]"),
        }
    )


@pytest.mark.parametrize("block_rows", [2, 100])
def test_two_workers_write_the_files_of_one(tmp_path, block_rows):
    """Wave 2020-01's p1 row repeats 2019-07's (its "<NA>" text hashes as the missing visit),
    so it is dropped: the only value of ``visit`` that is not a day is in a dropped row, the
    evidence of the whole column does not decide, and the kept rows are looked at: ``visit``
    is a date column of the pooled rows and is coarsened to months, as pool_waves finds."""
    frames = {
        "2019-07": _wave("2019-07", ["p1", "p2"], [None, "2019-04-02"], [0.5, 0.75]),
        "2020-01": _wave("2020-01", ["p1", "p3", "p4"], ["<NA>", "2019-12-01", None], [0.5, 0.25, 0.6]),
    }  # fmt: skip
    paths = {}
    for wave, frame in frames.items():
        paths[wave] = tmp_path / f"{wave}.parquet"
        write_parquet(frame, paths[wave])
    expected, summary = pool_waves({w: pd.read_parquet(p) for w, p in paths.items()}, "r", KEY)
    assert summary["cross_wave_duplicates_dropped"] == 1
    written = {}
    for workers in (1, 2):
        exact = {w: tmp_path / f"exact{workers}" / f"{w}.parquet" for w in paths}
        out = tmp_path / f"out{workers}.parquet"
        written[workers] = write_pooled(paths, "r", KEY, exact, out, block_rows, workers=workers)
    assert written[1] == written[2] == summary
    pairs = [(tmp_path / "out1.parquet", tmp_path / "out2.parquet")] + [
        (tmp_path / "exact1" / f"{w}.parquet", tmp_path / "exact2" / f"{w}.parquet") for w in paths
    ]
    for one, two in pairs:
        assert one.read_bytes() == two.read_bytes()
    parts = [tmp_path / "exact2" / f"{w}.parquet" for w in sorted(paths)]
    pd.testing.assert_frame_equal(read_parquet(parts), expected)
    out = pd.read_parquet(tmp_path / "out2.parquet")
    pd.testing.assert_frame_equal(out, coarsen_records(expected))
    assert sorted(out["visit"].dropna()) == ["2019-04", "2019-12"]
