"""Writes ``cm_export.xls`` (old Excel, BIFF8), the committed fixture of test_spreadsheets.py.

Run once with xlwt 1.3.0 (``pip install xlwt==1.3.0``; not a dependency of the project, only
of this script): ``python tests/data/files/make_xls.py``. The values are the ones
test_spreadsheets.py asserts: sheet ``RSS`` (visible) holds two case-management records,
sheet ``Old copy`` (hidden) one record that must never be read.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlwt

HEADERS = ["Case ID", "Country of return", "Interview date", "Sex", "Age"]
RECORDS = [
    ["GIN-2019-000201", "Guinea", dt.date(2019, 6, 20), "Female", 31],
    ["GIN-2019-000202", "Senegal", dt.date(2019, 7, 1), "Male", 27.0],
]
HIDDEN = [["GIN-2019-000299", "Guinea", dt.date(2019, 1, 1), "Male", 40]]


def write(path: Path) -> None:
    book = xlwt.Workbook()
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, rows, hidden in (("RSS", RECORDS, False), ("Old copy", HIDDEN, True)):
        sheet = book.add_sheet(name)
        for c, h in enumerate(HEADERS):
            sheet.write(0, c, h)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write(r, c, value, date)
                else:
                    sheet.write(r, c, value)
        if hidden:
            sheet.visibility = 1  # hidden
    book.save(str(path))


if __name__ == "__main__":
    write(Path(__file__).with_name("cm_export.xls"))
