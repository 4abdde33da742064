"""The bad-input corpus: malformed raw exports, generated (never committed), with expectations.

Each :class:`Case` is data: a name, the source format it exercises, a builder writing the
file(s) into an empty wave folder, and the expected outcome:

- ``fail``: extraction or cleaning stops with a :class:`~reintegration.problems.ProblemsError`
  whose message holds every ``fragments`` item (file name, ``line N``, column, ``[rule]``);
- ``quarantine``: the record at ``row`` of ``file`` is quarantined with rule ``rule`` (and every
  ``fragments`` item in its reason), the other records are kept;
- ``correct``: every record is kept (or merged as an identical resubmission); ``rule`` names
  the cleaning-log action that records the correction, ``check`` any further check.

In every non-failing case the ledger must hold and every kept record must be scored once.
The builders reuse the hand-written records and writers of ``tests/data/fixtures.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from data.fixtures import RECORD_A, RECORD_B, RECORD_C, RECORD_D, headers, write_csv, write_xlsx
from openpyxl import Workbook

FORMATS = ("case_management", "country_office", "phone_survey", "premigration")
WAVE = "2020-07"


@dataclass(frozen=True)
class Case:
    name: str
    format: str  # one of FORMATS
    build: Callable[[Path], None]
    outcome: str  # fail | quarantine | correct
    rule: str = ""  # fail: problem kind; quarantine: rule code; correct: cleaning-log action
    fragments: tuple[str, ...] = ()
    file: str = ""  # quarantine: file of the quarantined record
    row: int | None = None  # quarantine: its row
    quarantined: int | None = None  # quarantine: number of records quarantined (default 1)
    options: dict = field(default_factory=dict)  # ExtractOptions keyword arguments
    check: Callable | None = None  # check(records, report, result, scores) for extra asserts
    slow: bool = False


# --- base records per format (an anchor that must survive, and the record to break) --------


def _iso(record: dict) -> dict:
    return {k: v.date().isoformat() if isinstance(v, dt.datetime) else v for k, v in record.items()}


CM = _iso(RECORD_A)  # case management, csv flavour (ISO dates)
CM_XLSX = dict(RECORD_A)  # case management, xlsx flavour (real date cells)
CO = dict(RECORD_B)
PH = dict(RECORD_C)
PRE = dict(RECORD_D)
PRE_FR = {**RECORD_D, "country": "Guinée", "sex": "Homme", "return_date": "02/11/2018",
          "interview_date": "10/01/2019", "pre_eco_satisfaction": "Insatisfait",
          "pre_eco_food_insecurity": "Souvent", "pre_eco_working": "Non",
          "pre_soc_health_access": "Mauvais", "pre_soc_education_access": "Très mauvais",
          "pre_soc_public_services_access": "Moyen", "pre_psy_belonging": "Pas vraiment",
          "pre_psy_distress": "Parfois", "pre_psy_support_network": "Bon",
          "pre_psy_discrimination": "Refus"}  # fmt: skip


def anchor(record: dict, n: int = 900) -> dict:
    """The same record for another person (a valid record that must be kept)."""
    prefix = "SEN" if record is CO else "GIN"
    return {**record, "case_id": f"{prefix}-2019-{n:06d}"}


def two(record: dict, **edit) -> list[dict]:
    """[anchor, record with ``edit``]: the edited record is at row 3 of a csv."""
    return [anchor(record), {**record, **edit}]


def cm_csv(rows, name="cm_export.csv", **kw):
    return lambda d: write_csv(d / name, "case_management", rows, **kw)


def cm_xlsx(rows, name="cm_export.xlsx", **kw):
    return lambda d: write_xlsx(d / name, "case_management", rows, **kw)


def co_csv(rows, name="formulaire.csv", encoding="cp1252", delimiter=";", **kw):
    return lambda d: write_csv(
        d / name, "country_office", rows, delimiter=delimiter, encoding=encoding, **kw
    )


def ph_csv(rows, name="phone.csv", **kw):
    return lambda d: write_csv(d / name, "phone_survey", rows, **kw)


def pre_csv(rows, name="premigration.csv", **kw):
    return lambda d: write_csv(d / name, "premigration_en", rows, **kw)


def raw_bytes(name: str, data: bytes):
    return lambda d: (d / name).write_bytes(data)


def csv_text(fmt: str, rows: list[dict], delimiter: str = ",", **kw) -> str:
    """The csv text ``write_csv`` would write (to post-process as bytes)."""
    buf = io.StringIO()
    h = headers(fmt)
    columns = list(dict.fromkeys(k for r in rows for k in r))
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow([h.get(c, c) for c in columns])
    for r in rows:
        w.writerow([r.get(c, "") for c in columns])
    return buf.getvalue()


def transformed(name: str, fmt: str, rows: list[dict], fn, encoding="utf-8", delimiter=","):
    """A csv whose text (then bytes) is post-processed by ``fn(text) -> bytes``."""
    return lambda d: (d / name).write_bytes(fn(csv_text(fmt, rows, delimiter)))


def both(*builders):
    def build(d: Path) -> None:
        for b in builders:
            b(d)

    return build


# --- xlsx builders ---------------------------------------------------------------------------


def _sheet_xml_patch(path: Path, fn) -> None:
    """Rewrite the worksheets' XML of an xlsx (to plant markup openpyxl does not write)."""
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename.startswith("xl/worksheets/sheet"):
                data = fn(data)
            z.writestr(info, data)


def xlsx_formula(cached: bool):
    """Case-management xlsx whose anchor's age is the formula ``=2019-1990`` (29 if cached)."""

    def build(d: Path) -> None:
        rows = [{**anchor(CM_XLSX), "date_of_birth": None, "age": "=2019-1990"}, CM_XLSX]
        path = write_xlsx(d / "cm_formula.xlsx", "case_management", rows)
        if cached:
            _sheet_xml_patch(path, lambda x: re.sub(rb"(<f>[^<]*</f>)<v\s*/>", rb"\1<v>29</v>", x))

    return build


def xlsx_merged(d: Path) -> None:
    """Two records sharing one merged 'Country of return' cell (vertical merge)."""
    path = write_xlsx(d / "cm_merged.xlsx", "case_management", [anchor(CM_XLSX), CM_XLSX])
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["RSS"]
    col = [c.value for c in ws[1]].index("Country of return") + 1
    letter = ws.cell(row=2, column=col).column_letter
    ws.merge_cells(f"{letter}2:{letter}3")
    wb.save(path)


def xlsx_other_sheet(sheet: str, fmt: str, rows: list[dict], name: str):
    return lambda d: write_xlsx(d / name, fmt, rows, sheet=sheet)


def xlsx_title_row(d: Path) -> None:
    path = write_xlsx(d / "cm_title.xlsx", "case_management", [CM_XLSX])
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb["RSS"].insert_rows(1)
    wb["RSS"]["A1"] = "RSS export - June 2020 - confidential"
    wb.save(path)


def xlsx_cells(rows: list[dict], name: str, cell_values: dict):
    """xlsx with some cells replaced by raw Python values (numbers, datetimes with time)."""

    def build(d: Path) -> None:
        write_xlsx(d / name, "case_management", [{**r, **cell_values} for r in rows])

    return build


def xlsx_zero_bytes(d: Path) -> None:
    (d / "cm_export.xlsx").write_bytes(b"")


def xlsx_truncated(d: Path) -> None:
    path = write_xlsx(d / "cm_export.xlsx", "case_management", [CM_XLSX])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def csv_as_xlsx(d: Path) -> None:
    (d / "cm_export.xlsx").write_text(csv_text("case_management", [CM]), encoding="utf-8")


def xlsx_as_csv(d: Path) -> None:
    wb = Workbook()
    wb.active.append(["Case ID", "Country"])
    buf = io.BytesIO()
    wb.save(buf)
    (d / "phone.csv").write_bytes(buf.getvalue())


def big_phone_file(n: int):
    """``n`` phone-survey records, one person each, written vectorised (pandas)."""

    def build(d: Path) -> None:
        h = headers("phone_survey")
        base = {h.get(k, k): v for k, v in PH.items()}
        df = pd.DataFrame({col: np.repeat(np.array([val], dtype=object), n) for col, val in
                           base.items()})  # fmt: skip
        ids = pd.Series(np.arange(n)).map("GIN-2019-{:07d}".format)
        df[h["case_id"]] = ids.to_numpy()
        df[h["age"]] = (18 + np.arange(n) % 60).astype(str)
        df.to_csv(d / "phone_big.csv", index=False, lineterminator="\n")

    return build


# --- extra checks of "correct" cases ----------------------------------------------------------


def report_file(key: str, value):
    def check(records, rep, result, scores):
        assert rep["files"], rep
        assert all(f[key] == value for f in rep["files"]), [f[key] for f in rep["files"]]

    return check


def report_is(key: str, value):
    """A top-level entry of the extract report equals ``value``."""

    def check(records, rep, result, scores):
        assert rep[key] == value, (key, rep[key], value)

    return check


def kept(n: int):
    def check(records, rep, result, scores):
        assert len(result.clean) == n, (len(result.clean), n)

    return check


def merged(n: int):
    def check(records, rep, result, scores):
        assert result.duplicates_merged == n, result.duplicates_merged

    return check


def skipped(*names: str):
    def check(records, rep, result, scores):
        assert [f["file"] for f in rep["files_skipped"]] == list(names), rep["files_skipped"]

    return check


def all_of(*checks):
    def check(*args):
        for c in checks:
            c(*args)

    return check


def sheet_is(sheet: str):
    def check(records, rep, result, scores):
        assert set(records["source_sheet"]) == {sheet}

    return check


def nonresponse_missing(records, rep, result, scores):
    row = scores.set_index(scores["record_id"].str.rsplit(":", n=1).str[1].astype(int)).loc[3]
    assert row["psy_distress"] == "dont_know" and pd.isna(row["psy_distress_score"])
    assert row["psy_discrimination"] == "refused" and pd.isna(row["psy_discrimination_score"])


def age_is(value: int):
    def check(records, rep, result, scores):
        assert result.clean["age"].iloc[0] == value, result.clean["age"].tolist()

    return check


def value_is(variable: str, value):
    def check(records, rep, result, scores):
        assert (result.clean[variable] == value).all(), result.clean[variable].tolist()

    return check


def rows_read(n: int):
    def check(records, rep, result, scores):
        assert rep["rows_read"] == n and len(scores) == n, (rep["rows_read"], len(scores))

    return check


LONG = "x" * 200_000
LONG_LABEL = "Very satisfied " * 400  # 6,000 characters

# --- the corpus ---------------------------------------------------------------------------

CASES: list[Case] = [
    # Empty, truncated, malformed files: the run stops naming the file (and row).
    Case("cm_csv_zero_bytes", "case_management", raw_bytes("cm_export.csv", b""), "fail",
         "empty_file", ("cm_export.csv", "holds no bytes")),
    Case("co_whitespace_only", "country_office", raw_bytes("formulaire.csv", b" \r\n\r\n  \n"),
         "fail", "empty_file", ("formulaire.csv", "only whitespace")),
    Case("cm_xlsx_zero_bytes", "case_management", xlsx_zero_bytes, "fail", "empty_file",
         ("cm_export.xlsx", "holds no bytes")),
    Case("ph_truncated_last_row", "phone_survey",
         transformed("phone.csv", "phone_survey", two(PH), lambda t: t[: t.rindex("Yes")].encode()),
         "fail", "truncated_file", ("phone.csv", "row 3")),
    Case("co_unterminated_quote", "country_office",
         transformed("formulaire.csv", "country_office", two(CO, eco_satisfaction='"Satisf'),
                     lambda t: t.rstrip("\r\n").replace('"""Satisf"', '"Satisf').encode("cp1252"),
                     delimiter=";"),
         "fail", "truncated_file", ("formulaire.csv", "csv parsing stopped")),
    Case("ph_ragged_row_extra_field", "phone_survey",
         transformed("phone.csv", "phone_survey", two(PH) + [anchor(PH, 901)],
                     lambda t: t.replace("GIN-2019-000101,", "GIN-2019-000101,extra,", 1).encode()),
         "fail", "malformed_file", ("phone.csv", "row 3 has")),
    Case("ph_short_row_middle", "phone_survey",
         transformed("phone.csv", "phone_survey", two(PH),
                     lambda t: re.sub(r"(?m)^GIN-2019-000900,.*$", "GIN-2019-000900,Guinea",
                                      t).encode()),
         "fail", "malformed_file", ("phone.csv", "row 2 has 2 fields")),
    Case("co_wrong_delimiter_in_rows", "country_office",
         transformed("formulaire.csv", "country_office", two(CO),
                     lambda t: (t.split("\r\n", 1)[0].replace(",", ";") + "\r\n"
                                + t.split("\r\n", 1)[1]).encode("cp1252")),
         "fail", "malformed_file", ("formulaire.csv", "row 2 has")),
    # Undecodable bytes.
    Case("ph_binary_bytes", "phone_survey", raw_bytes("phone.csv", bytes(range(256)) * 4),
         "fail", "undecodable_file", ("phone.csv",)),
    Case("co_undefined_cp1252_bytes", "country_office",
         transformed("formulaire.csv", "country_office", two(CO),
                     lambda t: t.encode("cp1252").replace(b"Oui", b"Ou\x81\x8d", 1), delimiter=";"),
         "fail", "undecodable_file", ("formulaire.csv", "not valid UTF-8")),
    Case("ph_nul_bytes", "phone_survey",
         transformed("phone.csv", "phone_survey", two(PH),
                     lambda t: t.replace("Guinea", "Gui\x00nea", 1).encode()),
         "fail", "undecodable_file", ("phone.csv",)),
    Case("ph_utf16_without_bom", "phone_survey",
         transformed("phone.csv", "phone_survey", two(PH), lambda t: t.encode("utf-16-le")),
         "fail", "undecodable_file", ("phone.csv",)),
    Case("co_utf8_bom_latin1_body", "country_office",
         transformed("formulaire.csv", "country_office", two(CO),
                     lambda t: b"\xef\xbb\xbf" + t.encode("cp1252"), delimiter=";"),
         "fail", "undecodable_file", ("formulaire.csv",)),
    Case("cm_xlsx_truncated_zip", "case_management", xlsx_truncated, "fail", "truncated_file",
         ("cm_export.xlsx", "not a readable xlsx")),
    Case("cm_xlsx_is_a_renamed_csv", "case_management", csv_as_xlsx, "fail", "truncated_file",
         ("cm_export.xlsx",)),
    Case("ph_csv_is_a_renamed_xlsx", "phone_survey", xlsx_as_csv, "fail", "undecodable_file",
         ("phone.csv",)),
    # Headers.
    Case("cm_duplicated_header", "case_management",
         cm_csv(two(CM), columns=[*CM, "sex2"], extra_headers={"sex2": "Sex"}),
         "fail", "duplicate_column", ("cm_export.csv", "line 1", "column 'Sex'",
                                      "a second column for variable 'sex'")),
    Case("cm_duplicated_identifier_header", "case_management",
         cm_csv([{**r, "name2": r["full_name"]} for r in two(CM)],
                extra_headers={"name2": "Full name"}),
         "correct", check=kept(2)),
    Case("ph_unknown_header", "phone_survey", ph_csv([{**r, "mystery": "x"} for r in two(PH)]),
         "fail", "unknown_header", ("phone.csv", "line 1", "column 'mystery'")),
    Case("ph_unknown_header_allowed", "phone_survey",
         ph_csv([{**r, "mystery": "x"} for r in two(PH)]), "correct",
         options={"allow_unlisted_columns": True},
         check=report_file("headers_dropped_unlisted", ["mystery"])),
    Case("co_unnamed_column_with_data", "country_office",
         co_csv([{**r, "": "?"} for r in two(CO)]), "fail", "unknown_header",
         ("formulaire.csv", "(blank, column")),
    Case("ph_missing_case_id_column", "phone_survey",
         ph_csv([{k: v for k, v in r.items() if k != "case_id"} for r in two(PH)]), "fail",
         "unknown_format", ("phone.csv", "line 1", "match no source format")),
    Case("cm_missing_required_column", "case_management",
         cm_csv([{k: v for k, v in r.items() if k != "survey_round"} for r in two(CM)]),
         "quarantine", "MISSING_REQUIRED", ("survey_round",), file="cm_export.csv", row=3,
         quarantined=2),
    Case("cm_xlsx_title_row_above_header", "case_management", xlsx_title_row, "fail",
         "unknown_format", ("cm_title.xlsx [sheet RSS]", "RSS export - June 2020")),
    Case("pre_unrelated_csv", "premigration",
         raw_bytes("premigration.csv", b"item,amount\r\nfuel,12\r\n"), "fail", "unknown_format",
         ("premigration.csv", "'item', 'amount'")),
    Case("cm_headers_case_and_spaces", "case_management",
         cm_csv(two(CM), extra_headers={"country": "  COUNTRY of RETURN ", "sex": "sex "}),
         "correct", check=kept(2)),
    Case("co_shuffled_columns", "country_office", co_csv(two(CO), columns=list(reversed(CO))),
         "correct", check=kept(2)),
    Case("ph_trailing_delimiters", "phone_survey",
         transformed("phone.csv", "phone_survey", two(PH),
                     lambda t: t.replace("\r\n", ",,\r\n").encode()),
         "correct", check=kept(2)),
    # Encodings and byte-order marks.
    Case("co_utf8_bom", "country_office", co_csv(two(CO), encoding="utf-8-sig"), "correct",
         check=report_file("encoding", "utf-8-sig")),
    Case("co_cp1252", "country_office", co_csv(two(CO), encoding="cp1252"), "correct",
         check=report_file("encoding", "cp1252")),
    Case("ph_utf16le_bom", "phone_survey",
         transformed("phone.csv", "phone_survey", two(PH), lambda t: t.encode("utf-16")),
         "correct", check=report_file("encoding", "utf-16")),
    Case("ph_utf16be_bom", "phone_survey",
         transformed("phone.csv", "phone_survey", two(PH),
                     lambda t: b"\xfe\xff" + t.encode("utf-16-be")),
         "correct", check=report_file("encoding", "utf-16")),
    Case("cm_double_bom", "case_management",
         transformed("cm_export.csv", "case_management", two(CM),
                     lambda t: ("\ufeff\ufeff" + t).encode("utf-8")),
         "correct", check=kept(2)),
    Case("co_mojibake_utf8_read_as_cp1252", "country_office",
         transformed("formulaire.csv", "country_office", two(CO),
                     lambda t: t.encode("utf-8").replace(b"Oui", b"Oui\xff", 1), delimiter=";"),
         "fail", "unknown_label", ("formulaire.csv", "line 2", "nearest known")),
    # Delimiters.
    Case("co_comma_delimiter", "country_office", co_csv(two(CO), delimiter=","), "correct",
         check=report_file("delimiter", ",")),
    Case("ph_tab_delimiter", "phone_survey", ph_csv(two(PH), delimiter="\t"), "correct",
         check=report_file("delimiter", "\t")),
    Case("ph_pipe_delimiter", "phone_survey", ph_csv(two(PH), delimiter="|"), "correct",
         check=report_file("delimiter", "|")),
    # Rows.
    Case("ph_header_only", "phone_survey",
         transformed("phone.csv", "phone_survey", [PH], lambda t: t.split("\r\n")[0].encode()
                     + b"\r\n"),
         "correct", check=rows_read(0)),
    Case("ph_blank_rows", "phone_survey", ph_csv(two(PH), blank_rows_after=(0, 1)), "correct",
         check=all_of(kept(2), report_is("blank_rows", 2))),
    Case("ph_cr_only_line_ends", "phone_survey",
         transformed("phone.csv", "phone_survey", two(PH),
                     lambda t: t.replace("\r\n", "\r").encode()),
         "correct", check=kept(2)),
    Case("co_newline_inside_quoted_field", "country_office",
         co_csv([{**r, "notes": "ligne 1\r\nligne 2; fin"} for r in two(CO)]), "correct",
         check=kept(2)),
    # Answer labels.
    Case("ph_unknown_answer_label", "phone_survey", ph_csv(two(PH, psy_distress="Sometims")),
         "fail", "unknown_label", ("phone.csv", "line 3", "column 'distress (psy_distress)'",
                                   "nearest known: Sometimes")),
    Case("co_numeric_answer_codes", "country_office",
         co_csv(two(CO, eco_satisfaction="4", eco_working="1")), "fail", "unknown_label",
         ("formulaire.csv", "line 3", "answer '4'", "answer '1'")),
    Case("cm_unknown_assistance_option", "case_management",
         cm_csv(two(CM, assistance="Training;Cash for work")), "fail", "unknown_label",
         ("cm_export.csv", "line 3", "option 'Cash for work'")),
    Case("cm_very_long_answer", "case_management", cm_csv(two(CM, eco_satisfaction=LONG_LABEL)),
         "fail", "unknown_label", ("cm_export.csv", "line 3", "6000 characters")),
    Case("ph_label_case_spacing_accents", "phone_survey",
         ph_csv(two(PH, eco_satisfaction="  VERY   dissatisfied ", sex="MALE")), "correct",
         "label_normalised"),
    Case("ph_nonresponse_labels", "phone_survey",
         ph_csv(two(PH, psy_distress="Don't know", psy_discrimination="Refused")), "correct",
         check=nonresponse_missing),
    # Ages.
    Case("ph_age_too_low", "phone_survey", ph_csv(two(PH, age="12")), "quarantine",
         "AGE_OUT_OF_RANGE", ("age 12 is outside [15, 80]",), file="phone.csv", row=3),
    Case("cm_age_too_high", "case_management",
         cm_csv(two(CM, age="130", date_of_birth="")), "quarantine", "AGE_OUT_OF_RANGE",
         ("age 130",), file="cm_export.csv", row=3),
    Case("co_age_negative", "country_office", co_csv(two(CO, age="-5")), "quarantine",
         "INVALID_NUMBER", ("age -5 is not a whole number",), file="formulaire.csv", row=3),
    Case("cm_age_from_birth_date_out_of_range", "case_management",
         cm_csv(two(CM, date_of_birth="2008-01-01")), "quarantine", "AGE_OUT_OF_RANGE",
         ("age 11",), file="cm_export.csv", row=3),
    Case("cm_age_disagrees_with_birth_date", "case_management",
         cm_csv(two(CM, age="45")), "quarantine", "AGE_DOB_MISMATCH",
         ("age 45 and date_of_birth 1990-05-17 disagree", "is 29"), file="cm_export.csv", row=3),
    Case("cm_xlsx_age_as_float", "case_management",
         xlsx_cells([CM_XLSX], "cm_export.xlsx", {"age": 29.0, "date_of_birth": None}),
         "correct", check=age_is(29)),
    # Dates.
    Case("ph_interview_before_return", "phone_survey",
         ph_csv(two(PH, interview_date="2018-10-01")), "quarantine", "INTERVIEW_BEFORE_RETURN",
         ("interview_date 2018-10-01 is before return_date 2018-11-02",), file="phone.csv",
         row=3),
    Case("co_interview_before_return", "country_office",
         co_csv(two(CO, interview_date="01/01/2019")), "quarantine", "INTERVIEW_BEFORE_RETURN",
         ("is before return_date 2019-02-03",), file="formulaire.csv", row=3),
    Case("ph_future_interview_date", "phone_survey",
         ph_csv(two(PH, interview_date="2031-01-01")), "quarantine", "IMPOSSIBLE_DATE",
         ("after the end of wave 2020-07",), file="phone.csv", row=3),
    Case("cm_birth_in_the_future", "case_management",
         cm_csv(two(CM, date_of_birth="2030-05-17")), "quarantine", "IMPOSSIBLE_DATE",
         ("date_of_birth 2030-05-17 is after interview_date",), file="cm_export.csv", row=3),
    Case("pre_return_before_2000", "premigration",
         pre_csv(two(PRE, return_date="1998-03-01")), "quarantine", "IMPOSSIBLE_DATE",
         ("return_date 1998-03-01 is before 2000-01-01",), file="premigration.csv", row=3),
    Case("co_impossible_calendar_date", "country_office",
         co_csv(two(CO, interview_date="31/02/2019")), "quarantine", "INVALID_DATE",
         ("interview_date '31/02/2019' is not a date (dmy)",), file="formulaire.csv", row=3),
    # Issue 11: a file's day/month order comes from its unambiguous values (30 > 12).
    Case("ph_day_first_date_in_iso_format", "phone_survey",
         ph_csv(two(PH, interview_date="30/06/2020")), "correct", "date_order_from_file",
         check=value_is("interview_date", pd.Timestamp("2020-06-30"))),
    Case("ph_ambiguous_day_month_date_in_iso_format", "phone_survey",
         ph_csv(two(PH, interview_date="01/06/2020")), "quarantine", "INVALID_DATE",
         ("interview_date '01/06/2020' has no known day/month order",), file="phone.csv", row=3),
    Case("cm_csv_excel_serial_date", "case_management", cm_csv(two(CM, return_date="43406")),
         "correct", "excel_serial_date", check=value_is("return_date", pd.Timestamp("2018-11-02"))),
    Case("cm_xlsx_numeric_serial_date", "case_management",
         xlsx_cells([CM_XLSX], "cm_export.xlsx", {"return_date": 43406}), "correct",
         "excel_serial_date", check=value_is("return_date", pd.Timestamp("2018-11-02"))),
    Case("cm_xlsx_datetime_with_time", "case_management",
         xlsx_cells([CM_XLSX], "cm_export.xlsx", {"interview_date": dt.datetime(2019, 6, 20, 14, 30)}),
         "correct", check=value_is("interview_date", pd.Timestamp("2019-06-20"))),
    # Countries and case ids.
    Case("cm_unknown_country", "case_management", cm_csv(two(CM, country="Atlantis")),
         "quarantine", "UNKNOWN_COUNTRY", ("country label is not in the countries list",),
         file="cm_export.csv", row=3),
    Case("co_unknown_country", "country_office", co_csv(two(CO, country="Wakanda")),
         "quarantine", "UNKNOWN_COUNTRY", ("country label is not",), file="formulaire.csv", row=3),
    Case("ph_missing_case_id_value", "phone_survey", ph_csv(two(PH, case_id="  ")),
         "quarantine", "MISSING_REQUIRED", ("case_id",), file="phone.csv", row=3),
    Case("pre_missing_country", "premigration", pre_csv(two(PRE, country="")), "quarantine",
         "MISSING_REQUIRED", ("country",), file="premigration.csv", row=3),
    Case("ph_case_id_spellings_merge", "phone_survey",
         ph_csv([PH, {**PH, "case_id": "gin/2019/000101"}, {**PH, "case_id": "GIN 2019 000101"}]),
         "correct", "duplicate_merged",
         check=all_of(merged(2), kept(1), report_is("case_ids_canonicalised", 2))),
    # Duplicates.
    Case("ph_identical_resubmission", "phone_survey", ph_csv([PH, PH, anchor(PH)]), "correct",
         "duplicate_merged", check=all_of(merged(1), kept(2))),
    Case("ph_same_file_delivered_twice", "phone_survey",
         both(ph_csv(two(PH), name="phone_a.csv"), ph_csv(two(PH), name="phone_b.csv")),
         "correct", "duplicate_merged", check=all_of(merged(2), kept(2))),
    Case("ph_conflicting_duplicates", "phone_survey",
         ph_csv([*two(PH), {**PH, "psy_distress": "Never"}]), "quarantine", "DUPLICATE_CONFLICT",
         ("phone.csv row 4", "psy_distress"), file="phone.csv", row=3, quarantined=2),
    Case("co_conflict_across_spellings", "country_office",
         co_csv([*two(CO), {**CO, "case_id": "SEN-2019-000202", "eco_working": "Non"}]),
         "quarantine", "DUPLICATE_CONFLICT", ("eco_working",), file="formulaire.csv", row=3,
         quarantined=2),
    # xlsx specifics.
    Case("cm_xlsx_data_on_another_sheet", "case_management",
         xlsx_other_sheet("Sheet1", "case_management", [CM_XLSX], "cm_export.xlsx"), "correct",
         check=sheet_is("Sheet1")),
    Case("cm_xlsx_notes_sheet_first", "case_management",
         cm_xlsx([CM_XLSX], other_sheets={"Notes": [["exported by"], ["someone"]]}), "correct",
         check=sheet_is("RSS")),
    Case("pre_xlsx_french_sheet", "premigration",
         xlsx_other_sheet("Feuil1", "premigration_fr", [PRE_FR], "avant_migration.xlsx"),
         "correct", check=sheet_is("Feuil1")),
    Case("cm_xlsx_formula_with_cached_value", "case_management", xlsx_formula(cached=True),
         "correct", check=all_of(report_file("formula_cells", 1), kept(2))),
    Case("cm_xlsx_formula_without_cached_value", "case_management", xlsx_formula(cached=False),
         "fail", "formula_file", ("cm_formula.xlsx", "row 2, column 'Age'",
                                  "without a computed value")),
    Case("cm_xlsx_merged_cells", "case_management", xlsx_merged, "fail", "merged_cells_file",
         ("cm_merged.xlsx", "rows 2-3, column 'Country of return'", "unmerge")),
    # Long text, many rows.
    Case("cm_very_long_notes_field", "case_management",
         cm_csv([{**r, "notes": LONG} for r in two(CM)]), "correct", check=kept(2)),
    Case("co_very_long_notes_field", "country_office",
         co_csv([{**r, "notes": LONG} for r in two(CO)]), "correct", check=kept(2)),
    Case("ph_bad_file_skipped_when_allowed", "phone_survey",
         both(ph_csv(two(PH)), raw_bytes("phone_broken.csv", b"\x00\x01\x02")), "correct",
         options={"skip_bad_files": True},
         check=all_of(kept(2), skipped("phone_broken.csv"))),
    Case("ph_200000_rows", "phone_survey", big_phone_file(200_000), "correct",
         check=rows_read(200_000), slow=True),
]  # fmt: skip

assert len({c.name for c in CASES}) == len(CASES), "case names must be unique"
assert all(c.format in FORMATS for c in CASES)
assert all(c.outcome in ("fail", "quarantine", "correct") for c in CASES)
