"""Pooling a release's scored waves into one table, with release-scoped person and record keys.

Nothing of the pooled table points back at a raw file: the wave record id
(``<wave>/<file>:<sheet>:<row>``) is dropped, rows are put in *content order* (wave, then a
hash of the record's content without its identifiers), and each record gets a release-scoped
``record_key`` = HMAC(key, ``record:<release>:<person_key>:<content hash>``)[:16], which
cannot be joined across releases. The row order depends on content only (not on file names,
raw row positions, the release name or the key), so a stable sort on it is a tie-breaker
that gives the same results under any release name.

Pooling works a column at a time (issue 16): the row hashes are folded from the columns of
all waves stacked one column at a time, and the pooled rows are built and written in blocks
of :data:`BLOCK_ROWS` rows (one parquet row group each), so all waves' text is never in memory
at once. A release of at most :data:`BLOCK_ROWS` rows is one block, written as one table.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from reintegration.data.coarsen import (
    analysis_variables,
    coarsen_dates,
    date_evidence,
    is_date_column,
    is_date_of_rows,
)
from reintegration.data.hashing import RowHash, column_hash, row_hashes
from reintegration.data.io import ParquetBlocks
from reintegration.data.pseudonym import pseudonym, release_key, release_keys
from reintegration.forked import forked_map

#: Columns that legitimately differ between two deliveries of the same record.
WAVE_SPECIFIC = ("record_id", "wave", "source_format")
#: Identifiers left out of the content hash that orders the rows (keys depend on the key).
IDENTITY = ("record_id", "person_id")
#: Pooled rows built (and written, one row group) at a time.
BLOCK_ROWS = 1 << 17


def content_hash(frame: pd.DataFrame, exclude=IDENTITY) -> np.ndarray:
    """Unkeyed 64-bit hash of each row's content (columns in name order, identifiers out)."""
    return row_hashes(frame, sorted(c for c in frame.columns if c not in exclude))


def content_order(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` sorted by wave, then content hash (stable), index reset."""
    order = pd.DataFrame(
        {"wave": frame["wave"].astype("string").to_numpy(), "h": content_hash(frame)}
    )
    positions = order.sort_values(["wave", "h"], kind="stable").index.to_numpy()
    return frame.iloc[positions].reset_index(drop=True)


def record_keys(key: bytes, release: str, person_keys: pd.Series, hashes) -> pd.Series:
    values = [
        pseudonym(key, f"record:{release}:{p}:{h:016x}")
        for p, h in zip(person_keys.fillna("<NA>"), hashes, strict=True)
    ]
    return pd.Series(values, index=person_keys.index, dtype="string")


@dataclass
class Waves:
    """The scored waves, read a column at a time: ``read(wave, column)`` gives one wave's
    column (a file reader or a table's column); ``rows`` the waves' row counts."""

    rows: dict[str, int]
    columns: list[str]
    read: Callable[[str, str], pd.Series]
    #: The same waves with files opened again (a forked worker reads through its own).
    reopen: Callable[[], Waves] | None = None

    def reopened(self) -> Waves:
        return self.reopen() if self.reopen else self

    @classmethod
    def of_frames(cls, frames: dict[str, pd.DataFrame]) -> Waves:
        waves = sorted(frames)
        _same_columns({w: list(frames[w].columns) for w in waves})
        return cls(
            {w: len(frames[w]) for w in waves},
            list(frames[waves[0]].columns),
            lambda w, c: frames[w][c],
        )

    @classmethod
    def of_files(cls, paths: dict[str, str | Path]) -> Waves:
        """Waves read from their scores files, one column at a time (pandas' dtypes)."""
        waves = sorted(paths)
        files = {w: pq.ParquetFile(paths[w]) for w in waves}
        schemas = {w: files[w].schema_arrow for w in waves}
        _same_columns({w: schemas[w].names for w in waves})
        readers = {w: _column_reader(files[w]) for w in waves}
        return cls(
            {w: files[w].metadata.num_rows for w in waves},
            schemas[waves[0]].names,
            lambda w, c: readers[w](c),
            lambda: cls.of_files(paths),
        )

    def stacked(self, column: str) -> pd.Series:
        """One column of every wave stacked in wave order (as ``pd.concat`` of the tables)."""
        parts = [self.read(w, column) for w in self.rows]
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _column_reader(file: pq.ParquetFile) -> Callable[[str], pd.Series]:
    """One column of ``file`` with pandas' dtypes. ``to_pandas`` parses the whole pandas
    metadata on every call (O(columns^2) for a table read column by column: 2 of pooling's 3
    seconds at 1x), so each column is converted with the metadata cut to its own entry; a file
    with a stored index is read with all of it."""
    meta = file.schema_arrow.pandas_metadata
    if not meta or any(not isinstance(i, dict) for i in meta.get("index_columns", [])):
        return lambda c: file.read(columns=[c], use_pandas_metadata=True).to_pandas()[c]
    entries = {e["field_name"]: e for e in meta["columns"]}

    def read(column: str) -> pd.Series:
        if column not in entries:
            return file.read(columns=[column], use_pandas_metadata=True).to_pandas()[column]
        own = json.dumps({**meta, "columns": [entries[column]]}).encode()
        table = file.read(columns=[column]).replace_schema_metadata({b"pandas": own})
        return table.to_pandas()[column]

    return read


def _same_columns(columns: dict[str, list[str]]) -> None:
    first = next(iter(columns.values()))
    for wave, cols in columns.items():
        if cols != first:
            raise ValueError(
                f"pooling: the scores of wave {wave} have other columns than the first wave's"
            )


@dataclass
class Plan:
    """What pooling keeps and in which order: stacked row positions, hashes, person keys."""

    rows: np.ndarray  # stacked positions of the pooled rows, in content order
    hashes: np.ndarray  # content hash of each pooled row
    person_keys: pd.Series  # release key of each pooled row
    summary: dict
    date_columns: list[str]  # columns holding dates in the pooled rows (coarsen.date_columns)


def plan(waves: Waves, release: str, key: bytes, workers: int = 1) -> Plan:
    """Drop exact cross-wave duplicates (identical in every column but record id, wave and
    format; the earliest wave's row is kept) and order the kept rows by content.

    The two row hashes (duplicates, content order) are folded in ``workers`` forked processes
    (one each with two), each process also computing the release keys of half the persons:
    each reads every column once; a column's dates are judged on the kept rows from what one
    look at the whole column showed (coarsen.date_evidence)."""
    compare = [c for c in waves.columns if c not in WAVE_SPECIFIC]
    content = sorted(c for c in waves.columns if c not in IDENTITY)
    person_ids = waves.stacked("person_id")
    persons = person_ids.dropna().unique()
    half = (len(persons) + 1) // 2
    tasks = [(compare, False, persons[:half]), (content, True, persons[half:])]
    task = partial(_fold, waves, release, key)
    (duplicates, _, keys), (contents, evidence, more) = forked_map(task, tasks, workers)
    duplicate = pd.Series(duplicates).duplicated(keep="first").to_numpy()
    keep = np.flatnonzero(~duplicate)
    dates = [c for c in content if _dated(waves, c, evidence[c], ~duplicate)]
    wave = waves.stacked("wave").astype("string").to_numpy()
    order = pd.DataFrame({"wave": wave[keep], "h": contents[keep]})
    positions = order.sort_values(["wave", "h"], kind="stable").index.to_numpy()
    rows = keep[positions]
    keys.update(more)
    person_keys = release_key(key, release, person_ids.iloc[rows], keys).reset_index(drop=True)
    dropped = pd.Series(wave[duplicate]).value_counts().sort_index()
    summary = {
        "release": release,
        "waves": list(waves.rows),
        "rows_by_wave": {w: int(r) for w, r in waves.rows.items()},
        "rows_stacked": int(len(duplicate)),
        "cross_wave_duplicates_dropped": int(duplicate.sum()),
        "duplicates_dropped_by_wave": {str(k): int(v) for k, v in dropped.items()},
        "rows_pooled": int(len(rows)),
        "persons": int(person_keys.nunique()),
    }
    return Plan(rows, order["h"].to_numpy()[positions], person_keys, summary, dates)


def _fold(waves: Waves, release: str, key: bytes, task: tuple) -> tuple[np.ndarray, dict, dict]:
    """Row hashes of the task's columns, each column's date evidence if it asks, and the
    release keys of the task's persons."""
    columns, with_evidence, persons = task
    waves = waves.reopened()
    hashes, evidence = RowHash(sum(waves.rows.values()), len(columns)), {}
    for c in columns:
        column = waves.stacked(c)
        hashes.add(column_hash(column))
        if with_evidence:
            evidence[c] = date_evidence(column)
    return hashes.result(), evidence, release_keys(key, release, persons)


def _dated(waves: Waves, column: str, evidence: tuple, kept: np.ndarray) -> bool:
    decided = is_date_of_rows(evidence, kept)
    return is_date_column(waves.stacked(column)[kept]) if decided is None else decided


def pooled_blocks(
    waves: Waves, pooling: Plan, release: str, key: bytes, block_rows: int = BLOCK_ROWS
) -> Iterator[pd.DataFrame]:
    """The pooled table in blocks of ``block_rows`` rows (index: pooled row number), built a
    column at a time: the wave pseudonym ``person_id`` replaced by the release key
    ``person_key``, the record id by the release-scoped ``record_key``."""
    starts = np.cumsum([0, *waves.rows.values()])
    names = list(waves.rows)
    kept = [c for c in waves.columns if c not in IDENTITY]
    for start in range(0, max(len(pooling.rows), 1), block_rows):
        rows = pooling.rows[start : start + block_rows]
        index = pd.RangeIndex(start, start + len(rows))
        source = np.searchsorted(starts, rows, side="right") - 1
        by_wave = np.argsort(source, kind="stable")
        back = np.argsort(by_wave, kind="stable")
        used = [i for i in range(len(names)) if (source == i).any()] or [0]
        columns = {}
        for c in kept:
            parts = [waves.read(names[i], c).iloc[rows[source == i] - starts[i]] for i in used]
            column = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
            columns[c] = column.iloc[back].set_axis(index) if len(rows) else column.iloc[:0]
        block = pd.DataFrame(columns, index=index if len(rows) else None)
        person_keys = pooling.person_keys.iloc[start : start + len(rows)].set_axis(block.index)
        hashes = pooling.hashes[start : start + len(rows)]
        block.insert(0, "record_key", record_keys(key, release, person_keys, hashes))
        block.insert(1, "person_key", person_keys)
        yield block


def pool_waves(
    frames: dict[str, pd.DataFrame], release: str, key: bytes
) -> tuple[pd.DataFrame, dict]:
    """Stack ``{wave: scores}``; drop exact cross-wave duplicates; order rows by content;
    release keys in place of the wave ids (:func:`plan`, :func:`pooled_blocks`).

    Returns ``(records, summary)``; the summary counts rows per wave and duplicates dropped.
    """
    waves = Waves.of_frames(frames)
    pooling = plan(waves, release, key)
    blocks = list(pooled_blocks(waves, pooling, release, key))
    pooled = pd.concat(blocks) if len(blocks) > 1 else blocks[0]
    return pooled.reset_index(drop=True), pooling.summary


def write_pooled(
    paths: dict[str, str | Path],
    release: str,
    key: bytes,
    exact: dict[str, str | Path],
    out: Path,
    block_rows: int = BLOCK_ROWS,
    workers: int = 1,
) -> dict:
    """Pool the waves' scores files (:func:`pool_waves`) into ``exact``, a parquet dataset
    partitioned by wave (``{wave: file}``: each wave's pooled rows, in pooled order, so the
    parts read in wave order are the pooled table; a wave left with no row gets an empty part
    of the same schema), and, with the analysis variables derived and dates to month
    (:mod:`~reintegration.data.coarsen`), ``out``, one file; a block of rows at a time.
    Returns the summary."""
    if set(exact) != set(paths):
        raise ValueError(f"pooling: exact parts for {sorted(exact)}, waves {sorted(paths)}")
    waves = Waves.of_files(paths)
    pooling = plan(waves, release, key, workers)
    derived = analysis_variables(
        pooling.person_keys,
        waves.stacked("interview_date").iloc[pooling.rows].reset_index(drop=True),
        waves.stacked("return_date").iloc[pooling.rows].reset_index(drop=True),
    )
    names = list(waves.rows)
    part_of = np.searchsorted(np.cumsum([0, *waves.rows.values()]), pooling.rows, "right") - 1
    with ExitStack() as files:
        out_file = files.enter_context(ParquetBlocks(out))
        parts = [files.enter_context(ParquetBlocks(exact[w])) for w in names]
        schema = None
        for block in pooled_blocks(waves, pooling, release, key, block_rows):
            where = part_of[block.index.to_numpy()]
            for i in np.unique(where):
                _check_labels(block["wave"][where == i], names[i])
            for i, rows in _by_wave(block, where):
                parts[i].schema = parts[i].schema or schema
                parts[i].write(rows)
                schema = schema or parts[i].schema
            # record_key, person_key (hex) and the derived numbers are never dates
            coarse = block.assign(**{c: derived[c].loc[block.index] for c in derived})
            out_file.write(coarsen_dates(coarse, pooling.date_columns))
        if schema is None:  # no pooled row at all: the (empty) block's schema
            schema = pa.Table.from_pandas(block.reset_index(drop=True), preserve_index=False).schema
        for part in parts:
            part.schema = part.schema or schema
    return pooling.summary


def _by_wave(block: pd.DataFrame, where: np.ndarray) -> Iterator[tuple[int, pd.DataFrame]]:
    """(wave number, its rows) of a block, as slices: the block is in pooled order, so each
    wave's rows are one run of it (a mask would copy the block, and at 100x the copies cost
    pooling 200 MB of memory it did not give back)."""
    if (np.diff(where) < 0).any():
        raise ValueError("pooling: the pooled rows are not in wave order")
    if len(where) and where[0] == where[-1]:
        yield int(where[0]), block
        return
    starts = np.flatnonzero(np.r_[True, where[1:] != where[:-1]])
    for lo, hi in zip(starts, [*starts[1:], len(where)], strict=True):
        yield int(where[lo]), block.iloc[lo:hi]


def _check_labels(labels: pd.Series, wave: str) -> None:
    """The parts hold the pooled order only if each scores file's ``wave`` names its wave."""
    other = labels.astype("string").fillna("<missing>")
    other = sorted(set(other[other != wave]))
    if other:
        raise ValueError(f"pooling: the scores of wave {wave} hold records of wave(s) {other}")
