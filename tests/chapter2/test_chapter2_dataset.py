"""Chapter II sample rules and the returnee-programme table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from chapter2_fixtures import make_records
from reintegration.chapter2.dataset import (
    build_cross_country,
    programmes_long,
    select_returnee_records,
)
from reintegration.stats import RowsDroppedWarning


def _recs(rows):
    df = pd.DataFrame(
        rows, columns=["person_key", "record_type", "survey_round", "interview_date", "record_id"]
    )
    df["interview_date"] = pd.to_datetime(df["interview_date"])
    return df


def test_end_of_assistance_preferred_over_a_later_interview():
    df = _recs(
        [
            ("a", "rss", "baseline", "2019-01-01", "r1"),
            ("a", "rss", "end_of_assistance", "2019-06-01", "r2"),
            ("a", "rss", "monitoring", "2020-01-01", "r3"),  # later, but not end of assistance
            ("b", "rss", "baseline", "2019-01-01", "r4"),
            ("b", "rss", "monitoring", "2019-09-01", "r5"),  # no end of assistance: the latest
            ("c", "rss", "end_of_assistance", "2019-03-01", "r6"),
            ("c", "rss", "end_of_assistance", "2019-08-01", "r7"),  # several: the latest one
            ("c", "premigration", "end_of_assistance", "2021-01-01", "r8"),  # not an RSS
        ]
    )
    chosen = select_returnee_records(df)
    assert dict(zip(chosen["person_key"], chosen["record_id"], strict=True)) == {
        "a": "r2",
        "b": "r5",
        "c": "r7",
    }


def test_choice_does_not_depend_on_row_order():
    df = make_records(seed=3)
    a = select_returnee_records(df)["record_id"].tolist()
    b = select_returnee_records(df.sample(frac=1, random_state=1))["record_id"].tolist()
    assert a == b


def test_missing_person_key_is_dropped_with_a_warning():
    df = _recs(
        [
            ("a", "rss", "baseline", "2019-01-01", "r1"),
            (None, "rss", "baseline", "2019-01-01", "r2"),
        ]
    )
    with pytest.warns(RowsDroppedWarning, match="dropped 1 of 2"):
        chosen = select_returnee_records(df)
    assert chosen["record_id"].tolist() == ["r1"]


def test_countries_need_more_than_min_records(labels):
    sizes = {"NGA": 51, "GIN": 50, "SEN": 60}
    data, counts = build_cross_country(
        make_records(seed=2, countries=sizes), min_records=50, labels=labels
    )
    assert dict(zip(counts["country"], counts["kept"], strict=True)) == {
        "SEN": True,
        "NGA": True,
        "GIN": False,
    }
    assert set(data["country"]) == {"NGA", "SEN"}
    assert len(data) == 111
    assert counts["country_label"].tolist()[0] == "Senegal"


def test_analysis_table_has_no_person_identifiers_and_regression_variables(records, labels):
    data, counts = build_cross_country(records, min_records=50, labels=labels)
    assert not {"person_key", "person_id", "record_id"} & set(data.columns)
    assert data["returnee_id"].is_unique
    assert len(data) == records["person_key"][records["country"] != "MAR"].nunique()
    assert "Morocco" not in set(data["country_label"])
    assert set(data["gender"].dropna()) == {"Male", "Female"}
    assert set(data["female"].dropna()) == {0.0, 1.0}
    expected = (data["interview_date"] - data["return_date"]).dt.days / 365.25
    np.testing.assert_allclose(data["time"], expected)
    assert "Côte d'Ivoire" in set(data["country_label"])


def test_long_table_has_one_row_per_returnee_and_programme(records, labels):
    data, _ = build_cross_country(records, min_records=50, labels=labels)
    long = programmes_long(data, labels=labels)
    k = data["n_published_programmes"].to_numpy()
    assert len(long) == int(np.maximum(1, k).sum())
    per = long.groupby("returnee_id").size()
    assert (per.reindex(data["returnee_id"]).to_numpy() == np.maximum(1, k)).all()
    assert set(long["program"]) == {
        "Microbusiness",
        "Training",
        "Psychosocial Support",
        "Material Assistance",
        "Medical Support",
        "Financial Services",
        "Other or none",
    }
    # a returnee with no assistance answer is in the reference level, once
    no_answer = data.loc[~data["assistance_recorded"], "returnee_id"]
    assert (long[long["returnee_id"].isin(no_answer)]["program"] == "Other or none").all()
    assert long["row_id"].tolist() == list(range(1, len(long) + 1))
