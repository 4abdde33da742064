"""Panel construction: first/last, days between, the mentored rule, the phone-survey match."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from chapter3_fixtures import make_records
from reintegration.chapter3.panel import (
    PanelMatchError,
    build_panel,
    panel_long,
    phone_match_report,
    table4,
)
from reintegration.stats import RowsDroppedWarning


def _tiny() -> pd.DataFrame:
    base = {"record_type": "rss", "country": "GIN", "sex": "male", "age": 30}
    rows = [
        # A: three records (out of order), mentee flag only on the middle one
        {
            "person_key": "A",
            "survey_round": "monitoring",
            "interview_date": "2019-05-01",
            "orion_mentee": True,
            "score_composite": 0.5,
        },
        {
            "person_key": "A",
            "survey_round": "baseline",
            "interview_date": "2019-01-01",
            "orion_mentee": False,
            "score_composite": 0.4,
        },
        {
            "person_key": "A",
            "survey_round": "follow_up",
            "interview_date": "2020-01-01",
            "orion_mentee": pd.NA,
            "score_composite": 0.7,
        },
        # B: two records, never mentored (missing flag is not a mentee)
        {
            "person_key": "B",
            "survey_round": "baseline",
            "interview_date": "2019-02-01",
            "orion_mentee": pd.NA,
            "score_composite": 0.6,
        },
        {
            "person_key": "B",
            "survey_round": "end_of_assistance",
            "interview_date": "2019-03-03",
            "orion_mentee": False,
            "score_composite": 0.5,
        },
        # C: one dated record only (+ one undated): not in the panel
        {
            "person_key": "C",
            "survey_round": "baseline",
            "interview_date": "2019-02-01",
            "orion_mentee": True,
            "score_composite": 0.6,
        },
        {
            "person_key": "C",
            "survey_round": "monitoring",
            "interview_date": None,
            "orion_mentee": True,
            "score_composite": 0.6,
        },
        # D: Senegal, same-day records: tie broken by survey round
        {
            "person_key": "D",
            "survey_round": "monitoring",
            "interview_date": "2019-06-01",
            "orion_mentee": False,
            "score_composite": 0.3,
            "country": "SEN",
        },
        {
            "person_key": "D",
            "survey_round": "baseline",
            "interview_date": "2019-06-01",
            "orion_mentee": False,
            "score_composite": 0.2,
            "country": "SEN",
        },
    ]
    df = pd.DataFrame([{**base, **r} for r in rows])
    for d in ("economic", "social", "psychosocial"):
        df[f"score_{d}"] = df["score_composite"]
    df["interview_date"] = pd.to_datetime(df["interview_date"])
    df["orion_mentee"] = df["orion_mentee"].astype("boolean")
    df["assist_training"] = pd.array(
        [True, False, pd.NA, False, False, True, True, False, False], dtype="boolean"
    )
    return df


def test_first_last_days_and_mentored_rule():
    with pytest.warns(RowsDroppedWarning, match="1 of 9 RSS records without an interview date"):
        res = build_panel(_tiny(), countries=["GIN", "SEN"], require_follow_up=False)
    p = res.panel
    assert "person_key" not in p.columns
    assert list(p["panel_id"]) == [1, 2, 3]
    gin = p[p["country"] == "GIN"].set_index("n_records")
    a, b = gin.loc[3], gin.loc[2]
    assert a["score_composite_first"] == 0.4 and a["score_composite_last"] == 0.7
    assert a["days_between"] == 365
    assert a["first_round"] == "baseline" and a["last_round"] == "follow_up"
    assert bool(a["mentored"]) is True  # True on any record
    assert bool(b["mentored"]) is False  # missing / False flags
    assert bool(a["assist_training"]) is True  # programme on any record
    assert b["days_between"] == 30
    d = p[p["country"] == "SEN"].iloc[0]
    assert d["score_composite_first"] == 0.2 and d["days_between"] == 0


def test_follow_up_rule_keeps_only_persons_with_a_2020_follow_up():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = build_panel(_tiny(), countries=["GIN", "SEN"]).panel
    assert len(p) == 1 and p.iloc[0]["last_round"] == "follow_up"


def test_phone_match_fails_on_unmatched_respondent():
    recs = make_records(seed=3, n={"GIN": 20, "SEN": 20}, phone_unmatched=1)
    with pytest.raises(
        PanelMatchError, match=r"GIN: 1 of \d+ follow-up respondents without an earlier RSS"
    ):
        build_panel(recs, countries=["GIN", "SEN"])
    report = phone_match_report(recs, countries=["GIN", "SEN"], max_unmatched_share=None)
    gin = report.set_index("country").loc["GIN"]
    assert gin["unmatched"] == 1 and gin["holds"]  # report only: max_unmatched_share=None
    # a tolerant configuration accepts it and reports it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = build_panel(recs, countries=["GIN", "SEN"], max_unmatched_phone_share=0.5)
    assert res.match.set_index("country").loc["GIN", "unmatched"] == 1


def test_every_phone_respondent_links_in_the_default_fixture(records):
    report = phone_match_report(records, countries=["GIN", "SEN"])
    assert (report["unmatched"] == 0).all() and report["holds"].all()
    phone = records[
        (records["survey_round"] == "follow_up") & records["country"].isin(["GIN", "SEN"])
    ]
    assert report["follow_up_respondents"].sum() == phone["person_key"].nunique()
    by_phone = phone[phone["interview_mode"] == "phone"]
    assert report["phone_respondents"].sum() == by_phone["person_key"].nunique()


def test_panel_counts_and_table4(records, panel):
    rss = records[(records["record_type"] == "rss") & records["country"].isin(["GIN", "SEN"])]
    followed = set(rss.loc[rss["survey_round"] == "follow_up", "person_key"])
    size = rss.groupby("person_key").size()
    expected = sum(1 for k, v in size.items() if v >= 2 and k in followed)
    assert 0 < expected < (size >= 2).sum()  # the fixture has non-panel persons with 2+ RSS
    assert len(panel) == expected
    t4 = table4(panel, min_cell=5).set_index("country")
    for c in ("GIN", "SEN"):
        sub = panel[panel["country"] == c]
        assert t4.loc[c, "returnees"] == len(sub)
        assert t4.loc[c, "mentored"] == sub["mentored"].sum()
        assert t4.loc[c, "mentored_share"] == pytest.approx(sub["mentored"].mean())
    assert t4.loc["all", "returnees"] == len(panel)


def test_bad_options(records):
    with pytest.raises(ValueError, match="min_records"):
        build_panel(records, min_records=1)
    with pytest.raises(ValueError, match="countries present"):
        build_panel(records, countries=["XXX"])
    with pytest.raises(ValueError, match="must be one of"):
        panel_long(pd.DataFrame(), dimension="eco")


def test_panel_and_randomisation_p_values_independent_of_pseudonym_key(records):
    """Issue 18 item 5: the same persons under another key (another release name) give the
    same panel, the same randomisation-inference and bootstrap results."""
    import hashlib
    import warnings

    from reintegration.chapter3.panel import build_panel
    from reintegration.chapter3.selection import selection_adjusted_did

    other = records.copy()
    # another HMAC key: new pseudonyms whose order differs from the original ones
    new = {
        k: hashlib.sha256(f"another-release:{k}".encode()).hexdigest()[:16]
        for k in other["person_key"].unique()
    }
    other["person_key"] = other["person_key"].map(new)
    old_order = sorted(new)
    new_order = sorted(new, key=new.get)
    assert old_order != new_order  # the keys really reorder the persons
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = build_panel(records, countries=["GIN", "SEN"]).panel
        b = build_panel(other, countries=["GIN", "SEN"]).panel
        pd.testing.assert_frame_equal(a, b)
        kw = dict(methods=["ipw"], ipw_B=19, ipw_seed=3, ri_B=99, ri_seed=4, min_programme_count=5)
        ta = selection_adjusted_did(a, **kw)
        tb = selection_adjusted_did(b, **kw)
    assert ta["ri_p_value"].tolist() == tb["ri_p_value"].tolist()
    assert ta["std_error"].tolist() == tb["std_error"].tolist()
