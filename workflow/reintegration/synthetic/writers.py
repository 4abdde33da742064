"""Rendering canonical records as raw export files (csv and xlsx) in the codebook's formats.

Headers, labels, date orders and separators come from the codebook (sources.csv, choices.csv,
formats.csv), so a raw file is exactly what the extraction layer is specified to read. xlsx files
are written with xlsxwriter with fixed document properties (no wall-clock time), which makes them
byte-identical across runs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from reintegration.synthetic import xlsx_rows
from reintegration.text import normalise, split_variants

FIXED_TIME = dt.datetime(2020, 7, 1, 0, 0, 0)
EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_VARS = ("date_of_birth", "return_date", "interview_date", "mentoring_start")
# Variants that spreadsheet/pandas readers turn into missing or numbers: never written.
_UNSAFE = {normalise(s) for s in ("NA", "N/A", "None", "null", "nan", "1", "0", "True", "False")}


@dataclass
class FormatSpec:
    name: str
    language: str
    date_order: str
    separator: str
    headers: dict  # variable -> [canonical header, aliases...]
    drops: list


def format_specs(cb) -> dict:
    out = {}
    for _, f in cb.formats.iterrows():
        src = cb.sources[cb.sources["format"] == f["format"]]
        headers: dict[str, list[str]] = {}
        drops = []
        for _, r in src.iterrows():
            if r["variable"] == "drop":
                drops.append(r["header"])
            else:
                headers.setdefault(r["variable"], []).append(r["header"])
        out[f["format"]] = FormatSpec(
            f["format"], f["language"], f["date_order"], f["multi_separator"], headers, drops
        )
    return out


class Labels:
    """Answer labels by list, value and language, with the safe listed variants."""

    def __init__(self, cb):
        self.lists = {
            v: lst
            for v, lst in zip(cb.variables["name"], cb.variables["list_name"], strict=True)
            if lst
        }
        self.label = {}
        self.variants = {}
        for _, r in cb.choices.iterrows():
            key = (r["list_name"], r["value"])
            self.label[key] = {"en": r["label_en"], "fr": r["label_fr"]}
            self.variants[key] = [
                v for v in split_variants(r["variants"]) if normalise(v) not in _UNSAFE
            ]

    def get(self, variable: str, value: str, lang: str) -> str:
        return self.label[(self.lists[variable], value)][lang]


def _strip_accents(s: str) -> str:
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))


def render_labels(
    df: pd.DataFrame, labels: Labels, spec: FormatSpec, rates: dict, rng, log: list
) -> pd.DataFrame:
    """Replace canonical values of select variables by labels, with logged label messiness.

    Each record draws three uniforms per variable: the first picks a listed variant, the
    accent-free form (French) or a case-and-spacing variant (third uniform), in that order of
    precedence; the second picks which variant and which case form. The forms of each distinct
    value are worked out once and the choices made on whole columns; the log holds one entry
    per changed cell in record order, as one pass per record would."""
    out = df.copy()
    for var in out.columns:
        if var not in labels.lists or var not in spec.headers:
            continue
        vals = out[var].to_numpy(object)
        u = rng.random((len(vals), 3))
        res = np.full(len(vals), "", dtype=object)
        given = np.flatnonzero(~(pd.isna(vals) | (vals == "")))
        codes, uniques = pd.factorize(vals[given])
        forms = [_label_forms(var, value, labels, spec) for value in uniques]
        res[given] = _labelled_cells(forms, codes, u[given], var, spec, rates, given, log)
        out[var] = res
    return out


def _labelled_cells(forms, codes, u, var, spec, rates, rows, log) -> np.ndarray:
    """The cells of one variable's given values (``codes`` into ``forms``), logged by row."""
    text, stripped, upper, lower, variants, first, count = _form_table(forms, codes)
    cells = text.copy()
    varied = (u[:, 0] < rates["variant"]) & (count > 0) & (var != "assistance")
    accent = (
        ~varied
        & (spec.language == "fr")
        & (u[:, 0] < rates["variant"] + rates["accent_stripped"])
        & (stripped != text)
    )
    spaced = ~varied & ~accent & (u[:, 2] < rates["case_spacing"])
    pick = first + (u[:, 1] * np.maximum(count, 1)).astype(np.int64)  # int(): u >= 0
    cells[varied] = variants[pick[varied]]
    cells[accent] = stripped[accent]
    cells[spaced] = np.where(u[spaced, 1] < 0.5, upper[spaced], lower[spaced])
    kinds = (
        (varied, "label_variant", "corrected:label_variant"),
        (accent, "accent_stripped", "corrected:label_normalised"),
        (spaced, "label_case_spacing", "corrected:label_normalised"),
    )
    changed = [
        (int(rows[i]), kind, var, outcome) for m, kind, outcome in kinds for i in np.flatnonzero(m)
    ]
    log.extend(sorted(changed))  # one change per cell: record order
    return cells


def _form_table(forms, codes) -> tuple[np.ndarray, ...]:
    """Per cell: its value's label, accent-free, upper- and lower-case spaced forms, and where
    its variants start and how many there are in the flat array of all values' variants."""
    text = np.array([f[0] for f in forms], dtype=object)
    count = np.array([len(f[1]) for f in forms], dtype=np.int64)
    first = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    variants = np.array([v for f in forms for v in f[1]] or [""], dtype=object)
    per_value = (
        text,
        np.array([f[2] for f in forms], dtype=object),
        np.array(["  " + t.upper() + " " for t in text], dtype=object),
        np.array([t.lower().replace(" ", "  ") + "  " for t in text], dtype=object),
    )
    return (*(a[codes] for a in per_value), variants, first[codes], count[codes])


def _label_forms(var: str, value, labels: Labels, spec: FormatSpec) -> tuple[str, list, str]:
    """A value's label in the format's language, its safe variants and its accent-free form."""
    parts = str(value).split(";") if var == "assistance" else [value]
    text = spec.separator.join(labels.get(var, v, spec.language) for v in parts)
    variants = labels.variants.get((labels.lists[var], parts[0])) or []
    return text, variants, _strip_accents(text) if spec.language == "fr" else text


def excel_serial(value) -> str:
    return str((pd.Timestamp(value).date() - EXCEL_EPOCH).days)


def write_csv(
    path: Path, header: list[str], rows: list[list], separator: str, encoding: str
) -> None:
    buf = io.StringIO()
    w = csv.writer(
        buf, delimiter=separator, lineterminator="\r\n" if encoding == "cp1252" else "\n"
    )
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def write_xlsx(
    path: Path, header: list[str], rows: list[list], sheet: str, notes_sheet: bool
) -> None:
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    wb.set_properties({"created": FIXED_TIME, "author": "RSS export", "title": "RSS"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet(sheet)
    ws.write_row(0, 0, header)
    if not (xlsx_rows.streamable(ws) and xlsx_rows.stream_rows(ws, rows, date_fmt)):
        _write_cells(ws, rows, date_fmt)
    if notes_sheet:
        ns = wb.add_worksheet("Notes")
        ns.write_string(0, 0, "Export of the case-management system; one row per RSS interview.")
    wb.close()


def _write_cells(ws, rows: list[list], date_fmt) -> None:
    """``rows`` as sheet rows 2, 3, ...: one xlsxwriter call per non-empty cell."""
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
            elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
                ws.write_number(r, c, int(value))
            elif value not in ("", None):
                ws.write_string(r, c, str(value))
