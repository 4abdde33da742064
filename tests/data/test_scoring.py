"""Scoring: hand-computed item, dimension and composite scores per source format; properties."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reintegration.data.clean import clean_wave
from reintegration.data.extract import extract_wave
from reintegration.data.labels import choice_lists
from reintegration.data.score import item_table, score_records

from data.fixtures import RECORD_C, write_wave


@pytest.fixture
def scored(wave_dir, codebook, key):
    write_wave(wave_dir)
    records, report = extract_wave(wave_dir, "2020-07", codebook, key)
    res = clean_wave(records, codebook, wave="2020-07", extract_report=report)
    return score_records(res.clean, codebook, 0.5).set_index("record_id")


def test_english_xlsx_record_a(scored):
    a = scored.loc["2020-07/cm_export.xlsx:RSS:2"]
    assert a["eco_satisfaction"] == "satisfied" and a["eco_satisfaction_score"] == 0.75
    assert a["eco_job_search_score"] == 0  # "Yes" to looking for a job scores 0
    assert pd.isna(a["eco_productive_assets_score"])  # don't know: missing, not 0
    assert a["eco_productive_assets"] == "dont_know"
    economic = (0.75 + 1 + 1 + 0.5 + 1 + 0.25 + 0 + 0) / 8
    social = (9 * 0.75 + 1) / 10
    psycho = (0.75 + 1 + 0.75 + 0.75 + 0.75 + 1 + 0 + 1 + 1 + 0.5) / 10
    assert a["score_economic"] == pytest.approx(economic) == pytest.approx(0.5625)
    assert a["score_social"] == pytest.approx(social)
    assert a["score_psychosocial"] == pytest.approx(psycho)
    assert a["score_composite"] == pytest.approx((economic + social + psycho) / 3)
    assert a["answered_share_economic"] == pytest.approx(8 / 9)
    assert a["answered_share_social"] == pytest.approx(10 / 11)
    assert bool(a["assist_microbusiness"]) and bool(a["assist_training"])
    assert not bool(a["assist_housing"])


def test_french_latin1_record_b_economic_below_min_share(scored):
    b = scored.loc["2020-07/bureau_pays.csv::2"]
    # economic answered: satisfaction 1, food 0.5, borrow 0, working 1 -> 4 of 9 < 0.5
    assert b["answered_share_economic"] == pytest.approx(4 / 9)
    assert pd.isna(b["score_economic"]) and pd.isna(b["score_composite"])
    assert b["score_social"] == pytest.approx((9 * 0.75 + 1 + 0) / 11)
    assert b["score_psychosocial"] == pytest.approx(
        (0 + 0.5 + 1 + 0.25 + 0.25 + 0.75 + 0.5 + 0 + 1 + 0) / 10
    )
    assert b["country"] == "SEN" and b["psy_belonging"] == "fully"


def test_phone_survey_record_c_subset_unanswered(scored):
    c = scored.loc["2020-07/phone_2020.csv::2"]
    economic = (0 + 0 + 0 + 0.25 + 1 + 1) / 6  # 3 items not asked by phone
    social = (7 * 0.5 + 1) / 8
    psycho = (0.5 + 0.75 + 0.5 + 1 + 1 + 0.5 + 0.75 + 0 + 1) / 9
    assert c["answered_share_economic"] == pytest.approx(6 / 9)
    assert c["answered_share_social"] == pytest.approx(8 / 11)
    assert c["answered_share_psychosocial"] == pytest.approx(9 / 10)
    assert c["score_economic"] == pytest.approx(economic)
    assert c["score_social"] == pytest.approx(social)
    assert c["score_psychosocial"] == pytest.approx(psycho)
    assert c["score_composite"] == pytest.approx((economic + social + psycho) / 3)
    assert pd.isna(c["assist_training"])  # the phone survey does not ask about assistance


def test_premigration_record_d_items_in_own_columns(scored):
    d = scored.loc["2020-07/premigration.csv::2"]
    expected = {
        "pre_eco_satisfaction": 0.25,
        "pre_eco_food_insecurity": 0.25,
        "pre_eco_working": 0,
        "pre_soc_health_access": 0.25,
        "pre_soc_education_access": 0,
        "pre_soc_public_services_access": 0.5,
        "pre_psy_belonging": 0.25,
        "pre_psy_distress": 0.5,
        "pre_psy_support_network": 0.75,
    }
    for item, score in expected.items():
        assert d[f"{item}_score"] == score, item
    assert pd.isna(d["pre_psy_discrimination_score"])  # refused
    assert pd.isna(d["score_economic"]) and d["record_type"] == "premigration"


def test_weights_and_min_share_are_data(codebook):
    items = item_table(codebook)
    clean = pd.DataFrame({"eco_satisfaction": ["very_satisfied"], "eco_working": ["no"]})
    cb = codebook
    w = cb.weights.copy()
    w.loc[w["component"] == "eco_satisfaction", "weight"] = 3
    custom = dataclasses.replace(cb, weights=w)
    out = score_records(clean, custom, min_answered_share=0.0)
    assert out.loc[0, "score_economic"] == pytest.approx((3 * 1 + 1 * 0) / 4)
    assert out.loc[0, "answered_share_economic"] == pytest.approx(4 / 11)
    assert pd.isna(score_records(clean, custom, 0.5).loc[0, "score_economic"])
    assert len(items[items["module"] == "rss"]) == 30


# ---- properties -------------------------------------------------------------------------

LABEL_ITEMS = [
    "eco_satisfaction",
    "eco_food_insecurity",
    "eco_working",
    "soc_housing_access",
    "soc_has_id",
    "psy_belonging",
    "psy_distress",
    "psy_remigration_need",
]


def _phone_records(codebook, answers: dict[str, str], order: list[str]) -> pd.DataFrame:
    """A one-row records table as extraction would give it (phone survey format)."""
    base = {k: v for k, v in RECORD_C.items() if k not in ("full_name", "phone_number", "case_id")}
    base.update(answers)
    row = {
        "record_id": "w/p.csv::2",
        "wave": "2020-07",
        "record_type": "rss",
        "source_format": "phone_survey",
        "source_file": "p.csv",
        "source_sheet": "",
        "source_row": 2,
        "source_sha256": "0" * 64,
        "person_id": "abc",
        "case_id_canonicalised": False,
        **base,
    }
    df = pd.DataFrame([row]).astype(
        {k: "string" for k in row if k not in ("source_row", "case_id_canonicalised")}
    )
    return df[[c for c in order if c in df.columns] + [c for c in df.columns if c not in order]]


def _labels(codebook):
    lists = choice_lists(codebook)
    v = codebook.variables.set_index("name")
    return {item: lists[v.at[item, "list_name"]] for item in LABEL_ITEMS}


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_scores_invariant_to_column_order_label_case_and_spacing(codebook, data):
    lists = _labels(codebook)
    answers = {}
    for item, cl in lists.items():
        value = data.draw(st.sampled_from(cl.values), label=item)
        answers[item] = cl.label_en[value]
    mangled = {}
    for item, label in answers.items():
        case = data.draw(st.sampled_from([str.upper, str.lower, str.title, lambda s: s]))
        pad = data.draw(
            st.tuples(st.sampled_from(["", " ", "  "]), st.sampled_from(["", " ", "\t"]))
        )
        mangled[item] = (
            pad[0] + case(label).replace(" ", data.draw(st.sampled_from([" ", "  "]))) + pad[1]
        )
    columns = list(_phone_records(codebook, answers, []).columns)
    order = data.draw(st.permutations(columns))
    ref = _phone_records(codebook, answers, columns)
    alt = _phone_records(codebook, mangled, order)
    s_ref = score_records(clean_wave(ref, codebook, wave="2020-07").clean, codebook)
    s_alt = score_records(clean_wave(alt, codebook, wave="2020-07").clean, codebook)
    cols = [
        c
        for c in s_ref.columns
        if c.startswith(("score_", "answered_share_")) or c.endswith("_score")
    ]
    pd.testing.assert_frame_equal(s_ref[cols], s_alt[cols])


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.lists(
            st.one_of(st.none(), st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])),
            min_size=30,
            max_size=30,
        ),
        min_size=1,
        max_size=20,
    ),
    st.floats(0, 1),
)
def test_dimension_scores_stay_in_unit_interval(codebook_session, rows, share):
    codebook = codebook_session
    items = item_table(codebook)
    rss = items[items["module"] == "rss"].reset_index(drop=True)
    lists = choice_lists(codebook)
    data = {}
    for j, item in rss.iterrows():
        by_score = {}
        for value, sc in lists[item["list_name"]].scores.items():
            by_score.setdefault(sc, value)
        data[item["name"]] = [by_score.get(r[j]) if r[j] in by_score else None for r in rows]
    clean = pd.DataFrame(data).astype("string")
    out = score_records(clean, codebook, share)
    for col in ["score_economic", "score_social", "score_psychosocial", "score_composite"]:
        values = out[col].dropna().to_numpy()
        assert np.all((values >= 0) & (values <= 1)), col
    for dim in ["economic", "social", "psychosocial"]:
        low = out[f"answered_share_{dim}"] < share
        assert out.loc[low, f"score_{dim}"].isna().all()
    # the composite exists exactly when the three dimensions do
    all_dims = out[["score_economic", "score_social", "score_psychosocial"]].notna().all(axis=1)
    assert (out["score_composite"].notna() == all_dims).all()
    assert not any(math.isinf(x) for x in out["score_composite"].dropna())
