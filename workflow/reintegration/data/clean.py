"""Cleaning one wave: labels to values, typed dates and ages, validation rules, duplicates.

Every record of ``records.parquet`` ends in exactly one of: ``clean`` (kept), ``quarantine``
(with a rule code and a reason naming the column and the rule; a raw value is quoted only
when shaped as the codebook expects, a date or a number), or merged into an identical resubmission (listed in the
cleaning log). Answer labels not in the codebook fail the run (all of them listed, each with
file, sheet, row, column and the nearest known labels), except unknown countries, which
quarantine the record (rule ``UNKNOWN_COUNTRY``).

Quarantine rule codes, checked in this order (a record lists every rule it breaks; ``rule``
is the first):

- ``MISSING_REQUIRED``: a ``required=yes`` variable is empty (pre-migration records: case id
  and country only).
- ``INVALID_DATE``: a date cell that is no date (:mod:`reintegration.data.dates`: year-first,
  the file's day/month order, month names in English or French, Excel serials), or a day/month
  date whose order nothing tells.
- ``INVALID_NUMBER``: an age that is not a whole number of years (``26,0`` and ``26 ans`` are).
- ``UNKNOWN_COUNTRY``: a country label not in the ``countries`` list.
- ``IMPOSSIBLE_DATE``: birth after interview or return; any date after the wave's upper bound
  (its ``release.wave_dates`` delivery date, else the end of the month its folder name starts
  with: :func:`~reintegration.data.dates.wave_end`); return or interview before
  ``cleaning.earliest_date``.
- ``INTERVIEW_BEFORE_RETURN``: interview date before return date.
- ``AGE_OUT_OF_RANGE``: age (given, or derived from date of birth) outside ``cleaning.age_range``.
- ``AGE_DOB_MISMATCH``: a given age and the age at interview from the date of birth differ by
  more than ``cleaning.age_dob_tolerance_years``.
- ``DUPLICATE_CONFLICT``: records of the same person, type, interview date and survey round
  that differ in any answer (checked among records passing the rules above; all quarantined).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reintegration.codebook import Codebook
from reintegration.data import validate
from reintegration.data.dates import (
    date_shaped,
    file_date_order,
    number_shaped,
    order_votes,
    parse_dates,
    parse_numbers,
    wave_end,
)
from reintegration.data.extract import PROVENANCE
from reintegration.data.formats import FormatIndex
from reintegration.data.hashing import row_hashes
from reintegration.data.recode import CleaningLog, clip, column_names, select_columns
from reintegration.data.validate import Findings, fmt, years_between

RULES = (
    "MISSING_REQUIRED",
    "INVALID_DATE",
    "INVALID_NUMBER",
    "UNKNOWN_COUNTRY",
    "IMPOSSIBLE_DATE",
    "INTERVIEW_BEFORE_RETURN",
    "AGE_OUT_OF_RANGE",
    "AGE_DOB_MISMATCH",
    "DUPLICATE_CONFLICT",
)
QUARANTINE_COLUMNS = [
    "wave",
    "source_file",
    "source_sheet",
    "source_row",
    "source_format",
    "record_type",
    "record_id",
    "rule",
    "rules",
    "reason",
]


@dataclass
class CleanResult:
    clean: pd.DataFrame
    quarantine: pd.DataFrame
    log: pd.DataFrame
    duplicates_merged: int
    rows_read: int  # records cleaned (counted before the split, for the ledger)


def _date_columns(
    rec: pd.DataFrame, date_vars: list[str], formats: dict, log: CleaningLog
) -> tuple[pd.DataFrame, pd.Series]:
    """Parse every date column, file by file (each file has its own day/month order).

    Returns the parsed columns and, per record, the ``INVALID_DATE`` reason ("" when none).
    """
    parsed = pd.DataFrame(
        {v: pd.Series(pd.NaT, index=rec.index, dtype="datetime64[s]") for v in date_vars}
    )
    reason = pd.Series("", index=rec.index, dtype="string")
    if not date_vars:
        return parsed, reason
    orders = _file_orders(rec, date_vars, formats, log)
    for var in date_vars:
        raw = rec[var]
        cells = parse_dates(raw, orders)
        parsed[var] = cells.dates
        log.add("time_part_dropped", var, "date with time of day", "date",
                cells.time_dropped.sum())  # fmt: skip
        log.add("month_name_date", var, "month name", "date", cells.month_name.sum())
        if cells.excel.any():
            fixed = pd.DataFrame({"from": raw[cells.excel], "to": fmt(cells.dates[cells.excel])})
            for (f, t), count in fixed.value_counts(sort=True).items():
                log.add("excel_serial_date", var, f, t, count)
        if cells.invalid.any():
            bad = rec.index[cells.invalid.to_numpy()]
            shaped = date_shaped(raw[bad])
            for i in bad:
                reason.at[i] += _date_reason(var, raw.at[i], shaped.at[i], cells.ambiguous.at[i],
                                             orders.at[i], rec.at[i, "source_format"])  # fmt: skip
    return parsed, reason.str.rstrip("; ")


def _file_orders(rec: pd.DataFrame, date_vars: list[str], formats: dict, log: CleaningLog):
    """Each record's day/month order: its file's (:func:`file_date_order`), logged when the
    file's unambiguous dates override the format's order or disagree."""
    votes = [order_votes(rec[v]) for v in date_vars]
    tally = pd.DataFrame(
        {
            "day_first": sum(v[0].astype("int64") for v in votes),
            "month_first": sum(v[1].astype("int64") for v in votes),
        }
    )
    keys = [rec["source_file"], rec["source_sheet"], rec["source_format"]]
    orders = pd.Series("ymd", index=rec.index, dtype=object)
    for (file, sheet, fmt_name), group in tally.groupby(keys, sort=True):
        default = formats[fmt_name].date_order
        day_first, month_first = int(group["day_first"].sum()), int(group["month_first"].sum())
        order = file_date_order(default, day_first, month_first)
        orders.loc[group.index] = order
        where = file + (f" [sheet {sheet}]" if sheet else "")
        if order != default:
            log.add("date_order_from_file", where, default, order, day_first + month_first)
        elif day_first and month_first:
            log.add("date_order_conflict", where, f"{day_first} day-first, {month_first} "
                    "month-first", default, day_first + month_first)  # fmt: skip
    return orders


def _date_reason(var: str, value: str, shaped: bool, ambiguous: bool, order: str, fmt_name: str):
    shown = f"{var} {clip(str(value).strip())}" if shaped else f"{var} (value not shown)"
    if ambiguous:
        return (
            f"{shown} has no known day/month order (format {fmt_name} gives year-first dates "
            "and this file's day/month dates do not tell, or disagree); "
        )
    return f"{shown} is not a date ({order}); "


def _age(rec: pd.DataFrame, out: pd.DataFrame, log: CleaningLog):
    """Set ``out["age"]``: the given age, else the age at interview from the date of birth.
    Return the given age, the ``INVALID_NUMBER`` mask and its reasons."""
    if "age" not in rec:
        return (
            pd.Series(pd.NA, index=rec.index, dtype="Int64"),
            pd.Series(False, index=rec.index),
            pd.Series("", index=rec.index, dtype="string"),
        )
    given, invalid, reason = _age_column(rec, log)
    age = given
    if "date_of_birth" in out and "interview_date" in out:
        derived = years_between(out["date_of_birth"], out["interview_date"])
        use = age.isna() & derived.notna() & ~invalid
        log.add("age_from_date_of_birth", "age", "date_of_birth", "age at interview", use.sum())
        age = age.where(~use, derived)
    out["age"] = age
    return given, invalid, reason


def _age_column(rec: pd.DataFrame, log: CleaningLog) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``(age, invalid, reason)``: whole non-negative numbers, decimal comma and unit of
    years accepted (each logged); the raw cell is quoted only when shaped like a number."""
    cells = parse_numbers(rec["age"])
    v = cells.values
    whole = (v.notna() & (v % 1 == 0) & (v >= 0)).fillna(False).astype(bool)
    text = rec["age"].astype("string").str.strip()
    invalid = (text.notna() & (text != "") & ~whole).astype(bool)
    log.add("decimal_comma", "age", "26,0", "26", (cells.decimal_comma & whole).sum())
    for unit, count in cells.unit[whole].value_counts(sort=False).sort_index().items():
        log.add("unit_dropped", "age", f"number followed by {unit!r}", "number", count)
    shaped = number_shaped(rec["age"])
    reason = ("age " + text + " is not a whole number").where(
        shaped, "age (value not shown) is not a number"
    )
    return v.where(whole).astype("Int64"), invalid, reason


def clean_wave(
    records: pd.DataFrame,
    codebook: Codebook,
    *,
    wave: str,
    extract_report: dict | None = None,
    age_range: tuple[int, int] = (15, 80),
    earliest_date: str = "2000-01-01",
    wave_dates: dict | None = None,
    age_dob_tolerance_years: float = 1,
) -> CleanResult:
    """Clean one wave's extracted records; see the module docstring for the rules.

    Raises:
        ProblemsError: every answer label (other than country) not in the codebook.
        WaveDateError: the wave has no upper bound for its dates (:func:`wave_end`).
    """
    end = wave_end(wave, wave_dates)
    end_source = (
        f"{end:%Y-%m-%d}, the delivery date of wave {wave} (release.wave_dates)"
        if wave in (wave_dates or {})
        else f"the end of wave {wave}"
    )
    rec = records.reset_index(drop=True)
    variables = codebook.variables.set_index("name")
    formats = FormatIndex(codebook).formats
    log = CleaningLog()
    out = rec[PROVENANCE + ["person_id"]].copy()
    data_cols = [c for c in rec.columns if c in variables.index]

    # Case ids: how many spellings were canonicalised (no raw id is ever written here).
    n_canon = int(rec["case_id_canonicalised"].sum()) if "case_id_canonicalised" in rec else 0
    log.add("case_id_canonicalised", "case_id", "non-standard spelling", "canonical id", n_canon)

    # 1. Select variables (unknown labels other than countries stop the run).
    unknown_country = select_columns(
        rec, out, data_cols, variables, codebook, formats, log, column_names(extract_report), wave
    )

    # 2. Dates, file by file (each file has its own day/month order).
    date_vars = [v for v in data_cols if variables.at[v, "type"] == "date"]
    parsed, invalid_date = _date_columns(rec, date_vars, formats, log)
    for var in date_vars:
        out[var] = parsed[var]

    # 3. Age: a whole number, else derived from date of birth at the interview.
    given, invalid_number, number_reason = _age(rec, out, log)

    # orion_mentee as a boolean.
    if "orion_mentee" in out:
        out["orion_mentee"] = out["orion_mentee"].map({"yes": True, "no": False}).astype("boolean")

    # 4. Validation rules, in rule order.
    found = Findings(rec.index)
    found.add("MISSING_REQUIRED", *validate.missing_required(rec, out, variables))
    found.add("INVALID_DATE", invalid_date != "", invalid_date)
    found.add("INVALID_NUMBER", invalid_number, number_reason)
    found.add("UNKNOWN_COUNTRY", *validate.unknown_country(unknown_country))
    found.add(
        "IMPOSSIBLE_DATE",
        *validate.impossible_dates(
            out,
            date_vars,
            wave=wave,
            end=end,
            end_source=end_source,
            earliest_date=earliest_date,
        ),
    )
    before = validate.interview_before_return(out)
    if before is not None:
        found.add("INTERVIEW_BEFORE_RETURN", *before)
    if "age" in out:
        found.add("AGE_OUT_OF_RANGE", *validate.age_out_of_range(out["age"], age_range))
        mismatch = validate.age_dob_mismatch(given, out, age_dob_tolerance_years)
        if mismatch is not None:
            found.add("AGE_DOB_MISMATCH", *mismatch)
    rules, reasons = found.combine()
    del records, rec, found, parsed, given  # the raw text is freed when the caller's copy is
    return _finish(out, variables, rules, reasons, log)


def _conflicts(out, group: pd.Series, answer_cols, rules, reasons) -> None:
    """Quarantine every record of a conflicting group (``group``: record -> group), naming
    the others and the columns whose answers differ within the group."""
    if not len(group):
        return
    rows = out.loc[group.index]
    differ = {}  # group -> answer columns with more than one text in the group
    for c in answer_cols:
        distinct = rows[c].astype("string").fillna("<NA>").groupby(group).nunique()
        for key in distinct.index[distinct > 1]:
            differ.setdefault(key, []).append(c)
    where = {
        idx: f"{file} row {row}" + (f" [sheet {sheet}]" if sheet else "")
        for idx, file, row, sheet in zip(
            rows.index,
            rows["source_file"].tolist(),
            rows["source_row"].tolist(),
            rows["source_sheet"].tolist(),
            strict=True,
        )
    }
    quarantined, why = [], []
    for key, members in group.groupby(group).groups.items():
        columns = ", ".join(c for c in answer_cols if c in differ.get(key, ()))
        for idx in members:
            others = ", ".join(where[j] for j in members if j != idx)
            quarantined.append(idx)
            why.append(
                "same person, interview date and survey round as "
                + others
                + " with different answers in: "
                + columns
                + ". "
            )
    # set once, not cell by cell (.at on a string column copies: seconds at 100x)
    rules.loc[quarantined] = "DUPLICATE_CONFLICT;"
    reasons.loc[quarantined] = pd.array(why, dtype=reasons.dtype)


def _finish(out, variables, rules, reasons, log) -> CleanResult:
    """Resolve duplicates among records passing every rule; split clean and quarantine
    (``out`` is emptied: its columns move to the clean table)."""
    n = len(out)
    # Duplicates among records passing every rule.
    answer_cols = [c for c in out.columns if c in variables.index]
    valid = rules == ""
    key_cols = ["record_type", "person_id", "interview_date", "survey_round"]
    key_cols = [c for c in key_cols if c in out]
    merged_into = pd.Series(pd.NA, index=out.index, dtype="string")
    valid_index = out.index[valid.to_numpy()]
    if len(valid_index):
        group = pd.Series(row_hashes(out, key_cols, valid.to_numpy()), index=valid_index)
        answers = pd.Series(row_hashes(out, answer_cols, valid.to_numpy()), index=valid_index)
        size = group.map(group.value_counts())
        dup = size > 1
        if dup.any():
            g = pd.DataFrame({"group": group[dup], "answers": answers[dup]})
            distinct = g.groupby("group")["answers"].transform("nunique")
            conflict_idx = g.index[distinct > 1]
            merge_idx = g.index[distinct == 1]
            # Identical resubmissions: keep the first (file, sheet, row order), merge the rest.
            first = g.loc[merge_idx].groupby("group").head(1).index
            first_id = pd.Series(
                out.loc[first, "record_id"].to_numpy(), index=g.loc[first, "group"]
            )
            rest = merge_idx.difference(first)
            merged_into.loc[rest] = first_id.reindex(g.loc[rest, "group"]).to_numpy()
            _conflicts(out, g.loc[conflict_idx, "group"], answer_cols, rules, reasons)
    merged = merged_into.notna()
    merged_ids = out.loc[merged.to_numpy(), "record_id"].tolist()
    for record_id, into in zip(merged_ids, merged_into[merged].tolist(), strict=True):
        log.add("duplicate_merged", "record", record_id, into, 1)

    quarantined = rules != ""
    q = out.loc[quarantined, [c for c in QUARANTINE_COLUMNS if c in out]].copy()
    q["rule"] = rules[quarantined].str.split(";").str[0].astype("string")
    q["rules"] = rules[quarantined].str.rstrip(";").astype("string")
    q["reason"] = reasons[quarantined].str.strip().astype("string")
    q = q[QUARANTINE_COLUMNS].reset_index(drop=True)
    for code, count in q["rule"].value_counts().sort_index().items():
        log.add("quarantined", "record", code, "quarantine.csv", count)

    # Kept records a column at a time, each column of ``out`` dropped once copied.
    # (taken by position as ``out.loc[mask]`` takes: the same arrays, so the same parquet bytes)
    kept = np.flatnonzero((~quarantined & ~merged).to_numpy())
    clean = pd.DataFrame(
        {c: out.pop(c).take(kept).reset_index(drop=True) for c in list(out.columns)},
        index=pd.RangeIndex(len(kept)),
    )
    assert len(clean) + len(q) + int(merged.sum()) == n
    return CleanResult(clean, q, log.frame(), int(merged.sum()), n)
