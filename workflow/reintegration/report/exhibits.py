"""The exhibit list: every table and figure a reader sees, the file, and the rule that made it.

Stage modules register exhibits in the workflow (``EXHIBITS`` in workflow/rules/common.smk),
either as ``(exhibit, file, rule)`` tuples or as dicts with ``exhibit``, ``file`` and optionally
``rule`` and ``chapter``. The rule, when not given, is looked up from the rule that declares the
file as an output; the chapter, when not given, is inferred from the file name.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a table is built: the pages' jobs need only the names
    import pandas as pd

COLUMNS = ["exhibit", "file", "rule", "chapter"]

#: Report chapters in order: key -> notebook stem (notebooks/<stem>.py) and page title.
CHAPTERS = {
    "data_audit": ("01_data_audit", "Data and cleaning audit"),
    "chapter2": ("02_chapter2", "Chapter II: returnees in 17 countries"),
    "chapter3": ("03_chapter3", "Chapter III: the ORION mentoring panel"),
    "retrospective_morocco": ("04_retrospective_morocco", "Retrospective comparison and Morocco"),
    "reproduction": ("05_reproduction", "Reproduction check against the published study"),
    "release_comparison": ("06_release_comparison", "What changed since the previous release"),
    # only when `make design` has written results/design/ (report_helpers.smk)
    "design": ("07_design", "Design study: coverage, size, bias and power"),
}


def chapter_of_stem(stem: str) -> str:
    """The chapter key of a notebook stem (``02_chapter2`` -> ``chapter2``)."""
    for key, (notebook, _) in CHAPTERS.items():
        if notebook == stem:
            return key
    raise ValueError(
        f"unknown report chapter {stem!r}; allowed: {', '.join(n for n, _ in CHAPTERS.values())}"
    )


def infer_chapter(file: str) -> str:
    """Chapter of an exhibit from its file name (figure numbers follow the published report)."""
    name = PurePosixPath(file).name.lower()
    match = re.match(r"figure_(\d+)", name)
    if match:
        number = int(match.group(1))
        if number <= 14:
            return "chapter2"
        if number in (22, 23) or number >= 29:
            return "retrospective_morocco"
        return "chapter3"
    if name.startswith(("audit_", "records_pooling")):
        return "data_audit"
    if name.startswith("release_comparison"):
        return "release_comparison"
    if name.startswith("reproduction"):
        return "reproduction"
    if "retrospective" in name or "morocco" in name:
        return "retrospective_morocco"
    if name.startswith("chapter2"):
        return "chapter2"
    if name.startswith("chapter3"):
        return "chapter3"
    raise ValueError(
        f"cannot tell the report chapter of exhibit file {file!r}; register it with a chapter "
        f"(one of {', '.join(CHAPTERS)})"
    )


def normalise_entries(entries, rule_of_file: dict[str, str]) -> pd.DataFrame:
    """The registered exhibits as a table (columns :data:`COLUMNS`), one row per file.

    ``rule_of_file`` maps each output file of the workflow to the rule that declares it; an entry
    whose file no rule declares is an error (the exhibit list must trace every file to a rule).
    """
    rows = []
    for entry in entries:
        if isinstance(entry, dict):
            row = {k: entry.get(k) for k in COLUMNS}
        else:
            values = list(entry)
            if len(values) not in (3, 4):
                raise ValueError(
                    f"exhibit entry {entry!r}: expected (exhibit, file, rule[, chapter])"
                )
            row = dict(zip(COLUMNS, values + [None] * (4 - len(values)), strict=True))
        row["file"] = str(row["file"])
        if not row["exhibit"]:
            raise ValueError(f"exhibit entry for {row['file']} has no exhibit name")
        if not row.get("rule"):
            if row["file"] not in rule_of_file:
                raise ValueError(
                    f"exhibit {row['exhibit']!r}: no rule declares {row['file']} as an output"
                )
            row["rule"] = rule_of_file[row["file"]]
        row["chapter"] = row.get("chapter") or infer_chapter(row["file"])
        if row["chapter"] not in CHAPTERS:
            raise ValueError(
                f"exhibit {row['exhibit']!r}: unknown chapter {row['chapter']!r}; "
                f"allowed: {', '.join(CHAPTERS)}"
            )
        rows.append(row)
    import pandas as pd

    table = pd.DataFrame(rows, columns=COLUMNS).drop_duplicates(subset="file", keep="first")
    order = {key: i for i, key in enumerate(CHAPTERS)}
    table = table.assign(_order=table["chapter"].map(order))
    table = table.sort_values(["_order", "file"], kind="stable").drop(columns="_order")
    return table.reset_index(drop=True)


def unregistered_entries(files, registered) -> list[dict]:
    """Exhibit entries for final tables/figures of a release that no module registered.

    ``files``: the release's final outputs under ``tables/`` and ``figures/``. An SVG whose PNG
    twin is an exhibit is not listed again (the chapter page links it beside the PNG). The
    exhibit is named after the file: ``Figure 21`` for ``figure_21_*``, else the file stem.
    """
    registered = {str(f) for f in registered}
    entries = []
    for file in sorted({str(f) for f in files} - registered):
        path = PurePosixPath(file)
        if path.parent.name not in ("tables", "figures") or path.suffix not in (
            ".csv",
            ".png",
            ".svg",
        ):
            continue
        if path.suffix == ".svg" and (
            str(path.with_suffix(".png")) in registered or str(path.with_suffix(".png")) in files
        ):
            continue
        match = re.match(r"figure_(\d+)", path.name)
        name = f"Figure {int(match.group(1))}" if match else path.stem
        try:
            chapter = infer_chapter(file)
        except ValueError:
            chapter = "data_audit"  # release-level checks without a chapter of their own
        entries.append({"exhibit": name, "file": file, "chapter": chapter})
    return entries


def files_of_chapter(table: pd.DataFrame, chapter: str) -> list[str]:
    return table.loc[table["chapter"] == chapter, "file"].tolist()
