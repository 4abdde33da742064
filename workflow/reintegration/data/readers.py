"""Reading raw export files: csv (encoding and delimiter detected) and xlsx (sheet detected).

Nothing here is configured per file. Encoding: a byte-order mark decides (UTF-8 / UTF-16);
else strict UTF-8; else cp1252 (Latin-1 as written by Windows); a file that decodes in none
of these, or decodes only to control characters, is *undecodable*. Delimiter: each of
``, ; TAB |`` is tried on the header line and the one whose headers best match a codebook
format wins; when none matches, :class:`csv.Sniffer` decides. xlsx: the sheet named as the
format's preferred sheet, else every sheet whose first row matches a format.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from reintegration.data.formats import FormatIndex

DELIMITERS = (",", ";", "\t", "|")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Longest csv field accepted (the csv module's default, 128 KiB, would report a long free-text
#: field as a parsing error); 256 MiB is far beyond any real cell.
FIELD_SIZE_LIMIT = 1 << 28
# Tags of the sheet XML (any namespace prefix): formulas and merged-cell ranges.
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE_TAG = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


class BadFileError(Exception):
    """A file that cannot be read: empty, truncated, undecodable or malformed."""

    def __init__(self, name: str, kind: str, detail: str):
        self.name, self.kind, self.detail = name, kind, detail
        super().__init__(f"{name}: {kind} file ({detail})")


@dataclass
class Table:
    """The records of one csv file or one xlsx sheet, as text cells."""

    sheet: str  # "" for csv
    headers: list[str]
    rows: list[list[str]]  # data rows, each as long as ``headers``; blank rows left out
    row_numbers: list[int]  # spreadsheet row number of each data row (header = 1)
    blank_rows: int = 0


@dataclass
class FileContent:
    name: str
    sha256: str
    kind: str  # csv | xlsx
    tables: list[Table]
    encoding: str | None = None
    delimiter: str | None = None
    sheets_ignored: list[str] = field(default_factory=list)
    formula_cells: int = 0  # xlsx cells read as the cached result of a formula


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise :class:`BadFileError` (undecodable) otherwise."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            continue
        return text, encoding
    raise BadFileError(
        name,
        "undecodable",
        "not valid UTF-8, UTF-16 with BOM or cp1252/Latin-1 text (binary or control characters)",
    )


def cell_text(value: object) -> str:
    """An xlsx cell as text: dates as ISO, whole floats without ``.0``, empty as ``""``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _split_rows(
    raw_rows: list[list[str]], name: str, sheet: str, ends_cleanly: bool = True
) -> Table:
    """Header = first non-blank row; data rows padded/checked against it, blank rows counted."""
    start = next((i for i, r in enumerate(raw_rows) if any(c.strip() for c in r)), None)
    if start is None:
        raise BadFileError(
            name, "empty", "no header row" + (f" in sheet '{sheet}'" if sheet else "")
        )
    # A stray byte-order mark (a BOM written twice, or inside the file) is not part of a header.
    headers = [h.replace("\ufeff", "").strip() for h in raw_rows[start]]
    # Trailing unnamed columns that are empty everywhere (trailing delimiters) are not columns.
    width = len(headers)
    while width and not headers[width - 1]:
        if any(len(r) >= width and r[width - 1].strip() for r in raw_rows[start + 1 :]):
            break
        width -= 1
    headers = headers[:width]
    rows, numbers, blank = [], [], 0
    last = len(raw_rows) - 1
    for i in range(start + 1, len(raw_rows)):
        row = raw_rows[i]
        if not any(c.strip() for c in row):
            blank += 1
            continue
        if len(row) > width and any(c.strip() for c in row[width:]):
            raise BadFileError(
                name,
                "malformed",
                f"row {i + 1} has {len(row)} fields but the header has {width}",
            )
        if len(row) < width:
            if sheet or len(row) == 0:
                row = row + [""] * (width - len(row))  # xlsx rows omit trailing empty cells
            elif i == last and not ends_cleanly:
                raise BadFileError(
                    name,
                    "truncated",
                    f"the last row (row {i + 1}) stops after {len(row)} of {width} fields",
                )
            else:
                raise BadFileError(
                    name,
                    "malformed",
                    f"row {i + 1} has {len(row)} fields but the header has {width}",
                )
        rows.append([c if isinstance(c, str) else cell_text(c) for c in row[:width]])
        numbers.append(i + 1)
    return Table(sheet, headers, rows, numbers, blank)


def read_csv(path: Path, index: FormatIndex, name: str | None = None) -> FileContent:
    name = name or path.name
    data = path.read_bytes()
    if not data.strip():
        raise BadFileError(
            name, "empty", "the file holds no bytes" if not data else "only whitespace"
        )
    text, encoding = decode(data, name)
    first_line = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    best, best_score = None, 0
    for delimiter in DELIMITERS:
        headers = next(csv.reader([first_line], delimiter=delimiter), [])
        score = index.score(headers)
        if score > best_score:
            best, best_score = delimiter, score
    if best is None:
        try:
            best = csv.Sniffer().sniff(text[:65536], delimiters="".join(DELIMITERS)).delimiter
        except csv.Error:
            best = ","
    if csv.field_size_limit() < FIELD_SIZE_LIMIT:
        csv.field_size_limit(FIELD_SIZE_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=best, strict=True)
    try:
        raw_rows = list(reader)
    except csv.Error as error:
        kind = "malformed" if "field larger" in str(error) else "truncated"
        raise BadFileError(
            name, kind, f"csv parsing stopped at line {reader.line_num}: {error}"
        ) from error
    ends_cleanly = text.endswith(("\n", "\r"))
    table = _split_rows(raw_rows, name, "", ends_cleanly)
    if not ends_cleanly and table.rows:
        # Every writer ends a record with a line break; its absence means the file was cut,
        # possibly inside the last field, which would otherwise pass as a shorter answer.
        raise BadFileError(
            name,
            "truncated",
            f"the file does not end with a line break: the last row (row {table.row_numbers[-1]}) "
            "is probably cut",
        )
    return FileContent(name, sha256_file(path), "csv", [table], encoding=encoding, delimiter=best)


def read_xlsx(path: Path, index: FormatIndex, name: str | None = None) -> FileContent:
    from openpyxl import load_workbook

    name = name or path.name
    if path.stat().st_size == 0:
        raise BadFileError(name, "empty", "the file holds no bytes")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise BadFileError(name, "truncated", f"not a readable xlsx workbook: {error}") from error
    try:
        sheets: dict[str, list[list[object]]] = {}
        matches = {}
        for ws in wb.worksheets:
            try:
                rows = [list(r) for r in ws.iter_rows(values_only=True)]
            except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
                raise BadFileError(
                    name, "truncated", f"sheet '{ws.title}' cannot be read: {error}"
                ) from error
            first = next((r for r in rows if any(cell_text(c).strip() for c in r)), None)
            match = index.match([cell_text(c) for c in first]) if first else None
            sheets[ws.title] = rows
            if match:
                matches[ws.title] = match
    finally:
        wb.close()
    preferred = [s for s, m in matches.items() if m.format.sheet and m.format.sheet == s]
    chosen = preferred or list(matches)
    if not chosen:
        if not any(any(cell_text(c).strip() for c in r) for rows in sheets.values() for r in rows):
            raise BadFileError(name, "empty", "no sheet holds any cell")
        chosen = [next(iter(sheets))]  # let format detection report its headers
    formula_cells = 0
    for sheet in chosen:
        formula_cells += _check_sheet_markup(path, name, sheet, sheets[sheet])
    tables = []
    for sheet in chosen:
        raw = [[cell_text(c) for c in r] for r in sheets[sheet]]
        tables.append(_split_rows(raw, name, sheet))
    ignored = [s for s in sheets if s not in chosen]
    return FileContent(
        name,
        sha256_file(path),
        "xlsx",
        tables,
        sheets_ignored=ignored,
        formula_cells=formula_cells,
    )


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _header_of(rows: list[list[object]], column: int) -> str:
    """The header (first non-blank row) above ``column`` (0-based), for messages."""
    first = next((r for r in rows if any(cell_text(c).strip() for c in r)), [])
    return cell_text(first[column]).strip() if column < len(first) else ""


def _scan_sheet_xml(path: Path, sheet: str) -> tuple[bool, list[str]]:
    """``(holds a formula, merged ranges)`` of one sheet, streaming its XML in blocks."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        source = wb[sheet]._get_source()
        formula, merges, tail = False, [], b""
        with source:
            for block in iter(lambda: source.read(1 << 20), b""):
                chunk = tail + block
                formula = formula or bool(_FORMULA_TAG.search(chunk))
                for m in _MERGE_TAG.finditer(chunk):
                    if m.end() > len(tail):  # not already seen in the previous block
                        merges.append(m.group(1).decode("ascii"))
                tail = chunk[-256:]
    finally:
        wb.close()
    return formula, list(dict.fromkeys(merges))


def _check_sheet_markup(path: Path, name: str, sheet: str, values: list[list[object]]) -> int:
    """Refuse what a values-only read would silently get wrong; return the formula cells.

    - merged cells: only the top-left cell of a merged range holds the value, the others read
      as empty, so a merged range inside the records would blank answers or required fields;
      the file is refused, naming each range (unmerge and fill the cells, then export again);
    - formula cells: their value is the result cached by the spreadsheet program that saved
      the file; a formula without a cached result (a file written by a script and never
      opened in a spreadsheet program) would read as empty, so the file is refused, naming
      the cells. Formulas with a cached result are read as that result and counted.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.cell import range_boundaries

    formula, merges = _scan_sheet_xml(path, sheet)
    if merges:
        parts = []
        for ref in merges[:10]:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
            header = _header_of(values, min_col - 1)
            parts.append(
                f"{ref} (rows {min_row}-{max_row}, column '{header}')"
                if header
                else f"{ref} (rows {min_row}-{max_row})"
            )
        more = f" and {len(merges) - 10} more" if len(merges) > 10 else ""
        raise BadFileError(
            name,
            "merged_cells",
            f"sheet '{sheet}' has merged cells {', '.join(parts)}{more}: only the first cell of "
            "a merged range holds a value; unmerge and fill every cell, then export again",
        )
    if not formula:
        return 0
    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        found, uncached = 0, []
        for r, row in enumerate(wb[sheet].iter_rows(values_only=True)):
            for c, cell in enumerate(row):
                if isinstance(cell, str) and cell.startswith("="):
                    found += 1
                    cached = values[r][c] if r < len(values) and c < len(values[r]) else None
                    if cached is None or cell_text(cached) == "":
                        uncached.append((r + 1, c))
    finally:
        wb.close()
    if uncached:
        cells = ", ".join(
            f"{_column_letter(c)}{r} (row {r}, column '{_header_of(values, c)}')"
            for r, c in uncached[:10]
        )
        more = f" and {len(uncached) - 10} more" if len(uncached) > 10 else ""
        raise BadFileError(
            name,
            "formula",
            f"sheet '{sheet}': formula cell(s) without a computed value {cells}{more}; open and "
            "save the file in a spreadsheet program (or paste values), then export again",
        )
    return found


def read_file(path: Path, index: FormatIndex) -> FileContent:
    """Read one export file by its extension (``.csv`` or ``.xlsx``)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path, index)
    if suffix == ".xlsx":
        return read_xlsx(path, index)
    raise ValueError(f"{path.name}: not a .csv or .xlsx file")
