"""Deterministic writers: the same data always give the same bytes.

Outputs are compared byte for byte between runs (STUDY.md §9), so every writer fixes what
libraries would otherwise vary: no index, no timestamps, stable float formatting, sorted keys.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

#: Permissions of every output: readable by the team, as a plain ``open()`` would make them
#: (mkstemp's temporary files are 0600). The pseudonym key file is the one exception (0600).
OUTPUT_MODE = 0o644


def atomic_write(path: str | Path, write: Callable[[str], None]) -> None:
    """Call ``write(temporary path)`` in the target's folder, then rename it onto ``path``.

    An interrupted job (killed, out of memory, disk full) never leaves a partial file under the
    output's name.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, OUTPUT_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def write_parquet(df: pd.DataFrame, path: str | Path) -> None:
    """Write a DataFrame as parquet without the pandas index and with fixed writer metadata."""
    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    # pandas metadata embeds library versions only; drop it for byte-stable files across runs.
    table = table.replace_schema_metadata(None)
    atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


def write_csv(df: pd.DataFrame, path: str | Path, *, float_format: str = "%.6g") -> None:
    """Write a tidy table as UTF-8 CSV, no index, LF line ends, fixed float format."""
    text = df.to_csv(index=False, lineterminator="\n", float_format=float_format)
    _atomic_write_bytes(Path(path), text.encode("utf-8"))


def write_json(obj: object, path: str | Path) -> None:
    """Write JSON with sorted keys and a trailing newline."""
    text = json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    _atomic_write_bytes(Path(path), text.encode("utf-8"))


def write_text(text: str, path: str | Path) -> None:
    _atomic_write_bytes(Path(path), text.encode("utf-8"))
