"""The reproduction check: each published number beside the value this run produced.

The comparisons are data (config/published/checks.csv, see :mod:`reintegration.published`);
:func:`evaluate` turns a chapter's rows into reproduction rows with the chapter's named
quantity extractors (``chapterN/quantities.py``). A release-level rule concatenates the parts
into ``tables/reproduction.csv`` (columns :data:`COLUMNS`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

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


# --- the engine: checks.csv rows evaluated into reproduction rows ---------------------------


@dataclass(frozen=True)
class Quantity:
    """A named quantity extractor of a chapter (``chapterN/quantities.py``).

    ``fn(tables, ctx, tolerance=[...], **where) -> Value``; ``label`` is the row's quantity text
    (a template over the ``where`` arguments, ``{key}`` and ``{finding}``); ``tables`` the input
    tables it reads: when one is not estimable the row reads "not computed: <reason>".
    """

    fn: Callable[..., Value]
    label: str
    tables: tuple[str, ...]


@dataclass
class Value:
    """An extracted value; ``shown`` is the reproduced text of a check row (None: the number),
    ``n`` the denominator of a share, ``extra`` more fields for the ``why`` text."""

    value: object
    shown: str | None = None
    n: float | None = None
    extra: dict = field(default_factory=dict)


def _all(values, test) -> bool:
    values = values if isinstance(values, (list, tuple)) else [values]
    return len(values) > 0 and all(test(v) for v in values)


def _diff(value, published) -> float:
    try:
        d = float(value) - float(published)
    except (TypeError, ValueError):
        return float("nan")
    return d


def _within(value, published, tol) -> tuple[bool, dict]:
    d = _diff(value, published)
    return (not math.isnan(d)) and abs(d) <= tol, {"tol": tol}


def _relative(value, published, t, v) -> tuple[bool, dict]:
    return _within(value, published, max(t[0] * abs(float(published)), *t[1:2], 0.0))


def _binomial(value, published, t, v) -> tuple[bool, dict]:
    n, p = v.n or 0, float(published)
    se = 0.0 if n <= 0 or math.isnan(p) else math.sqrt(max(p * (1 - p), 0.0) / n)
    tol = t[0] + t[1] * se
    holds, fields = _within(value, published, tol)
    return holds, {**fields, "n": int(n)}


def _within_se(value, published, t, v) -> tuple[bool, dict]:
    est, se = published[0], published[1]
    holds, fields = _within(value, est, t[0] * se)
    z = abs(_diff(value, est)) / se if se else float("nan")
    miss = ""
    if not holds:
        far = f"MISS (> {t[1]:g} SE)" if z > t[1] else f"outside {t[0]:g} SE but within {t[1]:g} SE"
        miss = f"; {far}: {z:.1f} SE"
    return holds, {**fields, "se": se, "z": z, "miss": miss}


def _rank(value, published, t, v) -> tuple[bool, dict]:
    if isinstance(value, (list, tuple)):
        return set(value) == {str(x) for x in t}, {}
    return value in t or str(value) in {str(x) for x in t}, {}


#: The comparators of checks.csv's ``compare`` column: (value, published, tolerance, Value) ->
#: (holds, fields for the ``why`` text). ``holds`` is a named extractor's own condition
#: (compound statements), its thresholds still in the ``tolerance`` column.
COMPARATORS: dict[str, Callable] = {
    "exact": lambda x, p, t, v: (
        _within(x, p, 0.0) if isinstance(p, (int, float)) and v.shown is None else (x == p, {})
    ),
    "within_absolute": lambda x, p, t, v: _within(x, p, t[0]),
    "within_relative": _relative,
    "within_se": _within_se,
    "binomial": _binomial,
    "in_range": lambda x, p, t, v: (_all(x, lambda y: t[0] <= y <= t[1]), {}),
    "below": lambda x, p, t, v: (_all(x, lambda y: y < t[0]), {}),
    "above": lambda x, p, t, v: (_all(x, lambda y: y > t[0]), {}),
    "rank": _rank,
    "holds": lambda x, p, t, v: (bool(x), {}),
}


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


class _Fields(dict):
    """The fields of a ``why`` text; one an extractor could not give (not computed) reads NA."""

    def __missing__(self, key: str) -> str:
        return "NA"


def evaluate_check(check: dict, *, quantity: Quantity, tables, ctx, targets, finding_text):
    """One expanded checks.csv row as a reproduction row (standard columns)."""
    from reintegration.estimable import reason_of
    from reintegration.published import published_value, tolerance_values, where_args

    args = where_args(targets, check)
    tol = tolerance_values(check["tolerance"])
    published = published_value(targets, check)
    reason = next(
        (r for name in quantity.tables if (r := reason_of(tables.get(name))) is not None), None
    )
    if reason is None:
        value = quantity.fn(tables, ctx, tolerance=tol, **args)
    else:
        value = Value(float("nan"), n=0)
    holds, fields = COMPARATORS[check["compare"]](value.value, published, tol, value)
    shown_published = published[0] if check["compare"] == "within_se" else published
    text = dict(args, key=check["key"], finding=finding_text.get(check["finding"], ""))
    text["published"] = shown_published
    why = check["why"]
    why, _, if_missed = why.partition("{if_missed}")
    if if_missed and not holds:
        why += if_missed
    rule = why.format_map(_Fields({**text, **fields, **value.extra}))
    label = quantity.label.format_map(text)
    if value.shown is None:
        row = numeric_row(
            check["section"],
            label,
            published=shown_published,
            reproduced=value.value,
            tolerance=0.0,
            tolerance_rule=rule,
        )
        row["within_tolerance"] = bool(holds) and not _nan(value.value)
    else:
        row = check_row(
            check["section"],
            label,
            published=shown_published,
            reproduced=value.shown,
            holds=holds,
            rule=rule,
        )
    return not_computed([row], reason)[0]


def evaluate(
    checks: pd.DataFrame, *, quantities: dict[str, Quantity], tables: dict, ctx, targets: dict
) -> pd.DataFrame:
    """The rows of checks.csv whose quantity is in ``quantities``, evaluated in file order."""
    from reintegration.published import all_findings, expand

    text = all_findings(targets)
    rows = []
    for row in checks.to_dict("records"):
        if row["quantity"] not in quantities:
            continue
        for check in expand(targets, row):
            rows.append(
                evaluate_check(
                    check,
                    quantity=quantities[row["quantity"]],
                    tables=tables,
                    ctx=ctx,
                    targets=targets,
                    finding_text=text,
                )
            )
    return to_table(rows)
