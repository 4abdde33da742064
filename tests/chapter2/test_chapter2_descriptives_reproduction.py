"""Tiers, disclosure control of Chapter II tables, and the reproduction rows' tolerance logic."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from reintegration.chapter2.dataset import build_cross_country, programmes_long
from reintegration.chapter2.descriptives import (
    assign_tier,
    assistance_shares,
    country_means,
    indicator_distribution,
    indicator_shares,
    programme_indicator_shares,
)
from reintegration.chapter2.reproduction import chapter2_rows


@pytest.fixture(scope="module")
def data(records, labels):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d, _ = build_cross_country(records, min_records=50, labels=labels)
    return d


@pytest.mark.parametrize(
    ("mean", "tier"),
    [(0.7001, "A"), (0.70, "B"), (0.6001, "B"), (0.60, "C"), (0.12, "C"), (0.95, "A")],
)
def test_tier_boundaries(mean, tier):
    assert assign_tier(mean) == tier


def test_tier_of_missing_mean_and_bad_thresholds():
    out = assign_tier(pd.Series([0.8, np.nan]))
    assert out.iloc[0] == "A" and out.iloc[1] is None
    with pytest.raises(ValueError, match="c_at_or_below < a_above"):
        assign_tier(0.5, a_above=0.5, c_at_or_below=0.6)


def test_country_means_match_pandas_and_carry_tiers(data, labels):
    m = country_means(data, labels=labels, min_cell=5)
    comp = m[(m["outcome"] == "composite") & (m["country"] == "GIN")].iloc[0]
    x = data.loc[data["country"] == "GIN", "score_composite"].dropna()
    assert comp["n"] == len(x)
    assert comp["mean"] == pytest.approx(x.mean())
    assert comp["tier"] == assign_tier(x.mean())
    assert comp["country_label"] == "Guinea"
    assert m.loc[m["outcome"] == "economic", "tier"].isna().all()
    overall = m[(m["outcome"] == "economic") & (m["country"] == "ALL")].iloc[0]
    assert overall["n"] == data["score_economic"].notna().sum()


def test_small_cells_are_suppressed_and_marked_not_dropped(data, labels):
    tiny = data.copy()
    keep = tiny.index[tiny["country"] == "AFG"][:3]
    tiny = tiny[(tiny["country"] != "AFG") | tiny.index.isin(keep)]
    with pytest.warns(UserWarning, match="suppressed"):
        m = country_means(tiny, labels=labels, min_cell=5)
    afg = m[m["country"] == "AFG"]
    assert len(afg) == 4 and afg["suppressed"].all() and afg["mean"].isna().all()
    assert (afg["n"] == 3).all()
    with pytest.warns(UserWarning, match="suppressed"):
        d = indicator_distribution(tiny, item="eco_satisfaction", labels=labels, min_cell=5)
    assert d.loc[d["country"] == "AFG", "share"].isna().all()
    assert not d.loc[d["country"] == "GIN", "suppressed"].any()
    with pytest.warns(UserWarning, match="suppressed"):
        s = indicator_shares(tiny, labels=labels, min_cell=5)
    assert s.loc[s["country"] == "AFG", "suppressed"].all()


def test_indicator_shares_definitions(data, labels):
    s = indicator_shares(data, labels=labels, min_cell=5).set_index(["indicator", "country"])
    answered = data[data["eco_food_insecurity"].isin(labels.answers("eco_food_insecurity"))]
    mli = answered[answered["country"] == "MLI"]
    expected = (mli["eco_food_insecurity"] != "never").mean()
    assert s.loc[("food_reduced", "MLI"), "share"] == pytest.approx(expected)
    bf = answered[answered["country"] == "MLI"]
    assert s.loc[("food_reduced", "MLI"), "n"] == len(bf)


def test_assistance_shares_count_types(data, labels):
    a = assistance_shares(data, labels=labels, min_cell=5).set_index(["quantity", "country"])
    rec = data[data["assistance_recorded"]]
    assert a.loc[("any_support", "ALL"), "share"] == pytest.approx((rec["n_types"] >= 1).mean())
    assert a.loc[("assist_training", "ALL"), "label"] == "Training"
    assert a.loc[("more_than_one_type", "ALL"), "n"] == len(rec)


def test_programme_shares_count_each_programme(data, labels):
    long = programmes_long(data, labels=labels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = programme_indicator_shares(
            data, long, indicator="able_to_stay", labels=labels, min_cell=5
        )
    tot = p[(p["country"] == "ALL") & (p["programme"] == "training")].iloc[0]
    trained = data[(data["assist_training"] == 1) & data["psy_able_to_stay"].isin(["yes", "no"])]
    assert tot["n"] == len(trained)
    assert tot["share"] == pytest.approx((trained["psy_able_to_stay"] == "yes").mean())


def _annex_checks(why="|diff| <= 2 published SE (SE = {se:g}){miss}{if_missed}; note"):
    row = {
        "id": "x",
        "section": "Chapter II: Annex 3",
        "finding": "regression.coefficients",
        "quantity": "annex3_coefficient",
        "where": "outcome={o}; term={key}",
        "for_each": "regression.coefficients.{o}",
        "published": "@",
        "compare": "within_se",
        "tolerance": "2; 3",
        "why": why,
    }
    return pd.DataFrame(
        [
            {
                **row,
                "where": row["where"].replace("{o}", o),
                "for_each": row["for_each"].replace("{o}", o),
            }
            for o in ("economic", "composite")
        ]
    )


def _rows(published, tidy):
    targets = {"regression": {"coefficients": published}}
    tables = {"published_tidy": tidy}
    table = chapter2_rows(targets=targets, checks=_annex_checks(), labels=_Labels(), tables=tables)
    return table.set_index("quantity")


class _Labels:
    choices = {"countries": {}}


def test_share_tolerance_is_rounding_plus_two_binomial_se():
    """binomial: 0.005 + 2 sqrt(p (1 - p) / n) at the published p; 0.005 alone without n."""
    checks = pd.DataFrame(
        [
            {
                "id": "s",
                "section": "Chapter II: findings",
                "finding": "f",
                "quantity": "share",
                "where": "label=q; indicator=i; country=ALL",
                "for_each": "",
                "published": "0.42",
                "compare": "binomial",
                "tolerance": "0.005; 2",
                "why": "{n} {tol:.6f}",
            }
        ]
    )
    tol = 0.005 + 2 * math.sqrt(0.42 * 0.58 / 5000)
    for got, n, within in (
        (0.42 + tol * 0.99, 5000, True),
        (0.42 + tol * 1.01, 5000, False),
        (0.424, 0, True),
        (0.426, 0, False),
    ):
        shares = pd.DataFrame({"indicator": ["i"], "country": ["ALL"], "share": [got], "n": [n]})
        row = chapter2_rows(
            targets={}, checks=checks, labels=_Labels(), tables={"shares": shares}
        ).iloc[0]
        assert bool(row["within_tolerance"]) is within, (got, n)
    assert row["tolerance_rule"] == "0 0.005000"


def test_coefficient_rows_tolerance_and_miss_flags():
    published = {
        "economic": {"time": [0.03, 0.01], "countryCôte Divoire": [-0.1, 0.01]},
        "composite": {"age": [0.0, 0.001]},
    }
    tidy = pd.DataFrame(
        {
            "type": ["Economic", "Economic", "Composite"],
            "term": ["time", "countryCôte d'Ivoire", "age"],
            "estimate": [0.049, -0.135, 0.0025],
        }
    )
    rows = _rows(published, tidy)
    assert rows.loc["economic time", "within_tolerance"]  # 1.9 SE
    assert rows.loc["economic time", "tolerance_rule"] == "|diff| <= 2 published SE (SE = 0.01)"
    civ = rows.loc["economic countryCôte Divoire"]  # term spelling mapped; 3.5 SE
    assert not civ["within_tolerance"] and "MISS (> 3 SE): 3.5 SE" in civ["tolerance_rule"]
    age = rows.loc["composite age"]  # 2.5 SE: outside 2, within 3, with the note when missed
    assert not age["within_tolerance"] and "within 3 SE: 2.5 SE; note" in age["tolerance_rule"]
    assert age["published"] == 0.0 and age["difference"] == pytest.approx(0.0025)


def test_missing_published_term_is_never_within_tolerance():
    rows = _rows(
        {"economic": {"time": [0.02, 0.003]}, "composite": {}},
        pd.DataFrame(columns=["type", "term", "estimate"]),
    )
    assert not rows.iloc[0]["within_tolerance"] and math.isnan(rows.iloc[0]["difference"])
