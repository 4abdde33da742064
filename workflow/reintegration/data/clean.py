"""Cleaning one wave: labels to values, typed dates and ages, validation rules, duplicates.

Every record of ``records.parquet`` ends in exactly one of: ``clean`` (kept), ``quarantine``
(with a rule code and a reason), or merged into an identical resubmission (listed in the
cleaning log). Answer labels not in the codebook fail the run (all of them listed, each with
file, sheet, row, column and the nearest known labels), except unknown countries, which
quarantine the record (rule ``UNKNOWN_COUNTRY``).

Quarantine rule codes, checked in this order (a record lists every rule it breaks; ``rule``
is the first):

- ``MISSING_REQUIRED``: a ``required=yes`` variable is empty (pre-migration records: case id
  and country only).
- ``INVALID_DATE``: a date cell that is no date in ISO, the format's order, or Excel serial.
- ``INVALID_NUMBER``: an age that is not a whole number.
- ``UNKNOWN_COUNTRY``: a country label not in the ``countries`` list.
- ``IMPOSSIBLE_DATE``: birth after interview or return; any date after the end of the wave's
  month (waves named ``YYYY-MM``); return or interview before ``cleaning.earliest_date``.
- ``INTERVIEW_BEFORE_RETURN``: interview date before return date.
- ``AGE_OUT_OF_RANGE``: age (given, or derived from date of birth) outside ``cleaning.age_range``.
- ``DUPLICATE_CONFLICT``: records of the same person, type, interview date and survey round
  that differ in any answer (checked among records passing the rules above; all quarantined).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from reintegration.codebook import Codebook
from reintegration.data.dates import parse_dates
from reintegration.data.extract import PROVENANCE
from reintegration.data.formats import FormatIndex
from reintegration.data.labels import ChoiceList, choice_lists, map_values
from reintegration.problems import Problem, ProblemsError
from reintegration.text import normalise

RULES = (
    "MISSING_REQUIRED",
    "INVALID_DATE",
    "INVALID_NUMBER",
    "UNKNOWN_COUNTRY",
    "IMPOSSIBLE_DATE",
    "INTERVIEW_BEFORE_RETURN",
    "AGE_OUT_OF_RANGE",
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
LOG_COLUMNS = ["action", "variable", "from", "to", "count"]
PREMIGRATION_REQUIRED = ("case_id", "country")
_WAVE = re.compile(r"^(\d{4})-(\d{2})$")
#: Longest raw cell quoted in a problem message or a quarantine reason.
CLIP = 80


def clip(text: object, limit: int = CLIP) -> str:
    """``repr`` of a raw cell, cut to ``limit`` characters with its full length said."""
    text = str(text)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text)} characters)"


@dataclass
class CleanResult:
    clean: pd.DataFrame
    quarantine: pd.DataFrame
    log: pd.DataFrame
    duplicates_merged: int


class _Log:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, action: str, variable: str, from_: str, to: str, count: int) -> None:
        if count:
            self.rows.append(
                {
                    "action": action,
                    "variable": variable,
                    "from": from_,
                    "to": to,
                    "count": int(count),
                }
            )

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=LOG_COLUMNS)
        df = df.groupby(LOG_COLUMNS[:4], as_index=False, sort=True)["count"].sum()
        return df.astype({c: "string" for c in LOG_COLUMNS[:4]}).astype({"count": "int64"})


def _column_names(extract_report: dict | None) -> dict[tuple[str, str, str], str]:
    """(file, sheet, variable) -> raw header, from the extract report."""
    names = {}
    for f in (extract_report or {}).get("files", []):
        for header, variable in f.get("columns", {}).items():
            names[(f["file"], f.get("sheet", ""), variable)] = header
    return names


def _where(rec: pd.DataFrame, idx, variable: str, names: dict) -> tuple[str, int, str]:
    file, sheet, row = (
        rec.at[idx, "source_file"],
        rec.at[idx, "source_sheet"],
        rec.at[idx, "source_row"],
    )
    header = names.get((file, sheet, variable))
    column = f"{header} ({variable})" if header else variable
    return file + (f" [sheet {sheet}]" if sheet else ""), int(row), column


def _recode_select(
    rec: pd.DataFrame,
    variable: str,
    cl: ChoiceList,
    log: _Log,
    names: dict,
    problems: list[Problem] | None,
) -> tuple[pd.Series, pd.Series]:
    """Map a select_one column to values; return (values, unknown mask). Unknowns are problems
    unless ``problems`` is None (then only the mask reports them)."""
    raw = rec[variable]
    values: dict[str, str | None] = {}
    unknown_labels = []
    for label, count in raw.value_counts(dropna=True).items():
        if not normalise(label):
            values[label] = None
            log.add("blank_answer", variable, repr(label), "", count)
            continue
        value, action = cl.classify(label)
        values[label] = value
        if value is None:
            unknown_labels.append(label)
        elif action:
            log.add(action, variable, label, value, count)
    out = map_values(raw, values).astype("string")
    unknown = raw.isin(unknown_labels) if unknown_labels else pd.Series(False, index=raw.index)
    if problems is not None and unknown_labels:
        for idx in rec.index[unknown]:
            label = raw.at[idx]
            source, row, column = _where(rec, idx, variable, names)
            near = cl.nearest(label)
            problems.append(
                Problem(
                    source,
                    row,
                    column,
                    f"answer {clip(label)} is not in choice list '{cl.name}'; nearest known: "
                    + ("; ".join(near) if near else f"none close (list: {cl.all_labels()})"),
                    "unknown_label",
                )
            )
    return out, unknown


def _recode_multi(
    rec: pd.DataFrame,
    variable: str,
    cl: ChoiceList,
    separators: pd.Series,
    log: _Log,
    names: dict,
    problems: list[Problem],
) -> pd.Series:
    """Map a select_multiple column: parts split by the format's separator, values in list order."""
    raw = rec[variable]
    order = {v: i for i, v in enumerate(cl.values)}
    pairs = pd.DataFrame({"raw": raw, "sep": separators}).dropna(subset=["raw"])
    mapping: dict[tuple[str, str], str | None] = {}
    bad: dict[tuple[str, str], list[str]] = {}
    for (label, sep), count in pairs.value_counts(sort=False).items():
        parts = [p for p in label.split(sep) if normalise(p)]
        found = []
        for part in parts:
            value, action = cl.classify(part.strip())
            if value is None:
                value, action = cl.classify(part)
            if value is None:
                bad.setdefault((label, sep), []).append(part.strip())
                continue
            if action:
                log.add(action, variable, part.strip(), value, count)
            found.append(value)
        mapping[(label, sep)] = ";".join(sorted(set(found), key=order.get)) if found else None
    keys = list(zip(pairs["raw"], pairs["sep"], strict=True))
    out = pd.Series(pd.NA, index=raw.index, dtype="string")
    out.loc[pairs.index] = [mapping[k] for k in keys]
    if bad:
        for idx, k in zip(pairs.index, keys, strict=True):
            for part in bad.get(k, []):
                source, row, column = _where(rec, idx, variable, names)
                near = cl.nearest(part)
                problems.append(
                    Problem(
                        source,
                        row,
                        column,
                        f"option {clip(part)} is not in choice list '{cl.name}'; nearest known: "
                        + ("; ".join(near) if near else "none close"),
                        "unknown_label",
                    )
                )
    return out


def _wave_end(wave: str) -> pd.Timestamp | None:
    m = _WAVE.match(wave)
    if not m:
        return None
    return pd.Timestamp(int(m.group(1)), int(m.group(2)), 1) + pd.offsets.MonthEnd(0)


def _fmt(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%Y-%m-%d").astype("string")


def _years_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Whole years from ``start`` to ``end`` (age at a date), NA when either is missing."""
    years = end.dt.year - start.dt.year
    before_birthday = (end.dt.month < start.dt.month) | (
        (end.dt.month == start.dt.month) & (end.dt.day < start.dt.day)
    )
    return (years - before_birthday.astype("Int64")).astype("Int64")


def clean_wave(
    records: pd.DataFrame,
    codebook: Codebook,
    *,
    wave: str,
    extract_report: dict | None = None,
    age_range: tuple[int, int] = (15, 80),
    earliest_date: str = "2000-01-01",
) -> CleanResult:
    """Clean one wave's extracted records; see the module docstring for the rules.

    Raises:
        ProblemsError: every answer label (other than country) not in the codebook.
    """
    rec = records.reset_index(drop=True)
    variables = codebook.variables.set_index("name")
    lists = choice_lists(codebook)
    formats = FormatIndex(codebook).formats
    names = _column_names(extract_report)
    log = _Log()
    problems: list[Problem] = []
    n = len(rec)
    out = rec[PROVENANCE + ["person_id"]].copy()
    data_cols = [c for c in rec.columns if c in variables.index]

    # Case ids: how many spellings were canonicalised (no raw id is ever written here).
    n_canon = int(rec["case_id_canonicalised"].sum()) if "case_id_canonicalised" in rec else 0
    log.add("case_id_canonicalised", "case_id", "non-standard spelling", "canonical id", n_canon)

    # 1. Select variables.
    unknown_country = pd.Series(False, index=rec.index)
    for var in data_cols:
        kind = variables.at[var, "type"]
        if kind == "select_one":
            cl = lists[variables.at[var, "list_name"]]
            is_country = var == "country"
            values, unknown = _recode_select(
                rec, var, cl, log, names, None if is_country else problems
            )
            if is_country:
                unknown_country = unknown
            out[var] = values
        elif kind == "select_multiple":
            cl = lists[variables.at[var, "list_name"]]
            seps = rec["source_format"].map({k: f.multi_separator for k, f in formats.items()})
            out[var] = _recode_multi(rec, var, cl, seps, log, names, problems)
    if problems:
        raise ProblemsError(
            f"cleaning of wave {wave}: answer labels not in the codebook (config/codebook/choices.csv)",
            problems,
        )

    # 2. Dates, by source format (each format has its own day/month order).
    orders = rec["source_format"].map({k: f.date_order for k, f in formats.items()})
    invalid_date = pd.Series("", index=rec.index, dtype="string")
    date_vars = [v for v in data_cols if variables.at[v, "type"] == "date"]
    for var in date_vars:
        parsed = pd.Series(pd.NaT, index=rec.index, dtype="datetime64[s]")
        for order, idx in rec.groupby(orders, sort=True).groups.items():
            dates, invalid, excel = parse_dates(rec.loc[idx, var], order)
            parsed.loc[idx] = dates
            for i in idx[invalid.to_numpy()]:
                invalid_date.at[i] += f"{var} {clip(rec.at[i, var])} is not a date ({order}); "
            if excel.any():
                fixed = pd.DataFrame({"from": rec.loc[idx, var][excel], "to": _fmt(dates[excel])})
                for (f, t), count in fixed.value_counts(sort=True).items():
                    log.add("excel_serial_date", var, f, t, count)
        out[var] = parsed

    # 3. Age: whole number, else derived from date of birth at the interview.
    invalid_number = pd.Series(False, index=rec.index)
    if "age" in rec:
        text = rec["age"].str.strip()
        whole = text.str.fullmatch(r"\d{1,3}(?:\.0+)?").fillna(False).astype(bool)
        invalid_number = text.notna() & (text != "") & ~whole
        age = pd.to_numeric(text.where(whole), errors="coerce").astype("Int64")
        if "date_of_birth" in out and "interview_date" in out:
            derived = _years_between(out["date_of_birth"], out["interview_date"])
            use = age.isna() & derived.notna() & ~invalid_number
            log.add("age_from_date_of_birth", "age", "date_of_birth", "age at interview", use.sum())
            age = age.where(~use, derived)
        out["age"] = age

    # orion_mentee as a boolean.
    if "orion_mentee" in out:
        out["orion_mentee"] = out["orion_mentee"].map({"yes": True, "no": False}).astype("boolean")

    # 4. Validation rules: collect per rule a mask and a reason.
    findings: list[tuple[str, pd.Series, pd.Series]] = []
    is_pre = rec["record_type"] == "premigration"
    required = variables.index[variables["required"] == "yes"].tolist()
    missing_reason = pd.Series("", index=rec.index, dtype="string")
    for var in required:
        # Missing = empty raw cell (an unparseable date or unknown country is its own rule).
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
        missing_reason = missing_reason.where(~missing, missing_reason + var + ", ")
    has_missing = missing_reason != ""
    findings.append(
        (
            "MISSING_REQUIRED",
            has_missing,
            "required field(s) empty: " + missing_reason.str.rstrip(", "),
        )
    )
    findings.append(("INVALID_DATE", invalid_date != "", invalid_date.str.rstrip("; ")))
    findings.append(
        (
            "INVALID_NUMBER",
            invalid_number,
            "age "
            + rec.get("age", pd.Series("", index=rec.index)).astype("string")
            + " is not a whole number",
        )
    )
    findings.append(
        (
            "UNKNOWN_COUNTRY",
            unknown_country,
            "country "
            + rec["country"]
            .astype("string")
            .map(lambda v: v if len(v) <= CLIP else clip(v), na_action="ignore")
            + " is not in the countries list",
        )
    )
    impossible = pd.Series("", index=rec.index, dtype="string")

    def flag(mask: pd.Series, text: pd.Series) -> None:
        nonlocal impossible
        mask = mask.fillna(False).astype(bool)
        impossible = impossible.where(~mask, impossible + text + "; ")

    dob = out.get("date_of_birth")
    ret, itv = out.get("return_date"), out.get("interview_date")
    if dob is not None:
        if itv is not None:
            flag(dob > itv, "date_of_birth " + _fmt(dob) + " is after interview_date " + _fmt(itv))
        if ret is not None:
            flag(dob > ret, "date_of_birth " + _fmt(dob) + " is after return_date " + _fmt(ret))
    end = _wave_end(wave)
    if end is not None:
        for var in date_vars:
            flag(out[var] > end, f"{var} " + _fmt(out[var]) + f" is after the end of wave {wave}")
    earliest = pd.Timestamp(earliest_date)
    for var, col in (("return_date", ret), ("interview_date", itv)):
        if col is not None:
            flag(col < earliest, f"{var} " + _fmt(col) + f" is before {earliest_date}")
    findings.append(("IMPOSSIBLE_DATE", impossible != "", impossible.str.rstrip("; ")))
    if ret is not None and itv is not None:
        before = (itv < ret).fillna(False).astype(bool)
        findings.append(
            (
                "INTERVIEW_BEFORE_RETURN",
                before,
                "interview_date " + _fmt(itv) + " is before return_date " + _fmt(ret),
            )
        )
    if "age" in out:
        lo, hi = age_range
        bad_age = ((out["age"] < lo) | (out["age"] > hi)).fillna(False).astype(bool)
        findings.append(
            (
                "AGE_OUT_OF_RANGE",
                bad_age,
                "age " + out["age"].astype("string") + f" is outside [{lo}, {hi}]",
            )
        )

    rules = pd.Series("", index=rec.index, dtype="string")
    reasons = pd.Series("", index=rec.index, dtype="string")
    for code, mask, reason in findings:
        mask = mask.fillna(False).astype(bool)
        rules = rules.where(~mask, rules + code + ";")
        reasons = reasons.where(~mask, reasons + reason.fillna("") + ". ")

    # 5. Duplicates among records passing every rule.
    answer_cols = [c for c in out.columns if c in variables.index]
    valid = rules == ""
    key_cols = ["record_type", "person_id", "interview_date", "survey_round"]
    key_cols = [c for c in key_cols if c in out]
    merged_into = pd.Series(pd.NA, index=rec.index, dtype="string")
    cand = out[valid]
    if len(cand):
        keys = cand[key_cols].astype("string").fillna("<NA>")
        group = pd.Series(
            pd.util.hash_pandas_object(keys, index=False).to_numpy(), index=cand.index
        )
        answers = pd.Series(
            pd.util.hash_pandas_object(
                cand[answer_cols].astype("string").fillna("<NA>"), index=False
            ).to_numpy(),
            index=cand.index,
        )
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
            for idx in merge_idx.difference(first):
                merged_into.at[idx] = first_id[g.at[idx, "group"]]
            # Conflicts: all quarantined, each naming the others and the differing columns.
            for _, members in g.loc[conflict_idx].groupby("group").groups.items():
                block = out.loc[members, answer_cols].astype("string").fillna("<NA>")
                differ = [c for c in answer_cols if block[c].nunique() > 1]
                for idx in members:
                    others = [
                        f"{out.at[j, 'source_file']} row {out.at[j, 'source_row']}"
                        + (
                            f" [sheet {out.at[j, 'source_sheet']}]"
                            if out.at[j, "source_sheet"]
                            else ""
                        )
                        for j in members
                        if j != idx
                    ]
                    rules.at[idx] = "DUPLICATE_CONFLICT;"
                    reasons.at[idx] = (
                        "same person, interview date and survey round as "
                        + ", ".join(others)
                        + " with different answers in: "
                        + ", ".join(differ)
                        + ". "
                    )
    merged = merged_into.notna()
    for idx in merged_into.index[merged]:
        log.add("duplicate_merged", "record", out.at[idx, "record_id"], merged_into.at[idx], 1)

    quarantined = rules != ""
    q = out.loc[quarantined, [c for c in QUARANTINE_COLUMNS if c in out]].copy()
    q["rule"] = rules[quarantined].str.split(";").str[0].astype("string")
    q["rules"] = rules[quarantined].str.rstrip(";").astype("string")
    q["reason"] = reasons[quarantined].str.strip().astype("string")
    q = q[QUARANTINE_COLUMNS].reset_index(drop=True)
    for code, count in q["rule"].value_counts().sort_index().items():
        log.add("quarantined", "record", code, "quarantine.csv", count)

    clean = out.loc[~quarantined & ~merged].reset_index(drop=True)
    assert len(clean) + len(q) + int(merged.sum()) == n
    return CleanResult(clean, q, log.frame(), int(merged.sum()))
