"""The Chapter II analysis dataset: one record per returnee, countries with enough records.

Sample rule (STUDY.md §7, report fn 11 and 14):

1. RSS records only (``record_type == "rss"``; pre-migration records are not interviews);
2. one record per returnee (``person_key``): the end-of-assistance interview (the latest
   one when there are several), else the latest interview; ties broken by wave, then
   ``record_id``, so the choice never depends on row order;
3. countries with **more than** ``min_records`` returnees (the report: "more than 50 data
   points"); the others (Morocco in the study) are counted and left out.

The analysis table drops ``person_key`` and ``record_id`` (STUDY.md §8: nothing under a
release names a person); each returnee gets a release-local ``returnee_id`` (1..n in order
of country, interview date and the pooled key) that links the two tables written here.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from reintegration.stats import RowsDroppedWarning, check_columns

from .labels import PUBLISHED_PROGRAMMES, Labels

__all__ = [
    "END_OF_ASSISTANCE",
    "KEY_COLUMNS",
    "PROGRAMME_REFERENCE",
    "analysis_variables",
    "build_cross_country",
    "choose_returnees",
    "count_by_country",
    "programmes_long",
    "select_returnee_records",
]

END_OF_ASSISTANCE = "end_of_assistance"
#: The reference level of the published specification's programme factor.
PROGRAMME_REFERENCE = "Other or none"
SCORES = ["score_economic", "score_social", "score_psychosocial", "score_composite"]
REQUIRED = [
    "person_key",
    "record_type",
    "country",
    "sex",
    "age",
    "return_date",
    "interview_date",
    "survey_round",
]


def select_returnee_records(records: pd.DataFrame, **options) -> pd.DataFrame:
    """One record per person: the rows of :func:`returnee_positions` (``options`` are its
    keywords), sorted by person; rows with no person are dropped with a
    :class:`~reintegration.stats.RowsDroppedWarning`."""
    return records.iloc[returnee_positions(records, **options)]


def returnee_positions(
    records: pd.DataFrame,
    *,
    person: str = "person_key",
    round_col: str = "survey_round",
    date: str = "interview_date",
    preferred_round: str = END_OF_ASSISTANCE,
    record_type: str | None = "rss",
    tie_breakers: tuple[str, ...] = ("wave", "record_id"),
) -> np.ndarray:
    """Row positions of one record per ``person``: the latest ``preferred_round`` record, else
    the latest, in ``person`` order.

    Parameters
    ----------
    records : DataFrame
        Pooled records (any columns; ``person``, ``round_col``, ``date`` needed).
    record_type : str or None
        Keep only rows whose ``record_type`` equals this (None: keep every row).
    tie_breakers : tuple of str
        Further sort keys (those present in ``records``) that make the choice deterministic
        among records of the same person, round preference and date.
    """
    check_columns(records, [person, round_col, date])
    # The choice is made on the key columns (positions as index): the caller takes the rows,
    # one copy of the chosen rows, not six of every record (issue 16).
    tie = [c for c in tie_breakers if c in records.columns]
    kind = ["record_type"] if record_type is not None else []
    if kind:
        check_columns(records, kind)
    cols = list(dict.fromkeys([person, round_col, date, *kind, *tie]))
    data = records[cols].reset_index(drop=True)
    if record_type is not None:
        data = data[data["record_type"] == record_type]
    missing = data[person].isna()
    if missing.any():
        warnings.warn(
            f"select_returnee_records: dropped {int(missing.sum())} of {len(data)} records "
            f"with no {person}",
            RowsDroppedWarning,
            stacklevel=2,
        )
        data = data[~missing]
    data = data.assign(
        _preferred=(data[round_col] == preferred_round).fillna(False).astype(int),
        _date=pd.to_datetime(data[date]),
    )
    data = data.sort_values(
        [person, "_preferred", "_date", *tie], kind="stable", na_position="first"
    )
    chosen = data.groupby(person, sort=True).tail(1).sort_values(person, kind="stable")
    return chosen.index.to_numpy()


def count_by_country(
    chosen: pd.DataFrame,
    *,
    min_records: int,
    labels: Labels | None = None,
    country: str = "country",
    round_col: str = "survey_round",
) -> pd.DataFrame:
    """Returnees per country, whether the country is kept (``n > min_records``).

    Returns ``country, country_label, n, n_end_of_assistance, kept`` sorted by n descending
    (then country), the order of the report's footnote 14.
    """
    check_columns(chosen, [country, round_col])
    grouped = chosen.groupby(country, sort=True)
    out = pd.DataFrame(
        {
            "n": grouped.size(),
            "n_end_of_assistance": grouped[round_col].apply(
                lambda s: int((s == END_OF_ASSISTANCE).sum())
            ),
        }
    ).reset_index(names="country")
    out["country_label"] = [labels.country(c) if labels else c for c in out["country"]]
    out["kept"] = out["n"] > min_records
    out = out.sort_values(["n", "country"], ascending=[False, True], kind="stable")
    cols = ["country", "country_label", "n", "n_end_of_assistance", "kept"]
    return out[cols].reset_index(drop=True)


#: The columns the sample is chosen, counted and ordered on (those a file holds are read).
KEY_COLUMNS = [
    "person_key",
    "record_type",
    "country",
    "interview_date",
    "survey_round",
    "wave",
    "record_id",
]


def choose_returnees(
    keys: pd.DataFrame, *, min_records: int, labels: Labels
) -> tuple[np.ndarray, pd.DataFrame]:
    """Row positions in ``keys`` of the analysis sample, in its order, and the counts.

    The sample is one record per returnee (:func:`returnee_positions`) of the countries
    :func:`count_by_country` keeps, ordered by country, interview date and ``person_key``.
    ``keys`` needs only the :data:`KEY_COLUMNS` (``wave`` and ``record_id`` when present), so
    a stage chooses on a few columns and reads the chosen rows alone (issue 16).
    """
    order = ["country", "interview_date", "person_key"]
    check_columns(keys, [*order, "survey_round", "record_type"])
    chosen = returnee_positions(keys)
    picked = keys[[*order, "survey_round"]].iloc[chosen].reset_index(drop=True)
    counts = count_by_country(picked, min_records=min_records, labels=labels)
    kept = picked["country"].isin(set(counts.loc[counts["kept"], "country"]))
    picked = picked[kept].assign(interview_date=lambda k: pd.to_datetime(k["interview_date"]))
    picked = picked.sort_values(order, kind="stable")  # index: places in `chosen`
    return chosen[picked.index.to_numpy()], counts


def analysis_variables(rows: pd.DataFrame, *, labels: Labels) -> pd.DataFrame:
    """The chosen records (:func:`choose_returnees`, in its order) as the analysis table.

    Adds the regression variables: ``returnee_id`` (1..n in row order); ``country_label``;
    ``gender`` (codebook sex label, "Male"/"Female") and ``female`` (0/1); ``age`` (years at
    interview, as recorded); ``time`` = (interview date - return date) in days / 365.25;
    ``assist_*`` as 0/1 floats (missing when the record has no assistance answer, e.g. a
    phone-survey record); ``assistance_recorded``; ``n_types`` (assistance types other than
    "none") and ``n_published_programmes`` (of the six Annex 3 programmes). Drops
    ``person_key``, ``person_id``, ``record_id`` and ``record_key``.
    """
    check_columns(rows, REQUIRED)
    data = rows.reset_index(drop=True)
    data["interview_date"] = pd.to_datetime(data["interview_date"])
    data["return_date"] = pd.to_datetime(data["return_date"])
    data.insert(0, "returnee_id", np.arange(1, len(data) + 1, dtype="int64"))
    data["country_label"] = [labels.country(c) for c in data["country"]]
    data["gender"] = data["sex"].map(labels.choices["sex"]).astype("string")
    data["female"] = (data["sex"] == "female").astype("float64").where(data["sex"].notna())
    data["age"] = pd.to_numeric(data["age"], errors="coerce").astype("float64")
    days = (data["interview_date"] - data["return_date"]).dt.days
    data["time"] = days.astype("float64") / 365.25
    assist = [c for c in data.columns if c.startswith("assist_")]
    for col in assist:
        data[col] = data[col].astype("Float64").astype("float64")
    if assist:
        data["assistance_recorded"] = data[assist].notna().any(axis=1)
        types = [c for c in assist if c != "assist_none"]
        data["n_types"] = data[types].fillna(0).sum(axis=1).astype("int64")
        published = [f"assist_{p}" for p in PUBLISHED_PROGRAMMES if f"assist_{p}" in data]
        data["n_published_programmes"] = data[published].fillna(0).sum(axis=1).astype("int64")
    drop = [c for c in ("person_key", "person_id", "record_id", "record_key") if c in data.columns]
    data = data.drop(columns=drop)
    first = ["returnee_id", "country", "country_label", "gender", "female", "age", "time"]
    return data[first + [c for c in data.columns if c not in first]]


def build_cross_country(
    records: pd.DataFrame, *, min_records: int, labels: Labels
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The analysis dataset and the per-country counts: :func:`analysis_variables` of the
    records :func:`choose_returnees` picks.

    Returns
    -------
    (data, counts)
        ``data`` one row per returnee of a kept country, without ``person_key`` and
        ``record_id``; ``counts`` from :func:`count_by_country` over every country.
    """
    check_columns(records, REQUIRED)
    positions, counts = choose_returnees(records, min_records=min_records, labels=labels)
    return analysis_variables(records.iloc[positions], labels=labels), counts


def programmes_long(
    data: pd.DataFrame,
    *,
    labels: Labels,
    id_col: str = "returnee_id",
    programmes: tuple[str, ...] = PUBLISHED_PROGRAMMES,
    reference: str = PROGRAMME_REFERENCE,
) -> pd.DataFrame:
    """The returnee-programme table of the published specification.

    One row per returnee and each of ``programmes`` received (``assist_<value> == 1``); a
    returnee with none of them (or no assistance answer) has one row with
    ``program = reference``. So the table has ``sum(max(1, k_i))`` rows, k_i the number of
    listed programmes returnee i received.

    Returns ``row_id`` (release-local, 1..n), ``returnee_id``, ``programme`` (codebook value,
    or ``"reference"``), ``program`` (codebook label, or ``reference``).
    """
    cols = [f"assist_{p}" for p in programmes]
    check_columns(data, [id_col, *cols])
    received = data[cols].fillna(0).to_numpy(dtype=float) > 0.5
    ids = data[id_col].to_numpy()
    rows_id, rows_prog = [], []
    for j, prog in enumerate(programmes):
        rows_id.append(ids[received[:, j]])
        rows_prog.append(np.full(int(received[:, j].sum()), prog, dtype=object))
    none = ~received.any(axis=1)
    rows_id.append(ids[none])
    rows_prog.append(np.full(int(none.sum()), "reference", dtype=object))
    out = pd.DataFrame({id_col: np.concatenate(rows_id), "programme": np.concatenate(rows_prog)})
    order = {p: i for i, p in enumerate([*programmes, "reference"])}
    out["_o"] = out["programme"].map(order)
    out = out.sort_values([id_col, "_o"], kind="stable").drop(columns="_o")
    out["program"] = [
        reference if p == "reference" else labels.choices["assistance"][p] for p in out["programme"]
    ]
    out.insert(0, "row_id", np.arange(1, len(out) + 1, dtype="int64"))
    return out.reset_index(drop=True)
