"""Chapter II regressions: planted coefficients, term names, agreement with statsmodels.

The estimators themselves (reintegration.stats.ols, wild cluster bootstrap) are checked in
tests/stats: against statsmodels (classical/HC/cluster), a Wooldridge textbook result and a
known-null bootstrap simulation. Here: the Chapter II specifications built on top of them.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from chapter2_fixtures import PLANTED, make_records
from reintegration.chapter2.dataset import build_cross_country, programmes_long
from reintegration.chapter2.labels import PUBLISHED_COUNTRIES, PUBLISHED_PROGRAMMES
from reintegration.chapter2.regression import (
    fit_full,
    fit_published,
    published_term,
    usable_indicators,
)

PUBLISHED_TERMS = [
    "(Intercept)",
    "age",
    "genderFemale",
    "time",
    "countryGuinea-Bissau",
    "countryEthiopia",
    "countryCôte Divoire",
    "countrySenegal",
    "countryGuinea",
    "countryNigeria",
    "programMicrobusiness",
    "programTraining",
    "programPsychosocial Support",
    "programMaterial Assistance",
    "programMedical Support",
    "programFinancial Services",
]


@pytest.fixture(scope="module")
def single(labels):
    """At most one programme per returnee: the long-table model is then correctly specified."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data, _ = build_cross_country(
            make_records(seed=11, single_programme=True), min_records=50, labels=labels
        )
    long = programmes_long(data, labels=labels)
    return data, long.merge(data, on="returnee_id")


def _published(merged, labels, outcome="score_economic"):
    return fit_published(
        merged,
        outcome=outcome,
        printed_countries=[labels.country(c) for c in PUBLISHED_COUNTRIES],
        programmes=[labels.choices["assistance"][p] for p in PUBLISHED_PROGRAMMES],
        program_reference="Other or none",
    )


def test_published_spec_terms_in_annex3_order_and_spelling(single, labels):
    _, merged = single
    res = _published(merged, labels)
    assert [published_term(t) for t in res.tidy["term"]] == PUBLISHED_TERMS


def test_published_spec_recovers_planted_coefficients(single, labels):
    _, merged = single
    tidy = _published(merged, labels).tidy.set_index("term")
    planted = {
        "age": PLANTED["age"],
        "genderFemale": PLANTED["female"],
        "time": PLANTED["time"],
        **{f"country{labels.country(c)}": v for c, v in PLANTED["country"].items()},
        **{f"program{labels.choices['assistance'][p]}": v for p, v in PLANTED["programme"].items()},
    }
    z = {t: (tidy.loc[t, "estimate"] - v) / tidy.loc[t, "std_error"] for t, v in planted.items()}
    assert all(abs(v) < 3.5 for v in z.values()), z


def test_published_spec_equals_statsmodels_lm(single, labels):
    _, merged = single
    res = _published(merged, labels, outcome="score_social")
    d = merged.copy()
    printed = [labels.country(c) for c in PUBLISHED_COUNTRIES]
    d["cty"] = d["country_label"].where(d["country_label"].isin(printed), "Other countries")
    fit = smf.ols(
        "score_social ~ age + C(gender, Treatment('Male')) + time"
        " + C(cty, Treatment('Other countries')) + C(program, Treatment('Other or none'))",
        data=d,
    ).fit()
    ours = res.tidy.set_index("term")
    for name, value in fit.params.items():
        term = (
            name.replace("C(gender, Treatment('Male'))[T.", "gender")
            .replace("C(cty, Treatment('Other countries'))[T.", "country")
            .replace("C(program, Treatment('Other or none'))[T.", "program")
            .replace("Intercept", "(Intercept)")
            .rstrip("]")
        )
        assert ours.loc[term, "estimate"] == pytest.approx(value, abs=1e-10)
        assert ours.loc[term, "std_error"] == pytest.approx(fit.bse[name], rel=1e-8)
    assert int(res.glance["n"].iloc[0]) == len(merged)


def test_published_spec_rejects_unknown_programme_levels(single, labels):
    _, merged = single
    bad = merged.assign(program=merged["program"].replace("Training", "Coaching"))
    with pytest.raises(ValueError, match="Coaching"):
        _published(bad, labels)


def test_full_spec_recovers_planted_and_matches_statsmodels_hc3_and_cluster(labels):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data, _ = build_cross_country(make_records(seed=5), min_records=50, labels=labels)
        indicators = [f"assist_{p}" for p in PUBLISHED_PROGRAMMES]
        tidy, glance = fit_full(
            data,
            outcome="score_economic",
            country="country",
            reference="NGA",
            indicators=indicators,
            bootstrap_B=199,
            seed=3,
        )
    hc3 = tidy[tidy["vcov"] == "HC3"].set_index("term")
    for p, v in PLANTED["programme"].items():
        t = f"assist_{p}"
        assert abs(hc3.loc[t, "estimate"] - v) < 3.5 * hc3.loc[t, "std_error"], t
    d = data.dropna(subset=["score_economic", "age", "female", "time", *indicators]).copy()
    formula = "score_economic ~ age + female + time + C(country, Treatment('NGA')) + " + " + ".join(
        indicators
    )
    sm = smf.ols(formula, data=d).fit(cov_type="HC3")
    assert hc3.loc["assist_training", "std_error"] == pytest.approx(
        sm.bse["assist_training"], rel=1e-8
    )
    cl = smf.ols(formula, data=d).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(d["country"])[0]}
    )
    clu = tidy[tidy["vcov"] == "cluster"].set_index("term")
    assert clu.loc["assist_training", "std_error"] == pytest.approx(
        cl.bse["assist_training"], rel=1e-6
    )
    # bootstrap p-values only for non-country terms, in [0, 1]
    assert clu.loc[clu.index.str.startswith("country"), "p_value_boot"].isna().all()
    boot = clu.loc[indicators, "p_value_boot"]
    assert boot.between(0, 1).all()
    assert glance["n_clusters"].tolist()[1] == 17
    assert glance["bootstrap_weights"].tolist() == ["", "webb"]
    # the wild bootstrap's accounting: 199 of 199 draws used by every term, no failures
    cluster = glance.iloc[1]
    assert (cluster["bootstrap_B"], cluster["bootstrap_B_used"]) == (199, 199)
    assert cluster["bootstrap_failures_zero_se"] == 0 == cluster["bootstrap_failures_nonfinite"]
    assert glance["bootstrap_B_used"].isna().tolist() == [True, False]


def test_full_spec_validates_options(records, labels):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data, _ = build_cross_country(records, min_records=50, labels=labels)
    with pytest.raises(ValueError, match=r"`vcov` must be one of \['HC3', 'cluster'\]"):
        fit_full(
            data,
            outcome="score_economic",
            country="country",
            reference="NGA",
            indicators=[],
            vcov=["HC9"],
        )
    with pytest.raises(ValueError, match="not a level"):
        fit_full(data, outcome="score_economic", country="country", reference="XXX", indicators=[])
    with pytest.raises(ValueError, match="weights_type"):
        fit_full(
            data,
            outcome="score_economic",
            country="country",
            reference="NGA",
            indicators=[],
            bootstrap_weights="mammen",
        )


def test_usable_indicators_leaves_out_rare_ones():
    df = pd.DataFrame({"a": [1, 1, 1, 0, 0, 0] * 3, "b": [1] + [0] * 17, "c": [np.nan] * 18})
    kept, dropped = usable_indicators(df, ["a", "b", "c"], min_count=5)
    assert kept == ["a"]
    assert set(dropped) == {"b", "c"}


def test_full_spec_blanks_terms_absorbed_by_country_clusters(labels):
    """With countries as clusters, the intercept and the country indicators are constant
    within every cluster: their clustered SE/statistic/p-value are blanked with a note, their
    estimates kept; every other term (and the whole HC3 block) keeps its inference."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data, _ = build_cross_country(make_records(seed=5), min_records=50, labels=labels)
        tidy, _ = fit_full(
            data,
            outcome="score_economic",
            country="country",
            reference="NGA",
            indicators=["assist_training"],
            bootstrap_B=19,
            seed=3,
        )
    clu = tidy[tidy["vcov"] == "cluster"].set_index("term")
    hc3 = tidy[tidy["vcov"] == "HC3"].set_index("term")
    absorbed = {"(Intercept)", *(t for t in clu.index if t.startswith("country"))}
    assert len(absorbed) == data["country"].nunique()  # intercept + G - 1 country terms
    blanked = set(clu.index[clu["note"] != ""])
    assert blanked == absorbed
    assert clu.loc["countryGIN", "note"].startswith("not identified under clustering by 'country'")
    for col in ("std_error", "statistic", "p_value", "conf_low", "conf_high", "p_value_boot"):
        assert clu.loc[sorted(absorbed), col].isna().all(), col
    assert clu.loc[sorted(absorbed), "estimate"].tolist() == pytest.approx(
        hc3.loc[sorted(absorbed), "estimate"].tolist(), rel=1e-12
    )
    kept = clu.drop(index=sorted(absorbed))
    assert kept["std_error"].gt(0).all() and kept["p_value_boot"].between(0, 1).all()
    assert (hc3["note"] == "").all() and hc3["std_error"].gt(0).all()
