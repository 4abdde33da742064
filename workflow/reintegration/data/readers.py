"""Reading raw export files: delimited text (csv, tsv, txt) and the shared reader types.

Nothing here is configured per file. Encoding: a byte-order mark decides (UTF-8 / UTF-16,
as Excel's "Unicode text" writes); else strict UTF-8; else cp1252 (Latin-1 as written by Windows); a file that decodes in none of these, or
decodes only to control characters, is *undecodable*. Delimiter: a first line ``sep=;``
(Excel's hint) decides; else each of ``, ; TAB |`` is tried on the header line and the one
whose headers best match a codebook format wins; when none matches, :class:`csv.Sniffer`
decides. Spreadsheets (xlsx, xlsm, xls, ods): :mod:`reintegration.data.spreadsheets`.

Memory is bounded (:class:`Limits`): a file (or archive member) larger than ``max_bytes``
and a header line longer than ``max_header_chars`` or with more than ``max_header_fields``
fields are refused before they are parsed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from reintegration.data.formats import FormatIndex
from reintegration.text import normalise

DELIMITERS = (",", ";", "\t", "|")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SEP_HINT = re.compile(r"sep=(.)\r?\n")
#: Longest csv field accepted (the csv module's default, 128 KiB, would report a long free-text
#: field as a parsing error); 256 MiB is far beyond any real cell.
FIELD_SIZE_LIMIT = 1 << 28


@dataclass(frozen=True)
class Limits:
    """Memory bounds of every reader (config ``extract.max_file_mb`` and ``max_header_fields``)."""

    max_bytes: int = 1 << 30  # a file, an archive member, a workbook part once decompressed
    max_header_chars: int = 1 << 20
    max_header_fields: int = 10_000


DEFAULT_LIMITS = Limits()


class BadFileError(Exception):
    """A file that cannot be read: empty, truncated, undecodable, malformed or too large."""

    def __init__(self, name: str, kind: str, detail: str):
        self.name, self.kind, self.detail = name, kind, detail
        super().__init__(f"{name}: {kind} file ({detail})")


@dataclass
class Table:
    """The records of one text file or one sheet, as text cells."""

    sheet: str  # "" for text files
    headers: list[str]
    rows: list[list[str]]  # data rows, each as long as ``headers``; blank rows left out
    row_numbers: list[int]  # spreadsheet row number of each data row (header = 1)
    blank_rows: int = 0
    header_rows: list[int] = field(default_factory=list)  # repeated header rows, skipped


@dataclass
class SheetInfo:
    """One sheet of a workbook and what became of it (see README, "The file inventory")."""

    name: str
    state: str  # read | hidden | very_hidden | empty | headers_only | no_matching_headers | ...
    rows: int | None = None  # data rows below the header (visible sheets)
    reason: str = ""


@dataclass
class FileContent:
    name: str
    sha256: str
    kind: str  # csv | text | xlsx | xlsm | xls | ods
    tables: list[Table]
    encoding: str | None = None
    delimiter: str | None = None
    sheets_ignored: list[str] = field(default_factory=list)
    formula_cells: int = 0  # cells read as the cached result of a formula
    sheets: list[SheetInfo] = field(default_factory=list)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sha256_of(source: Path | bytes) -> str:
    return hashlib.sha256(source).hexdigest() if isinstance(source, bytes) else sha256_file(source)


def size_of(source: Path | bytes) -> int:
    """Bytes of a file, or of an archive member already read."""
    return len(source) if isinstance(source, bytes) else source.stat().st_size


def load_bytes(source: Path | bytes, name: str, limits: Limits) -> bytes:
    """The bytes of a file (or archive member already read), refused beyond ``max_bytes``."""
    if isinstance(source, Path):
        size = source.stat().st_size
        if size > limits.max_bytes:
            raise too_large(name, f"{size} bytes", limits)
        return source.read_bytes()
    return source


def too_large(name: str, what: str, limits: Limits) -> BadFileError:
    return BadFileError(
        name,
        "too_large",
        f"{what} exceed the limit of {limits.max_bytes} bytes (extract.max_file_mb); "
        "split the export, or raise the limit if the file is genuine",
    )


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise :class:`BadFileError` (undecodable) otherwise."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:  # UTF-16 without a mark is not guessed (Excel's "Unicode text" has one)
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
        "not valid UTF-8, UTF-16 or cp1252/Latin-1 text (binary or control characters)",
    )


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: dates as ISO, whole floats without ``.0``, empty as ``""``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _first_named(normalised: list[str]) -> int | None:
    """The first named header column, or None when fewer than two are named (then no row is
    taken for a repeated header); computed once per table, not once per row."""
    named = [i for i, h in enumerate(normalised) if h]
    return named[0] if len(named) >= 2 else None


def _is_header_again(
    row: list[str], headers: list[str], normalised: list[str], first: int | None
) -> bool:
    """A data row repeating the header row (two exports pasted into one file); ``first``:
    :func:`_first_named` of ``normalised``."""
    if first is None or len(row) < len(headers):
        return False
    cell = row[first].strip()  # cheap test first: most rows fail
    if cell != headers[first] and (
        abs(len(cell) - len(headers[first])) > 4 or normalise(cell) != normalised[first]
    ):
        return False
    for cell, header, norm in zip(row, headers, normalised, strict=False):
        if cell.strip() != header and normalise(cell) != norm:
            return False
    return True


def split_rows(
    raw_rows: list[list[str]], name: str, sheet: str, ends_cleanly: bool = True, offset: int = 0
) -> Table:
    """Header = first non-blank row; data rows padded/checked against it; blank rows and
    repeated header rows counted apart. ``offset`` = rows before ``raw_rows`` (a ``sep=``
    line), so that row numbers stay those of the file."""
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
    normalised = [normalise(h) for h in headers]
    first = _first_named(normalised)
    table = Table(sheet, headers, [], [])
    last = len(raw_rows) - 1
    for i in range(start + 1, len(raw_rows)):
        row = raw_rows[i]
        number = i + 1 + offset
        if not any(c.strip() for c in row):
            table.blank_rows += 1
            continue
        if _is_header_again(row, headers, normalised, first) and not any(
            c.strip() for c in row[width:]
        ):
            table.header_rows.append(number)
            continue
        if len(row) > width and any(c.strip() for c in row[width:]):
            raise BadFileError(
                name, "malformed", f"row {number} has {len(row)} fields but the header has {width}"
            )
        if len(row) < width:
            if sheet or len(row) == 0:
                row = row + [""] * (width - len(row))  # sheet rows omit trailing empty cells
            elif i == last and not ends_cleanly:
                raise BadFileError(
                    name,
                    "truncated",
                    f"the last row (row {number}) stops after {len(row)} of {width} fields",
                )
            else:
                raise BadFileError(
                    name,
                    "malformed",
                    f"row {number} has {len(row)} fields but the header has {width}",
                )
        cells = row[:width]
        if set(map(type, cells)) != {str}:  # readers give text; anything else is converted
            cells = [c if isinstance(c, str) else cell_text(c) for c in cells]
        table.rows.append(cells)
        table.row_numbers.append(number)
    return table


def _header_line(text: str, name: str, limits: Limits) -> str:
    """The first non-empty line, refused when longer than the header limits allow."""
    start = 0
    while start < len(text) and text[start] in "\r\n":
        start += 1
    stop = start + limits.max_header_chars + 1
    end = min(
        (i for i in (text.find("\n", start, stop), text.find("\r", start, stop)) if i >= 0),
        default=-1,
    )
    if end < 0:
        if len(text) - start > limits.max_header_chars:
            raise BadFileError(
                name,
                "too_large",
                f"the header line is longer than {limits.max_header_chars} characters; "
                "this is not a survey export header",
            )
        end = len(text)
    line = text[start:end]
    fields = max(line.count(d) for d in DELIMITERS) + 1
    if fields > limits.max_header_fields:
        raise BadFileError(
            name,
            "too_large",
            f"the header line has {fields} fields, more than {limits.max_header_fields} "
            "(extract.max_header_fields)",
        )
    return line


def _delimiter(text: str, first_line: str, index: FormatIndex) -> str:
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
    return best


def read_csv(
    source: Path | bytes,
    index: FormatIndex,
    name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    kind: str = "csv",
) -> FileContent:
    """Read a delimited text file (``.csv``, ``.tsv``, ``.txt``) from a path or bytes."""
    name = name or (source.name if isinstance(source, Path) else "(bytes)")
    data = load_bytes(source, name, limits)
    if not data.strip():
        raise BadFileError(
            name, "empty", "the file holds no bytes" if not data else "only whitespace"
        )
    text, encoding = decode(data, name)
    del data
    offset, best = 0, None
    hint = _SEP_HINT.match(text.lstrip("\ufeff"))
    if hint:  # Excel's "sep=;" first line names the delimiter and is not part of the table
        best, offset = hint.group(1), 1
        text = text.lstrip("\ufeff")[hint.end() :]
    first_line = _header_line(text, name, limits)
    best = best or _delimiter(text, first_line, index)
    if csv.field_size_limit() < FIELD_SIZE_LIMIT:
        csv.field_size_limit(FIELD_SIZE_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=best, strict=True)
    try:
        raw_rows = list(reader)
    except csv.Error as error:
        kind_ = "malformed" if "field larger" in str(error) else "truncated"
        raise BadFileError(
            name, kind_, f"csv parsing stopped at line {reader.line_num + offset}: {error}"
        ) from error
    ends_cleanly = text.endswith(("\n", "\r"))
    table = split_rows(raw_rows, name, "", ends_cleanly, offset)
    if not ends_cleanly and table.rows:
        # Every writer ends a record with a line break; its absence means the file was cut,
        # possibly inside the last field, which would otherwise pass as a shorter answer.
        raise BadFileError(
            name,
            "truncated",
            f"the file does not end with a line break: the last row (row {table.row_numbers[-1]}) "
            "is probably cut",
        )
    return FileContent(name, sha256_of(source), kind, [table], encoding=encoding, delimiter=best)


TEXT_KINDS = {".csv": "csv", ".tsv": "text", ".txt": "text"}
SPREADSHEET_KINDS = {".xlsx": "xlsx", ".xlsm": "xlsm", ".xls": "xls", ".ods": "ods"}


def read_source(
    source: Path | bytes, kind: str, index: FormatIndex, name: str, limits: Limits = DEFAULT_LIMITS
) -> FileContent:
    """Read one export (a file or an archive member's bytes) of a known ``kind``."""
    if kind in ("csv", "text"):
        return read_csv(source, index, name, limits, kind)
    from reintegration.data.spreadsheets import read_spreadsheet

    return read_spreadsheet(source, index, name, kind, limits)


def read_file(path: Path, index: FormatIndex, limits: Limits = DEFAULT_LIMITS) -> FileContent:
    """Read one export file by its extension (csv, tsv, txt, xlsx, xlsm, xls, ods)."""
    suffix = path.suffix.lower()
    kind = TEXT_KINDS.get(suffix) or SPREADSHEET_KINDS.get(suffix)
    if kind is None:
        raise ValueError(f"{path.name}: not a file kind extraction reads")
    return read_source(path, kind, index, path.name, limits)


def read_xlsx(path: Path, index: FormatIndex, name: str | None = None) -> FileContent:
    """An xlsx workbook (kept for callers of the former openpyxl reader)."""
    from reintegration.data.spreadsheets import read_spreadsheet

    return read_spreadsheet(path, index, name or path.name, "xlsx", DEFAULT_LIMITS)
