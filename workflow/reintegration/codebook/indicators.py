"""The binary indicators of the chapters' share tables (config/codebook/indicators.csv).

Each row defines one indicator once: the item, the answers counted as "yes" (``|``-separated)
and the name each chapter's tables use (empty: not used there). Both chapters read their
indicators from here, so a user adds one by adding a row. Kept light (pandas only): the
chapter modules read the table at import.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reintegration.paths import REPO_DIR
from reintegration.problems import Problem

INDICATORS = REPO_DIR / "config" / "codebook" / "indicators.csv"
CHAPTERS = ("chapter2", "chapter3")


def read_indicators(path: str | Path = INDICATORS) -> pd.DataFrame:
    """indicators.csv as strings (empty cells empty); the index is the file's line number."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.index = table.index + 2
    return table


def chapter_indicators(chapter: str, table: pd.DataFrame | None = None) -> dict[str, tuple]:
    """``{name: (item, answers counted as yes, text)}`` of one chapter's indicators, in file
    order; the text is the definition (Chapter II) or the report's figure (Chapter III)."""
    table = read_indicators() if table is None else table
    table = table.fillna("").astype(str)  # the codebook loader reads empty cells as missing
    text = "definition" if chapter == "chapter2" else "figure"
    return {
        row[chapter].strip(): (row["item"], tuple(row["answers"].split("|")), row[text])
        for _, row in table.iterrows()
        if row.get(chapter, "").strip()
    }


def indicator_problems(codebook) -> list[Problem]:
    """Cross-table rules: the item is a variable with a choice list, every answer a value of
    that list, and each chapter's names unique."""
    table, problems = codebook.indicators, []
    variables = codebook.variables.set_index("name")
    choices = codebook.choices.groupby("list_name")["value"].apply(set).to_dict()
    for line, row in table.iterrows():
        item = row["item"]
        if item not in variables.index or pd.isna(variables.loc[item, "list_name"]):
            problems.append(
                Problem(
                    "indicators.csv", line, "item", f"{item!r} is no variable with a choice list"
                )
            )
            continue
        allowed = choices.get(variables.loc[item, "list_name"], set())
        for answer in str(row["answers"]).split("|"):
            if answer not in allowed:
                problems.append(
                    Problem(
                        "indicators.csv",
                        line,
                        "answers",
                        f"{answer!r} is not a value of {item}'s list "
                        f"{variables.loc[item, 'list_name']} ({', '.join(sorted(map(str, allowed)))})",
                    )
                )
    for chapter in CHAPTERS:
        if chapter not in table:
            continue
        names = table.loc[table[chapter].notna() & (table[chapter].astype(str) != ""), chapter]
        for line, name in names[names.duplicated()].items():
            problems.append(
                Problem("indicators.csv", line, chapter, f"name {name!r} used twice in {chapter}")
            )
    return problems
