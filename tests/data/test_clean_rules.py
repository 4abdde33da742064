"""Cleaning real deliveries: per-file date order, every date/number form, wave upper bounds,
AGE_DOB_MISMATCH, birth after interview, quarantine reasons free of raw values.

Each case extracts and cleans hand-written files; the ledger must hold, and the values kept are
the ones computed by hand in the test.
"""

from __future__ import annotations

import pandas as pd
import pytest
from reintegration.data.clean import clean_wave
from reintegration.data.dates import WaveDateError
from reintegration.data.extract import extract_wave
from reintegration.data.io import write_csv as write_table
from reintegration.data.ledger import build_ledger

from data.fixtures import RECORD_A, RECORD_B, RECORD_C, write_csv

T = pd.Timestamp
CM = {k: v.date().isoformat() if hasattr(v, "date") else v for k, v in RECORD_A.items()}


def run(folder, codebook, key, wave, **kwargs):
    records, report = extract_wave(folder, wave, codebook, key)
    res = clean_wave(records, codebook, wave=wave, extract_report=report, **kwargs)
    ledger = build_ledger(report, len(records), len(res.clean), len(res.quarantine),
                          res.duplicates_merged)  # fmt: skip
    assert ledger["holds"], ledger
    return res, ledger


def person(record: dict, n: int, **edit) -> dict:
    prefix = record["case_id"][:3].upper() if record is not RECORD_B else "SEN"
    return {**record, "case_id": f"{prefix}-2019-{n:06d}", **edit}


def logged(log: pd.DataFrame, action: str, variable: str | None = None) -> int:
    m = log["action"] == action
    if variable is not None:
        m &= log["variable"] == variable
    return int(log.loc[m, "count"].sum())


def folder(tmp_path, wave):
    d = tmp_path / "raw" / wave
    d.mkdir(parents=True)
    return d


def test_case_management_file_resaved_by_french_excel(tmp_path, codebook, key):
    """A year-first format whose file holds dd/mm/yyyy dates: one day above 12 decides."""
    d = folder(tmp_path, "2019-07")
    rows = [
        person(CM, 1, date_of_birth="17/05/1990", return_date="02/11/2018",
               interview_date="20/06/2019"),  # 17 and 20 > 12: day first
        person(CM, 2, date_of_birth="05/04/1991", return_date="03/01/2019",
               interview_date="04/06/2019"),  # nothing above 12: read as the file says
    ]  # fmt: skip
    write_csv(d / "cm.csv", "case_management", rows)
    res, ledger = run(d, codebook, key, "2019-07")
    assert ledger["rows_kept"] == 2 and ledger["rows_quarantined"] == 0
    c = res.clean.sort_values("source_row")
    assert c["date_of_birth"].tolist() == [T("1990-05-17"), T("1991-04-05")]
    assert c["return_date"].tolist() == [T("2018-11-02"), T("2019-01-03")]
    assert c["interview_date"].tolist() == [T("2019-06-20"), T("2019-06-04")]
    assert c["age"].tolist() == [29, 28]  # 1990-05-17 -> 2019-06-20; 1991-04-05 -> 2019-06-04
    row = res.log[res.log["action"] == "date_order_from_file"]
    # evidence: 17/05, 20/06 (row 2); nothing in row 3
    assert row[["variable", "from", "to", "count"]].values.tolist() == [["cm.csv", "ymd", "dmy", 2]]


def test_year_first_file_without_evidence_is_never_guessed(tmp_path, codebook, key):
    d = folder(tmp_path, "2019-07")
    write_csv(d / "cm.csv", "case_management",
              [person(CM, 1, return_date="02/11/2018"), person(CM, 2)])  # fmt: skip
    res, ledger = run(d, codebook, key, "2019-07")
    q = res.quarantine
    assert q[["source_row", "rule"]].values.tolist() == [[2, "INVALID_DATE"]]
    assert "return_date '02/11/2018' has no known day/month order" in q.loc[0, "reason"]
    assert ledger["rows_kept"] == 1


def test_country_office_file_in_month_first_order(tmp_path, codebook, key):
    """A day-first format whose file is month-first throughout (every unambiguous value)."""
    d = folder(tmp_path, "2019-03")
    rows = [person(RECORD_B, 1, return_date="02/03/2019", interview_date="03/14/2019"),
            person(RECORD_B, 2, return_date="01/25/2019", interview_date="03/01/2019")]  # fmt: skip
    write_csv(d / "f.csv", "country_office", rows, delimiter=";", encoding="cp1252")
    res, _ = run(d, codebook, key, "2019-03")
    c = res.clean.sort_values("source_row")
    assert c["return_date"].tolist() == [T("2019-02-03"), T("2019-01-25")]
    assert c["interview_date"].tolist() == [T("2019-03-14"), T("2019-03-01")]
    assert logged(res.log, "date_order_from_file", "f.csv") == 2


def test_disagreeing_evidence_keeps_the_format_order(tmp_path, codebook, key):
    d = folder(tmp_path, "2019-03")
    rows = [person(RECORD_B, 1, interview_date="14/03/2019"),
            person(RECORD_B, 2, interview_date="03/13/2019")]  # fmt: skip
    write_csv(d / "f.csv", "country_office", rows, delimiter=";", encoding="cp1252")
    res, ledger = run(d, codebook, key, "2019-03")
    assert res.clean["interview_date"].tolist() == [T("2019-03-14")]
    q = res.quarantine
    assert q[["source_row", "rule"]].values.tolist() == [[3, "INVALID_DATE"]]
    assert "interview_date '03/13/2019' is not a date (dmy)" in q.loc[0, "reason"]
    conflict = res.log[res.log["action"] == "date_order_conflict"]
    assert conflict[["from", "to"]].values.tolist() == [["1 day-first, 1 month-first", "dmy"]]


def test_times_month_names_and_serials_in_one_file(tmp_path, codebook, key):
    d = folder(tmp_path, "2019-03")
    rows = [
        person(RECORD_B, 1, return_date="03/02/2019 08:15", interview_date="14 mars 2019"),
        person(RECORD_B, 2, return_date="3 févr. 2019", interview_date="43538"),
        person(RECORD_B, 3, return_date="2019-02-03", interview_date="March 14, 2019 10:00"),
    ]
    write_csv(d / "f.csv", "country_office", rows, delimiter=";", encoding="utf-8-sig")
    res, ledger = run(d, codebook, key, "2019-03")
    assert ledger["rows_kept"] == 3
    assert (res.clean["return_date"] == T("2019-02-03")).all()
    # 43538 = 1899-12-30 + 43538 days = 2019-03-14
    assert (res.clean["interview_date"] == T("2019-03-14")).all()
    assert logged(res.log, "time_part_dropped", "return_date") == 1
    assert logged(res.log, "time_part_dropped", "interview_date") == 1
    assert logged(res.log, "month_name_date", "interview_date") == 2
    assert logged(res.log, "month_name_date", "return_date") == 1
    assert logged(res.log, "excel_serial_date", "interview_date") == 1


AGES = [("29", 29), ("29.0", 29), ("29,0", 29), ("29 ans", 29), ("29 years", 29), ("", 29)]


def test_age_forms_parsed_and_logged(tmp_path, codebook, key):
    """RECORD_C: interviewed 2020-06-30; a blank age is derived from nothing (no date of birth
    in the phone survey), so it stays missing."""
    d = folder(tmp_path, "2020-07")
    rows = [person(RECORD_C, i, age=a) for i, (a, _) in enumerate(AGES)]
    write_csv(d / "p.csv", "phone_survey", rows)
    res, _ = run(d, codebook, key, "2020-07")
    ages = res.clean.sort_values("source_row")["age"].tolist()
    assert ages[:5] == [29] * 5 and pd.isna(ages[5])
    assert logged(res.log, "decimal_comma", "age") == 1
    units = res.log[res.log["action"] == "unit_dropped"]
    assert units["from"].tolist() == ["number followed by 'ans'", "number followed by 'years'"]
    assert units["count"].tolist() == [1, 1]


def test_raw_values_never_quoted_unless_shaped(tmp_path, codebook, key):
    phone, name = "+224 620 11 22 33", "Mamadou Testname"
    d = folder(tmp_path, "2020-07")
    rows = [
        person(RECORD_C, 1, age=phone),
        person(RECORD_C, 2, age="620112233"),
        person(RECORD_C, 3, interview_date=name),
        person(RECORD_C, 4, country=name),
        person(RECORD_C, 5, age="29,5"),  # shaped as a number: quoted
        person(RECORD_C, 6, interview_date="2020-02-30"),  # shaped as a date: quoted
    ]
    write_csv(d / "p.csv", "phone_survey", rows)
    res, ledger = run(d, codebook, key, "2020-07")
    q = res.quarantine.set_index("source_row")
    assert q["rule"].to_dict() == {2: "INVALID_NUMBER", 3: "INVALID_NUMBER", 4: "INVALID_DATE",
                                   5: "UNKNOWN_COUNTRY", 6: "INVALID_NUMBER", 7: "INVALID_DATE"}  # fmt: skip
    assert q.at[2, "reason"] == "age (value not shown) is not a number."
    assert q.at[4, "reason"] == "interview_date (value not shown) is not a date (ymd)."
    assert q.at[6, "reason"] == "age 29,5 is not a whole number."
    assert "interview_date '2020-02-30' is not a date" in q.at[7, "reason"]
    out = tmp_path / "quarantine.csv"
    write_table(res.quarantine, out)
    text = out.read_text(encoding="utf-8")
    for raw in (phone, "620112233", name, "Mamadou"):
        assert raw not in text
    assert ledger["rows_quarantined"] == 6


def test_future_date_without_month_in_wave_name(tmp_path, codebook, key):
    d = folder(tmp_path, "guinee")
    rows = [person(RECORD_C, 1), person(RECORD_C, 2, interview_date="2201-03-01"),
            person(RECORD_C, 3, interview_date="2020-07-02")]  # fmt: skip
    write_csv(d / "p.csv", "phone_survey", rows)
    with pytest.raises(WaveDateError, match=r"release.wave_dates: \{guinee: YYYY-MM-DD\}"):
        run(d, codebook, key, "guinee")
    res, ledger = run(d, codebook, key, "guinee", wave_dates={"guinee": "2020-07-01"})
    q = res.quarantine.set_index("source_row")
    assert q["rule"].to_dict() == {3: "IMPOSSIBLE_DATE", 4: "IMPOSSIBLE_DATE"}
    assert q.at[3, "reason"] == (
        "interview_date 2201-03-01 is after 2020-07-01, the delivery date of wave guinee "
        "(release.wave_dates)."
    )
    assert res.clean["interview_date"].tolist() == [T("2020-06-30")]
    assert ledger["rows_kept"] == 1 and ledger["rows_quarantined"] == 2


def test_future_date_in_month_named_wave(tmp_path, codebook, key):
    d = folder(tmp_path, "2020-06-guinee")
    write_csv(d / "p.csv", "phone_survey",
              [person(RECORD_C, 1, interview_date="2020-06-30"),
               person(RECORD_C, 2, interview_date="2020-07-01")])  # fmt: skip
    res, _ = run(d, codebook, key, "2020-06-guinee")
    assert res.quarantine["source_row"].tolist() == [3]
    assert "after the end of wave 2020-06-guinee" in res.quarantine.loc[0, "reason"]


def test_age_dob_mismatch(tmp_path, codebook, key):
    """Born 1990-05-17, interviewed 2019-06-20: 29 at interview (hand count)."""
    d = folder(tmp_path, "2019-07")
    rows = [person(CM, 1, age="29"), person(CM, 2, age="30"), person(CM, 3, age="28"),
            person(CM, 4, age="45"), person(CM, 5, age="27")]  # fmt: skip
    write_csv(d / "cm.csv", "case_management", rows)
    res, ledger = run(d, codebook, key, "2019-07")
    assert res.clean["source_row"].tolist() == [2, 3, 4]  # 29, 30, 28: within one year
    q = res.quarantine.set_index("source_row")
    assert q["rule"].to_dict() == {5: "AGE_DOB_MISMATCH", 6: "AGE_DOB_MISMATCH"}
    assert q.at[5, "reason"] == (
        "age 45 and date_of_birth 1990-05-17 disagree: age at interview_date 2019-06-20 is 29 "
        "(tolerance 1 year(s), cleaning.age_dob_tolerance_years)."
    )
    assert res.clean["age"].tolist() == [29, 30, 28]  # the given age is kept
    strict, _ = run(d, codebook, key, "2019-07", age_dob_tolerance_years=0)
    assert strict.clean["source_row"].tolist() == [2]
    assert ledger["rows_quarantined"] == 2


def test_birth_after_interview(tmp_path, codebook, key):
    d = folder(tmp_path, "2019-07")
    rows = [person(CM, 1), person(CM, 2, date_of_birth="2019-06-21")]
    write_csv(d / "cm.csv", "case_management", rows)
    res, ledger = run(d, codebook, key, "2019-07")
    q = res.quarantine
    assert q[["source_row", "rule"]].values.tolist() == [[3, "IMPOSSIBLE_DATE"]]
    assert q.loc[0, "reason"].startswith(
        "date_of_birth 2019-06-21 is after interview_date 2019-06-20"
    )
    assert ledger["rows_kept"] == 1
