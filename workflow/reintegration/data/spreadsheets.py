"""Reading workbooks (xlsx, xlsm, xls, ods) with python-calamine; which sheets hold records.

Cells are read from the sheet data, never from the ``<dimension>`` element a writer may have
left stale. Every cell becomes text as :func:`~reintegration.data.readers.cell_text` writes
it (dates as ISO dates). Sheets: hidden and very hidden sheets are never read (reported);
among the visible sheets whose first non-blank row matches a source format, those with data
rows are read — the format's preferred sheet (``formats.csv`` ``sheet``) when it has rows,
else every such sheet; a sheet with headers but no rows (an empty template) never hides
another sheet that has them. Every sheet gets a state in :attr:`FileContent.sheets`.

What a values-only read would get wrong is refused: merged ranges (only their first cell
holds a value; calamine lists them) and formulas without a cached result (openpyxl, only
for xlsx/xlsm parts that hold a formula, since calamine reads only the cached values).
Memory: each part of a zip-based workbook is checked against ``Limits.max_bytes`` once
decompressed (a zip bomb is refused before any sheet is parsed).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from reintegration.data.formats import FormatIndex
from reintegration.data.readers import (
    BadFileError,
    FileContent,
    Limits,
    SheetInfo,
    Table,
    cell_text,
    sha256_of,
    size_of,
    split_rows,
    too_large,
)

# Formula tags of the sheet XML (any namespace prefix).
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formula_tag(xml: bytes) -> bool:
    """Whether ``xml`` holds a formula tag. The regex runs only where one can be: its match
    starts ``<f`` or, with a namespace prefix, holds ``:f`` (two substring searches are much
    faster than the regex's attempt at every ``<`` of a large sheet)."""
    return (b"<f" in xml or b":f" in xml) and bool(_FORMULA_TAG.search(xml))


def _hidden_state(visible) -> str | None:
    """``hidden`` / ``very_hidden`` for a hidden sheet (calamine's enum is not hashable)."""
    if visible == SheetVisibleEnum.Hidden:
        return "hidden"
    if visible == SheetVisibleEnum.VeryHidden:
        return "very_hidden"
    return None


def _check_parts(source: Path | bytes, name: str, kind: str, limits: Limits) -> bool:
    """Check every part's decompressed size; return whether a worksheet holds a formula."""
    formula = False
    try:
        with zipfile.ZipFile(source if isinstance(source, Path) else io.BytesIO(source)) as z:
            infos = z.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > limits.max_bytes:
                raise too_large(name, f"its parts ({declared} bytes once decompressed)", limits)
            for info in infos:
                if not info.filename.endswith(".xml"):
                    continue
                sheet_part = info.filename.startswith("xl/worksheets/")
                size, tail = 0, b""
                with z.open(info) as f:  # the real size: a part may declare less than it holds
                    for block in iter(lambda f=f: f.read(1 << 20), b""):
                        size += len(block)
                        if size > limits.max_bytes:
                            raise too_large(name, f"part {info.filename}", limits)
                        if sheet_part and not formula and kind in ("xlsx", "xlsm"):
                            formula = _has_formula_tag(tail + block)
                            tail = block[-16:]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        raise BadFileError(name, "truncated", f"not a readable {kind} workbook: {error}") from error
    return formula


def _open(source: Path | bytes, name: str, kind: str) -> CalamineWorkbook:
    try:
        if isinstance(source, Path):
            return CalamineWorkbook.from_path(str(source))
        return CalamineWorkbook.from_filelike(io.BytesIO(source))
    except (CalamineError, OSError, ValueError, Exception) as error:  # calamine's own errors
        raise BadFileError(name, "truncated", f"not a readable {kind} workbook: {error}") from error


def _first_row(rows: list[list[str]]) -> list[str] | None:
    return next((r for r in rows if any(c.strip() for c in r)), None)


def _texts(rows: list[list[object]]) -> list[list[str]]:
    """The grid as text cells (calamine gives ``""`` for an empty cell, ``str`` for text)."""
    return [[c if type(c) is str else cell_text(c) for c in r] for r in rows]


def _survey(wb: CalamineWorkbook, name: str, index: FormatIndex):
    """Each sheet's info; text grids and merged ranges (visible worksheets); format matches."""
    infos, grids, merged, matches = [], {}, {}, {}
    for meta in wb.sheets_metadata:
        hidden = _hidden_state(meta.visible)
        if hidden:
            infos.append(SheetInfo(meta.name, hidden, None, "hidden sheet: never read"))
            continue
        if meta.typ != SheetTypeEnum.WorkSheet:
            infos.append(SheetInfo(meta.name, "not_a_worksheet", None, "chart or macro sheet"))
            continue
        try:
            sheet = wb.get_sheet_by_name(meta.name)
            rows = _texts(sheet.to_python(skip_empty_area=False))
            merged[meta.name] = sheet.merged_cell_ranges or []
        except Exception as error:  # calamine's own errors on a damaged sheet
            raise BadFileError(
                name, "truncated", f"sheet '{meta.name}' cannot be read: {error}"
            ) from error
        grids[meta.name] = rows
        nonblank = [i for i, r in enumerate(rows) if any(c.strip() for c in r)]
        if not nonblank:
            infos.append(SheetInfo(meta.name, "empty", 0, "no cell"))
            continue
        n = len(nonblank) - 1
        match = index.match(rows[nonblank[0]])
        if match is None:
            infos.append(SheetInfo(meta.name, "no_matching_headers", n, "headers match no format"))
            continue
        matches[meta.name] = match
        state = "headers_only" if n == 0 else "matching"
        infos.append(SheetInfo(meta.name, state, n, "headers but no rows" if n == 0 else ""))
    return infos, grids, merged, matches


def _choose(infos: list[SheetInfo], matches: dict) -> list[str]:
    with_rows = [i.name for i in infos if i.state == "matching"]
    preferred = [s for s in with_rows if matches[s].format.sheet == s]
    if preferred or with_rows:
        return preferred or with_rows
    return [i.name for i in infos if i.state == "headers_only"]  # templates: 0 rows, reported


def read_spreadsheet(
    source: Path | bytes, index: FormatIndex, name: str, kind: str, limits: Limits
) -> FileContent:
    """Read a workbook from a path or bytes; see the module docstring for the sheet choice."""
    size = size_of(source)
    if size == 0:
        raise BadFileError(name, "empty", "the file holds no bytes")
    if size > limits.max_bytes:
        raise too_large(name, f"{size} bytes", limits)
    formula = kind != "xls" and _check_parts(source, name, kind, limits)
    wb = _open(source, name, kind)
    try:
        infos, grids, merged, matches = _survey(wb, name, index)
        chosen = _choose(infos, matches)
        if not chosen:
            visible = [i.name for i in infos if i.state != "empty" and i.name in grids]
            if not visible:
                hidden = [i.name for i in infos if i.state in ("hidden", "very_hidden")]
                extra = f" (hidden sheets not read: {', '.join(hidden)})" if hidden else ""
                raise BadFileError(name, "empty", "no visible sheet holds any cell" + extra)
            chosen = visible[:1]  # let format detection report its headers
    finally:
        wb.close()
    formula_cells = 0
    for sheet in chosen:
        _refuse_merged(name, sheet, grids[sheet], merged[sheet])
        if formula:
            formula_cells += _check_formulas(source, name, sheet, grids[sheet])
    tables: list[Table] = []
    for sheet in chosen:
        tables.append(split_rows(grids[sheet], name, sheet))
    for info in infos:
        if info.name in chosen:
            info.state, info.reason = "read", ""
        elif info.state == "matching":
            info.state, info.reason = "not_preferred", "the format's preferred sheet was read"
    return FileContent(
        name,
        sha256_of(source),
        kind,
        tables,
        sheets_ignored=[i.name for i in infos if i.name not in chosen],
        formula_cells=formula_cells,
        sheets=infos,
    )


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _header_of(rows: list[list[object]], column: int) -> str:
    """The header (first non-blank row) above ``column`` (0-based), for messages."""
    first = _first_row(rows) or []
    return first[column].strip() if column < len(first) else ""


def _refuse_merged(name: str, sheet: str, values: list[list[object]], ranges: list) -> None:
    """Merged cells: only the top-left cell of a range holds the value, the others read as
    empty, so a merged range inside the records would blank answers; refuse, naming each."""
    if not ranges:
        return
    parts = []
    for (r0, c0), (r1, c1) in ranges[:10]:
        ref = f"{column_letter(c0)}{r0 + 1}" + (
            f":{column_letter(c1)}{r1 + 1}" if (r0, c0) != (r1, c1) else ""
        )
        header = _header_of(values, c0)
        where = f"rows {r0 + 1}-{r1 + 1}" + (f", column '{header}'" if header else "")
        parts.append(f"{ref} ({where})")
    more = f" and {len(ranges) - 10} more" if len(ranges) > 10 else ""
    raise BadFileError(
        name,
        "merged_cells",
        f"sheet '{sheet}' has merged cells {', '.join(parts)}{more}: only the first cell of "
        "a merged range holds a value; unmerge and fill every cell, then export again",
    )


def _check_formulas(source: Path | bytes, name: str, sheet: str, values: list[list[object]]) -> int:
    """Formula cells of ``sheet`` (openpyxl: calamine gives only cached values); a formula
    without a cached result (never opened in a spreadsheet program) would read as empty, so
    the file is refused naming the cells. Formulas with a cached result are counted."""
    from openpyxl import load_workbook

    wb = load_workbook(
        source if isinstance(source, Path) else io.BytesIO(source), read_only=True, data_only=False
    )
    try:
        ws = wb[sheet]
        ws.reset_dimensions()  # never trust <dimension>
        found, uncached = 0, []
        for r, row in enumerate(ws.iter_rows(values_only=True)):
            for c, cell in enumerate(row):
                if isinstance(cell, str) and cell.startswith("="):
                    found += 1
                    cached = values[r][c] if r < len(values) and c < len(values[r]) else None
                    if cell_text(cached) == "":
                        uncached.append((r + 1, c))
    finally:
        wb.close()
    if uncached:
        cells = ", ".join(
            f"{column_letter(c)}{r} (row {r}, column '{_header_of(values, c)}')"
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
