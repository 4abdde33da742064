"""No exact dates in the record-level release data (issue 17).

The pooled records the chapters compute from hold each returnee's exact return, interview and
mentoring-start dates; with country, sex and age they make almost every person unique. The
record-level datasets of a release (``internal/``) therefore carry dates at month resolution
only (``"2019-05"``, a string column), and the analysis variables the chapters derive from
exact dates, computed here *before* coarsening:

- ``years_since_return``: (interview date - return date) in days / 365.25, per record (the
  Chapter II regressor ``time``, STUDY.md §7);
- ``days_since_first_interview``: days from the person's first dated interview to this one
  (orders a person's records in time and gives the days between two of them, without
  saying when either took place).

Age stays in whole years as recorded (the regressions use it as a covariate; there is no date
of birth in the records). The exact-date pooled table is a working file of the pipeline, kept
outside the release like the per-wave data (README "Who may see what").
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: The resolution of every date in the record-level release data.
MONTH_FORMAT = "%Y-%m"
#: A value holding a calendar day (``2019-05-17``, with or without a time).
DAY_LEVEL = re.compile(r"^\d{4}-\d{2}-\d{2}")
DERIVED = ("years_since_return", "days_since_first_interview")


def date_columns(frame: pd.DataFrame) -> list[str]:
    """Columns holding dates: datetime dtypes, and text columns whose values are day-level
    dates (the ISO form pandas writes)."""
    return [c for c in frame.columns if is_date_column(frame[c])]


def is_date_column(column: pd.Series) -> bool:
    """A datetime column, or a text column whose values (at least one) are all day-level."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return True
    if column.dtype != object and not pd.api.types.is_string_dtype(column):
        return False
    values = column.dropna().astype(str)
    if not len(values) or not DAY_LEVEL.match(values.iloc[0]):  # most columns stop here
        return False
    return bool(values.str.match(DAY_LEVEL).all())


def date_evidence(column: pd.Series) -> tuple:
    """What :func:`is_date_column` of a subset of ``column``'s rows turns on, from one look at
    the whole column (pooling learns which rows it keeps only after it has read the columns):
    ``("datetime",)`` and ``("other",)`` decide any subset; for text ``("text", first,
    first_other)``, the positions of the first cell with a value and of the first whose value
    is not day-level (None when there is none). :func:`is_date_of_rows` decides from it."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return ("datetime",)
    if column.dtype != object and not pd.api.types.is_string_dtype(column):
        return ("other",)
    present = np.flatnonzero(column.notna().to_numpy())
    if not len(present):
        return ("text", None, None)
    values = column.iloc[present].astype(str)
    if not DAY_LEVEL.match(values.iloc[0]):
        return ("text", int(present[0]), int(present[0]))
    other = np.flatnonzero(~values.str.match(DAY_LEVEL).to_numpy(dtype=bool))
    return ("text", int(present[0]), int(present[other[0]]) if len(other) else None)


def is_date_of_rows(evidence: tuple, kept: np.ndarray) -> bool | None:
    """:func:`is_date_column` of the rows where ``kept`` (a boolean mask) is true, from the
    whole column's :func:`date_evidence`; None when it does not say (the rows it names are
    not kept): then the kept rows must be looked at."""
    if evidence[0] != "text":
        return evidence[0] == "datetime"
    _, first, first_other = evidence
    if first is None:  # no value anywhere
        return False
    if first_other is not None and kept[first_other]:  # a kept value that is not a day
        return False
    if first_other is None and kept[first]:  # every value a day, and one of them kept
        return True
    return None


def analysis_variables(person: pd.Series, interview: pd.Series, returned: pd.Series):
    """:data:`DERIVED` of each record (a table with ``person``'s index) from its person,
    interview date and return date (missing when a date is)."""
    when = pd.to_datetime(interview, errors="coerce")
    back = pd.to_datetime(returned, errors="coerce")
    first = when.groupby(person).transform("min")
    return pd.DataFrame(
        {
            "years_since_return": (when - back).dt.days.astype("float64") / 365.25,
            "days_since_first_interview": (when - first).dt.days.astype("Int64"),
        },
        index=person.index,
    )


def derive_analysis_variables(
    records: pd.DataFrame,
    *,
    person: str = "person_key",
    interview: str = "interview_date",
    returned: str = "return_date",
) -> pd.DataFrame:
    """``records`` with :data:`DERIVED` added (from the exact dates; missing when a date is)."""
    out = records.copy()
    derived = analysis_variables(out[person], out[interview], out[returned])
    for col in DERIVED:
        out[col] = derived[col]
    return out


def coarsen_dates(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """``frame`` with every date column (``columns``, default :func:`date_columns`) as its
    month, ``"YYYY-MM"`` (pooling names the columns of the whole table, coarsened a block at
    a time)."""
    out = frame.copy(deep=False)  # copy-on-write: the date columns are replaced, not altered
    for col in date_columns(out) if columns is None else columns:
        month = pd.to_datetime(out[col], errors="coerce").dt.strftime(MONTH_FORMAT)
        out[col] = month.astype("string")
    return out


def coarsen_records(records: pd.DataFrame) -> pd.DataFrame:
    """The record-level release table: analysis variables derived, then dates to month."""
    return coarsen_dates(derive_analysis_variables(records))


def day_level_columns(frame: pd.DataFrame) -> list[str]:
    """Columns of ``frame`` that still hold a calendar day (none after :func:`coarsen_dates`)."""
    return date_columns(frame)
