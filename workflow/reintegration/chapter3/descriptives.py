"""Panel descriptives: mean scores first/last (Figures 15-18), indicator shares over time
(Figures 24-28 and the economic-satisfaction finding) and the baseline balance table."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from reintegration.chapter3.panel import DIMENSIONS, NONRESPONSE, programme_columns, score_column
from reintegration.stats import (
    CellsSuppressedWarning,
    RowsDroppedWarning,
    group_means,
    standardised_differences,
    suppress_small_cells,
)
from reintegration.stats.disclosure import protect_counts

__all__ = [
    "balance_table",
    "group_label",
    "indicator_flag",
    "indicator_shares",
    "score_means",
]

TIMES = ("first", "last")


def group_label(mentored: pd.Series) -> pd.Series:
    """'mentored' / 'not mentored' labels (the keys of figures.style.GROUP_COLOURS)."""
    return mentored.map({True: "mentored", False: "not mentored"}).astype("string")


def indicator_flag(answers: pd.Series, indicator: str, *, definitions: Mapping) -> pd.Series:
    """1.0 / 0.0 for an answer counted / not counted by ``indicator``; NaN for non-response
    (don't know, refused, not applicable) and missing answers, left out of the denominator.
    ``definitions``: indicator name -> (item, answers counted as "yes", report figure), the
    codebook's indicators.csv (``load_labels(codebook).indicators("chapter3")``)."""
    if indicator not in definitions:
        raise ValueError(f"`indicator` must be one of {list(definitions)!r}; got {indicator!r}")
    _, yes, _ = definitions[indicator]
    a = answers.astype("string")
    flag = a.isin(list(yes)).astype(float)
    return flag.mask(a.isna() | a.isin(list(NONRESPONSE)))


def _with_pooled(panel: pd.DataFrame) -> pd.DataFrame:
    both = panel.assign(country="all")
    return pd.concat([panel, both], ignore_index=True)


def score_means(panel: pd.DataFrame, *, min_cell: int, conf_level: float = 0.95) -> pd.DataFrame:
    """Mean score per country (and ``all``), group, dimension and time (first/last), with
    t intervals; cells of fewer than ``min_cell`` persons suppressed."""
    data = _with_pooled(panel)
    data["group"] = group_label(data["mentored"])
    parts = []
    for dim in DIMENSIONS:
        for time in TIMES:
            col = f"{score_column(dim)}_{time}"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RowsDroppedWarning)
                m = group_means(data, value=col, by=["country", "group"], conf_level=conf_level)
            parts.append(m.assign(dimension=dim, time=time))
    out = pd.concat(parts, ignore_index=True)
    out = out[
        ["country", "group", "dimension", "time", "n", "mean", "sd", "se", "conf_low", "conf_high"]
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CellsSuppressedWarning)
        out = suppress_small_cells(
            out,
            count_col="n",
            value_cols=["mean", "sd", "se", "conf_low", "conf_high"],
            min_count=min_cell,
        )
    return _sort(out, ["country", "dimension", "group", "time"])


def _sort(df: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    order = {
        "country": lambda s: s.map(lambda c: (c == "all", c)),
        "dimension": lambda s: s.map({d: i for i, d in enumerate(DIMENSIONS)}),
        "time": lambda s: s.map({t: i for i, t in enumerate(TIMES)}),
    }
    df = df.copy()
    tmp = []
    for k in keys:
        if k in order:
            df[f"_{k}"] = order[k](df[k])
            tmp.append(f"_{k}")
        else:
            tmp.append(k)
    return (
        df.sort_values(tmp, kind="stable")
        .drop(columns=[t for t in tmp if t.startswith("_")])
        .reset_index(drop=True)
    )


def indicator_shares(
    panel: pd.DataFrame,
    *,
    definitions: Mapping,
    indicators: Sequence[str] | None = None,
    min_cell: int,
    by_group: bool = True,
) -> pd.DataFrame:
    """Share of persons with each indicator (of ``definitions``, see :func:`indicator_flag`;
    ``indicators``: a selection, default all) at the first and the last record, per country
    (and ``all``) and group (and ``all``). ``n`` = persons answering the item."""
    indicators = list(definitions) if indicators is None else list(indicators)
    data = _with_pooled(panel)
    data["group"] = group_label(data["mentored"])
    if by_group:
        data = pd.concat([data, data.assign(group="all")], ignore_index=True)
    else:
        data["group"] = "all"
    rows = []
    for ind in indicators:
        item, yes, figure = definitions.get(ind, (None, None, None))
        if item is None:
            raise ValueError(f"unknown indicator {ind!r}; allowed: {list(definitions)!r}")
        for time in TIMES:
            col = f"{item}_{time}"
            if col not in data.columns:
                continue
            flag = indicator_flag(data[col], ind, definitions=definitions)
            frame = data[["country", "group"]].assign(flag=flag)
            g = frame.groupby(["country", "group"], sort=True)["flag"]
            agg = g.agg(n="count", count="sum", share="mean").reset_index()
            agg["indicator"] = ind
            agg["item"] = item
            agg["answers_counted"] = "|".join(yes)
            agg["figure"] = figure
            agg["time"] = time
            rows.append(agg)
    out = pd.concat(rows, ignore_index=True)
    out["count"] = out["count"].astype(int)
    out = out[
        [
            "indicator",
            "item",
            "answers_counted",
            "figure",
            "country",
            "group",
            "time",
            "n",
            "count",
            "share",
        ]
    ]
    with warnings.catch_warnings():  # disclosure gate, issue 17
        warnings.simplefilter("ignore", CellsSuppressedWarning)
        out = protect_counts(
            out, min_cell=min_cell, row=["country", "group"], block=["indicator", "time"],
            totals={"country": "all", "group": "all"}, name="chapter3_indicator_shares",
        )  # fmt: skip
    out = _sort(out, ["country", "group", "time"])
    out["_i"] = out["indicator"].map({k: i for i, k in enumerate(indicators)})
    return out.sort_values("_i", kind="stable").drop(columns="_i").reset_index(drop=True)


def balance_table(panel: pd.DataFrame, *, min_cell: int) -> pd.DataFrame:
    """Baseline balance of mentored vs not mentored, per country and pooled: standardised
    differences of the first-record scores, age, sex, programmes and days between records
    (|std_diff| > 0.1 flags imbalance). Groups of fewer than ``min_cell`` are suppressed."""
    data = panel.copy()
    data["female"] = data["female"].astype(float)
    covariates = [f"{score_column(d)}_first" for d in DIMENSIONS]
    covariates += ["age", "female", "days_between", *programme_columns(data)]
    data["group"] = group_label(data["mentored"])
    parts = []
    for country in [*sorted(data["country"].unique()), "all"]:
        sub = data if country == "all" else data.loc[data["country"] == country]
        if sub["group"].nunique() < 2:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RowsDroppedWarning)
            sd = standardised_differences(
                sub,
                group="group",
                treated="mentored",
                control="not mentored",
                covariates=covariates,
            )
        parts.append(sd.assign(country=country))
    out = pd.concat(parts, ignore_index=True)
    out["n"] = out[["n_treated", "n_control"]].min(axis=1)
    out["imbalanced"] = out["std_diff"].abs() > 0.1
    out = out[
        [
            "country",
            "covariate",
            "n_treated",
            "n_control",
            "n",
            "mean_treated",
            "mean_control",
            "sd_pooled",
            "std_diff",
            "imbalanced",
        ]
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CellsSuppressedWarning)
        out = suppress_small_cells(
            out,
            count_col="n",
            value_cols=["mean_treated", "mean_control", "sd_pooled", "std_diff"],
            min_count=min_cell,
        )
    out["imbalanced"] = out["imbalanced"].where(~out["suppressed"], np.nan)
    return out.reset_index(drop=True)
