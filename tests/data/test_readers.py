"""Reading exports: encoding, delimiter and sheet detection; blank, empty, truncated files."""

from __future__ import annotations

import pytest
from reintegration.data.formats import FormatIndex
from reintegration.data.readers import BadFileError, decode, read_csv, read_xlsx

from data.fixtures import RECORD_A, RECORD_B, RECORD_C, write_csv, write_xlsx


@pytest.fixture(scope="module")
def index(codebook):
    return FormatIndex(codebook)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("latin-1", "cp1252")],
)
def test_encoding_and_semicolon_detected(tmp_path, index, encoding, expected):
    path = write_csv(
        tmp_path / "co.csv", "country_office", [RECORD_B], delimiter=";", encoding=encoding
    )
    content = read_csv(path, index)
    assert (content.encoding, content.delimiter) == (expected, ";")
    table = content.tables[0]
    assert "meta/pays" in table.headers
    assert table.rows[0][table.headers.index("meta/pays")] == "Sénégal"
    assert table.row_numbers == [2]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_detected(tmp_path, index, delimiter):
    path = write_csv(tmp_path / "p.csv", "phone_survey", [RECORD_C], delimiter=delimiter)
    assert read_csv(path, index).delimiter == delimiter


def test_blank_rows_counted_and_row_numbers_as_a_spreadsheet_shows_them(tmp_path, index):
    rows = [RECORD_C, {**RECORD_C, "case_id": "GIN-2019-000999"}]
    path = write_csv(tmp_path / "p.csv", "phone_survey", rows, blank_rows_after=(0,))
    table = read_csv(path, index).tables[0]
    assert table.blank_rows == 1
    assert table.row_numbers == [2, 4]


def test_undecodable_bytes_named(tmp_path, index):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"case_id,country\n\x00\x81\x8d\x90\x9d\x01,zz\n")
    with pytest.raises(BadFileError) as info:
        read_csv(path, index)
    assert info.value.kind == "undecodable" and info.value.name == "bad.csv"
    with pytest.raises(BadFileError):
        decode(b"\x81\x8d", "x")


def test_empty_file(tmp_path, index):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(BadFileError, match="empty.csv: empty file"):
        read_csv(path, index)


def test_truncated_csv_names_file_and_row(tmp_path, index):
    path = write_csv(tmp_path / "p.csv", "phone_survey", [RECORD_C, RECORD_C])
    data = path.read_bytes()
    for cut in (len(data) // 2 + len(data) // 4, len(data) - 5):  # fewer fields; inside a field
        path.write_bytes(data[:cut])
        with pytest.raises(BadFileError) as info:
            read_csv(path, index)
        assert info.value.kind == "truncated" and "row 3" in info.value.detail


def test_truncated_xlsx(tmp_path, index):
    path = write_xlsx(tmp_path / "cm.xlsx", "case_management", [RECORD_A])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(BadFileError) as info:
        read_xlsx(path, index)
    assert info.value.kind == "truncated"


def test_xlsx_preferred_sheet_and_dates_as_iso(tmp_path, index):
    path = write_xlsx(
        tmp_path / "cm.xlsx",
        "case_management",
        [RECORD_A],
        other_sheets={"Notes": [["free text"]], "Copy": [["Case ID", "Country"], ["X", "Guinea"]]},
    )
    content = read_xlsx(path, index)
    assert [t.sheet for t in content.tables] == ["RSS"]
    assert sorted(content.sheets_ignored) == ["Copy", "Notes"]
    table = content.tables[0]
    assert table.rows[0][table.headers.index("Interview date")] == "2019-06-20"
    assert table.row_numbers == [2]


def test_xlsx_without_preferred_sheet_uses_matching_sheet(tmp_path, index):
    path = write_xlsx(
        tmp_path / "pre.xlsx",
        "premigration_fr",
        [{"case_id": "GIN-2019-000101", "country": "Guinée", "pre_eco_working": "Oui"}],
        sheet="Feuil1",
        other_sheets={"Notes": [["rien"]]},
    )
    content = read_xlsx(path, index)
    assert [t.sheet for t in content.tables] == ["Feuil1"]
    assert content.tables[0].headers == ["id_cas", "pays", "avant_q07_travaille"]


def test_split_rows_takes_a_repeated_header_only_with_two_named_columns():
    """A row repeating the header (in any case and accents) is counted apart when at least two
    columns are named; with one named column such a row is data. Non-text cells become text."""
    import datetime as dt

    from reintegration.data.readers import split_rows

    rows = [
        ["Case ID", "Prénom", ""],
        ["GIN-2019-1", "Awa", ""],
        ["case id", "PRENOM", ""],  # the header again, spelled differently
        ["GIN-2019-2", dt.datetime(2019, 7, 1), "x"],
    ]
    table = split_rows(rows, "f.xlsx", "Sheet1")
    assert table.header_rows == [3]
    assert table.rows == [["GIN-2019-1", "Awa", ""], ["GIN-2019-2", "2019-07-01", "x"]]
    assert table.row_numbers == [2, 4]
    single = split_rows([["Case ID", ""], ["Case ID", ""], ["GIN-2019-1", ""]], "f.csv", "")
    assert single.header_rows == []
    assert single.rows == [["Case ID"], ["GIN-2019-1"]]
