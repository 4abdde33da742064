"""Validating the codebook: per-row schemas plus the cross-table rules a schema cannot express.

Every problem is collected with its table, line and column; the caller fails once
with the whole list (:class:`reintegration.problems.ProblemsError`).

Rule codes (shown in brackets after each message):

- ``schema``: a cell breaks the table's JSON Schema (``workflow/schemas/codebook/``).
- ``columns``: a table misses a required column or has an unknown one.
- ``unique``: a key (variable name, list value, format name, weight component) repeats.
- ``list_exists``: a select variable names a choice list that does not exist, or a
  non-select variable names one.
- ``label_conflict``: one normalised label or variant maps to two values of a list.
- ``score_or_nonresponse``: an option of a scored list has neither a score nor a
  non-response code, or both.
- ``scored_list_span``: a scored list's substantive options do not span 0 to 1.
- ``unscored_list``: a list used only by metadata variables carries scores.
- ``dimension``: an indicator (rss or premigration) lacks a dimension or indicator
  number, or a metadata variable has one.
- ``pairs_with``: a premigration item does not name an rss item with the same list.
- ``weight``: a weight row targets an unknown component or the wrong parent, or an
  indicator or dimension has no weight.
- ``alias_conflict``: within a format, one normalised header maps to two variables.
- ``source_target``: a sources row names an unknown format or variable.
- ``format_case_id``: a format has no header for the case identifier.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pandas as pd
from jsonschema import Draft202012Validator

from reintegration.codebook.indicators import indicator_problems
from reintegration.codebook.load import DIMENSIONS, TABLES, Codebook, load_codebook, table_schema
from reintegration.problems import Problem, ProblemsError
from reintegration.text import normalise, split_variants

SELECT_TYPES = {"select_one", "select_multiple"}


def _given(value: object) -> bool:
    """True for a non-blank cell (blank cells load as None; pandas may turn them into NaN)."""
    return not (value is None or (isinstance(value, float) and pd.isna(value)) or value == "")


def _schema_problems(codebook: Codebook) -> list[Problem]:
    problems = []
    for table in TABLES:
        schema = table_schema(table)
        df = codebook.table(table)
        allowed = list(schema["properties"])
        for col in schema.get("required", []):
            if col not in df.columns:
                problems.append(Problem(f"{table}.csv", 1, col, "missing column", "columns"))
        for col in df.columns:
            if col not in allowed:
                problems.append(
                    Problem(
                        f"{table}.csv",
                        1,
                        col,
                        f"unknown column; allowed columns: {', '.join(allowed)}",
                        "columns",
                    )
                )
        row_schema = {k: v for k, v in schema.items() if k not in ("required",)}
        row_schema["additionalProperties"] = True  # unknown columns reported once above
        validator = Draft202012Validator(row_schema)
        for line, row in df.iterrows():
            record = {k: (v if _given(v) else None) for k, v in row.items() if k in allowed}
            for error in validator.iter_errors(record):
                column = str(error.path[0]) if error.path else None
                problems.append(
                    Problem(f"{table}.csv", int(line), column, _schema_message(error), "schema")
                )
    return problems


def _schema_message(error) -> str:
    if error.validator == "enum":
        allowed = ", ".join("(blank)" if v is None else str(v) for v in error.validator_value)
        return f"value {error.instance!r} is not allowed; allowed values: {allowed}"
    if error.validator == "type":
        return f"value {error.instance!r} is not of type {error.validator_value}"
    return error.message


def _duplicates(df: pd.DataFrame, keys: list[str], table: str) -> list[Problem]:
    if not set(keys) <= set(df.columns):
        return []
    dup = df[df.duplicated(keys, keep="first")]
    problems = []
    for line, row in dup.iterrows():
        first = df[(df[keys] == row[keys]).all(axis=1)].index[0]
        key = ", ".join(f"{k}={row[k]!r}" for k in keys)
        problems.append(
            Problem(
                f"{table}.csv",
                int(line),
                keys[-1],
                f"duplicate {key} (first on line {first})",
                "unique",
            )
        )
    return problems


def _variable_problems(cb: Codebook) -> list[Problem]:
    problems = []
    v, c = cb.variables, cb.choices
    lists = set(c["list_name"].dropna())
    for line, row in v.iterrows():
        where = ("variables.csv", int(line))
        if row["type"] in SELECT_TYPES:
            if not _given(row["list_name"]):
                problems.append(
                    Problem(
                        *where,
                        "list_name",
                        f"{row['type']} variable needs a choice list",
                        "list_exists",
                    )
                )
            elif row["list_name"] not in lists:
                problems.append(
                    Problem(
                        *where,
                        "list_name",
                        f"choice list {row['list_name']!r} does not exist in choices.csv (column "
                        "list_name)",
                        "list_exists",
                    )
                )
        elif _given(row["list_name"]):
            problems.append(
                Problem(
                    *where,
                    "list_name",
                    f"{row['type']} variable must not name a choice list",
                    "list_exists",
                )
            )
        indicator_module = row["module"] in ("rss", "premigration")
        for col in ("dimension", "indicator"):
            if indicator_module and not _given(row[col]):
                problems.append(
                    Problem(
                        *where,
                        col,
                        f"{row['module']} item {row['name']!r} has no {col}",
                        "dimension",
                    )
                )
            if not indicator_module and _given(row[col]):
                problems.append(
                    Problem(
                        *where,
                        col,
                        f"metadata variable {row['name']!r} must not have a {col}",
                        "dimension",
                    )
                )
        if row["module"] == "premigration":
            partner = v[v["name"] == row["pairs_with"]]
            if partner.empty or partner.iloc[0]["module"] != "rss":
                problems.append(
                    Problem(
                        *where,
                        "pairs_with",
                        f"premigration item must name an rss item; got {row['pairs_with']!r}",
                        "pairs_with",
                    )
                )
            elif partner.iloc[0]["list_name"] != row["list_name"]:
                problems.append(
                    Problem(
                        *where,
                        "list_name",
                        f"premigration item uses list {row['list_name']!r} but its rss pair "
                        f"{row['pairs_with']!r} uses {partner.iloc[0]['list_name']!r}; scores would not be comparable",
                        "pairs_with",
                    )
                )
    return problems


def _choice_problems(cb: Codebook) -> list[Problem]:
    problems = []
    v, c = cb.variables, cb.choices
    scored_lists = set(v.loc[v["module"].isin(["rss", "premigration"]), "list_name"].dropna())
    for list_name, options in c.groupby("list_name", sort=False):
        seen: dict[str, tuple[str, int]] = {}
        for line, row in options.iterrows():
            for label in [row["label_en"], row["label_fr"], *split_variants(row["variants"])]:
                key = normalise(label) if _given(label) else ""
                if not key:
                    continue
                if key in seen and seen[key][0] != row["value"]:
                    problems.append(
                        Problem(
                            "choices.csv",
                            int(line),
                            "variants",
                            f"label {label!r} of list {list_name!r} already means {seen[key][0]!r} "
                            f"(line {seen[key][1]}); it cannot also mean {row['value']!r}",
                            "label_conflict",
                        )
                    )
                seen.setdefault(key, (row["value"], int(line)))
        if list_name in scored_lists:
            for line, row in options.iterrows():
                has_score, has_nr = _given(row["score"]), _given(row["nonresponse"])
                if has_score == has_nr:
                    problems.append(
                        Problem(
                            "choices.csv",
                            int(line),
                            "score",
                            f"option {row['value']!r} of scored list {list_name!r} needs exactly one of "
                            "a score or a non-response code",
                            "score_or_nonresponse",
                        )
                    )
            scores = pd.to_numeric(options["score"], errors="coerce").dropna()
            if scores.empty or scores.min() != 0 or scores.max() != 1:
                span = (
                    "no scores"
                    if scores.empty
                    else f"scores span {scores.min():g} to {scores.max():g}"
                )
                problems.append(
                    Problem(
                        "choices.csv",
                        int(options.index[0]),
                        "score",
                        f"scored list {list_name!r} must span 0 to 1; {span}",
                        "scored_list_span",
                    )
                )
        elif options["score"].map(_given).any():
            line = int(options.index[options["score"].map(_given)][0])
            problems.append(
                Problem(
                    "choices.csv",
                    line,
                    "score",
                    f"list {list_name!r} is used only by metadata variables and must not carry scores",
                    "unscored_list",
                )
            )
    return problems


def _weight_problems(cb: Codebook) -> list[Problem]:
    problems = []
    v, w = cb.variables, cb.weights
    items = v[v["module"] == "rss"].set_index("name")
    for line, row in w.iterrows():
        comp, parent = row["component"], row["parent"]
        if parent == "composite":
            if comp not in DIMENSIONS:
                problems.append(
                    Problem(
                        "weights.csv",
                        int(line),
                        "component",
                        f"composite weights apply to dimensions ({', '.join(DIMENSIONS)}); got {comp!r}",
                        "weight",
                    )
                )
        elif comp not in items.index:
            problems.append(
                Problem(
                    "weights.csv",
                    int(line),
                    "component",
                    f"{comp!r} is not an rss item in variables.csv",
                    "weight",
                )
            )
        elif _given(items.loc[comp, "dimension"]) and items.loc[comp, "dimension"] != parent:
            problems.append(
                Problem(
                    "weights.csv",
                    int(line),
                    "parent",
                    f"{comp!r} belongs to dimension {items.loc[comp, 'dimension']!r}, not {parent!r}",
                    "weight",
                )
            )
    weighted = set(w["component"])
    for name in items.index:
        if name not in weighted:
            line = int(v.index[v["name"] == name][0])
            problems.append(
                Problem(
                    "variables.csv",
                    line,
                    "name",
                    f"indicator {name!r} has no row in weights.csv (add one: columns component, "
                    "parent, weight)",
                    "weight",
                )
            )
    for dim in DIMENSIONS:
        if not ((w["component"] == dim) & (w["parent"] == "composite")).any():
            problems.append(
                Problem(
                    "weights.csv",
                    None,
                    "component",
                    f"dimension {dim!r} has no composite weight (add a row: component {dim}, "
                    "parent composite, weight)",
                    "weight",
                )
            )
    return problems


def _source_problems(cb: Codebook) -> list[Problem]:
    problems = []
    s, v, f = cb.sources, cb.variables, cb.formats
    formats, variables = set(f["format"]), set(v["name"])
    first: dict[tuple[str, str], tuple[str, int]] = {}
    for line, row in s.iterrows():
        if row["format"] not in formats:
            problems.append(
                Problem(
                    "sources.csv",
                    int(line),
                    "format",
                    f"unknown format {row['format']!r}; formats.csv defines: {', '.join(sorted(formats))}",
                    "source_target",
                )
            )
        if row["variable"] != "drop" and row["variable"] not in variables:
            problems.append(
                Problem(
                    "sources.csv",
                    int(line),
                    "variable",
                    f"unknown variable {row['variable']!r} (not in variables.csv and not 'drop')",
                    "source_target",
                )
            )
        key = (row["format"], normalise(row["header"]))
        if key in first and first[key][0] != row["variable"]:
            problems.append(
                Problem(
                    "sources.csv",
                    int(line),
                    "header",
                    f"header {row['header']!r} of format {row['format']!r} maps to {row['variable']!r} "
                    f"but already to {first[key][0]!r} on line {first[key][1]}",
                    "alias_conflict",
                )
            )
        first.setdefault(key, (row["variable"], int(line)))
    for line, row in f.iterrows():
        if not ((s["format"] == row["format"]) & (s["variable"] == "case_id")).any():
            problems.append(
                Problem(
                    "formats.csv",
                    int(line),
                    "format",
                    f"format {row['format']!r} has no header for case_id in sources.csv (add a row: "
                    "column format, the export's case-id header in column header, case_id in "
                    "column variable)",
                    "format_case_id",
                )
            )
    return problems


def check_codebook(codebook: Codebook) -> list[Problem]:
    """Return every problem in the codebook (empty list = valid)."""
    problems = _schema_problems(codebook)
    problems += _duplicates(codebook.variables, ["name"], "variables")
    problems += _duplicates(codebook.choices, ["list_name", "value"], "choices")
    problems += _duplicates(codebook.weights, ["component"], "weights")
    problems += _duplicates(codebook.formats, ["format"], "formats")
    problems += _duplicates(codebook.indicators, ["indicator"], "indicators")
    # Cross-table rules need the key columns; skip them when a table lacks its columns.
    try:
        problems += _variable_problems(codebook)
        problems += _choice_problems(codebook)
        problems += _weight_problems(codebook)
        problems += _source_problems(codebook)
        problems += indicator_problems(codebook)
    except KeyError as missing:
        if not any(p.rule == "columns" for p in problems):
            raise
        problems.append(
            Problem(
                "codebook",
                None,
                str(missing),
                "cross-table checks skipped: fix the missing columns first",
                "columns",
            )
        )
    return sorted(set(problems), key=lambda p: (p.source, p.line or 0, p.column or "", p.message))


def validate_codebook(directory: str | Path) -> Codebook:
    """Load and check the codebook; raise :class:`ProblemsError` listing every problem."""
    codebook = load_codebook(directory)
    problems = check_codebook(codebook)
    if problems:
        raise ProblemsError(f"codebook {Path(directory)} is invalid", problems)
    return codebook


def summarise_codebook(codebook: Codebook) -> dict:
    """Counts shown in the check report: what the valid codebook contains."""
    v = codebook.variables
    by_dimension = defaultdict(int)
    for dim in v.loc[v["module"] == "rss", "dimension"]:
        by_dimension[dim] += 1
    return {
        "variables": len(v),
        "rss_items_by_dimension": dict(sorted(by_dimension.items())),
        "premigration_items": int((v["module"] == "premigration").sum()),
        "metadata_variables": int((v["module"] == "metadata").sum()),
        "direct_identifiers": sorted(codebook.identifiers),
        "choice_lists": int(codebook.choices["list_name"].nunique()),
        "choices": len(codebook.choices),
        "source_formats": sorted(codebook.formats["format"]),
        "source_headers": len(codebook.sources),
    }
