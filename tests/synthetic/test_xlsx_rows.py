"""Rows streamed as sheet XML give the same xlsx bytes as xlsxwriter's cell-by-cell writes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import xlsxwriter
from reintegration.synthetic import writers, xlsx_rows

TRICKY = [
    "plain", "  leading", "trailing ", "\ttab", "line\nbreak", "a & b < c > d", "R&D", "x>y", "x<y", 'say "hi"',
    "bell\x07", "_x0041_ literal", "<r>rich-looking</r>", "non-char \ufffe", "Libéria",
    "Très  satisfait  ", "emoji \U0001f600", "0012", "True", "nan",
]  # fmt: skip


def _grid(rng) -> list[list]:
    """Rows of text, dates, integers and blanks, with whole blank rows (as the generator)."""
    days = [dt.date(1950, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 27000, 40)]
    rows = []
    for i in range(120):
        rows.append(
            [
                TRICKY[i % len(TRICKY)],
                days[i % len(days)] if i % 7 else "",
                int(rng.integers(18, 66)) if i % 5 else "",
                np.int64(i),
                None if i % 3 == 0 else f"id-{i}",
                dt.datetime(2020, 1, 2, 13, 5) if i == 4 else "",
            ]
        )
    rows.insert(0, [""] * 6)
    rows.insert(50, [""] * 6)
    rows.append([""] * 6)
    return rows


@pytest.fixture
def sheet(tmp_path):
    """A constant-memory worksheet of a workbook closed after the test."""
    wb = xlsxwriter.Workbook(str(tmp_path / "probe.xlsx"), {"constant_memory": True})
    yield wb.add_worksheet()
    wb.close()


def _write(path, rows, *, stream: bool, monkeypatch) -> bytes:
    if not stream:
        monkeypatch.setattr(xlsx_rows, "streamable", lambda ws: False)
    writers.write_xlsx(path, ["case_id", "date", "age", "n", "x", "when"], rows, "RSS", True)
    monkeypatch.undo()
    return path.read_bytes()


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(_grid(np.random.default_rng(1)), id="mixed"),
        pytest.param([], id="header-only"),
        pytest.param([["", ""], ["", ""]], id="blank-rows-only"),
        pytest.param([["", "x"], [dt.date(2019, 7, 1), ""]], id="first-column-empty"),
        pytest.param([["a"] * 6, [1] * 9, [""] * 12], id="wider-than-header"),
    ],
)
def test_streamed_rows_give_the_cell_by_cell_bytes(tmp_path, rows, sheet, monkeypatch):
    assert xlsx_rows.streamable(sheet)
    streamed = _write(tmp_path / "streamed.xlsx", rows, stream=True, monkeypatch=monkeypatch)
    per_cell = _write(tmp_path / "cells.xlsx", rows, stream=False, monkeypatch=monkeypatch)
    assert streamed == per_cell


def test_a_string_xlsxwriter_would_truncate_is_written_cell_by_cell(tmp_path, sheet, monkeypatch):
    rows = [["x" * 40000, dt.date(2020, 1, 1)]]
    assert xlsx_rows.stream_rows(sheet, rows, None) is False
    streamed = _write(tmp_path / "streamed.xlsx", rows, stream=True, monkeypatch=monkeypatch)
    per_cell = _write(tmp_path / "cells.xlsx", rows, stream=False, monkeypatch=monkeypatch)
    assert streamed == per_cell


def test_another_xlsxwriter_release_is_written_cell_by_cell(sheet, monkeypatch):
    monkeypatch.setattr(xlsxwriter, "__version__", "9.9.9")
    assert not xlsx_rows.streamable(sheet)


def test_rows_beyond_a_sheet_are_left_to_xlsxwriter(sheet):
    assert xlsx_rows.stream_rows(sheet, [["x"] * (sheet.xls_colmax + 1)], None) is False
    assert sheet.dim_rowmin is None  # nothing written
