"""Deterministic writers: parquet without index, sorted JSON, csv with ``\\n`` line ends.

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

from reintegration.io import atomic_write


def write_parquet(df: pd.DataFrame, path: str | Path) -> None:
    """Write ``df`` with pyarrow (no index; the schema metadata holds no time or path)."""
    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


def read_parquet(path: str | Path) -> pd.DataFrame:
    return pd.read_parquet(path)


def write_json(obj: object, path: str | Path) -> None:
    text = json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def read_json(path: str | Path) -> object:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    atomic_write(
        path, lambda tmp: df.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    )
