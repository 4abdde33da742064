"""The panel dataset: returnees with two or more dated post-return RSS (STUDY.md §7).

Rules (stated here, tested in tests/chapter3/test_panel.py):

* sample: ``record_type == "rss"`` records of the panel countries (config ``panel.countries``),
  every survey round (baseline, monitoring, end of assistance, and ``follow_up``, the 2020
  phone survey); records without an interview date cannot be ordered and are dropped (with a
  :class:`RowsDroppedWarning`);
* persons (``person_key``) with a ``follow_up`` record (the 2020 follow-up survey, by phone or
  in person, linked to the person's earlier RSS) when ``require_follow_up`` (default; the study's
  panel is the 2020 follow-up linked to the RSS case files), and with at least ``min_records``
  dated records; ``first`` = earliest
  interview date, ``last`` = latest (same-day ties broken by survey-round order, then
  ``record_id``); ``days_between`` = last minus first interview date in days;
* ``mentored`` = ``orion_mentee`` is True on any record of the person (missing counts as
  not True);
* baseline covariates: ``sex`` and ``age`` of the first record (sex: first non-missing),
  ``female`` = sex is female; programmes ``assist_<x>`` = True on any of the person's records
  (the phone survey carries no assistance, so this is in effect the RSS case files);
* the phone-survey merge: every phone respondent (``survey_round == "follow_up"``) of a panel
  country must match an earlier dated RSS record of the same ``person_key``. The share of
  unmatched phone respondents per country must not exceed ``max_unmatched_phone_share``
  (default 0: every phone respondent links), otherwise :class:`PanelMatchError`.

``person_key`` never leaves this module: the panel carries a release-local sequential
``panel_id`` (STUDY.md §8).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reintegration.stats import RowsDroppedWarning, check_columns

__all__ = [
    "DIMENSIONS",
    "INDICATOR_ITEMS",
    "NONRESPONSE",
    "PHONE_ROUND",
    "PanelMatchError",
    "PanelResult",
    "build_panel",
    "panel_long",
    "phone_match_report",
    "programme_columns",
    "table4",
]

DIMENSIONS = ("economic", "social", "psychosocial", "composite")
PHONE_ROUND = "follow_up"
ROUND_ORDER = {"baseline": 0, "monitoring": 1, "end_of_assistance": 2, PHONE_ROUND: 3}
NONRESPONSE = ("dont_know", "refused", "not_applicable")
#: Items whose answers the chapter's indicator figures (24-28) and Morocco figures use.
INDICATOR_ITEMS = (
    "eco_satisfaction",
    "eco_food_insecurity",
    "eco_borrow_ability",
    "eco_borrow_frequency",
    "eco_working",
    "eco_job_search",
    "psy_social_activities",
    "psy_remigration_need",
)
REQUIRED = (
    "person_key",
    "record_type",
    "country",
    "survey_round",
    "interview_date",
    "orion_mentee",
    "sex",
    "age",
)


class PanelMatchError(ValueError):
    """Phone-survey records do not link to earlier RSS records as expected."""


@dataclass(frozen=True)
class PanelResult:
    panel: pd.DataFrame
    match: pd.DataFrame


def score_column(dimension: str) -> str:
    return f"score_{dimension}"


def programme_columns(df: pd.DataFrame) -> list[str]:
    """The ``assist_<x>`` indicator columns present (``assist_none`` excluded), in order."""
    return [c for c in df.columns if c.startswith("assist_") and c != "assist_none"]


def _check_countries(records: pd.DataFrame, countries: Sequence[str]) -> list[str]:
    countries = [countries] if isinstance(countries, str) else list(countries)
    if not countries:
        raise ValueError("`countries` must list at least one ISO3 country code")
    present = sorted(map(str, records["country"].dropna().unique()))
    unknown = [c for c in countries if c not in present]
    if unknown:
        raise ValueError(
            f"panel countries {unknown!r} have no records; countries present: {present!r}"
        )
    return countries


def _dated_rss(records: pd.DataFrame, countries: Sequence[str], context: str) -> pd.DataFrame:
    rss = records.loc[
        (records["record_type"] == "rss") & records["country"].isin(list(countries))
    ].copy()
    rss["interview_date"] = pd.to_datetime(rss["interview_date"])
    undated = int(rss["interview_date"].isna().sum())
    if undated:
        warnings.warn(
            f"{context}: dropped {undated} of {len(rss)} RSS records without an interview date "
            "(they cannot be ordered in time)",
            RowsDroppedWarning,
            stacklevel=3,
        )
    rss = rss.loc[rss["interview_date"].notna()]
    rss["_round_order"] = rss["survey_round"].map(ROUND_ORDER).fillna(len(ROUND_ORDER))
    sort = ["person_key", "interview_date", "_round_order"]
    if "record_id" in rss.columns:
        sort.append("record_id")
    return rss.sort_values(sort, kind="stable").reset_index(drop=True)


def phone_match_report(
    records: pd.DataFrame,
    *,
    countries: Sequence[str],
    max_unmatched_share: float | None = 0.0,
) -> pd.DataFrame:
    """Link each phone-survey respondent to an earlier RSS record of the same person.

    Expected pattern: every follow-up respondent (distinct ``person_key`` with a
    ``follow_up`` record: the 2020 survey, by phone or in person) in ``countries`` has a
    dated RSS record of another round dated before the follow-up. Returns one row per
    country: ``country, follow_up_respondents, phone_respondents (interview_mode phone),
    matched, unmatched, unmatched_share, max_unmatched_share, holds``.
    Raises :class:`PanelMatchError` when a country's unmatched share exceeds
    ``max_unmatched_share`` (``None``: report only, never raise).
    """
    check_columns(records, REQUIRED)
    countries = [countries] if isinstance(countries, str) else list(countries)
    rss = _dated_rss(records, countries, "phone_match_report")
    is_phone = rss["survey_round"] == PHONE_ROUND
    phone = rss.loc[is_phone].groupby("person_key", sort=True)["interview_date"].max()
    other = rss.loc[~is_phone].groupby("person_key", sort=True)["interview_date"].min()
    country = rss.groupby("person_key", sort=True)["country"].first()
    earlier = other.reindex(phone.index)
    matched = (earlier.notna() & (earlier < phone)).rename("matched")
    if "interview_mode" in rss.columns:
        by_phone = rss.loc[is_phone & (rss["interview_mode"] == "phone"), "person_key"].unique()
    else:
        by_phone = phone.index
    rows = []
    for c in countries:
        m = matched[country.reindex(matched.index) == c]
        n = len(m)
        unmatched = int((~m).sum())
        share = unmatched / n if n else 0.0
        holds = max_unmatched_share is None or share <= max_unmatched_share + 1e-12
        rows.append(
            {
                "country": c,
                "follow_up_respondents": n,
                "phone_respondents": int(m.index.isin(by_phone).sum()),
                "matched": n - unmatched,
                "unmatched": unmatched,
                "unmatched_share": share,
                "max_unmatched_share": max_unmatched_share,
                "holds": bool(holds),
            }
        )
    report = pd.DataFrame(rows)
    bad = report.loc[~report["holds"]]
    if len(bad):
        detail = "; ".join(
            f"{r.country}: {r.unmatched} of {r.follow_up_respondents} follow-up respondents without an "
            f"earlier RSS record ({r.unmatched_share:.1%})"
            for r in bad.itertuples()
        )
        raise PanelMatchError(
            "phone-survey merge: expected every follow-up (phone survey) respondent to link to an earlier RSS "
            f"record of the same person (unmatched share <= {max_unmatched_share}); {detail}"
        )
    return report


def build_panel(
    records: pd.DataFrame,
    *,
    countries: Sequence[str] = ("GIN", "SEN"),
    min_records: int = 2,
    max_unmatched_phone_share: float | None = 0.0,
    require_follow_up: bool = True,
    items: Sequence[str] = INDICATOR_ITEMS,
) -> PanelResult:
    """One row per panel returnee: first and last record, days between, mentored, covariates.

    Parameters
    ----------
    records : DataFrame
        Pooled release records (``records.parquet``: scores.parquet columns + ``person_key``).
    countries : sequence of str
        ISO3 codes of the panel countries.
    min_records : int
        Minimum number of dated post-return RSS per person (>= 2).
    max_unmatched_phone_share : float or None
        Largest allowed share of follow-up respondents without an earlier RSS (see
        :func:`phone_match_report`).
    require_follow_up : bool
        Keep only persons with a ``follow_up`` (2020 survey) record.
    items : sequence of str
        Item columns whose canonical answers are kept for the first and last record.

    Returns
    -------
    PanelResult
        ``panel``: ``panel_id, country, mentored, n_records, first_round, last_round,
        days_between, sex, female, age, assist_*, score_<dim>_first/_last,
        <item>_first/_last`` (sorted by country, first interview date, person);
        ``match``: the phone-survey match report.
    """
    if int(min_records) != min_records or min_records < 2:
        raise ValueError(f"`min_records` must be an integer >= 2; got {min_records!r}")
    check_columns(records, REQUIRED)
    countries = _check_countries(records, countries)
    scores = [score_column(d) for d in DIMENSIONS]
    items = [i for i in items if i in records.columns]
    check_columns(records, scores)
    match = phone_match_report(
        records, countries=countries, max_unmatched_share=max_unmatched_phone_share
    )
    rss = _dated_rss(records, countries, "build_panel")
    size = rss.groupby("person_key", sort=True).size()
    keep = size.index[size >= min_records]
    if require_follow_up:
        followed = rss.loc[rss["survey_round"] == PHONE_ROUND, "person_key"].unique()
        keep = keep[keep.isin(followed)]
    rss = rss.loc[rss["person_key"].isin(keep)]
    grouped = rss.groupby("person_key", sort=True)
    first = grouped.head(1).set_index("person_key")
    last = grouped.tail(1).set_index("person_key")
    n_country = grouped["country"].nunique()
    if (n_country > 1).any():
        warnings.warn(
            f"build_panel: {int((n_country > 1).sum())} person(s) have records in more than one "
            "country; the first record's country is used",
            UserWarning,
            stacklevel=2,
        )
    out = _person_columns(rss, first, last, size, scores=scores, items=items)
    out["_first_date"] = first["interview_date"]
    out = out.rename_axis("person_key").reset_index()
    out = out.sort_values(_content_order(out), kind="stable")
    out = out.drop(columns=["person_key", "_first_date"]).reset_index(drop=True)
    out.insert(0, "panel_id", np.arange(1, len(out) + 1, dtype=np.int64))
    return PanelResult(panel=out, match=match)


def _person_columns(rss, first, last, size, *, scores, items) -> pd.DataFrame:
    """The panel's columns per person (index person_key) from the first and last record."""
    programmes = programme_columns(rss)
    out = pd.DataFrame(index=first.index)
    out["country"] = first["country"].astype(str)
    mentee = rss["orion_mentee"].astype("boolean").fillna(False).astype(bool)
    out["mentored"] = mentee.groupby(rss["person_key"]).any().reindex(out.index).astype(bool)
    out["n_records"] = size.reindex(out.index).astype(int)
    out["first_round"] = first["survey_round"].astype("string")
    out["last_round"] = last["survey_round"].astype("string")
    out["days_between"] = (last["interview_date"] - first["interview_date"]).dt.days.astype(int)
    sex = rss.dropna(subset=["sex"]).groupby("person_key", sort=True)["sex"].first()
    out["sex"] = sex.reindex(out.index).astype("string")
    out["female"] = (out["sex"] == "female").astype("boolean").mask(out["sex"].isna())
    out["age"] = pd.to_numeric(first["age"], errors="coerce").astype(float)
    for col in programmes:
        flag = rss[col].astype("boolean").fillna(False).astype(bool)
        out[col] = flag.groupby(rss["person_key"]).any().reindex(out.index).astype(bool)
    for col in scores:
        out[f"{col}_first"] = pd.to_numeric(first[col], errors="coerce").astype(float)
        out[f"{col}_last"] = pd.to_numeric(last[col], errors="coerce").astype(float)
    for col in items:
        out[f"{col}_first"] = first[col].astype("string")
        out[f"{col}_last"] = last[col].astype("string")
    return out


def _content_order(out: pd.DataFrame) -> list[str]:
    """Sort keys giving ``panel_id`` by content: country, first date, then the row's data.

    The release-scoped ``person_key`` comes last, so it only orders rows identical in every
    value (swapping those changes no statistic). Random procedures over ``panel_id``
    (randomisation inference, bootstrap over persons) are then the same under any release
    name or pseudonym key (issue 18).
    """
    data = [c for c in out.columns if c not in ("country", "_first_date", "person_key")]
    return ["country", "_first_date", *data, "person_key"]


def panel_long(
    panel: pd.DataFrame, *, dimension: str, complete: bool = True, extra: Sequence[str] = ()
) -> pd.DataFrame:
    """Two rows per person (``post`` 0 = first, 1 = last) with ``score`` of ``dimension``.

    ``treated`` = mentored (0/1). With ``complete=True`` persons lacking the score at either
    record are dropped (with a :class:`RowsDroppedWarning`), so that the 2x2 and the
    change-score DiD use the same balanced persons.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"`dimension` must be one of {list(DIMENSIONS)!r}; got {dimension!r}")
    col = score_column(dimension)
    base = panel[["panel_id", "country", "mentored", *extra]].copy()
    base["treated"] = base["mentored"].astype(int)
    y0 = panel[f"{col}_first"].astype(float)
    y1 = panel[f"{col}_last"].astype(float)
    if complete:
        ok = y0.notna() & y1.notna()
        if not ok.all():
            warnings.warn(
                f"panel_long[{dimension}]: dropped {int((~ok).sum())} of {len(ok)} persons "
                "without the score at both the first and the last record",
                RowsDroppedWarning,
                stacklevel=2,
            )
        base, y0, y1 = base.loc[ok], y0.loc[ok], y1.loc[ok]
    pre = base.assign(post=0, score=y0.to_numpy())
    post = base.assign(post=1, score=y1.to_numpy())
    long = pd.concat([pre, post], ignore_index=True)
    return long.sort_values(["panel_id", "post"], kind="stable").reset_index(drop=True)


def table4(panel: pd.DataFrame, *, min_cell: int) -> pd.DataFrame:
    """Table 4: returnees, mentored (ORION) count and share, mean days first to last, per
    country and in total. Shares and means of fewer than ``min_cell`` persons are suppressed."""
    from reintegration.stats import suppress_small_cells

    rows = []
    groups = [(c, panel.loc[panel["country"] == c]) for c in sorted(panel["country"].unique())]
    groups.append(("all", panel))
    for country, g in groups:
        rows.append(
            {
                "country": country,
                "n": len(g),
                "returnees": len(g),
                "mentored": int(g["mentored"].sum()),
                "mentored_share": float(g["mentored"].mean()) if len(g) else np.nan,
                "mean_days_between": float(g["days_between"].mean()) if len(g) else np.nan,
            }
        )
    table = pd.DataFrame(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return suppress_small_cells(
            table,
            count_col="n",
            value_cols=["mentored_share", "mean_days_between"],
            min_count=min_cell,
        )
