"""The record-level validation rules of cleaning: each a mask of records and a reason per record.

Reasons name the column and the rule; they quote a value only when it has the codebook's
expected shape (a parsed date, a whole number), never a raw cell as typed, so that no raw value
(a phone number typed into Age) reaches ``quarantine.csv`` or anything built from it.
"""

from __future__ import annotations

import pandas as pd

from reintegration.data.dates import per_distinct
from reintegration.data.labels import map_values
from reintegration.text import normalise

PREMIGRATION_REQUIRED = ("case_id", "country")
COUNTRY_HINT = "config/codebook/choices.csv, list_name countries, column variants"


def fmt(dates: pd.Series) -> pd.Series:
    """Dates as ``YYYY-MM-DD`` text (NA stays NA), each distinct date formatted once."""
    return per_distinct(dates, lambda d: d.dt.strftime("%Y-%m-%d").astype("string"))


def years_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Whole years from ``start`` to ``end`` (age at a date), NA when either is missing."""
    years = end.dt.year - start.dt.year
    before_birthday = (end.dt.month < start.dt.month) | (
        (end.dt.month == start.dt.month) & (end.dt.day < start.dt.day)
    )
    return (years - before_birthday.astype("Int64")).astype("Int64")


class Findings:
    """Rule hits in rule order: a record lists every rule it breaks, ``rule`` is the first."""

    def __init__(self, index: pd.Index):
        self.index = index
        self.items: list[tuple[str, pd.Series, pd.Series]] = []

    def add(self, code: str, mask: pd.Series, reason) -> None:
        mask = mask.reindex(self.index).fillna(False).astype(bool)
        if not isinstance(reason, pd.Series):
            reason = pd.Series(reason, index=self.index, dtype="string")
        # only the reasons of the records hit are kept (a reason is text for every record)
        self.items.append((code, mask, reason.astype("string")[mask.to_numpy()]))

    def combine(self) -> tuple[pd.Series, pd.Series]:
        """``(rules, reasons)``: ``"CODE;CODE;"`` and ``"reason. reason. "`` per record."""
        rules = pd.Series("", index=self.index, dtype="string")
        reasons = pd.Series("", index=self.index, dtype="string")
        for code, mask, reason in self.items:
            hit = self.index[mask.to_numpy()]
            rules.loc[hit] = rules.loc[hit] + code + ";"
            reasons.loc[hit] = reasons.loc[hit] + reason.reindex(hit).fillna("") + ". "
        return rules, reasons


class _Joined:
    """Several reasons of one rule per record, joined by ``"; "``."""

    def __init__(self, index: pd.Index):
        self.text = pd.Series("", index=index, dtype="string")

    def flag(self, mask: pd.Series, text) -> None:
        mask = mask.fillna(False).astype(bool)
        self.text = self.text.where(~mask, self.text + text + "; ")

    def mask(self) -> pd.Series:
        return self.text != ""

    def reason(self) -> pd.Series:
        return self.text.str.rstrip("; ")


def missing_required(rec: pd.DataFrame, out: pd.DataFrame, variables: pd.DataFrame) -> tuple:
    """``MISSING_REQUIRED``: an empty raw cell of a ``required=yes`` variable (pre-migration
    records: case id and country only). An unparseable date or unknown country is its own
    rule, not a missing value."""
    is_pre = rec["record_type"] == "premigration"
    required = variables.index[variables["required"] == "yes"].tolist()
    names = _Joined(rec.index)
    for var in required:
        if var == "case_id":
            missing = out["person_id"].isna()
        elif var in rec:
            raw = rec[var].astype("string")
            blank = {u: not normalise(u) for u in raw.dropna().unique()}
            missing = raw.isna() | map_values(raw, blank).fillna(True).astype(bool)
        else:
            missing = pd.Series(True, index=rec.index)
        missing = missing.astype(bool)
        if var not in PREMIGRATION_REQUIRED:
            missing &= ~is_pre
        names.flag(missing, var)
    return names.mask(), "required field(s) empty: " + names.text.str.rstrip("; ").str.replace(
        "; ", ", "
    )


def unknown_country(mask: pd.Series) -> tuple:
    """``UNKNOWN_COUNTRY``: the label is not quoted (it may be anything typed)."""
    return mask, f"country label is not in the countries list (to accept it: {COUNTRY_HINT})"


def impossible_dates(
    out: pd.DataFrame,
    date_vars: list[str],
    *,
    wave: str,
    end: pd.Timestamp,
    end_source: str,
    earliest_date: str,
) -> tuple:
    """``IMPOSSIBLE_DATE``: birth after interview or return; any date after the wave's upper
    bound; return or interview before ``earliest_date``."""
    hits = _Joined(out.index)
    dob, ret, itv = (out.get(v) for v in ("date_of_birth", "return_date", "interview_date"))
    if dob is not None:
        for var, col in (("interview_date", itv), ("return_date", ret)):
            if col is not None:
                hits.flag(dob > col, "date_of_birth " + fmt(dob) + f" is after {var} " + fmt(col))
    for var in date_vars:
        hits.flag(out[var] > end, f"{var} " + fmt(out[var]) + f" is after {end_source}")
    earliest = pd.Timestamp(earliest_date)
    for var, col in (("return_date", ret), ("interview_date", itv)):
        if col is not None:
            hits.flag(
                col < earliest,
                f"{var} " + fmt(col) + f" is before {earliest_date} (cleaning.earliest_date)",
            )
    return hits.mask(), hits.reason()


def interview_before_return(out: pd.DataFrame) -> tuple | None:
    ret, itv = out.get("return_date"), out.get("interview_date")
    if ret is None or itv is None:
        return None
    return itv < ret, "interview_date " + fmt(itv) + " is before return_date " + fmt(ret)


def age_out_of_range(age: pd.Series, age_range: tuple[int, int]) -> tuple:
    lo, hi = age_range
    return (
        (age < lo) | (age > hi),
        "age " + age.astype("string") + f" is outside [{lo}, {hi}] (cleaning.age_range)",
    )


def age_dob_mismatch(
    given: pd.Series, out: pd.DataFrame, tolerance: float
) -> tuple[pd.Series, pd.Series] | None:
    """``AGE_DOB_MISMATCH``: a given age and the age at interview from the date of birth
    differ by more than ``tolerance`` years (both values, parsed, in the reason)."""
    dob, itv = out.get("date_of_birth"), out.get("interview_date")
    if dob is None or itv is None:
        return None
    derived = years_between(dob, itv)
    mismatch = (given - derived).abs() > tolerance
    reason = (
        "age "
        + given.astype("string")
        + " and date_of_birth "
        + fmt(dob)
        + " disagree: age at interview_date "
        + fmt(itv)
        + " is "
        + derived.astype("string")
        + f" (tolerance {tolerance:g} year(s), cleaning.age_dob_tolerance_years)"
    )
    return mismatch, reason
