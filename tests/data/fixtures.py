"""Hand-written raw exports in each source format, written by the tests (no committed binaries).

Rows are dicts ``{canonical variable: raw cell}``; each writer puts them under the format's
first header for that variable in config/codebook/sources.csv (or an explicit header).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

REPO = Path(__file__).resolve().parents[2]
SOURCES = pd.read_csv(REPO / "config/codebook/sources.csv", dtype=str, keep_default_na=False)


def headers(fmt: str) -> dict[str, str]:
    """variable -> first header of ``fmt`` in sources.csv."""
    rows = SOURCES[(SOURCES["format"] == fmt) & (SOURCES["variable"] != "drop")]
    out: dict[str, str] = {}
    for variable, header in zip(rows["variable"], rows["header"], strict=True):
        out.setdefault(variable, header)
    return out


def _table(fmt: str, rows: list[dict], columns: list[str] | None, extra: dict | None):
    h = {**headers(fmt), **(extra or {})}
    columns = columns or list(dict.fromkeys(k for r in rows for k in r))
    return [h.get(c, c) for c in columns], [[r.get(c, "") for c in columns] for r in rows]


def write_csv(
    path: Path,
    fmt: str,
    rows: list[dict],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    columns: list[str] | None = None,
    extra_headers: dict | None = None,
    blank_rows_after: tuple[int, ...] = (),
) -> Path:
    head, body = _table(fmt, rows, columns, extra_headers)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator="\r\n")
        w.writerow(head)
        for i, row in enumerate(body):
            w.writerow(row)
            if i in blank_rows_after:
                w.writerow([""] * len(head))
    return path


def write_xlsx(
    path: Path,
    fmt: str,
    rows: list[dict],
    *,
    sheet: str = "RSS",
    other_sheets: dict[str, list[list]] | None = None,
    columns: list[str] | None = None,
) -> Path:
    head, body = _table(fmt, rows, columns, None)
    wb = Workbook()
    ws = wb.active
    ws.title = "Notes" if other_sheets and "Notes" in other_sheets else sheet
    if ws.title != sheet:
        for r in other_sheets["Notes"]:
            ws.append(r)
        ws = wb.create_sheet(sheet)
    ws.append(head)
    for row in body:
        ws.append(row)
    for name, content in (other_sheets or {}).items():
        if name != "Notes":
            extra = wb.create_sheet(name)
            for r in content:
                extra.append(r)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


D = dt.datetime

# Record A: English case-management export (xlsx), every item answered except two
# non-responses. Hand-computed scores are in test_scoring.py.
RECORD_A = {
    "case_id": "GIN-2019-000101",
    "full_name": "Mamadou Testname",
    "phone_number": "+224 620 11 22 33",
    "address": "Quartier Fictif, Conakry",
    "notes": "met Mamadou Testname at home",
    "country": "Guinea",
    "sex": "Male",
    "date_of_birth": D(1990, 5, 17),
    "return_date": D(2018, 11, 2),
    "return_type": "Stranded migrant",
    "return_scheme": "AVRR",
    "interview_date": D(2019, 6, 20),
    "interview_mode": "In person",
    "survey_round": "End of assistance",
    "assistance": "Microbusiness;Training",
    "assistance_level": "Individual",
    "orion_mentee": "Yes",
    "mentoring_start": D(2019, 1, 15),
    "eco_satisfaction": "Satisfied",  # 0.75
    "eco_food_insecurity": "Never",  # 1
    "eco_borrow_ability": "Yes",  # 1
    "eco_borrow_frequency": "Sometimes",  # 0.5
    "eco_debt_ratio": "No debt",  # 1
    "eco_employment_access": "Poor",  # 0.25
    "eco_working": "No",  # 0
    "eco_productive_assets": "Don't know",  # missing
    "eco_job_search": "Yes",  # yes_no_neg: 0
    **{
        f"soc_{k}": "Good"  # 0.75
        for k in (
            "housing_access",
            "housing_standard",
            "education_access",
            "justice_access",
            "health_access",
            "health_quality",
            "documentation_access",
            "water_access",
            "public_services_access",
        )
    },
    "soc_children_in_school": "Not applicable",  # missing
    "soc_has_id": "Yes",  # 1
    "psy_social_activities": "Often",  # freq_pos 0.75
    "psy_support_network": "Very good",  # 1
    "psy_belonging": "Yes, mostly",  # 0.75
    "psy_physical_security": "Safe",  # 0.75
    "psy_family_tension": "Rarely",  # freq_neg 0.75
    "psy_discrimination": "Never",  # 1
    "psy_distress": "Very often",  # 0
    "psy_wish_psych_support": "No",  # yes_no_neg 1
    "psy_able_to_stay": "Yes",  # 1
    "psy_remigration_need": "Wish but no need to migrate again",  # 0.5
}

# Record B: French country-office export (semicolon, cp1252), labels with odd case/spacing
# and variants; economic mostly unanswered (4 of 9 < 0.5 of the weight -> missing).
RECORD_B = {
    "case_id": "sen/2019/000202",  # non-standard spelling
    "full_name": "Aïssatou Exemple",
    "phone_number": "+221 77 555 44 33",
    "country": "Sénégal",
    "sex": "Femme",
    "age": "31",
    "return_date": "03/02/2019",
    "return_type": "Migrant en situation irrégulière",
    "return_scheme": "AVRR",
    "interview_date": "14/03/2019",
    "interview_mode": "Téléphone",
    "survey_round": "Suivi",
    "assistance": "Formation professionnelle;Logement",
    "assistance_level": "Collectif",
    "orion_mentee": "Non",
    "eco_satisfaction": "  très  SATISFAIT ",  # 1 (normalised)
    "eco_food_insecurity": "Parfois",  # 0.5
    "eco_borrow_ability": "Non",  # 0
    "eco_borrow_frequency": "NSP",  # missing (variant)
    "eco_debt_ratio": "Refus",  # missing
    "eco_employment_access": "",
    "eco_working": "Oui",  # 1
    "eco_productive_assets": "",
    "eco_job_search": "",
    **{
        f"soc_{k}": "Bon"  # 0.75
        for k in (
            "housing_access",
            "housing_standard",
            "education_access",
            "justice_access",
            "health_access",
            "health_quality",
            "documentation_access",
            "water_access",
            "public_services_access",
        )
    },
    "soc_children_in_school": "Oui",  # 1
    "soc_has_id": "Non",  # 0
    "psy_social_activities": "Jamais",  # freq_pos 0
    "psy_support_network": "Moyen",  # 0.5
    "psy_belonging": "Tout à fait",  # variant of fully: 1
    "psy_physical_security": "En insécurité",  # 0.25
    "psy_family_tension": "Souvent",  # freq_neg 0.25
    "psy_discrimination": "Rarement",  # freq_neg 0.75
    "psy_distress": "Parfois",  # 0.5
    "psy_wish_psych_support": "Oui",  # yes_no_neg 0
    "psy_able_to_stay": "Oui",  # 1
    "psy_remigration_need": "Besoin de repartir",  # 0
}

# Record C: 2020 phone survey (a subset of items).
RECORD_C = {
    "case_id": "GIN-2019-000101",  # same person as A
    "full_name": "Mamadou Testname",
    "phone_number": "+224 620 11 22 33",
    "country": "Guinea",
    "sex": "male",
    "age": "29",
    "return_date": "2018-11-02",
    "interview_date": "2020-06-30",
    "interview_mode": "Phone",
    "survey_round": "Follow-up",
    "orion_mentee": "Yes",
    "eco_satisfaction": "Very dissatisfied",  # 0
    "eco_food_insecurity": "Very often",  # 0
    "eco_borrow_ability": "No",  # 0
    "eco_borrow_frequency": "Often",  # 0.25
    "eco_working": "Yes",  # 1
    "eco_job_search": "No",  # 1
    "soc_housing_access": "Fair",  # 0.5
    "soc_housing_standard": "Fair",
    "soc_education_access": "Fair",
    "soc_has_id": "Yes",  # 1
    "soc_health_access": "Fair",
    "soc_health_quality": "Fair",
    "soc_water_access": "Fair",
    "soc_public_services_access": "Fair",
    "psy_social_activities": "Sometimes",  # 0.5
    "psy_support_network": "Good",  # 0.75
    "psy_belonging": "Somewhat",  # 0.5
    "psy_physical_security": "Very safe",  # 1
    "psy_family_tension": "Never",  # 1
    "psy_discrimination": "Sometimes",  # 0.5
    "psy_distress": "Rarely",  # 0.75
    "psy_able_to_stay": "No",  # 0
    "psy_remigration_need": "Neither need nor wish to migrate again",  # 1
}

# Record D: pre-migration module (English csv).
RECORD_D = {
    "case_id": "GIN-2019-000101",
    "full_name": "Mamadou Testname",
    "phone_number": "+224 620 11 22 33",
    "country": "Guinea",
    "sex": "Male",
    "age": "28",
    "return_date": "2018-11-02",
    "interview_date": "2019-01-10",
    "pre_eco_satisfaction": "Dissatisfied",  # 0.25
    "pre_eco_food_insecurity": "Often",  # 0.25
    "pre_eco_working": "No",  # 0
    "pre_soc_health_access": "Poor",  # 0.25
    "pre_soc_education_access": "Very poor",  # 0
    "pre_soc_public_services_access": "Fair",  # 0.5
    "pre_psy_belonging": "Not really",  # 0.25
    "pre_psy_distress": "Sometimes",  # 0.5
    "pre_psy_support_network": "Good",  # 0.75
    "pre_psy_discrimination": "Refused",  # missing
}

IDENTIFIERS = [
    "Mamadou Testname",
    "Aïssatou Exemple",
    "+224 620 11 22 33",
    "620 11 22 33",
    "+221 77 555 44 33",
    "Quartier Fictif",
    "GIN-2019-000101",
    "GIN2019000101",
    "sen/2019/000202",
    "SEN2019000202",
]


def write_wave(folder: Path) -> dict[str, Path]:
    """A wave with one file per format: A (xlsx), B (cp1252 semicolon csv), C (phone), D (pre)."""
    return {
        "a": write_xlsx(
            folder / "cm_export.xlsx",
            "case_management",
            [RECORD_A],
            other_sheets={"Notes": [["Exported for Mamadou Testname"], ["call +224 620 11 22 33"]]},
        ),
        "b": write_csv(
            folder / "bureau_pays.csv",
            "country_office",
            [RECORD_B],
            delimiter=";",
            encoding="cp1252",
        ),
        "c": write_csv(folder / "phone_2020.csv", "phone_survey", [RECORD_C]),
        "d": write_csv(folder / "premigration.csv", "premigration_en", [RECORD_D]),
    }
