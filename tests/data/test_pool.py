"""Pooling (reintegration.data.pool): cross-wave duplicates dropped (the earliest wave's row
kept), rows in content order, counts in the summary; hand-made waves."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from reintegration.data.coarsen import coarsen_records
from reintegration.data.io import read_parquet, write_parquet
from reintegration.data.pool import content_hash, pool_waves, write_pooled

KEY = b"k" * 32


def _wave(wave: str, rows: list[tuple[str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record_id": pd.array([f"{wave}/f.csv::{i + 2}" for i in range(len(rows))], "string"),
            "wave": pd.array([wave] * len(rows), dtype="string"),
            "source_format": pd.array(["case_management"] * len(rows), dtype="string"),
            "person_id": pd.array([p for p, _, _ in rows], dtype="string"),
            "composite": [c for _, c, _ in rows],
            "interview_date": pd.to_datetime([d for _, _, d in rows]).astype("datetime64[s]"),
        }
    )


def test_duplicates_dropped_and_content_order():
    first = _wave("2019-07", [("p1", 0.5, "2019-03-01"), ("p2", 0.75, "2019-04-01")])
    # p2's record again (same content, other wave and record id) and two new records
    second = _wave(
        "2020-01",
        [("p3", 0.25, "2019-09-01"), ("p2", 0.75, "2019-04-01"), ("p1", 0.6, "2019-10-01")],
    )
    pooled, summary = pool_waves({"2020-01": second, "2019-07": first}, "r", KEY)
    assert summary["rows_by_wave"] == {"2019-07": 2, "2020-01": 3}
    assert summary["rows_stacked"] == 5
    assert summary["cross_wave_duplicates_dropped"] == 1
    assert summary["duplicates_dropped_by_wave"] == {"2020-01": 1}
    assert summary["rows_pooled"] == 4 and summary["persons"] == 3
    assert list(pooled["wave"]) == ["2019-07", "2019-07", "2020-01", "2020-01"]
    # p2 kept once, in its earliest wave
    assert sorted(pooled.loc[pooled["wave"] == "2020-01", "composite"]) == [0.25, 0.6]
    assert "record_id" not in pooled and "person_id" not in pooled
    # content order: within a wave, ascending content hash (the same columns as before keys)
    h = content_hash(pooled, exclude=("record_key", "person_key"))
    for wave in ("2019-07", "2020-01"):
        within = h[(pooled["wave"] == wave).to_numpy()]
        assert np.all(within[:-1] <= within[1:])


def test_order_does_not_depend_on_the_input_row_order():
    rows = [("p1", 0.5, "2019-03-01"), ("p2", 0.75, "2019-04-01"), ("p3", 0.1, "2019-05-01")]
    a, _ = pool_waves({"2019-07": _wave("2019-07", rows)}, "r", KEY)
    b, _ = pool_waves({"2019-07": _wave("2019-07", rows[::-1])}, "r", KEY)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("block_rows", [1, 2, 100])
def test_files_pooled_in_blocks_as_in_memory(tmp_path, block_rows):
    """write_pooled (a column and a block of rows at a time, one row group a block) gives the
    table pool_waves gives, and its month-level copy, whatever the block size."""
    first = _wave("2019-07", [("p1", 0.5, "2019-03-01"), ("p2", 0.75, "2019-04-01")])
    second = _wave(
        "2020-01",
        [("p2", 0.75, "2019-04-01"), ("p1", 0.25, "2019-12-01"), ("p3", 0.6, "2019-12-02")],
    )
    second["record_id"] = pd.array([f"2020-01/g.csv::{i}" for i in range(3)], dtype="string")
    frames = {"2019-07": first, "2020-01": second}
    for frame in frames.values():
        frame["return_date"] = frame["interview_date"] - pd.Timedelta(days=100)
    paths = {}
    for wave, frame in frames.items():
        paths[wave] = tmp_path / f"{wave}.parquet"
        write_parquet(frame, paths[wave])
    expected, summary = pool_waves({w: pd.read_parquet(p) for w, p in paths.items()}, "r", KEY)
    exact = {w: tmp_path / "pooled" / f"{w}.parquet" for w in paths}
    out = tmp_path / "out.parquet"
    written = write_pooled(paths, "r", KEY, exact, out, block_rows=block_rows)
    assert written == summary and summary["rows_pooled"] == 4
    # Partitioned by wave: 2019-07 keeps its two rows, 2020-01 the two that are not repeats,
    # each part a block of rows at a time; read in wave order they are the pooled table.
    for wave in paths:
        part = pd.read_parquet(exact[wave])
        assert set(part["wave"]) == {wave} and len(part) == 2
        assert pq.ParquetFile(exact[wave]).metadata.num_row_groups == -(-2 // block_rows)
    pd.testing.assert_frame_equal(read_parquet(list(exact.values())), expected)
    pd.testing.assert_frame_equal(pd.read_parquet(out), coarsen_records(expected))
    assert pd.read_parquet(out)["interview_date"].tolist()[0] in ("2019-03", "2019-04")


def test_waves_with_other_columns_refused():
    first = _wave("2019-07", [("p1", 0.5, "2019-03-01")])
    second = _wave("2020-01", [("p2", 0.5, "2019-03-01")]).drop(columns=["composite"])
    with pytest.raises(ValueError, match="wave 2020-01 have other columns"):
        pool_waves({"2019-07": first, "2020-01": second}, "r", KEY)


def test_blocks_written_in_a_thread_give_the_bytes_of_writing_them_in_turn(tmp_path):
    """ParquetBlocks encodes each block in a writer thread (issue 16); the file must be the
    one a plain ParquetWriter gives for the same tables in the same order."""
    import pyarrow as pa
    from reintegration.data.io import ParquetBlocks

    blocks = [
        pd.DataFrame(
            {
                "x": pd.array([f"v{i}-{j}" for j in range(50)], dtype="string"),
                "y": np.arange(50, dtype="float64") * i,
            }
        )  # fmt: skip
        for i in range(5)
    ]
    with ParquetBlocks(tmp_path / "threaded.parquet") as out:
        for block in blocks:
            out.write(block)
    tables = [pa.Table.from_pandas(b, preserve_index=False) for b in blocks]
    with pq.ParquetWriter(tmp_path / "plain.parquet", tables[0].schema, compression="zstd") as w:
        for table in tables:
            w.write_table(table)
    threaded = (tmp_path / "threaded.parquet").read_bytes()
    assert threaded == (tmp_path / "plain.parquet").read_bytes()
    assert pq.ParquetFile(tmp_path / "threaded.parquet").metadata.num_row_groups == 5


def test_an_interrupted_block_file_leaves_nothing_behind(tmp_path):
    from reintegration.data.io import ParquetBlocks

    with pytest.raises(RuntimeError, match="stop"), ParquetBlocks(tmp_path / "t.parquet") as out:
        out.write(pd.DataFrame({"x": [1.0, 2.0]}))
        raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []


def test_a_wave_left_without_rows_gets_an_empty_part(tmp_path):
    """A wave whose every record repeats an earlier wave's (a re-delivery) keeps no row: its
    part is an empty file with the other parts' schema, and the parts still read as the pool."""
    rows = [("p1", 0.5, "2019-03-01"), ("p2", 0.75, "2019-04-01")]
    frames = {"2019-07": _wave("2019-07", rows), "2020-01": _wave("2020-01", rows)}
    paths = {}
    for wave, frame in frames.items():
        frame["return_date"] = frame["interview_date"] - pd.Timedelta(days=100)
        paths[wave] = tmp_path / f"{wave}.parquet"
        write_parquet(frame, paths[wave])
    expected, summary = pool_waves({w: pd.read_parquet(p) for w, p in paths.items()}, "r", KEY)
    assert summary["duplicates_dropped_by_wave"] == {"2020-01": 2}
    exact = {w: tmp_path / "pooled" / f"{w}.parquet" for w in paths}
    write_pooled(paths, "r", KEY, exact, tmp_path / "out.parquet")
    assert pq.ParquetFile(exact["2020-01"]).metadata.num_rows == 0
    first, empty = (pq.read_schema(exact[w]) for w in ("2019-07", "2020-01"))
    assert empty.equals(first, check_metadata=True)
    pd.testing.assert_frame_equal(read_parquet([exact["2019-07"], exact["2020-01"]]), expected)


@pytest.mark.parametrize("label", ["2021-01", "2018-01"])  # sorting after and before 2019-07
def test_a_scores_file_holding_another_waves_records_is_refused(tmp_path, label):
    """The parts are the pooled order only if each wave's file holds that wave's records; a
    wrong label is named wherever it sorts."""
    paths = {}
    for wave, wave_label in (("2019-07", "2019-07"), ("2020-01", label)):
        frame = _wave(wave_label, [(f"p-{wave}", 0.5, "2019-03-01")])
        frame["return_date"] = frame["interview_date"] - pd.Timedelta(days=100)
        paths[wave] = tmp_path / f"{wave}.parquet"
        write_parquet(frame, paths[wave])
    exact = {w: tmp_path / "pooled" / f"{w}.parquet" for w in paths}
    with pytest.raises(ValueError, match=rf"wave 2020-01 hold records of wave\(s\) \['{label}'\]"):
        write_pooled(paths, "r", KEY, exact, tmp_path / "out.parquet")
    assert not (tmp_path / "pooled").exists() or not any((tmp_path / "pooled").iterdir())
