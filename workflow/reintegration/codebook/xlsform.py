"""Onboarding a country office's XLSForm: a draft codebook extension for a person to review.

An XLSForm (KoboToolbox, ODK) defines a form in two sheets: ``survey`` (one row per question:
``type``, ``name``, labels) and ``choices`` (``list_name``, ``name``, labels). Labels are in
``label`` or per language, ``label::English (en)``, ``label::French (fr)``. Each question is
matched to a codebook variable by its name, its path (``group/name``, as Kobo names export
columns) or a label, English or French, after normalising case, accents, spacing, punctuation
and question numbering; each choice of a matched select question is matched to an option of
the variable's choice list by its name or a label (known labels and variants included).

Written, never applied to the codebook (``python -m reintegration.codebook.xlsform FORM.xlsx
--out DIR``):

- ``sources_draft.csv``: ``sources.csv`` rows (``format,header,variable,note``) for every
  matched question, one per header an export may carry (path, name, each label);
- ``choices_draft.csv``: for every matched choice, the codebook option and the form labels the
  codebook does not know yet (``new_variants``, to add to ``choices.csv`` column ``variants``);
- ``unmatched.csv``: every question and choice without a match (or with two), with the reason
  and the nearest codebook names, for a person to decide.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from reintegration.codebook.load import Codebook, load_codebook
from reintegration.text import normalise, split_variants

#: Survey row types that are no question (structure, metadata, computed values).
NOT_QUESTIONS = {
    "begin group", "end group", "begin_group", "end_group", "begin repeat", "end repeat",
    "begin_repeat", "end_repeat", "note", "calculate", "start", "end", "today", "deviceid",
    "username", "simserial", "subscriberid", "phonenumber", "audit", "hidden", "start-geopoint",
}  # fmt: skip
SELECT = ("select_one", "select_multiple")
SOURCES_COLUMNS = ["format", "header", "variable", "note"]
CHOICES_COLUMNS = ["list_name", "value", "new_variants", "form_list", "form_choice", "matched_by"]
UNMATCHED_COLUMNS = ["kind", "form_list", "name", "labels", "reason", "nearest"]
_NUMBERING = re.compile(r"^\s*(?:[a-z]?\d+(?:\.\d+)*[.):-]?|[a-z][.)])\s+", re.IGNORECASE)
_PUNCTUATION = re.compile(r"[?!:;,.«»\"“”()\[\]*]+")


class XLSFormError(ValueError):
    """The file is no XLSForm (a sheet or column missing)."""


def key(text: object) -> str:
    """Matching key: :func:`normalise`, question numbering and punctuation dropped."""
    s = normalise(text)
    s = _NUMBERING.sub("", s)
    return " ".join(_PUNCTUATION.sub(" ", s).split())


def _language(column: str) -> str:
    c = normalise(column)
    if "english" in c or c.endswith(("(en)", "::en")):
        return "en"
    if "french" in c or "francais" in c or c.endswith(("(fr)", "::fr")):
        return "fr"
    return "any"


def _sheet(workbook, name: str, path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    sheets = {ws.title.strip().lower(): ws for ws in workbook.worksheets}
    if name not in sheets:
        raise XLSFormError(
            f"{path}: no sheet '{name}' (sheets: {', '.join(sheets)}); an XLSForm has sheets "
            "'survey' and 'choices'"
        )
    rows = [[("" if v is None else str(v).strip()) for v in r] for r in sheets[name].values]
    if not rows:
        raise XLSFormError(f"{path}: sheet '{name}' is empty")
    header = [h.strip() for h in rows[0]]
    frame = pd.DataFrame(rows[1:], columns=header).loc[:, lambda f: f.columns != ""]
    missing = [c for c in required if c not in frame.columns]
    labels = [c for c in frame.columns if c.lower() == "label" or c.lower().startswith("label::")]
    if missing or not labels:
        raise XLSFormError(
            f"{path}: sheet '{name}' lacks column(s) {', '.join(missing + ([] if labels else ['label']))}"
        )
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return frame[[c for c in frame.columns if c in required or c in labels]]


def read_xlsform(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``survey`` and ``choices`` sheets as text (index: the sheet's row number)."""
    path = Path(path)
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        survey = _sheet(workbook, "survey", path, ("type", "name"))
        choices = _sheet(workbook, "choices", path, ("list_name", "name"))
    finally:
        workbook.close()
    return survey, choices


def _labels(row: pd.Series) -> dict[str, list[str]]:
    """Labels of a row by language (``en``, ``fr``, ``any``), blanks left out."""
    out: dict[str, list[str]] = {}
    for column, value in row.items():
        if (column.lower() == "label" or column.lower().startswith("label::")) and value:
            out.setdefault(_language(column), []).append(value)
    return out


@dataclass
class _Index:
    """Matching keys of codebook names or labels -> targets, with how each key was made."""

    keys: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> {target: how}

    def add(self, text: object, target: str, how: str) -> None:
        if text is not None and key(text):
            self.keys.setdefault(key(text), {}).setdefault(target, how)

    def find(self, texts: list[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
        """``({target: how}, nearest)`` for the form's ``(text, what)`` pairs."""
        hits: dict[str, str] = {}
        for text, what in texts:
            for target, how in self.keys.get(key(text), {}).items():
                hits.setdefault(target, f"{what} = codebook {how}")
        near = []
        for text, _ in texts:
            for k in difflib.get_close_matches(key(text), list(self.keys), n=2, cutoff=0.6):
                near += [t for t in self.keys[k] if t not in near]
        return hits, near[:3]


def _variable_index(codebook: Codebook) -> _Index:
    index = _Index()
    for row in codebook.variables.itertuples(index=False):
        index.add(row.name, row.name, "name")
        index.add(row.label_en, row.name, "label_en")
        index.add(row.label_fr, row.name, "label_fr")
    for row in codebook.sources.itertuples(index=False):
        if row.variable != "drop":
            index.add(row.header, row.variable, f"header of format {row.format}")
    return index


def _option_index(codebook: Codebook, list_name: str) -> tuple[_Index, set[str]]:
    """Matching keys of one choice list's options, and every label/variant it already knows."""
    index, known = _Index(), set()
    for row in codebook.choices[codebook.choices["list_name"] == list_name].itertuples():
        index.add(row.value, row.value, "value")
        for how, text in (("label_en", row.label_en), ("label_fr", row.label_fr)):
            index.add(text, row.value, how)
            known.add(normalise(text))
        for variant in split_variants(row.variants):
            index.add(variant, row.value, "variant")
            known.add(normalise(variant))
    return index, known


def _question_texts(row: pd.Series, path: str) -> list[tuple[str, str]]:
    texts = [(row["name"], "name"), (path, "path")]
    for language, labels in _labels(row).items():
        texts += [(label, f"label ({language})") for label in labels]
    return texts


def _paths(survey: pd.DataFrame):
    """``(row, type, path)`` of every question, ``path`` = enclosing group names + name."""
    groups: list[str] = []
    for _, row in survey.iterrows():
        kind = " ".join(row["type"].split()).lower()
        if kind in ("begin group", "begin_group", "begin repeat", "begin_repeat"):
            groups.append(row["name"])
        elif kind in ("end group", "end_group", "end repeat", "end_repeat"):
            groups = groups[:-1]
        elif (
            kind
            and row["name"]
            and kind.split()[0] not in NOT_QUESTIONS
            and kind not in NOT_QUESTIONS
        ):
            yield row, kind, "/".join([*groups, row["name"]])


def draft_from_xlsform(
    survey: pd.DataFrame, choices: pd.DataFrame, codebook: Codebook, *, format_name: str
) -> dict[str, pd.DataFrame]:
    """The three draft tables (``sources_draft``, ``choices_draft``, ``unmatched``)."""
    variables = codebook.variables.set_index("name")
    vindex = _variable_index(codebook)
    sources, drafted, unmatched = [], [], []
    for row, kind, path in _paths(survey):
        texts = _question_texts(row, path)
        labels = " | ".join(t for t, what in texts if what.startswith("label"))
        hits, near = vindex.find(texts)
        if len(hits) != 1:
            reason = (
                "no codebook variable with this name, path or label"
                if not hits
                else "matches several variables: "
                + "; ".join(f"{v} ({h})" for v, h in hits.items())
            )
            unmatched.append(["question", "", path, labels, reason, "; ".join(near)])
            continue
        [(variable, how)] = hits.items()
        note = f"from XLSForm row {row.name}: {how}"
        cb_type = variables.at[variable, "type"]
        if (kind.split()[0] in SELECT) != (cb_type in SELECT):
            note += f"; check: form type '{kind}', codebook type {cb_type}"
        headers = dict.fromkeys(
            [path, row["name"], *(t for t, w in texts if w.startswith("label"))]
        )
        sources += [[format_name, h, variable, note] for h in headers]
        if kind.split()[0] in SELECT and len(kind.split()) > 1:
            list_name = variables.at[variable, "list_name"]
            form_list = kind.split()[1]
            rows = choices[choices["list_name"] == form_list]
            if not list_name:
                unmatched += [["choice", form_list, c["name"], " | ".join(sum(_labels(c).values(), [])),
                               f"question {path} matches {variable}, which has no choice list", ""]
                              for _, c in rows.iterrows()]  # fmt: skip
                continue
            d, u = _draft_choices(rows, codebook, list_name, form_list)
            drafted += d
            unmatched += u
    return {
        "sources_draft": _frame(sources, SOURCES_COLUMNS),
        "choices_draft": _frame(drafted, CHOICES_COLUMNS).drop_duplicates(),
        "unmatched": _frame(unmatched, UNMATCHED_COLUMNS).drop_duplicates(),
    }


def _draft_choices(rows: pd.DataFrame, codebook: Codebook, list_name: str, form_list: str):
    index, known = _option_index(codebook, list_name)
    drafted, unmatched = [], []
    for _, c in rows.iterrows():
        labels = sum(_labels(c).values(), [])
        hits, near = index.find([(c["name"], "name")] + [(x, "label") for x in labels])
        if len(hits) != 1:
            reason = (
                f"no option of codebook list '{list_name}' with this name or label"
                if not hits
                else f"matches several options of '{list_name}': " + "; ".join(hits)
            )
            unmatched.append(["choice", form_list, c["name"], " | ".join(labels), reason,
                              "; ".join(near)])  # fmt: skip
            continue
        [(value, how)] = hits.items()
        new = [x for x in dict.fromkeys(labels) if normalise(x) not in known]
        drafted.append([list_name, value, "|".join(new), form_list, c["name"], how])
    return drafted, unmatched


def _frame(rows: list, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns, dtype="string")


def write_drafts(tables: dict[str, pd.DataFrame], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        table.to_csv(out / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reintegration.codebook.xlsform",
        description="Draft codebook rows for an XLSForm; nothing is written to the codebook.",
    )
    parser.add_argument("form", type=Path, help="the XLSForm (.xlsx)")
    parser.add_argument("--out", type=Path, required=True, help="folder of the draft tables")
    parser.add_argument("--codebook", type=Path, default=Path("config/codebook"))
    parser.add_argument("--format", dest="format_name", help="format name (default: file stem)")
    args = parser.parse_args(argv)
    try:
        survey, choices = read_xlsform(args.form)
    except (XLSFormError, OSError) as error:
        print(error, file=sys.stderr)
        return 1
    fmt = args.format_name or re.sub(r"[^a-z0-9]+", "_", normalise(args.form.stem)).strip("_")
    tables = draft_from_xlsform(survey, choices, load_codebook(args.codebook), format_name=fmt)
    write_drafts(tables, args.out)
    print(
        f"{args.form}: {tables['sources_draft']['variable'].nunique()} questions matched, "
        f"{len(tables['choices_draft'])} choices matched, {len(tables['unmatched'])} unmatched "
        f"(to decide: {args.out / 'unmatched.csv'}); nothing was applied to {args.codebook}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
