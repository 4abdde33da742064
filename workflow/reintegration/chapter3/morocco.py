"""Morocco snapshot (indicative only): descriptives of the RSS responses and the score change
of the few persons with two dated surveys (Figures 29-31).

* responses: one per returnee (the study's "24 survey responses"): the person's latest dated
  RSS record other than the 2020 follow-up (the follow-up only when it is their sole record);
* change cases: as the panel (``require_follow_up``, default): persons with a 2020
  ``follow_up`` record and an earlier dated RSS; change = last (the follow-up) minus first
  (earliest), per dimension. With ``require_follow_up=False``: every person with two or
  more dated records;
* disclosure control: every statistic rests on ``n`` persons/responses and is suppressed
  (NA, ``suppressed = True``) when ``n < min_cell``; answer counts below ``min_cell`` too.
Every table carries ``indicative = True``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from reintegration.chapter3.descriptives import indicator_flag
from reintegration.chapter3.panel import DIMENSIONS, NONRESPONSE, ROUND_ORDER, score_column
from reintegration.stats import CellsSuppressedWarning, check_columns, suppress_small_cells
from reintegration.stats.disclosure import protect_counts

__all__ = ["MOROCCO_ITEMS", "morocco_snapshot"]

#: Items of Figures 30-31 (work / satisfaction) and the looking-for-work statement.
MOROCCO_ITEMS = ("eco_working", "eco_satisfaction", "eco_job_search")


def _suppress(table: pd.DataFrame, count_col: str, cols: list[str], min_cell: int) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CellsSuppressedWarning)
        return suppress_small_cells(table, count_col=count_col, value_cols=cols, min_count=min_cell)


def _protect_summary(summary: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Disclosure gate (issue 17): a share and its complement (``n`` minus the persons
    counted) both need ``min_cell`` persons; other statistics need ``n >= min_cell``."""
    share = summary["statistic"].str.startswith("share_")
    summary["_count"] = (summary["value"] * summary["n"]).round().where(share, 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CellsSuppressedWarning)
        out = protect_counts(
            summary, min_cell=min_cell, row=["statistic"], count="_count", share="value",
            name="chapter3_morocco_summary",
        )  # fmt: skip
    return out.drop(columns="_count")


def morocco_snapshot(
    records: pd.DataFrame,
    *,
    definitions: Mapping,
    country: str = "MAR",
    min_cell: int,
    require_follow_up: bool = True,
) -> dict[str, pd.DataFrame]:
    """Tables ``summary``, ``answers`` and ``change`` (see the module docstring);
    ``definitions``: the codebook's Chapter III indicators (:func:`.descriptives.indicator_flag`)."""
    check_columns(records, ["person_key", "record_type", "country", "interview_date"])
    present = sorted(map(str, records["country"].dropna().unique()))
    if country not in present:
        raise ValueError(f"`country`={country!r} has no records; countries present: {present!r}")
    rss = records.loc[(records["record_type"] == "rss") & (records["country"] == country)].copy()
    rss["interview_date"] = pd.to_datetime(rss["interview_date"])
    latest = _latest_responses(rss)
    out = {
        "summary": _protect_summary(_summary(latest, definitions), min_cell),
        "answers": _answers(latest, min_cell),
        "change": _change(rss, min_cell, require_follow_up),
    }
    for t in out.values():
        t.insert(0, "country", country)
        t["indicative"] = True
    return out


def _latest_responses(rss: pd.DataFrame) -> pd.DataFrame:
    """One response per person: the latest record, the follow-up only when it is the sole one."""
    rss = rss.copy()
    rss["_r"] = rss["survey_round"].map(ROUND_ORDER).fillna(len(ROUND_ORDER))
    order = ["person_key", "_fu", "interview_date", "_r"]
    order += ["record_id"] if "record_id" in rss else []
    rss["_fu"] = rss["survey_round"] == "follow_up"
    rss = rss.sort_values(order, ascending=[True, False] + [True] * (len(order) - 2), kind="stable")
    return rss.groupby("person_key", sort=True).tail(1)


def _summary(rss: pd.DataFrame, definitions: Mapping) -> pd.DataFrame:
    """Responses, persons, mean scores and indicator shares (before disclosure control)."""
    summary = [
        {"statistic": "responses", "n": len(rss), "value": float(len(rss))},
        {"statistic": "persons", "n": len(rss), "value": float(rss["person_key"].nunique())},
    ]
    for dim in DIMENSIONS:
        x = pd.to_numeric(rss[score_column(dim)], errors="coerce").dropna()
        summary.append(
            {
                "statistic": f"mean_score_{dim}",
                "n": len(x),
                "value": float(x.mean()) if len(x) else np.nan,
            }
        )
    for ind in ("satisfied_economic", "working", "looking_for_work"):
        item = definitions[ind][0]
        if item in rss:
            f = indicator_flag(rss[item], ind, definitions=definitions).dropna()
            summary.append(
                {
                    "statistic": f"share_{ind}",
                    "n": len(f),
                    "value": float(f.mean()) if len(f) else np.nan,
                }
            )
    if {"eco_working", "eco_job_search"} <= set(rss.columns):
        answered = indicator_flag(rss["eco_working"], "working", definitions=definitions).notna()
        idle = (rss["eco_working"] == "no") & (rss["eco_job_search"] == "yes")
        summary.append(
            {
                "statistic": "share_not_working_and_looking",
                "n": int(answered.sum()),
                "value": float(idle[answered].mean()) if answered.any() else np.nan,
            }
        )
    return pd.DataFrame(summary)


def _answers(rss: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Answer counts and shares of the Morocco items, small cells protected."""
    answers = []
    for item in MOROCCO_ITEMS:
        if item not in rss:
            continue
        a = rss[item].astype("string")
        a = a[a.notna() & ~a.isin(list(NONRESPONSE))]
        n = len(a)
        for answer, c in sorted(a.value_counts().items()):
            answers.append(
                {"item": item, "answer": answer, "n": n, "count": int(c), "share": c / n}
            )
    answers = pd.DataFrame(answers, columns=["item", "answer", "n", "count", "share"])
    with warnings.catch_warnings():  # issue 17: "no" = 23 - 22 must not come back
        warnings.simplefilter("ignore", CellsSuppressedWarning)
        return protect_counts(
            answers, min_cell=min_cell, row=["item"], col="answer", block=["item"],
            name="chapter3_morocco_answers",
        )  # fmt: skip


def _change(all_records: pd.DataFrame, min_cell: int, require_follow_up: bool) -> pd.DataFrame:
    """Indicative change first to last dated record, per dimension."""
    dated = all_records.loc[all_records["interview_date"].notna()].copy()
    dated["_r"] = dated["survey_round"].map(ROUND_ORDER).fillna(len(ROUND_ORDER))
    sort = ["person_key", "interview_date", "_r"] + (["record_id"] if "record_id" in dated else [])
    dated = dated.sort_values(sort, kind="stable")
    size = dated.groupby("person_key").size()
    keep = size.index[size >= 2]
    if require_follow_up:
        keep = keep[keep.isin(dated.loc[dated["survey_round"] == "follow_up", "person_key"])]
    dated = dated.loc[dated["person_key"].isin(keep)]
    g = dated.groupby("person_key", sort=True)
    first, last = g.head(1).set_index("person_key"), g.tail(1).set_index("person_key")
    change = []
    for dim in DIMENSIONS:
        col = score_column(dim)
        y0 = pd.to_numeric(first[col], errors="coerce")
        y1 = pd.to_numeric(last[col].reindex(y0.index), errors="coerce")
        ok = y0.notna() & y1.notna()
        d = (y1 - y0)[ok]
        change.append(
            {
                "dimension": dim,
                "n": int(ok.sum()),
                "mean_first": float(y0[ok].mean()) if ok.any() else np.nan,
                "mean_last": float(y1[ok].mean()) if ok.any() else np.nan,
                "mean_change": float(d.mean()) if ok.any() else np.nan,
            }
        )
    change = pd.DataFrame(change)
    change.insert(1, "change_cases", len(first))
    return _suppress(change, "n", ["mean_first", "mean_last", "mean_change"], min_cell)
