"""Reading one value out of a Chapter III table for the reproduction rows."""

from __future__ import annotations

import numpy as np
import pandas as pd


def get(df: pd.DataFrame, value: str, **where) -> float:
    if value not in df.columns or not set(where) <= set(df.columns):
        return float("nan")
    mask = pd.Series(True, index=df.index)
    for k, v in where.items():
        mask &= df[k] == v
    sub = df.loc[mask, value]
    if len(sub) != 1:
        return float("nan")
    x = sub.iloc[0]
    return float("nan") if pd.isna(x) else float(x)


def fmt(x: float, digits: int = 3) -> str:
    return "NA" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.{digits}f}"
