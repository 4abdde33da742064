"""The data rows of a generated xlsx sheet, written as the XML xlsxwriter writes for them.

At 100x a quarter of the generator's time went into xlsxwriter's per-cell calls (a cell tuple
stored, then formatted, escaped and written one call at a time). In constant-memory mode a
row's XML goes straight to the worksheet's temporary file, so :func:`stream_rows` writes each
row's ``<row>``/``<c>`` elements there itself, with xlsxwriter's own escaping, date conversion
and number formatting, and records the sheet's dimensions as its cell writers would. The file
is byte-identical to one written cell by cell (tests/synthetic/test_xlsx_rows.py, tricky cells
included). Only for the pinned xlsxwriter release, whose worksheet internals this relies on;
any other release, a string xlsxwriter would truncate or rows beyond a sheet's size are
written cell by cell.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import xlsxwriter
from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name

#: The xlsxwriter release whose worksheet XML :func:`stream_rows` reproduces.
PINNED = "3.3.1"
#: Characters or sequences xlsxwriter escapes in a cell's text (control characters, an
#: escape-like ``_xHHHH_``, non-characters, XML specials, a rich string's ``<r>``).
_SPECIAL = re.compile(r'[\x00-\x08\x0a-\x1f\ufffe\uffff&<>"]|_x[0-9a-fA-F]{4}_')
_LONGEST = 32767 // 2  # a longer string may need xlsxwriter's UTF-16 truncation


def streamable(ws) -> bool:
    """Whether ``ws`` is a constant-memory worksheet of the pinned release."""
    return xlsxwriter.__version__ == PINNED and ws.constant_memory


def stream_rows(ws, rows: list[list], date_format) -> bool:
    """Write ``rows`` as sheet rows 2, 3, ... of ``ws`` (its header row 1 already written).

    Cells: a date (``datetime.date``) as a date-formatted serial, an integer as a number,
    other non-empty values as inline text; ``""`` and ``None`` are not written. Returns False,
    having written nothing, if the rows hold a string xlsxwriter would truncate or do not fit
    in a sheet (cells it would refuse)."""
    if len(rows) >= ws.xls_rowmax or max(map(len, rows), default=0) > ws.xls_colmax:
        return False
    xml, rmin, rmax, cmin, cmax = _rows_xml(ws, rows, date_format)
    if xml is None:
        return False
    if rmin is None:
        return True  # no data cell: the header row is written when the workbook closes
    ws._write_single_row(rmin)  # the header row, as the first data cell's write would
    ws.fh.write("".join(xml))
    ws.previous_row = 0  # dimensions of rows written so far may be recorded
    ws._check_dimensions(rmin, cmin)
    ws._check_dimensions(rmax, cmax)
    ws.previous_row = rmax  # the last row written, as after cell-by-cell writing
    return True


def _rows_xml(ws, rows, date_format):
    """Each row's XML, and the first and last rows and columns holding a cell."""
    letters = [xl_col_to_name(c) for c in range(max(map(len, rows), default=0))]
    serials: dict = {}
    inline: dict[str, str] = {}  # a text's escaped <is> element (answers repeat row after row)
    style = None
    xml: list[str] = []
    rmin = rmax = cmin = cmax = None
    for r, row in enumerate(rows, start=1):
        cells: list[str] = []
        number = str(r + 1)
        first = last = None
        for c, value in enumerate(row):
            if value == "" or value is None:
                continue
            ref = letters[c] + number
            # text first: most cells are answers (a date or an integer is never a str)
            if type(value) is str or not (isinstance(value, dt.date) or _is_integer(value)):
                text = value if type(value) is str else str(value)
                if len(text) > _LONGEST:
                    return None, None, None, None, None
                if text not in inline:
                    inline[text] = _inline_string(ws, text)
                cells.append(f'<c r="{ref}" t="inlineStr">{inline[text]}</c>')
            elif isinstance(value, dt.date):
                if style is None:
                    style = date_format._get_xf_index()  # first used: as xlsxwriter would
                if value not in serials:
                    serial = ws._convert_date_time(dt.datetime.combine(value, dt.time()))
                    serials[value] = f"{serial:.16G}"
                cells.append(f'<c r="{ref}" s="{style}"><v>{serials[value]}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{int(value):.16G}</v></c>')
            first = c if first is None else first
            last = c
        if cells:
            xml.append(f'<row r="{number}">{"".join(cells)}</row>')
            cmin = first if cmin is None else min(cmin, first)
            cmax = last if cmax is None else max(cmax, last)
            rmin = r if rmin is None else rmin
            rmax = r
    return xml, rmin, rmax, cmin, cmax


def _is_integer(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _inline_string(ws, text: str) -> str:
    """A text cell's ``<is>`` element, escaped as xlsxwriter's constant-memory cell writer
    does."""
    if _SPECIAL.search(text):
        text = ws._escape_control_characters(text)
        if text.startswith("<r>") and text.endswith("</r>"):
            return f"<is>{text}</is>"
        text_attr = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
        return f"<is><t{text_attr}>{ws._escape_data(text)}</t></is>"
    text_attr = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
    return f"<is><t{text_attr}>{text}</t></is>"
