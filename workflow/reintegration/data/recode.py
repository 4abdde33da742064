"""Select columns of one wave: answer labels to choice values, every recode counted.

Unknown labels are problems (file, sheet, row, column, nearest known labels) that stop the
run, except countries: an unknown country quarantines its record (rule ``UNKNOWN_COUNTRY``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reintegration.data.labels import ChoiceList, choice_lists, map_values
from reintegration.problems import Problem, ProblemsError
from reintegration.text import normalise

LOG_COLUMNS = ["action", "variable", "from", "to", "count"]
#: Longest raw cell quoted in a problem message or a quarantine reason.
CLIP = 80


def clip(text: object, limit: int = CLIP) -> str:
    """``repr`` of a raw cell, cut to ``limit`` characters with its full length said."""
    text = str(text)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text)} characters)"


class CleaningLog:
    """Rows of cleaning_log.csv, summed by (action, variable, from, to)."""

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


def column_names(extract_report: dict | None) -> dict[tuple[str, str, str], str]:
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
    log: CleaningLog,
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
    out = map_values(raw, values, dtype="string")
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
    log: CleaningLog,
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
    out = pd.Series(pd.NA, index=raw.index, dtype="string")
    if mapping:  # each row's (label, separator) looked up by position, not as a tuple per row
        pair_index = pd.MultiIndex.from_arrays([pairs["raw"], pairs["sep"]])
        distinct = pd.MultiIndex.from_tuples(list(mapping), names=pair_index.names)
        positions = distinct.get_indexer(pair_index)
        if (positions < 0).any():  # every pair was counted above: none can be missing
            raise KeyError(f"{variable}: a (label, separator) pair was not mapped")
        out.loc[pairs.index] = np.array(list(mapping.values()), dtype=object)[positions]
    if bad:
        keys = list(zip(pairs["raw"], pairs["sep"], strict=True))
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


def select_columns(rec, out, data_cols, variables, codebook, formats, log, names, wave):
    """Recode every select column into ``out``; return the unknown-country mask.

    Raises:
        ProblemsError: every answer label (other than country) not in the codebook.
    """
    lists = choice_lists(codebook)
    problems: list[Problem] = []
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
            f"cleaning of wave {wave}: answer labels not in the codebook "
            "(add each as a variant of its answer in config/codebook/choices.csv, column "
            "variants, or correct the raw file)",
            problems,
        )
    return unknown_country
