"""k-anonymity of the record-level release data (issue 17).

A record's k is the number of distinct persons sharing its combination of quasi-identifiers
(:data:`QUASI_IDENTIFIERS`: what an acquaintance or a second data set could know about a
returnee); the release reports the share of records with k below ``disclosure.min_cell_size``
for the data as released (``internal/``, dates to month; also at year resolution) and, for
comparison, for the exact-date pooled records before coarsening (never released).
"""

from __future__ import annotations

import pandas as pd

from reintegration.data.coarsen import day_level_columns

#: Quasi-identifiers: what an acquaintance or a second data set could know about a returnee.
QUASI_IDENTIFIERS = ("country", "sex", "age_band", "return_month", "return_type")
#: The record columns the quasi-identifiers are made of.
QUASI_SOURCES = ("country", "sex", "age", "return_date", "return_type")
#: The columns k-anonymity reads: those, the person and a "not estimable" status.
SOURCE_COLUMNS = (*QUASI_SOURCES, "person_key", "status", "reason")
#: Age bands (lower bounds, years): the analyses need no finer age.
AGE_BANDS = (0, 18, 25, 35, 45, 55, 65)
#: Resolutions of the return date in the k-anonymity table.
DATE_FORMATS = {"exact": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def age_band(age: pd.Series) -> pd.Series:
    """``"18-24"``, ``"25-34"``, ... ``"65+"``; missing stays missing."""
    edges = [*AGE_BANDS, float("inf")]
    labels = [f"{lo}-{hi - 1}" for lo, hi in zip(AGE_BANDS, AGE_BANDS[1:], strict=False)]
    labels.append(f"{AGE_BANDS[-1]}+")
    age = pd.to_numeric(age, errors="coerce")
    return pd.cut(age, edges, right=False, labels=labels).astype("string")


def quasi_identifiers(records: pd.DataFrame, *, dates: str = "month") -> pd.DataFrame:
    """The quasi-identifier columns of ``records``: age banded; return date as the exact day
    (``dates="exact"``: the pooled records before coarsening), its month or its year."""
    if dates not in DATE_FORMATS:
        raise ValueError(f"`dates` must be one of {list(DATE_FORMATS)}; got {dates!r}")
    missing = [c for c in QUASI_SOURCES if c not in records]
    if missing:
        raise ValueError(f"records lack quasi-identifier column(s) {missing}")
    ret = pd.to_datetime(records["return_date"], errors="coerce")
    ret = ret.dt.strftime(DATE_FORMATS[dates])
    out = pd.DataFrame(
        {
            "country": records["country"],
            "sex": records["sex"],
            "age_band": age_band(records["age"]),
            "return_month": ret,
            "return_type": records["return_type"],
        }
    )
    return out.astype("string").fillna("<missing>")


def k_anonymity(
    records: pd.DataFrame, *, k: int = 5, dates: str = "month", person: str = "person_key"
) -> dict:
    """Share of records whose quasi-identifier combination (:data:`QUASI_IDENTIFIERS`) is
    shared by fewer than ``k`` persons.

    A record's k is the number of distinct persons (``person`` column; each record its own
    person when absent) with the same combination; several records of one person count once.
    Returns ``records, persons, classes, records_k_below, share_k_below, persons_unique``.
    """
    if k < 1:
        raise ValueError(f"`k` must be a positive integer; got {k!r}")
    qi = quasi_identifiers(records, dates=dates)
    who = records[person].astype("string") if person in records else pd.Series(range(len(qi)))
    key = pd.util.hash_pandas_object(qi, index=False).to_numpy()
    frame = pd.DataFrame({"class": key, "person": who.to_numpy()})
    size = frame.groupby("class")["person"].nunique()
    record_k = frame["class"].map(size)
    below = int((record_k < k).sum())
    return {
        "records": len(frame),
        "persons": int(frame["person"].nunique()),
        "classes": len(size),
        "records_k_below": below,
        "share_k_below": below / len(frame) if len(frame) else float("nan"),
        "persons_unique": int((size == 1).sum()),
    }


def k_anonymity_table(
    datasets: dict[str, pd.DataFrame],
    *,
    k: int = 5,
    before_coarsening: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """:func:`k_anonymity` of each released ``{name: records}`` and, on exact dates, of each
    ``before_coarsening`` table (column ``data``: ``released`` / ``before coarsening``).

    A released table is measured at the resolutions its return dates allow: month and year
    (coarsened data), exact as well while they still hold days. A dataset its stage wrote as
    "not estimable" (columns ``status``/``reason``, no records) gets one row carrying that
    status and reason instead of measures.
    """
    rows = []
    for name in sorted(datasets):
        data = datasets[name]
        if "status" in data.columns and data["status"].eq("not estimable").any():
            reason = f"{name} not built: {data['reason'].iloc[0]}"
            rows.append(
                {"dataset": name, "data": "released", "k": k, "status": "not estimable"}
                | {"reason": reason}
            )
            continue
        exact = "return_date" in data and bool(day_level_columns(data[["return_date"]]))
        for dates in [d for d in DATE_FORMATS if exact or d != "exact"]:
            res = k_anonymity(data, k=k, dates=dates)
            rows.append({"dataset": name, "data": "released", "return_date": dates, "k": k} | res)
    for name in sorted(before_coarsening or {}):
        res = k_anonymity(before_coarsening[name], k=k, dates="exact")
        rows.append(
            {"dataset": name, "data": "before coarsening", "return_date": "exact", "k": k} | res
        )
    out = pd.DataFrame(rows)
    out.insert(3, "quasi_identifiers", " + ".join(QUASI_IDENTIFIERS))
    return out
