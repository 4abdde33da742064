"""Extraction: every export file of one wave -> one table of raw records (STUDY.md §6).

Output rows are the raw non-blank records with canonical column names, answers still as the
raw text, provenance (file, sheet, row, SHA-256, format), and ``person_id`` (a keyed
pseudonym of the canonical case id) in place of the case id. Direct identifiers and columns
the codebook marks ``drop`` are never kept. Problems (unknown headers, bad files) are
collected over the whole wave and raised together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reintegration.codebook import Codebook
from reintegration.data.formats import DROP, FormatIndex
from reintegration.data.inventory import READ, SKIPPED, Entry, refused, scan
from reintegration.data.pseudonym import canonical_case_id, canonical_case_ids, pseudonymise
from reintegration.data.readers import (
    DEFAULT_LIMITS,
    BadFileError,
    FileContent,
    Limits,
    read_source,
)
from reintegration.problems import Problem, ProblemsError

PROVENANCE = [
    "record_id",
    "wave",
    "record_type",
    "source_format",
    "source_file",
    "source_sheet",
    "source_row",
    "source_sha256",
]
#: Problem rule of each kind of refused path (inventory).
REFUSED_RULES = {"symlink": "symlink_file", "unknown": "unknown_kind_file", "zip": "archive_file"}
DEFAULT_CASE_ID_PATTERN = r"^[A-Z]{3}-[0-9]{4}-[0-9]+$"


@dataclass
class ExtractOptions:
    allow_unlisted_columns: bool = False
    skip_bad_files: bool = False
    case_id_links: dict[str, str] = field(default_factory=dict)  # canonical variant -> canonical
    case_id_pattern: str = DEFAULT_CASE_ID_PATTERN
    skip_unknown_files: bool = False
    limits: Limits = DEFAULT_LIMITS


def record_columns(codebook: Codebook) -> list[str]:
    """Canonical data columns of records.parquet: every variable except identifiers and case_id."""
    v = codebook.variables
    keep = v[(v["identifier"] != "yes") & (v["type"] != "case_id")]
    return keep["name"].tolist()


def read_case_id_links(path: str | Path | None) -> dict[str, str]:
    """Read a ``variant,canonical`` CSV (absent file = no links); both sides canonicalised."""
    if not path or not Path(path).is_file():
        return {}
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"variant", "canonical"} - set(df.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    links = {}
    problems = []
    for i, row in enumerate(df.itertuples(index=False), start=2):
        variant, canonical = canonical_case_id(row.variant), canonical_case_id(row.canonical)
        if not variant or not canonical:
            problems.append(Problem(str(path), i, None, "blank variant or canonical id", "links"))
        elif links.get(variant, canonical) != canonical:
            problems.append(Problem(str(path), i, "variant", "variant linked twice", "links"))
        else:
            links[variant] = canonical
    if problems:
        raise ProblemsError(f"case-id links {path} are invalid", problems)
    return links


def _text_column(values: tuple[str, ...]) -> pd.api.extensions.ExtensionArray:
    """A column of cell texts as the ``string`` dtype, blank cells (only whitespace) missing.

    Built in Arrow (the ``string`` dtype's storage with the pinned environment): the pinned
    pyarrow trims exactly the characters ``str.strip`` does (tests/data), and a column is one C
    call, not one Python test per cell (issue 16: a fifth of a large wave's extraction in the
    profile)."""
    cells = pa.array(values, type=pa.large_string())
    blank = pc.equal(pc.utf8_trim_whitespace(cells), "")
    return pd.arrays.ArrowStringArray(pc.if_else(blank, pa.scalar(None, cells.type), cells))


def _table_frame(
    content: FileContent, table, match, columns: list[str], variables: pd.DataFrame
) -> tuple[pd.DataFrame, dict, list[Problem]]:
    """Records of one table as canonical text columns (+ raw case id), and its report entry."""
    problems = []
    kept: dict[str, int] = {}  # variable -> column position
    identifiers, dropped = [], []
    ident = set(variables.loc[variables["identifier"] == "yes", "name"])
    for pos, variable in sorted(match.columns.items()):
        header = table.headers[pos]
        if variable == DROP:
            dropped.append(header)
        elif variable in ident:
            identifiers.append(header)
        elif variable in kept:
            problems.append(
                Problem(
                    content.name + (f" [sheet {table.sheet}]" if table.sheet else ""),
                    1,
                    header,
                    f"a second column for variable '{variable}' (first: "
                    f"'{table.headers[kept[variable]]}')",
                    "duplicate_column",
                )
            )
        else:
            kept[variable] = pos
    data: dict[str, object] = {}
    n = len(table.rows)
    # one pass over the rows (the readers give every row the header's width); no rows: empty
    by_column = list(zip(*table.rows, strict=True)) if n else [()] * len(table.headers)
    for variable in ["case_id", *columns]:
        if variable in kept:
            data[variable] = _text_column(by_column[kept[variable]])
        else:
            data[variable] = pd.array([None] * n, dtype="string")
    frame = pd.DataFrame(data)
    modules = set(variables.loc[variables["name"].isin(kept), "module"])
    record_type = "premigration" if "premigration" in modules else "rss"
    frame.insert(0, "source_row", pd.array(table.row_numbers, dtype="Int64"))
    frame.insert(0, "source_sheet", table.sheet)
    frame.insert(0, "source_file", content.name)
    frame.insert(0, "source_format", match.format.name)
    frame.insert(0, "record_type", record_type)
    entry = {
        "sheet": table.sheet,
        "format": match.format.name,
        "record_type": record_type,
        "rows_read": n,
        "blank_rows": table.blank_rows,
        "header_rows_skipped": table.header_rows,
        "columns": {table.headers[p]: v for v, p in sorted(kept.items(), key=lambda kv: kv[1])},
        "headers_dropped_identifier": identifiers,
        "headers_dropped_drop": dropped,
        "headers_dropped_unlisted": [h for _, h in match.unknown],
    }
    return frame, entry, problems


def extract_wave(
    wave_dir: str | Path,
    wave: str,
    codebook: Codebook,
    key: bytes,
    options: ExtractOptions | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Extract every export of ``wave_dir`` (see :mod:`~reintegration.data.inventory`).

    Returns ``(records, report)``; the report's ``inventory`` lists every path and sheet.

    Raises:
        ProblemsError: listing every unknown header, unmatched file and bad file of the wave.
        FileNotFoundError: the wave folder is missing or holds no readable file.
    """
    options = options or ExtractOptions()
    wave_dir = Path(wave_dir)
    index = FormatIndex(codebook)
    columns = record_columns(codebook)
    sources, entries, bad = scan(wave_dir, options.limits, options.skip_unknown_files)
    problems = [
        Problem(e.path, None, None, e.reason, REFUSED_RULES.get(e.kind, "refused_file"))
        for e in refused(entries)
    ]
    if not sources and not bad and not problems:
        raise FileNotFoundError(
            f"wave folder {wave_dir} holds no file extraction reads (.csv, .tsv, .txt, .xlsx, "
            ".xlsm, .xls, .ods, .zip); not read: "
            + (", ".join(f"{e.path} ({e.reason})" for e in entries) or "nothing")
        )
    frames: list[pd.DataFrame] = []
    file_reports, skipped = [], []
    for error in bad:
        _bad_file(error, None, options, skipped, entries, problems)
    for source in sources:
        try:
            content = read_source(source.data, source.kind, index, source.name, options.limits)
        except BadFileError as error:
            _bad_file(error, source.kind, options, skipped, entries, problems)
            continue
        for table in content.tables:
            read = _read_table(content, table, index, options, columns, codebook, problems)
            if read is not None:
                frames.append(read[0])
                file_reports.append(read[1])
        entries += _content_entries(content, file_reports)
    if problems:
        raise ProblemsError(f"extraction of wave {wave} ({wave_dir}) failed", problems)
    records, ids = _records(frames, columns, wave, key, options)
    entries.sort(key=lambda e: (e.path, e.sheet))
    report = {
        "wave": wave,
        "files": file_reports,
        "files_skipped": skipped,
        "files_not_read": [
            {"file": e.path, "reason": e.reason}
            for e in entries
            if e.status != READ and not e.sheet
        ],
        "inventory": [e.as_dict() for e in entries],
        "rows_read": int(len(records)),
        "blank_rows": int(sum(f["blank_rows"] for f in file_reports)),
        "header_rows_skipped": int(sum(len(f["header_rows_skipped"]) for f in file_reports)),
        "rows_by_format": {
            k: int(v) for k, v in sorted(records["source_format"].value_counts().items())
        },
        **ids,
        "persons": int(records["person_id"].nunique()),
    }
    return records, report


def _bad_file(error, kind, options, skipped, entries, problems) -> None:
    """A file that cannot be read: skipped and listed (``skip_bad_files``) or a problem."""
    if options.skip_bad_files:
        skipped.append({"file": error.name, "problem": error.kind, "detail": error.detail})
        entries.append(
            Entry(error.name, kind or "zip", SKIPPED, f"{error.kind} file: {error.detail}")
        )
    else:
        problems.append(Problem(error.name, None, None, str(error.detail), f"{error.kind}_file"))


def _content_entries(content: FileContent, file_reports: list[dict]) -> list[Entry]:
    """Inventory entries of a file read: one per table read, one per sheet not read."""
    formats = {(f["file"], f["sheet"]): f["format"] for f in file_reports}
    out = []
    if not content.sheets:
        table = content.tables[0]
        fmt = formats.get((content.name, ""))
        out.append(Entry(content.name, content.kind, READ, "", fmt, "", "", len(table.rows)))
        return out
    rows = {t.sheet: len(t.rows) for t in content.tables}
    for sheet in content.sheets:
        if sheet.state == "read":
            fmt = formats.get((content.name, sheet.name))
            out.append(
                Entry(
                    content.name, content.kind, READ, "", fmt, sheet.name, "read", rows[sheet.name]
                )
            )
        else:
            out.append(
                Entry(
                    content.name,
                    content.kind,
                    SKIPPED,
                    sheet.reason,
                    None,
                    sheet.name,
                    sheet.state,
                    sheet.rows,
                )
            )
    return out


def _read_table(content, table, index, options, columns, codebook, problems):
    """``(frame, report entry)`` of one table, or ``None`` with its problems appended."""
    where = content.name + (f" [sheet {table.sheet}]" if table.sheet else "")
    match = index.match(table.headers)
    if match is None:
        problems.append(
            Problem(
                where,
                1,
                None,
                "headers match no source format of the codebook (sources.csv); headers: "
                + ", ".join(repr(h) for h in table.headers),
                "unknown_format",
            )
        )
        return None
    blank_named = [
        i for i, h in enumerate(table.headers) if not h and any(r[i].strip() for r in table.rows)
    ]
    unknown = [(i, h) for i, h in match.unknown] + [
        (i, f"(blank, column {i + 1})") for i in blank_named
    ]
    if unknown and not options.allow_unlisted_columns:
        for _, header in unknown:
            problems.append(
                Problem(
                    where,
                    1,
                    header,
                    f"header not in the codebook for format '{match.format.name}' "
                    "(add it to sources.csv, mapped or 'drop')",
                    "unknown_header",
                )
            )
        return None
    frame, entry, table_problems = _table_frame(content, table, match, columns, codebook.variables)
    problems += table_problems
    entry["headers_dropped_unlisted"] = [h for _, h in unknown]
    frame["source_sha256"] = content.sha256
    report = {
        "file": content.name,
        "kind": content.kind,
        "sha256": content.sha256,
        "encoding": content.encoding,
        "delimiter": content.delimiter,
        "sheets_ignored": content.sheets_ignored,
        "formula_cells": content.formula_cells,
        **entry,
    }
    return frame, report


def _records(frames, columns, wave, key, options) -> tuple[pd.DataFrame, dict]:
    """The wave's records with provenance and pseudonyms, and the case-id counts."""
    records = pd.concat(frames, ignore_index=True) if frames else _empty(columns)
    frames.clear()  # the tables' frames, stacked now (issue 16: one copy of the wave's text)
    raw_ids = records.pop("case_id")
    canonical = canonical_case_ids(raw_ids)
    linked = canonical.map(options.case_id_links)
    n_linked = int(linked.notna().sum())
    canonical = linked.fillna(canonical) if n_linked else canonical
    pattern = re.compile(options.case_id_pattern)
    stripped = raw_ids.str.strip()
    standard = stripped.map(lambda s: bool(pattern.fullmatch(s)) if isinstance(s, str) else True)
    records["case_id_canonicalised"] = (~standard.astype(bool) | linked.notna()).astype(bool)
    records.insert(0, "person_id", pseudonymise(canonical, key))
    records.insert(0, "wave", wave)
    records.insert(
        0,
        "record_id",
        (
            wave
            + "/"
            + records["source_file"]
            + ":"
            + records["source_sheet"]
            + ":"
            + records["source_row"].astype("string")
        ).astype("string"),
    )
    order = PROVENANCE + ["person_id", "case_id_canonicalised"] + columns
    records = records[order]
    for col in [
        "wave",
        "record_type",
        "source_format",
        "source_file",
        "source_sheet",
        "source_sha256",
    ]:
        records[col] = records[col].astype("string")
    ids = {
        "case_ids_missing": int(canonical.isna().sum()),
        "case_ids_canonicalised": int(records["case_id_canonicalised"].sum()),
        "case_ids_linked": n_linked,
    }
    return records, ids


def _empty(columns: list[str]) -> pd.DataFrame:
    data = {
        c: pd.array([], dtype="string")
        for c in [
            "record_type",
            "source_format",
            "source_file",
            "source_sheet",
            "case_id",
            *columns,
        ]
    }
    data["source_row"] = pd.array([], dtype="Int64")
    data["source_sha256"] = pd.array([], dtype="string")
    return pd.DataFrame(data)
