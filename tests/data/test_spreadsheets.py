"""The spreadsheet reader (python-calamine): xls, ods, hidden sheets, empty preferred sheets,
stale ``<dimension>`` (11.2, 11.3, 18.2); the ledger holds each time."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from reintegration.data.extract import extract_wave
from reintegration.problems import ProblemsError

from data.delivery import CM_HEADERS, WAVE, extract_checked, inventory, provenance, write_ods

FIXTURES = Path(__file__).with_name("files")


def workbook(path: Path, sheets: dict[str, list[list]], states: dict[str, str] | None = None):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        ws.sheet_state = (states or {}).get(name, "visible")
    wb.save(path)
    return path


def cm_row(n: int, country: str = "Guinea", date: str = "2020-06-02") -> list:
    return [f"GIN-2019-{n:06d}", country, date, "Female", 30]


def test_xls_fixture(wave_dir, codebook, key):
    """cm_export.xls (tests/data/files/make_xls.py): 2 records on RSS, 1 on a hidden sheet."""
    shutil.copy(FIXTURES / "cm_export.xls", wave_dir / "cm_export.xls")
    records, report = extract_checked(wave_dir, codebook, key)
    assert provenance(records) == [
        ("cm_export.xls", "RSS", 2, "Guinea", "2019-06-20"),
        ("cm_export.xls", "RSS", 3, "Senegal", "2019-07-01"),
    ]
    assert records["age"].tolist() == ["31", "27"]  # 27.0 written as a float: no ".0"
    assert inventory(report) == [
        ("cm_export.xls", "Old copy", "skipped", "hidden", None),
        ("cm_export.xls", "RSS", "read", "read", 2),
    ]
    assert report["files"][0]["kind"] == "xls"


def test_ods_with_hidden_sheet(wave_dir, codebook, key):
    rows = [CM_HEADERS, ["GIN-2019-000401", "Guinée", ("date", "2020-05-31"), "Male", 44]]
    hidden = [CM_HEADERS, ["GIN-2019-000499", "Guinée", ("date", "2020-01-01"), "Male", 50]]
    write_ods(wave_dir / "export.ods", {"Feuille1": rows, "Ancien": hidden}, hidden=("Ancien",))
    records, report = extract_checked(wave_dir, codebook, key)
    assert provenance(records) == [("export.ods", "Feuille1", 2, "Guinée", "2020-05-31")]
    assert records["age"].tolist() == ["44"]
    assert inventory(report) == [
        ("export.ods", "Ancien", "skipped", "hidden", None),
        ("export.ods", "Feuille1", "read", "read", 1),
    ]


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_sheet_never_read(wave_dir, codebook, key, state):
    """No sheet has the preferred name: the visible one is read, the hidden old copy is not
    (it would add a person, or make a DUPLICATE_CONFLICT)."""
    workbook(
        wave_dir / "cm.xlsx",
        {
            "Feuil1": [CM_HEADERS, cm_row(501)],
            "Copie": [CM_HEADERS, cm_row(501, "Senegal"), cm_row(502)],
        },
        {"Copie": state},
    )
    records, report = extract_checked(wave_dir, codebook, key)
    assert provenance(records) == [("cm.xlsx", "Feuil1", 2, "Guinea", "2020-06-02")]
    expected = "hidden" if state == "hidden" else "very_hidden"
    assert inventory(report) == [
        ("cm.xlsx", "Copie", "skipped", expected, None),
        ("cm.xlsx", "Feuil1", "read", "read", 1),
    ]


def test_data_only_on_hidden_sheets_fails_naming_the_file(wave_dir, codebook, key):
    workbook(
        wave_dir / "cm.xlsx", {"Vide": [], "Data": [CM_HEADERS, cm_row(1)]}, {"Data": "hidden"}
    )
    with pytest.raises(
        ProblemsError,
        match=r"cm.xlsx: no visible sheet holds any cell \(hidden sheets not read: Data\)",
    ):
        extract_wave(wave_dir, WAVE, codebook, key)


def test_empty_preferred_sheet_does_not_hide_the_data(wave_dir, codebook, key):
    workbook(
        wave_dir / "cm.xlsx",
        {
            "RSS": [CM_HEADERS],  # the template, never filled
            "Notes": [["exported by hand"]],
            "Feuil1": [CM_HEADERS, cm_row(601), [], cm_row(602, "Mali", "2020-06-05")],
            "Blank": [],
        },
    )
    records, report = extract_checked(wave_dir, codebook, key)
    assert provenance(records) == [
        ("cm.xlsx", "Feuil1", 2, "Guinea", "2020-06-02"),
        ("cm.xlsx", "Feuil1", 4, "Mali", "2020-06-05"),
    ]
    assert inventory(report) == [
        ("cm.xlsx", "Blank", "skipped", "empty", 0),
        ("cm.xlsx", "Feuil1", "read", "read", 2),
        ("cm.xlsx", "Notes", "skipped", "no_matching_headers", 0),
        ("cm.xlsx", "RSS", "skipped", "headers_only", 0),
    ]
    assert report["blank_rows"] == 1


def test_preferred_sheet_with_rows_wins(wave_dir, codebook, key):
    workbook(
        wave_dir / "cm.xlsx",
        {"Feuil1": [CM_HEADERS, cm_row(701)], "RSS": [CM_HEADERS, cm_row(702, "Mali")]},
    )
    records, report = extract_checked(wave_dir, codebook, key)
    assert provenance(records) == [("cm.xlsx", "RSS", 2, "Mali", "2020-06-02")]
    assert ("cm.xlsx", "Feuil1", "skipped", "not_preferred", 1) in inventory(report)


def test_stale_dimension_ignored(wave_dir, codebook, key):
    """A writer left ``<dimension ref="A1:C3"/>`` on a sheet of 50 records and 5 columns;
    openpyxl's read-only mode would read 2 records of 3 columns."""
    path = workbook(
        wave_dir / "cm.xlsx",
        {
            "RSS": [CM_HEADERS]
            + [cm_row(800 + i, date=f"2020-06-{1 + i % 28:02d}") for i in range(50)]
        },
    )
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            if info.filename.startswith("xl/worksheets/sheet"):
                data, n = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:C3"', data)
                assert n == 1
            z.writestr(info, data)
    records, report = extract_checked(wave_dir, codebook, key)
    assert len(records) == 50 and report["rows_read"] == 50
    assert records["source_row"].tolist() == list(range(2, 52))
    assert records["case_id_canonicalised"].sum() == 0
    assert records["age"].tolist() == ["30"] * 50  # column E, outside A1:C3
    assert records["interview_date"].iloc[-1] == "2020-06-22"  # record 49: 1 + 49 % 28
