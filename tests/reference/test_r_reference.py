"""The estimators against reference values computed by R (tests/reference/make_reference.R).

The CSVs beside this file were written by that script (R 4.2.2; sandwich, lmtest, estimatr,
effectsize from Debian); R is not needed to run these tests. Tolerances: closed forms 1e-8
relative (in practice they agree to ~1e-13); p-values 1e-8 relative; Monte Carlo quantities
within 4 binomial standard errors.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from reintegration.stats import (
    AliasedTermsWarning,
    LeverageOneWarning,
    did_2x2,
    did_randomisation_inference,
    effect_sizes,
    mcnemar_test,
    ols,
    paired_ordinal_test,
)

HERE = Path(__file__).parent
RTOL = 1e-8
COLUMNS = ["estimate", "std_error", "statistic", "p_value"]


def ref(name: str) -> pd.DataFrame:
    return pd.read_csv(HERE / name, keep_default_na=False, na_values=[""])


def assert_close(actual, expected, rtol=RTOL, atol=0.0):
    np.testing.assert_allclose(
        np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=rtol, atol=atol
    )


@pytest.mark.parametrize("vcov", ["classical", "HC0", "HC1", "HC2", "HC3", "cluster"])
def test_ols_matches_lm_and_sandwich(vcov):
    data = ref("ols_data.csv")
    expected = ref("ols_reference.csv").query("vcov == @vcov")
    expected = expected.assign(term=expected["term"].str.replace("^f", "f", regex=True))
    fit = ols(
        data,
        outcome="y",
        terms=["x1", "x2", "f"],
        categorical={"f": "a"},
        vcov=vcov,
        cluster="g" if vcov == "cluster" else None,
    )
    got = fit.tidy.set_index("term").loc[expected["term"]]
    for col in COLUMNS:
        assert_close(got[col], expected[col])


@pytest.mark.parametrize("vcov", ["HC2", "HC3"])
def test_leverage_one_is_nan_as_sandwich(vcov):
    data = ref("leverage_data.csv")
    expected = ref("edges_reference.csv").query("case == 'leverage_one' and vcov == @vcov")
    with pytest.warns(LeverageOneWarning, match="'gc'"):
        fit = ols(data, outcome="y", terms=["g", "x"], categorical={"g": "a"}, vcov=vcov)
    got = fit.tidy.set_index("term").loc[expected["term"]]
    assert expected["std_error"].isna().all() and got["std_error"].isna().all()
    assert_close(got["estimate"], expected["estimate"])


def test_leverage_one_hc1_matches_sandwich():
    data = ref("leverage_data.csv")
    expected = ref("edges_reference.csv").query("case == 'leverage_one' and vcov == 'HC1'")
    fit = ols(data, outcome="y", terms=["g", "x"], categorical={"g": "a"}, vcov="HC1")
    got = fit.tidy.set_index("term").loc[expected["term"]]
    for col in COLUMNS:
        assert_close(got[col], expected[col])


def test_aliased_term_is_na_as_lm():
    data = ref("alias_data.csv")
    expected = ref("edges_reference.csv").query("case == 'aliased'")
    with pytest.warns(AliasedTermsWarning, match="x_noisy"):
        fit = ols(data, outcome="y", terms=["x", "x_noisy", "z"])
    got = fit.tidy.set_index("term").loc[expected["term"]]
    for col in COLUMNS:
        assert got[col].isna().tolist() == expected[col].isna().tolist()
        ok = expected[col].notna().to_numpy()
        assert_close(got[col][ok], expected[col][ok])


@pytest.mark.parametrize("cluster", ["unit", "site"])
def test_did_2x2_matches_lm_robust_stata(cluster):
    data = ref("did_data.csv")
    expected = ref("did_reference.csv").query("cluster == @cluster")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 5 treated sites < min_clusters: warned, not tested here
        got = did_2x2(
            data, outcome="y", unit="unit", treated="treated", post="post", cluster=cluster
        )
    got = got.set_index("term").loc[expected["term"]]
    for col in [*COLUMNS, "conf_low", "conf_high"]:
        assert_close(got[col], expected[col])
    assert (got["n_clusters"].astype(int) - 1 == expected["df"].to_numpy()).all()


def test_effect_sizes_match_effectsize_and_effsize_formulas():
    data = ref("effect_size_data.csv")
    r = ref("effect_size_reference.csv").set_index("quantity")["value"]
    got = effect_sizes(data, value="value", group="group", treated="treated", control="control")
    got = got.set_index("type")
    assert_close(got.loc["cohen_d", "estimate"], r["cohen_d_effectsize"])
    assert_close(got.loc["cohen_d", "estimate"], r["cohen_d_effsize"])
    assert_close(got.loc["hedges_g", "estimate"], r["hedges_g_effsize"])
    for side, col in (("lower", "lower"), ("upper", "upper")):
        assert_close(got.loc["cohen_d", col], r[f"cohen_d_{side}_effsize"])
        assert_close(got.loc["hedges_g", col], r[f"hedges_g_{side}_effsize"])
    # effectsize's Hedges' g uses the exact gamma-function J: differs in the 5th digit only
    assert_close(got.loc["hedges_g", "estimate"], r["hedges_g_effectsize"], rtol=1e-4)


@pytest.mark.parametrize(
    ("case", "correction"), [("ties_normal_nocorrect", False), ("ties_normal_correct", True)]
)
def test_wilcoxon_matches_wilcox_test_paired_normal(case, correction):
    data = ref("wilcoxon_data.csv")
    expected = ref("wilcoxon_reference.csv").set_index("case").loc[case]
    got = paired_ordinal_test(
        data,
        before="before",
        after="after",
        zero_method="wilcox",
        method="asymptotic",
        correction=correction,
    ).iloc[0]
    assert_close(got["p_value"], expected["p_value"])
    # R's V is the sum of positive ranks; scipy reports min(V, n(n+1)/2 - V)
    n = got["n_changed"]
    assert got["statistic"] == min(expected["V"], n * (n + 1) / 2 - expected["V"])


def test_wilcoxon_exact_matches_wilcox_test():
    data = ref("wilcoxon_exact_data.csv")
    expected = ref("wilcoxon_reference.csv").set_index("case").loc["exact"]
    got = paired_ordinal_test(
        data, before="before", after="after", zero_method="wilcox", method="exact"
    ).iloc[0]
    assert_close(got["p_value"], expected["p_value"])


def _mcnemar_data(n00, n10, n01, n11):
    pairs = [(0, 0)] * n00 + [(1, 0)] * n10 + [(0, 1)] * n01 + [(1, 1)] * n11
    return pd.DataFrame(pairs, columns=["before", "after"])


@pytest.mark.parametrize(
    ("case", "kwargs"),
    [
        ("chi2_correct", {"method": "chi2", "correct": True}),
        ("chi2_uncorrected", {"method": "chi2", "correct": False}),
        ("exact", {"method": "exact"}),
    ],
)
def test_mcnemar_matches_mcnemar_test(case, kwargs):
    expected = ref("mcnemar_reference.csv").set_index("case").loc[case]
    data = _mcnemar_data(*(int(expected[c]) for c in ("n_00", "n_10", "n_01", "n_11")))
    got = mcnemar_test(data, before="before", after="after", **kwargs).iloc[0]
    assert_close(got["statistic"], expected["statistic"])
    assert_close(got["p_value"], expected["p_value"])


def test_randomisation_p_value_estimates_the_exact_permutation_p():
    data = ref("ri_data.csv")
    expected = ref("ri_reference.csv").iloc[0]
    long = pd.concat(
        [
            data.assign(post=0, y=0.0),
            data.assign(post=1, y=data["change"]),
        ],
        ignore_index=True,
    )
    B = 20000
    got = did_randomisation_inference(
        long, outcome="y", unit="unit", treated="treated", post="post", seed=5, B=B
    ).iloc[0]
    assert_close(got["estimate"], expected["estimate"])
    p = expected["p_exact"]
    assert abs(got["p_value"] - p) < 4 * np.sqrt(p * (1 - p) / B) + 1 / (B + 1)
