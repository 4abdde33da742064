"""Paired tests: Wilcoxon signed-rank against scipy, McNemar against hand computation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from reintegration.stats import RowsDroppedWarning, mcnemar_test, paired_ordinal_test
from scipy import stats


@pytest.fixture
def items() -> pd.DataFrame:
    rng = np.random.default_rng(12)
    n = 120
    before = rng.choice([0, 0.25, 0.5, 0.75, 1.0], size=n, p=[0.1, 0.2, 0.3, 0.25, 0.15])
    shift = rng.choice([-0.5, -0.25, 0.0, 0.25], size=n, p=[0.15, 0.35, 0.4, 0.1])
    after = np.clip(before + shift, 0, 1)
    return pd.DataFrame({"pre": before, "post": after})


@pytest.mark.parametrize("zero_method", ["pratt", "wilcox", "zsplit"])
def test_wilcoxon_matches_scipy(items, zero_method):
    out = paired_ordinal_test(items, before="pre", after="post", zero_method=zero_method).iloc[0]
    ref = stats.wilcoxon(items["post"], items["pre"], zero_method=zero_method)
    assert out["statistic"] == pytest.approx(ref.statistic, rel=1e-12)
    assert out["p_value"] == pytest.approx(ref.pvalue, rel=1e-12)
    assert out["n_pairs"] == 120
    assert out["n_changed"] == int((items["post"] != items["pre"]).sum())
    assert out["median_before"] == pytest.approx(np.median(items["pre"]))
    assert out["median_after"] == pytest.approx(np.median(items["post"]))
    assert out["mean_diff"] == pytest.approx((items["post"] - items["pre"]).mean())
    assert zero_method in out["method"]


def test_wilcoxon_small_sample_and_ordered_categorical():
    levels = ["never", "sometimes", "often"]
    df = pd.DataFrame(
        {
            "pre": pd.Categorical(["often"] * 6 + ["sometimes"] * 3, levels, ordered=True),
            "post": pd.Categorical(
                ["never"] * 4 + ["sometimes", "often", "never", "sometimes", "often"],
                levels,
                ordered=True,
            ),
        }
    )
    out = paired_ordinal_test(df, before="pre", after="post").iloc[0]
    codes_pre = np.array([2] * 6 + [1] * 3)
    codes_post = np.array([0] * 4 + [1, 2, 0, 1, 2])
    ref = stats.wilcoxon(codes_post, codes_pre, zero_method="pratt")
    assert out["p_value"] == pytest.approx(ref.pvalue, rel=1e-12)
    assert out["median_before"] == 2.0


def test_wilcoxon_all_unchanged_and_missing_pairs():
    df = pd.DataFrame({"pre": [1.0, 0.5, np.nan, 0.0], "post": [1.0, 0.5, 0.25, 0.0]})
    with pytest.warns(RowsDroppedWarning, match="paired_ordinal_test: dropped 1 of 4 rows"):
        out = paired_ordinal_test(df, before="pre", after="post").iloc[0]
    assert out["n_pairs"] == 3
    assert out["p_value"] == 1.0
    with pytest.raises(ValueError, match=r"`zero_method` must be one of \['pratt'"):
        paired_ordinal_test(df, before="pre", after="post", zero_method="none")


def _pairs(n11: int, n10: int, n01: int, n00: int) -> pd.DataFrame:
    before = [1] * n11 + [1] * n10 + [0] * n01 + [0] * n00
    after = [1] * n11 + [0] * n10 + [1] * n01 + [0] * n00
    return pd.DataFrame({"before": before, "after": after})


def test_mcnemar_exact_by_hand():
    # b = 2 (1 -> 0), c = 9 (0 -> 1): 11 discordant < 25, so exact binomial:
    # p = 2 * P(X <= 2 | n = 11, 1/2) = 2 * (1 + 11 + 55) / 2048 = 134 / 2048
    df = _pairs(n11=20, n10=2, n01=9, n00=30)
    out = mcnemar_test(df, before="before", after="after").iloc[0]
    assert out["n_10"] == 2
    assert out["n_01"] == 9
    assert out["n_pairs"] == 61
    assert out["p_value"] == pytest.approx(134 / 2048, rel=1e-12)
    assert out["prop_before"] == pytest.approx(22 / 61)
    assert out["prop_after"] == pytest.approx(29 / 61)
    assert out["p_value"] == pytest.approx(2 * sum(math.comb(11, k) for k in range(3)) / 2**11)
    assert "exact" in out["method"]


def test_mcnemar_chi2_by_hand_and_statsmodels():
    from statsmodels.stats.contingency_tables import mcnemar

    df = _pairs(n11=40, n10=10, n01=25, n00=50)  # 35 discordant >= 25
    out = mcnemar_test(df, before="before", after="after").iloc[0]
    assert out["statistic"] == pytest.approx((abs(10 - 25) - 1) ** 2 / 35, rel=1e-12)
    assert out["p_value"] == pytest.approx(stats.chi2.sf(196 / 35, 1), rel=1e-12)
    ref = mcnemar(np.array([[40, 10], [25, 50]]), exact=False, correction=True)
    assert out["p_value"] == pytest.approx(ref.pvalue, rel=1e-12)
    forced = mcnemar_test(df, before="before", after="after", method="exact").iloc[0]
    ref_exact = mcnemar(np.array([[40, 10], [25, 50]]), exact=True)
    assert forced["p_value"] == pytest.approx(ref_exact.pvalue, rel=1e-12)


def test_mcnemar_checks_and_drops():
    df = _pairs(5, 1, 2, 5).astype(float)
    df.loc[0, "after"] = np.nan
    with pytest.warns(RowsDroppedWarning, match="mcnemar_test: dropped 1 of 13 rows"):
        out = mcnemar_test(df, before="before", after="after")
    assert out["n_pairs"].iloc[0] == 12
    with pytest.raises(ValueError, match="must be coded 0/1"):
        mcnemar_test(df.fillna(2), before="before", after="after")
    with pytest.raises(ValueError, match=r"`method` must be one of \['auto', 'exact', 'chi2'\]"):
        mcnemar_test(df.dropna(), before="before", after="after", method="midp")
    none = mcnemar_test(_pairs(3, 0, 0, 3), before="before", after="after")
    assert none["p_value"].iloc[0] == 1.0
