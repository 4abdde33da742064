"""Retrospective comparison: pre-migration conditions vs the first post-return RSS.

Cases: persons of the panel countries with a pre-migration record (``record_type ==
"premigration"``, items ``pre_<item>`` scored as ``pre_<item>_score``) and a dated
post-return RSS record; "after" is the person's earliest dated RSS record (any round).
A person with several pre-migration records keeps the first by interview date, then
record id (counted in the warning). Pre-migration records without an RSS record of the same
person are left out with a :class:`RowsDroppedWarning`.

Tests per item (:func:`retrospective_tests`): McNemar (exact / chi-squared with continuity
correction, automatic) for binary items (yes/no lists), Wilcoxon signed-rank (Pratt zero
handling) on the item scores for ordinal items. Answers are recalled (before) vs current
(after): a limitation the report names (fn 24).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from reintegration.chapter3.panel import NONRESPONSE
from reintegration.stats import (
    CellsSuppressedWarning,
    RowsDroppedWarning,
    check_columns,
    mcnemar_test,
    paired_ordinal_test,
)
from reintegration.stats.disclosure import protect_counts, protect_means

__all__ = [
    "binary_items_from_codebook",
    "build_retrospective",
    "pre_items",
    "retrospective_distributions",
    "retrospective_tests",
]


def pre_items(records: pd.DataFrame) -> list[str]:
    """Post-return item names that have a pre-migration counterpart with a score column."""
    items = []
    for col in records.columns:
        if col.startswith("pre_") and not col.endswith("_score"):
            item = col[len("pre_") :]
            if f"{col}_score" in records.columns and f"{item}_score" in records.columns:
                items.append(item)
    return items


def binary_items_from_codebook(codebook_dir) -> list[str]:
    """Items whose choice list is a yes/no list (scored 0/1): tested with McNemar."""
    from pathlib import Path

    v = pd.read_csv(Path(codebook_dir) / "variables.csv", dtype=str, keep_default_na=False)
    rss = v.loc[v["module"] == "rss"]
    return sorted(rss.loc[rss["list_name"].str.startswith("yes_no"), "name"])


def _first_by_date(df: pd.DataFrame) -> pd.DataFrame:
    sort = ["person_key", "interview_date"] + (["record_id"] if "record_id" in df else [])
    return df.sort_values(sort, kind="stable", na_position="last").groupby("person_key").head(1)


def build_retrospective(
    records: pd.DataFrame, *, countries: Sequence[str] = ("GIN", "SEN")
) -> pd.DataFrame:
    """One row per case: ``retro_id, country, <item>_before, <item>_after,
    <item>_score_before, <item>_score_after`` for each item with a pre-migration module."""
    check_columns(records, ["person_key", "record_type", "country", "interview_date"])
    countries = [countries] if isinstance(countries, str) else list(countries)
    items = pre_items(records)
    if not items:
        raise ValueError("records carry no pre_<item> columns with scores")
    recs = records.loc[records["country"].isin(countries)].copy()
    recs["interview_date"] = pd.to_datetime(recs["interview_date"])
    pre = recs.loc[recs["record_type"] == "premigration"]
    n_pre = len(pre)
    pre = _first_by_date(pre)
    if len(pre) < n_pre:
        warnings.warn(
            f"build_retrospective: {n_pre - len(pre)} extra pre-migration record(s) of persons "
            "with more than one were left out (first kept)",
            RowsDroppedWarning,
            stacklevel=2,
        )
    post = recs.loc[(recs["record_type"] == "rss") & recs["interview_date"].notna()]
    post = _first_by_date(post).set_index("person_key")
    pre = pre.set_index("person_key")
    linked = pre.index.intersection(post.index)
    if len(linked) < len(pre):
        warnings.warn(
            f"build_retrospective: {len(pre) - len(linked)} of {len(pre)} pre-migration "
            "record(s) have no dated post-return RSS record of the same person",
            RowsDroppedWarning,
            stacklevel=2,
        )
    pre, post = pre.loc[linked], post.loc[linked]
    out = pd.DataFrame(index=linked)
    out["country"] = post["country"].astype(str)
    out["after_round"] = post["survey_round"].astype("string") if "survey_round" in post else pd.NA
    for item in items:
        out[f"{item}_before"] = pre[f"pre_{item}"].astype("string")
        out[f"{item}_after"] = post[item].astype("string")
        out[f"{item}_score_before"] = pd.to_numeric(
            pre[f"pre_{item}_score"], errors="coerce"
        ).astype(float)
        out[f"{item}_score_after"] = pd.to_numeric(post[f"{item}_score"], errors="coerce").astype(
            float
        )
    out["_date"] = post["interview_date"]
    out = out.rename_axis("person_key").reset_index()
    out = out.sort_values(["country", "_date", "person_key"], kind="stable")
    out = out.drop(columns=["person_key", "_date"]).reset_index(drop=True)
    out.insert(0, "retro_id", np.arange(1, len(out) + 1, dtype=np.int64))
    return out


def _items(retro: pd.DataFrame) -> list[str]:
    return [c[: -len("_score_before")] for c in retro.columns if c.endswith("_score_before")]


def retrospective_tests(
    retro: pd.DataFrame, *, binary_items: Sequence[str] = (), min_cell: int
) -> pd.DataFrame:
    """Per item and scope (pooled and each country): n pairs, mean score before/after, the
    mean change, and the paired test (McNemar for ``binary_items``, else Wilcoxon)."""
    binary = set(binary_items)
    rows = []
    scopes = ["all", *sorted(retro["country"].unique())]
    for item in _items(retro):
        for scope in scopes:
            sub = retro if scope == "all" else retro.loc[retro["country"] == scope]
            b, a = f"{item}_score_before", f"{item}_score_after"
            pair = sub[[b, a]].dropna()
            n = len(pair)
            row = {
                "item": item,
                "dimension": {"eco": "economic", "soc": "social", "psy": "psychosocial"}.get(
                    item[:3], ""
                ),
                "country": scope,
                "n": n,
                "mean_before": float(pair[b].mean()) if n else np.nan,
                "mean_after": float(pair[a].mean()) if n else np.nan,
            }
            row["mean_change"] = row["mean_after"] - row["mean_before"]
            if n >= 2:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RowsDroppedWarning)
                    if item in binary:
                        t = mcnemar_test(pair, before=b, after=a).iloc[0]
                    else:
                        t = paired_ordinal_test(pair, before=b, after=a).iloc[0]
                row.update(
                    test=t["method"], statistic=float(t["statistic"]), p_value=float(t["p_value"])
                )
            else:
                row.update(test="", statistic=np.nan, p_value=np.nan)
            rows.append(row)
    out = pd.DataFrame(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CellsSuppressedWarning)
        return protect_means(  # issue 17: the pooled row must not give a country back
            out, min_cell=min_cell, row=["country"], block=["item"], totals={"country": "all"},
            values=["mean_before", "mean_after", "mean_change", "statistic", "p_value"],
            name="chapter3_retrospective_tests",
        )  # fmt: skip


def retrospective_distributions(
    retro: pd.DataFrame, *, items: Sequence[str] | None = None, min_cell: int
) -> pd.DataFrame:
    """Answer distribution before and after per item and country (and ``all``), over the
    cases answering the item at both times; non-response left out. ``n`` = cases in the
    denominator, ``count`` = cases giving the answer; counts below ``min_cell`` suppressed."""
    items = _items(retro) if items is None else list(items)
    rows = []
    scopes = ["all", *sorted(retro["country"].unique())]
    for item in items:
        for scope in scopes:
            sub = retro if scope == "all" else retro.loc[retro["country"] == scope]
            b, a = sub[f"{item}_before"], sub[f"{item}_after"]
            ok = b.notna() & a.notna() & ~b.isin(list(NONRESPONSE)) & ~a.isin(list(NONRESPONSE))
            n = int(ok.sum())
            for time, answers in (("before", b[ok]), ("after", a[ok])):
                counts = answers.value_counts(sort=False)
                for answer in sorted(set(b[ok]) | set(a[ok])):
                    c = int(counts.get(answer, 0))
                    rows.append(
                        {
                            "item": item,
                            "country": scope,
                            "time": time,
                            "answer": answer,
                            "n": n,
                            "count": c,
                            "share": c / n if n else np.nan,
                        }
                    )
    out = pd.DataFrame(rows, columns=["item", "country", "time", "answer", "n", "count", "share"])
    # disclosure gate (issue 17): small counts and denominators, and whatever the margins
    # (answers summing to n, countries to "all") would give back
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CellsSuppressedWarning)
        return protect_counts(
            out, min_cell=min_cell, row=["country"], col="answer", split="time", block=["item"],
            totals={"country": "all"}, name="chapter3_retrospective_distributions",
        )  # fmt: skip
