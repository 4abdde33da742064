"""Writers of the wave and pooled data files (atomic, deterministic).

They differ from :mod:`reintegration.io` on purpose where data, not tables, are written: parquet
keeps pandas' schema metadata (nullable dtypes survive a round trip) and csv keeps full float
precision (now the same writer as tables). JSON is the same writer.

Every writer is atomic: it writes a temporary file in the target's folder and renames it onto
the target, so an interrupted job (killed, out of memory, disk full) never leaves a partial file
under the output's name (README: "Reliability and privacy").
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from reintegration.io import OUTPUT_MODE, atomic_write, write_json
from reintegration.io import write_csv as write_table_csv

__all__ = [
    "ParquetBlocks",
    "ParquetParts",
    "Parts",
    "read_json",
    "read_parquet",
    "read_rows_at",
    "read_rows_where",
    "use_system_allocator",
    "write_csv",
    "write_json",
    "write_parquet",
]


def use_system_allocator() -> None:
    """Arrow buffers from the system allocator, not Arrow's default (mimalloc), which keeps
    the pages of freed buffers: reading a wave's records then takes about 40% less memory
    (issue 16). A process setting: the data-stage scripts call it first."""
    pa.set_memory_pool(pa.system_memory_pool())


def write_parquet(df: pd.DataFrame, path: str | Path) -> None:
    """Write ``df`` with pyarrow (no index; the schema metadata holds no time or path)."""
    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


class ParquetBlocks:
    """A parquet file written a block of rows at a time (one row group each), atomically.

    Each block is written as :func:`write_parquet` writes a table, under the first block's
    schema (or ``schema``, shared by the parts of one table), so a file of one block has the
    same bytes as :func:`write_parquet` gives. A block
    is encoded and compressed in a thread of its own (Arrow releases the GIL there) while the
    caller builds the next one; at most one block waits, so memory stays at two blocks.
    """

    def __init__(self, path: str | Path, schema: pa.Schema | None = None):
        self.path = Path(path)
        self.writer: pq.ParquetWriter | None = None
        self.schema = schema
        self.pending = None  # the block being written (a Future)

    def __enter__(self) -> ParquetBlocks:
        from concurrent.futures import ThreadPoolExecutor

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
        )
        os.close(fd)
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parquet-blocks")
        return self

    def write(self, df: pd.DataFrame) -> None:
        frame = df.reset_index(drop=True)
        table = pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
        if self.writer is None:
            self.schema = table.schema
            self.writer = pq.ParquetWriter(self.tmp, table.schema, compression="zstd")
        self._wait()  # blocks in order, one at a time
        self.pending = self.thread.submit(self.writer.write_table, table)

    def _wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()  # a writing error is raised here, in the caller's thread

    def __exit__(self, kind, error, trace) -> None:
        try:
            try:
                self._wait()
            finally:
                self.thread.shutdown(wait=True)
                if self.writer is not None:
                    self.writer.close()
            if kind is None:
                if self.writer is None and self.schema is None:
                    raise ValueError(f"{self.path}: no block written")
                if self.writer is None:  # a part without rows: its table's schema, no row
                    pq.write_table(self.schema.empty_table(), self.tmp, compression="zstd")
                os.chmod(self.tmp, OUTPUT_MODE)
                os.replace(self.tmp, self.path)
        finally:
            Path(self.tmp).unlink(missing_ok=True)


#: One parquet file, or the parts of one table in order (the pooled records, one file a wave).
Parts = str | Path | Sequence[str | Path]


class ParquetParts:
    """Parquet files read as one table: the rows of each file in turn, row groups numbered
    across the files. All parts must have the same columns and types."""

    def __init__(self, paths: Parts):
        names = _part_names(paths)
        if not names:
            raise ValueError("ParquetParts: no parquet file given")
        self.name = _shown(names)
        self.files = [pq.ParquetFile(p) for p in names]
        self.schema_arrow = self.files[0].schema_arrow
        for name, file in zip(names[1:], self.files[1:], strict=True):
            if not file.schema_arrow.equals(self.schema_arrow, check_metadata=False):
                raise ValueError(f"{name}: other columns or types than {names[0]}")
        self.groups = [(f, i) for f in self.files for i in range(f.num_row_groups)]
        self.group_rows = [f.metadata.row_group(i).num_rows for f, i in self.groups]
        self.num_rows = sum(self.group_rows)

    def read_row_group(self, index: int) -> pa.Table:
        file, group = self.groups[index]
        return file.read_row_group(group).replace_schema_metadata(self.schema_arrow.metadata)


def add_pooled_records_argument(parser) -> None:
    """Add ``--records FILE...`` to an argparse parser: the pooled records, one file a wave in
    pooled order (``results/pooled/<release>/records/<wave>.parquet``), read as one table."""
    parser.add_argument(
        "--records",
        nargs="+",
        required=True,
        help="the pooled records (exact dates): results/pooled/<release>/records/<wave>.parquet",
    )


def _part_names(paths: Parts) -> list[str | Path]:
    return [paths] if isinstance(paths, str | Path) else list(paths)


def _shown(names: list) -> str:
    return f"{names[0]}" + (f" and {len(names) - 1} more parts" if len(names) > 1 else "")


def read_parquet(path: Parts, *, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """The table at ``path`` (a file, or the parts of one table); with ``columns``, only those
    of them the file holds, in that order (a stage reads what it uses: at 100x the pooled
    records are ~10^6 rows of text, and a table written as "not estimable" holds only
    ``status`` and ``reason``)."""
    names = _part_names(path)
    if len(names) > 1:  # the parts' Arrow tables joined (no copy), then converted once
        parts = ParquetParts(names)
        present = parts.schema_arrow.names
        wanted = present if columns is None else [c for c in columns if c in present]
        tables = [f.read(columns=wanted, use_pandas_metadata=True) for f in parts.files]
        table = pa.concat_tables(tables)
        del tables
        return table.to_pandas(types_mapper=None)  # what pd.read_parquet does with each file
    if columns is None:
        return pd.read_parquet(names[0])
    present = set(pq.read_schema(names[0]).names)
    return pd.read_parquet(names[0], columns=[c for c in columns if c in present])


def read_rows_where(path: Parts, column: str, values: Iterable) -> pd.DataFrame:
    """The rows of ``path`` whose ``column`` is one of ``values`` (at least one), labelled by
    their row positions in the table: the frame ``read_parquet(path).loc[mask]`` gives, read
    one row group at a time so the other rows are never all held (issue 16: an analysis of
    two countries need not read 10^6 records; Arrow's filtered scan buffers far more)."""
    values = sorted(set(values))
    if not values:
        shown = _shown(_part_names(path))
        raise ValueError(f"read_rows_where: no value of {column!r} given to read {shown}")
    source = ParquetParts(path)
    wanted = pa.array(values, type=source.schema_arrow.field(column).type)
    pieces, positions, offset = [], [], 0
    for i in range(len(source.groups)):
        group = source.read_row_group(i)
        keep = pc.fill_null(pc.is_in(group[column], value_set=wanted), False)
        pieces.append(group.filter(keep))
        positions.append(offset + np.flatnonzero(keep.to_numpy(zero_copy_only=False)))
        offset += group.num_rows
        del group
    rows = _concat(pieces, source).to_pandas()
    rows.index = pd.Index(np.concatenate(positions or [[]]), dtype="int64")
    return rows


def _concat(pieces: list[pa.Table], source: ParquetParts) -> pa.Table:
    return pa.concat_tables(pieces) if pieces else source.schema_arrow.empty_table()


def read_rows_at(path: Parts, positions: Sequence[int] | np.ndarray) -> pd.DataFrame:
    """The rows of ``path`` at table ``positions`` (distinct), in that order and labelled by
    them: ``read_parquet(path).iloc[positions]``, read one row group at a time so the rows
    not taken are never all held (issue 16: the Chapter II dataset takes one record per
    returnee of 10^6)."""
    wanted = np.asarray(positions, dtype="int64").reshape(-1)
    source = ParquetParts(path)
    total = source.num_rows
    if len(np.unique(wanted)) != len(wanted) or ((wanted < 0) | (wanted >= total)).any():
        raise ValueError(
            f"read_rows_at: positions must be distinct and within the {total} rows of {source.name}"
        )
    order = np.argsort(wanted, kind="stable")
    in_file_order = wanted[order]
    pieces, offset = [], 0
    for i, size in enumerate(source.group_rows):
        lo, hi = np.searchsorted(in_file_order, [offset, offset + size])
        if hi > lo:
            group = source.read_row_group(i)
            pieces.append(group.take(pa.array(in_file_order[lo:hi] - offset)))
            del group
        offset += size
    columns = _concat(pieces, source).columns
    del pieces
    back = np.empty_like(order)
    back[order] = np.arange(len(order))
    back = pa.array(back)
    for j, column in enumerate(columns):  # to the order asked for, one column at a time
        columns[j] = None
        columns[j] = column.take(back)
        del column
    table = pa.Table.from_arrays(columns, schema=source.schema_arrow)
    del columns
    rows = table.to_pandas(self_destruct=True)  # Arrow's buffers freed as they are converted
    del table
    rows.index = pd.Index(wanted, dtype="int64")
    return rows


def read_json(path: str | Path) -> object:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    """The table writer (full precision, formula injection neutralised: raw values land here)."""
    write_table_csv(df, path)
