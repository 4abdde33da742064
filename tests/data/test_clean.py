"""Cleaning: recodes logged, dates parsed, each validation rule, duplicates, unknown labels."""

from __future__ import annotations

import pandas as pd
import pytest
from reintegration.data.clean import clean_wave
from reintegration.data.extract import extract_wave
from reintegration.data.ledger import LedgerError, build_ledger, check_ledger
from reintegration.problems import ProblemsError

from data.fixtures import RECORD_A, RECORD_B, RECORD_C, RECORD_D, write_csv, write_wave


def extract_clean(wave_dir, codebook, key, wave="2020-07", **kwargs):
    records, report = extract_wave(wave_dir, wave, codebook, key)
    return (
        records,
        report,
        clean_wave(records, codebook, wave=wave, extract_report=report, **kwargs),
    )


def log_count(log: pd.DataFrame, action: str, variable: str, frm: str | None = None) -> int:
    m = (log["action"] == action) & (log["variable"] == variable)
    if frm is not None:
        m &= log["from"] == frm
    return int(log.loc[m, "count"].sum())


def test_fixture_wave_typed_and_recodes_logged(wave_dir, codebook, key):
    write_wave(wave_dir)
    _, _, res = extract_clean(wave_dir, codebook, key)
    assert len(res.quarantine) == 0 and len(res.clean) == 4
    c = res.clean.set_index("source_file")
    b = c.loc["bureau_pays.csv"]
    assert b["country"] == "SEN" and b["sex"] == "female" and b["survey_round"] == "monitoring"
    assert b["return_date"] == pd.Timestamp("2019-02-03")  # dd/mm/yyyy, day first
    assert b["interview_date"] == pd.Timestamp("2019-03-14")
    assert b["eco_satisfaction"] == "very_satisfied" and b["eco_borrow_frequency"] == "dont_know"
    assert (
        b["assistance"] == "training;housing"
        and b["orion_mentee"] is False
        or not b["orion_mentee"]
    )
    a = c.loc["cm_export.xlsx"]
    assert a["age"] == 29  # born 1990-05-17, interviewed 2019-06-20
    assert a["assistance"] == "microbusiness;training" and a["country"] == "GIN"
    log = res.log
    assert log_count(log, "label_normalised", "eco_satisfaction", RECORD_B["eco_satisfaction"]) == 1
    assert log_count(log, "label_normalised", "sex", "male") == 1  # phone record C: "male"
    assert log_count(log, "label_variant", "eco_borrow_frequency", "NSP") == 1
    assert log_count(log, "label_variant", "assistance", "Formation professionnelle") == 1
    assert log_count(log, "age_from_date_of_birth", "age") == 1
    assert log_count(log, "case_id_canonicalised", "case_id") == 1  # sen/2019/000202


def test_excel_serial_date_corrected_and_logged(wave_dir, codebook, key):
    write_csv(wave_dir / "p.csv", "phone_survey", [{**RECORD_C, "return_date": "43520"}])
    _, _, res = extract_clean(wave_dir, codebook, key)
    assert res.clean.loc[0, "return_date"] == pd.Timestamp("2019-02-24")
    assert log_count(res.log, "excel_serial_date", "return_date", "43520") == 1
    assert res.log.loc[res.log["action"] == "excel_serial_date", "to"].tolist() == ["2019-02-24"]


RULE_CASES = [
    ({"sex": ""}, "MISSING_REQUIRED", "sex"),
    ({"case_id": ""}, "MISSING_REQUIRED", "case_id"),
    ({"interview_date": "31/31/2020"}, "INVALID_DATE", "interview_date '31/31/2020' is not a date"),
    ({"interview_date": "2020-02-30"}, "INVALID_DATE", "interview_date"),
    ({"age": "about 30"}, "INVALID_NUMBER", "age (value not shown) is not a number"),
    ({"country": "Atlantis"}, "UNKNOWN_COUNTRY", "country label is not in the countries list"),
    ({"interview_date": "2020-08-01"}, "IMPOSSIBLE_DATE", "after the end of wave 2020-07"),
    (
        {"return_date": "1999-12-31", "interview_date": "2000-01-02"},
        "IMPOSSIBLE_DATE",
        "before 2000-01-01",
    ),
    (
        {"interview_date": "2018-10-01"},
        "INTERVIEW_BEFORE_RETURN",
        "is before return_date 2018-11-02",
    ),
    ({"age": "12"}, "AGE_OUT_OF_RANGE", "age 12 is outside [15, 80]"),
    ({"age": "81"}, "AGE_OUT_OF_RANGE", "outside [15, 80]"),
]


@pytest.mark.parametrize(("edit", "rule", "reason"), RULE_CASES)
def test_each_rule_quarantines_with_code_and_reason(wave_dir, codebook, key, edit, rule, reason):
    good = {**RECORD_C, "case_id": "GIN-2019-000777"}
    write_csv(wave_dir / "p.csv", "phone_survey", [good, {**RECORD_C, **edit}])
    records, report, res = extract_clean(wave_dir, codebook, key)
    assert len(res.clean) == 1 and res.clean.loc[0, "source_row"] == 2
    q = res.quarantine
    assert q[["source_file", "source_row", "rule"]].values.tolist() == [["p.csv", 3, rule]]
    assert reason in q.loc[0, "reason"]
    ledger = build_ledger(report, len(records), len(res.clean), len(q), res.duplicates_merged)
    assert ledger["holds"] and ledger["rows_read"] == 2


def test_age_range_is_configurable(wave_dir, codebook, key):
    write_csv(wave_dir / "p.csv", "phone_survey", [{**RECORD_C, "age": "12"}])
    _, _, res = extract_clean(wave_dir, codebook, key, age_range=(10, 90))
    assert len(res.clean) == 1


def test_impossible_birth_date(wave_dir, codebook, key):
    row = {**RECORD_A, "date_of_birth": "2019-07-01", "interview_date": "2019-06-20"}
    write_csv(wave_dir / "cm.csv", "case_management", [row])
    _, _, res = extract_clean(wave_dir, codebook, key, wave="2019-07")
    assert res.quarantine.loc[0, "rule"] == "IMPOSSIBLE_DATE"
    assert (
        "date_of_birth 2019-07-01 is after interview_date 2019-06-20"
        in res.quarantine.loc[0, "reason"]
    )


def test_premigration_requires_only_case_id_and_country(wave_dir, codebook, key):
    rows = [{**RECORD_D, "sex": "", "interview_date": ""}, {**RECORD_D, "country": ""}]
    write_csv(wave_dir / "pre.csv", "premigration_en", rows)
    _, _, res = extract_clean(wave_dir, codebook, key)
    assert res.clean["source_row"].tolist() == [2]
    assert res.quarantine[["source_row", "rule"]].values.tolist() == [[3, "MISSING_REQUIRED"]]
    assert "country" in res.quarantine.loc[0, "reason"]


def test_identical_resubmission_merged_conflict_quarantined(wave_dir, codebook, key):
    other = {**RECORD_C, "case_id": "GIN-2019-000555"}
    rows = [
        RECORD_C,
        {**RECORD_C, "case_id": "gin 2019 000101", "eco_satisfaction": " very DISSATISFIED"},
        other,
        {**other, "psy_distress": "Never"},
    ]
    write_csv(wave_dir / "p.csv", "phone_survey", rows)
    records, report, res = extract_clean(wave_dir, codebook, key)
    assert res.duplicates_merged == 1
    assert res.clean["source_row"].tolist() == [2]
    merged = res.log[res.log["action"] == "duplicate_merged"]
    assert merged[["from", "to"]].values.tolist() == [["2020-07/p.csv::3", "2020-07/p.csv::2"]]
    q = res.quarantine
    assert q["source_row"].tolist() == [4, 5] and set(q["rule"]) == {"DUPLICATE_CONFLICT"}
    assert "p.csv row 5" in q.loc[0, "reason"] and "psy_distress" in q.loc[0, "reason"]
    ledger = build_ledger(report, len(records), len(res.clean), len(q), res.duplicates_merged)
    assert (ledger["rows_read"], ledger["rows_kept"], ledger["rows_quarantined"]) == (4, 1, 2)
    assert ledger["duplicates_merged"] == 1 and ledger["holds"]


def test_unknown_labels_all_reported_with_place_and_nearest(wave_dir, codebook, key):
    rows = [
        {**RECORD_C, "eco_satisfaction": "Very satisfid"},
        {**RECORD_C, "case_id": "GIN-2019-000556", "psy_distress": "Sometims", "sex": "Mle"},
    ]
    write_csv(wave_dir / "p.csv", "phone_survey", rows)
    with pytest.raises(ProblemsError) as info:
        extract_clean(wave_dir, codebook, key)
    message = str(info.value)
    assert "3 problem(s)" in message
    assert "p.csv, line 2, column 'econ_satisfaction (eco_satisfaction)'" in message
    assert "'Very satisfid' is not in choice list 'satisfaction5'" in message
    assert "nearest known: Very satisfied / Très satisfait (very_satisfied)" in message
    assert "p.csv, line 3, column 'distress (psy_distress)'" in message and "Sometimes" in message
    assert "p.csv, line 3, column 'sex (sex)'" in message


def test_unknown_multi_select_option_reported(wave_dir, codebook, key):
    write_csv(
        wave_dir / "cm.csv", "case_management", [{**RECORD_A, "assistance": "Training;Trainng2"}]
    )
    with pytest.raises(ProblemsError, match="option 'Trainng2' is not in choice list 'assistance'"):
        extract_clean(wave_dir, codebook, key, wave="2019-07")


def test_multi_select_answers_map_per_row_and_an_empty_column_stays_empty(wave_dir, codebook, key):
    rows = [
        {**RECORD_A, "case_id": "GIN-2019-000011", "assistance": "Training;Micro-business"},
        {**RECORD_A, "case_id": "GIN-2019-000012", "assistance": ""},
        {**RECORD_A, "case_id": "GIN-2019-000013", "assistance": "Micro-business;Training"},
    ]
    write_csv(wave_dir / "cm.csv", "case_management", rows)
    _, _, res = extract_clean(wave_dir, codebook, key, wave="2019-07")
    got = res.clean.sort_values("source_row")["assistance"].tolist()
    assert got[0] == got[2] == "microbusiness;training" and pd.isna(got[1])
    write_csv(wave_dir / "cm.csv", "case_management", [{**r, "assistance": ""} for r in rows])
    _, _, res = extract_clean(wave_dir, codebook, key, wave="2019-07")
    assert res.clean["assistance"].isna().all() and len(res.clean) == 3


def test_ledger_mismatch_fails():
    ledger = build_ledger({"wave": "w", "rows_read": 5}, 5, 3, 1, 0)
    assert not ledger["holds"]
    with pytest.raises(LedgerError, match="rows read 5 .* kept 3 \\+ quarantined 1 \\+ merged 0"):
        check_ledger(ledger)
