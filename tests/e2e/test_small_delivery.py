"""A first real-shaped delivery builds a release and its report (issue 12, Build 4).

The delivery is written here: one wave, two countries under ``cross_country.min_records`` (50),
no panel follow-up (three phone-survey respondents without an earlier record), no pre-migration
module, no Moroccan records. Every stage must still write its outputs; the analyses that cannot
be computed say why (``status == "not estimable"`` and a ``reason``), and their reproduction
rows read ``not computed: <reason>``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from data.fixtures import RECORD_A, RECORD_C, write_csv, write_xlsx
from snakemake_runner import run_snakemake, tiny_workdir

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WAVE = "2020-07"
RELEASE = "first-delivery"
MIN_RECORDS = 50
#: (country label in the export, ISO3 prefix of the case id, records)
COUNTRIES = (("Nigeria", "NGA", 24), ("Guinea", "GIN", 12))
PHONE_ONLY = 3  # Guinean phone-survey respondents with no earlier record


def _case_management_rows() -> list[dict]:
    rows = []
    answers = ("Satisfied", "Dissatisfied", "Very satisfied", "Neither satisfied nor dissatisfied")
    for label, iso, n in COUNTRIES:
        for i in range(n):
            rows.append(
                {
                    **RECORD_A,
                    "case_id": f"{iso}-2019-{100 + i:06d}",
                    "country": label,
                    "sex": "Female" if i % 3 == 0 else "Male",
                    "eco_satisfaction": answers[i % len(answers)],
                    "eco_working": "Yes" if i % 2 else "No",
                    "orion_mentee": "No",
                }
            )
    return rows


def _phone_rows() -> list[dict]:
    return [{**RECORD_C, "case_id": f"GIN-2019-{900 + i:06d}"} for i in range(PHONE_ONLY)]


def _configure(workdir: Path) -> None:
    config = workdir / "config" / "config.yaml"
    text = config.read_text(encoding="utf-8")
    for key, value in (
        ("name", RELEASE),
        ("waves", f"[{WAVE}]"),
        ("source", "raw"),
        ("min_records", str(MIN_RECORDS)),
    ):
        # The first occurrence of each key: release.name, release.waves, data.source and
        # cross_country.min_records (panel.min_records comes later and stays 2).
        text = re.sub(rf"(?m)^(  {key}: ).*$", rf"\g<1>{value}", text, count=1)
    config.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    workdir = tiny_workdir(tmp_path_factory.mktemp("small_delivery"))
    _configure(workdir)
    raw = workdir / "resources" / "raw" / WAVE
    write_xlsx(raw / "cm_export.xlsx", "case_management", _case_management_rows())
    write_csv(raw / "phone_2020.csv", "phone_survey", _phone_rows())
    run_snakemake(workdir, "--cores", "2", "--quiet", "rules", env=None)
    return workdir / "results" / "releases" / RELEASE


def _status(path: Path) -> pd.DataFrame:
    table = pd.read_csv(path, keep_default_na=False)
    assert {"status", "reason"} <= set(table.columns), path.name
    return table


@pytest.mark.parametrize(
    ("table", "words"),
    [
        # regression: no country above the minimum, the key that changes it
        ("chapter2_regression_published.csv", ["cross_country.min_records", "50"]),
        ("chapter2_regression_full.csv", ["cross_country.min_records"]),
        ("chapter2_trends.csv", ["cross_country.min_records"]),
        ("chapter3_did.csv", ["panel.max_unmatched_phone_share", "GIN 3 of 3"]),
        ("chapter3_effect_sizes.csv", ["panel.max_unmatched_phone_share"]),
        ("chapter3_did_selection_adjusted.csv", ["panel.max_unmatched_phone_share"]),
        ("chapter3_retrospective_tests.csv", ["pre-migration"]),
        ("chapter3_morocco_summary.csv", ["MAR", "panel.morocco_country"]),
    ],
)
def test_missing_analysis_states_its_reason(release, table, words):
    t = _status(release / "tables" / table)
    assert set(t["status"]) == {"not estimable"}, t
    reason = " ".join(t["reason"])
    for word in words:
        assert word in reason, (table, reason)


def test_unmatched_phone_share_is_reported_not_a_crash(release):
    match = pd.read_csv(release / "tables" / "chapter3_phone_match.csv", keep_default_na=False)
    guinea = match[match["country"] == "GIN"]
    assert len(guinea) == 1
    # 3 phone respondents, none with an earlier record: share 1.0 against the limit 0.0
    assert float(guinea["unmatched_share"].iloc[0]) == 1.0
    assert float(guinea["max_unmatched_share"].iloc[0]) == 0.0
    assert guinea["holds"].astype(str).iloc[0] == "False"


def test_every_figure_exists_and_report_built(release):
    figures = sorted((release / "figures").glob("*.png"))
    assert len(figures) >= 30
    assert all(f.stat().st_size > 1000 for f in figures)
    for chapter in ("01_data_audit", "02_chapter2", "03_chapter3", "05_reproduction"):
        assert (release / "report" / f"{chapter}.html").is_file(), chapter


def test_reproduction_rows_say_not_computed(release):
    table = pd.read_csv(release / "tables" / "reproduction.csv", keep_default_na=False)
    reproduced = table["reproduced"].astype(str)
    not_computed = table[reproduced.str.startswith("not computed: ")]
    sections = set(not_computed["section"])
    expected = {"Chapter II: Annex 3", "Chapter III: panel", "Chapter III: retrospective"}
    assert {*expected, "Chapter III: Morocco"} <= sections, sections
    assert set(not_computed["within_tolerance"].astype(str)) == {"False"}
    annex = table[table["section"] == "Chapter II: Annex 3"]
    assert set(annex["reproduced"].str.startswith("not computed: no country has more than 50")) == {
        True
    }
