"""Helpers to edit copies of the codebook in tests (imported by test modules)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def edit_table(directory: Path, table: str, edit) -> None:
    """Apply ``edit(df) -> df`` to one codebook CSV (all cells as text)."""
    path = directory / f"{table}.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(df).to_csv(path, index=False, lineterminator="\n")


def line_of(directory: Path, table: str, **match) -> int:
    """1-based file line of the first row matching all ``column=value`` pairs (header = 1)."""
    df = pd.read_csv(directory / f"{table}.csv", dtype=str, keep_default_na=False)
    mask = pd.Series(True, index=df.index)
    for col, value in match.items():
        mask &= df[col] == value
    return int(df.index[mask][0]) + 2
