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
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from reintegration.io import atomic_write, write_json
from reintegration.io import write_csv as write_table_csv

__all__ = ["read_json", "read_parquet", "write_csv", "write_json", "write_parquet"]


def write_parquet(df: pd.DataFrame, path: str | Path) -> None:
    """Write ``df`` with pyarrow (no index; the schema metadata holds no time or path)."""
    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


def read_parquet(path: str | Path) -> pd.DataFrame:
    return pd.read_parquet(path)


def read_json(path: str | Path) -> object:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    """The table writer (full precision, formula injection neutralised: raw values land here)."""
    write_table_csv(df, path)
