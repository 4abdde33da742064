"""R's behaviour at the edges: aliased terms, leverage-one rows, duplicates, few clusters.

R's values for the same cases are in tests/reference/ (test_r_reference.py); here the behaviour
is checked against what R does by construction: lm drops an aliased column (NA) and fits the
rest as if it were absent; sandwich::vcovHC gives NaN HC2/HC3 with a row of leverage one.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from reintegration.stats import (
    AliasedTermsWarning,
    FewClustersWarning,
    LeverageOneWarning,
    did_2x2,
    ols,
    wild_cluster_bootstrap_terms,
)


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 40
    x = rng.normal(size=n)
    return pd.DataFrame(
        {
            "y": 1.0 + 0.5 * x + rng.normal(size=n),
            "x": x,
            "x_noisy": x + 1e-9 * rng.normal(size=n),  # R's lm: aliased (QR tolerance 1e-7)
            "z": rng.normal(size=n),
            "g": rng.integers(0, 8, n),
        }
    )


def test_near_collinear_column_is_aliased_like_lm(small):
    with pytest.warns(AliasedTermsWarning, match=r"\['x_noisy'\]"):
        fit = ols(small, outcome="y", terms=["x", "x_noisy", "z"], vcov="HC1")
    tidy = fit.tidy.set_index("term")
    assert list(tidy.index) == ["(Intercept)", "x", "x_noisy", "z"]  # row kept, in term order
    assert tidy.loc["x_noisy"].drop("term", errors="ignore").isna().all()
    # the other coefficients are those of the model without the aliased column (by lstsq)
    X = np.column_stack([np.ones(len(small)), small["x"], small["z"]])
    beta = np.linalg.lstsq(X, small["y"].to_numpy(), rcond=None)[0]
    np.testing.assert_allclose(tidy.loc[["(Intercept)", "x", "z"], "estimate"], beta, rtol=1e-10)
    assert int(fit.glance["df_resid"].iloc[0]) == len(small) - 3  # rank, not column count
    assert fit.vcov.loc["x_noisy"].isna().all() and np.isfinite(fit.vcov.loc["x", "z"])


def test_exactly_collinear_and_constant_columns_are_aliased(small):
    df = small.assign(x2=2 * small["x"], one=1.0)
    with pytest.warns(AliasedTermsWarning, match=r"\['x2', 'one'\]"):
        fit = ols(df, outcome="y", terms=["x", "x2", "one"])
    assert fit.tidy["estimate"].isna().tolist() == [False, False, True, True]


def test_column_with_small_scale_is_not_aliased(small):
    # the tolerance is relative to the column's own norm: a rescaled regressor stays
    df = small.assign(z_small=small["z"] * 1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error", AliasedTermsWarning)
        fit = ols(df, outcome="y", terms=["x", "z_small"])
    ref = ols(small, outcome="y", terms=["x", "z"]).tidy.set_index("term")
    est = fit.tidy.set_index("term")["estimate"]
    assert est["z_small"] == pytest.approx(ref.loc["z", "estimate"] * 1e12, rel=1e-8)


def _singleton_level() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    g = ["a"] * 6 + ["b"] * 6 + ["c"]  # level "c" observed once: leverage one
    return pd.DataFrame({"y": rng.normal(size=13), "g": g, "x": rng.normal(size=13)})


@pytest.mark.parametrize("vcov", ["HC2", "HC3"])
def test_leverage_one_gives_nan_se_with_a_warning_naming_the_term(vcov):
    df = _singleton_level()
    with pytest.warns(LeverageOneWarning, match=r"rows \[12\].*\['gc'\]"):
        fit = ols(df, outcome="y", terms=["g", "x"], categorical={"g": "a"}, vcov=vcov)
    assert fit.tidy["std_error"].isna().all()  # R: sandwich::vcovHC gives NaN for all
    assert fit.tidy["estimate"].notna().all()
    # row order does not matter (it did: 0.354, 0.559 or 0.791 under HC3)
    for seed in range(3):
        shuffled = df.sample(frac=1.0, random_state=seed)
        with pytest.warns(LeverageOneWarning):
            again = ols(shuffled, outcome="y", terms=["g", "x"], categorical={"g": "a"}, vcov=vcov)
        assert again.tidy["std_error"].isna().all()


def test_leverage_one_leaves_hc1_finite_and_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error", LeverageOneWarning)
        fit = ols(
            _singleton_level(), outcome="y", terms=["g", "x"], categorical={"g": "a"}, vcov="HC1"
        )
    assert np.isfinite(fit.tidy["std_error"]).all()


def _panel(n_units: int = 40, n_clusters: int = 20) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    unit = np.repeat(np.arange(n_units), 2)
    return pd.DataFrame(
        {
            "unit": unit,
            "post": np.tile([0, 1], n_units),
            "treated": (unit % 2).astype(int),
            "site": unit % n_clusters,
            "y": rng.normal(size=2 * n_units),
        }
    )


def test_did_2x2_rejects_duplicate_unit_period_rows():
    df = _panel()
    df = pd.concat([df, df.iloc[[3]]], ignore_index=True)
    with pytest.raises(ValueError, match=r"did_2x2: 1 duplicate \('unit', 'post'\).*unit 1"):
        did_2x2(df, outcome="y", unit="unit", treated="treated", post="post")


def test_did_2x2_warns_when_few_treated_clusters():
    df = _panel()
    df["site"] = np.where(df["treated"] == 1, df["unit"] % 3, 10 + (df["unit"] // 2) % 12)
    with pytest.warns(FewClustersWarning, match="3 treated and 12 comparison"):
        out = did_2x2(df, outcome="y", unit="unit", treated="treated", post="post", cluster="site")
    assert out["n_clusters_treated"].iloc[0] == 3 and out["n_clusters_control"].iloc[0] == 12
    with warnings.catch_warnings():
        warnings.simplefilter("error", FewClustersWarning)
        did_2x2(
            df,
            outcome="y",
            unit="unit",
            treated="treated",
            post="post",
            cluster="site",
            min_clusters=3,
        )
    with pytest.raises(ValueError, match="min_clusters"):
        did_2x2(df, outcome="y", unit="unit", treated="treated", post="post", min_clusters=0)


def test_did_2x2_person_clusters_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error", FewClustersWarning)
        out = did_2x2(_panel(), outcome="y", unit="unit", treated="treated", post="post")
    assert out["n_clusters_treated"].iloc[0] == 20


def test_wild_bootstrap_reports_aliased_term_as_missing(small):
    with pytest.warns(AliasedTermsWarning):
        boot = wild_cluster_bootstrap_terms(
            small, outcome="y", terms=["x", "x_noisy"], cluster="g", seed=1, B=99
        )
    assert boot["term"].tolist() == ["x", "x_noisy"]
    assert np.isnan(boot["p_value_boot"].iloc[1]) and 0 <= boot["p_value_boot"].iloc[0] <= 1
