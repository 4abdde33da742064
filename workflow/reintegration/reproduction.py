"""The reproduction check: each published number beside the value this run produced.

Each chapter writes its own rows with these helpers; a release-level rule concatenates the
parts into ``tables/reproduction.csv`` (columns :data:`COLUMNS`).
"""

from __future__ import annotations

import math

import pandas as pd

COLUMNS = [
    "section",
    "quantity",
    "published",
    "reproduced",
    "difference",
    "within_tolerance",
    "tolerance_rule",
]


def numeric_row(
    section: str,
    quantity: str,
    *,
    published: float,
    reproduced: float,
    tolerance: float,
    tolerance_rule: str,
) -> dict:
    """A numeric comparison: within tolerance when |reproduced - published| <= tolerance.

    ``tolerance_rule`` says in words why the tolerance is what it is (e.g. "2 published SE").
    A missing reproduced value is never within tolerance.
    """
    missing = reproduced is None or (isinstance(reproduced, float) and math.isnan(reproduced))
    difference = float("nan") if missing else float(reproduced) - float(published)
    return {
        "section": section,
        "quantity": quantity,
        "published": published,
        "reproduced": reproduced,
        "difference": difference,
        "within_tolerance": (not missing) and abs(difference) <= tolerance,
        "tolerance_rule": tolerance_rule,
    }


def check_row(
    section: str, quantity: str, *, published: str, reproduced: str, holds: bool, rule: str
) -> dict:
    """A qualitative finding turned into an explicit check (sign, rank, tier membership...)."""
    return {
        "section": section,
        "quantity": quantity,
        "published": published,
        "reproduced": reproduced,
        "difference": float("nan"),
        "within_tolerance": bool(holds),
        "tolerance_rule": rule,
    }


def to_table(rows: list[dict]) -> pd.DataFrame:
    """Rows as a table with the standard columns, in the order given."""
    return pd.DataFrame(rows, columns=COLUMNS)


def combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate chapter parts; raise if a part lacks the standard columns."""
    for part in parts:
        missing = [c for c in COLUMNS if c not in part.columns]
        if missing:
            raise ValueError(f"reproduction part lacks columns {missing}; expected {COLUMNS}")
    return pd.concat([p[COLUMNS] for p in parts], ignore_index=True)


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Per section: rows, rows within tolerance, share."""
    grouped = table.groupby("section", sort=False)["within_tolerance"]
    out = grouped.agg(rows="size", within="sum").reset_index()
    out["share_within"] = out["within"] / out["rows"]
    return out


NOT_COMPUTED = "not computed: "


def not_computed(rows: list[dict], reason: str | None) -> list[dict]:
    """``rows`` with ``reproduced = "not computed: <reason>"`` when ``reason`` is given.

    The published side (quantity, published value, rule) stays, so the reader sees what the
    release could not check and why; such a row is never within tolerance.
    """
    if reason is None:
        return rows
    for row in rows:
        row.update(
            reproduced=NOT_COMPUTED + reason, difference=float("nan"), within_tolerance=False
        )
    return rows
