"""Property: for any mix of valid and invalid records, every valid record is scored exactly once
and every invalid one is quarantined with a reason (hypothesis over generated exports).

Each example writes one export (phone survey, country-office or case-management csv) whose
records are drawn from: valid records (answers drawn from the codebook's labels in the format's
language, case-id spellings varied), identical resubmissions of a valid record (merged: still
scored once), and records broken in one of the ways cleaning quarantines.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from data.fixtures import REPO, write_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reintegration.codebook import load_codebook
from reintegration.data.clean import clean_wave
from reintegration.data.extract import extract_wave
from reintegration.data.ledger import build_ledger
from reintegration.data.score import score_records

from reliability.corpus import CO, PH, WAVE

CODEBOOK = load_codebook(REPO / "config" / "codebook")
CHOICES = CODEBOOK.choices
VARIABLES = CODEBOOK.variables.set_index("name")
BASES = {"phone_survey": (PH, "en", ","), "country_office": (CO, "fr", ";")}
#: Breakages and the rule each must be quarantined under (phone: ISO dates; office: d/m/Y).
BREAKS = {
    "phone_survey": {
        "age_low": ({"age": "9"}, "AGE_OUT_OF_RANGE"),
        "age_high": ({"age": "97"}, "AGE_OUT_OF_RANGE"),
        "age_text": ({"age": "trente"}, "INVALID_NUMBER"),
        "country": ({"country": "Narnia"}, "UNKNOWN_COUNTRY"),
        "no_sex": ({"sex": ""}, "MISSING_REQUIRED"),
        "no_case_id": ({"case_id": ""}, "MISSING_REQUIRED"),
        "bad_date": ({"interview_date": "2020-13-45"}, "INVALID_DATE"),
        "future": ({"interview_date": "2021-03-01"}, "IMPOSSIBLE_DATE"),
        "before_return": ({"interview_date": "2018-01-05"}, "INTERVIEW_BEFORE_RETURN"),
    },
    "country_office": {
        "age_low": ({"age": "3"}, "AGE_OUT_OF_RANGE"),
        "country": ({"country": "Atlantide"}, "UNKNOWN_COUNTRY"),
        "no_round": ({"survey_round": ""}, "MISSING_REQUIRED"),
        "bad_date": ({"return_date": "32/01/2019"}, "INVALID_DATE"),
        "old": ({"return_date": "01/01/1999"}, "IMPOSSIBLE_DATE"),
        "before_return": ({"interview_date": "01/02/2019"}, "INTERVIEW_BEFORE_RETURN"),
    },
}


def labels(variable: str, language: str) -> list[str]:
    lst = VARIABLES.at[variable, "list_name"]
    rows = CHOICES[CHOICES["list_name"] == lst]
    column = "label_fr" if language == "fr" else "label_en"
    return [x for x in rows[column].tolist() if x]


ITEMS = [v for v in PH if v.startswith(("eco_", "soc_", "psy_"))]


@st.composite
def valid_record(draw, fmt: str, n: int) -> dict:
    base, language, _ = BASES[fmt]
    rec = dict(base)
    prefix = "SEN" if fmt == "country_office" else "GIN"
    spelling = draw(st.sampled_from(["{p}-2019-{n:06d}", "{p} 2019 {n:06d}", "{pl}/2019/{n:06d}"]))
    rec["case_id"] = spelling.format(p=prefix, pl=prefix.lower(), n=n)
    for item in ITEMS:
        if item in rec:
            choice = draw(st.sampled_from([*labels(item, language), ""]))
            styled = draw(st.sampled_from([choice, choice.upper(), f"  {choice} "]))
            rec[item] = styled
    rec["age"] = str(draw(st.integers(15, 80)))
    return rec


@st.composite
def export(draw):
    fmt = draw(st.sampled_from(sorted(BASES)))
    kinds = draw(
        st.lists(
            st.one_of(
                st.just(("valid", None)),
                st.just(("resubmit", None)),
                st.sampled_from(sorted(BREAKS[fmt])).map(lambda b: ("invalid", b)),
            ),
            min_size=1,
            max_size=25,
        )
    )
    rows, expect = [], []  # expect: (kind, rule or None, index of the original for resubmits)
    valid_rows = []
    for i, (kind, brk) in enumerate(kinds):
        if kind == "resubmit" and valid_rows:
            j = draw(st.sampled_from(valid_rows))
            rows.append(dict(rows[j]))
            expect.append(("merged", None, j))
            continue
        rec = draw(valid_record(fmt, 100 + i))
        if kind == "invalid":
            edit, rule = BREAKS[fmt][brk]
            rec.update(edit)
            expect.append(("invalid", rule, None))
        else:
            valid_rows.append(len(rows))
            expect.append(("valid", None, None))
        rows.append(rec)
    return fmt, rows, expect


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(export())
def test_valid_scored_once_invalid_quarantined_with_reason(case):
    fmt, rows, expect = case
    _, _, delimiter = BASES[fmt]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / WAVE
        folder.mkdir()
        encoding = "cp1252" if fmt == "country_office" else "utf-8"
        write_csv(folder / "export.csv", fmt, rows, delimiter=delimiter, encoding=encoding)
        records, report = extract_wave(folder, WAVE, CODEBOOK, b"property-key")
        result = clean_wave(records, CODEBOOK, wave=WAVE, extract_report=report)
    scores = score_records(result.clean, CODEBOOK)
    ledger = build_ledger(
        report, len(records), len(result.clean), len(result.quarantine), result.duplicates_merged
    )
    assert ledger["holds"] and ledger["rows_read"] == len(rows)
    scored = scores["record_id"].str.rsplit(":", n=1).str[1].astype(int).tolist()
    assert len(scored) == len(set(scored))  # nothing scored twice
    q = result.quarantine.set_index("source_row")
    for i, (kind, rule, original) in enumerate(expect):
        row = i + 2  # the header is row 1
        if kind == "valid":
            assert scored.count(row) == 1, f"valid row {row} not scored once"
        elif kind == "merged":
            assert row not in scored and row not in q.index
            assert scored.count(original + 2) == 1
        else:
            assert row in q.index, f"invalid row {row} ({rule}) not quarantined"
            assert rule in q.at[row, "rules"].split(";")
            assert isinstance(q.at[row, "reason"], str) and q.at[row, "reason"].strip()
            assert row not in scored
    n_invalid = sum(1 for k, _, _ in expect if k == "invalid")
    assert len(q) == n_invalid
    assert set(scores.columns) >= {"score_composite", "person_id"}
    assert pd.api.types.is_float_dtype(scores["score_composite"])
