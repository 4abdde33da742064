"""group_means and standardised_differences against hand computation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from reintegration.stats import RowsDroppedWarning, group_means, standardised_differences
from scipy import stats


def test_group_means_by_hand():
    df = pd.DataFrame(
        {
            "country": ["B", "A", "A", "A", "B", "C", "A"],
            "score": [0.5, 1.0, 2.0, 3.0, 0.7, 0.9, np.nan],
        }
    )
    with pytest.warns(RowsDroppedWarning, match="group_means: dropped 1 of 7 rows .* score"):
        out = group_means(df, value="score", by=["country"])
    assert list(out.columns) == ["country", "n", "mean", "sd", "se", "conf_low", "conf_high"]
    assert list(out["country"]) == ["A", "B", "C"]
    a = out.iloc[0]
    assert a["n"] == 3
    assert a["mean"] == pytest.approx(2.0)
    assert a["sd"] == pytest.approx(1.0)
    assert a["se"] == pytest.approx(1 / math.sqrt(3))
    t = stats.t.ppf(0.975, 2)
    assert a["conf_low"] == pytest.approx(2.0 - t / math.sqrt(3))
    assert a["conf_high"] == pytest.approx(2.0 + t / math.sqrt(3))
    b = out.iloc[1]
    assert b["sd"] == pytest.approx(math.sqrt(0.02))
    c = out.iloc[2]
    assert c["n"] == 1
    assert math.isnan(c["sd"])
    assert math.isnan(c["conf_low"])


def test_group_means_overall_and_two_keys():
    df = pd.DataFrame(
        {"g": ["x", "x", "y", "y"], "s": ["f", "m", "f", "f"], "v": [1.0, 3.0, 5.0, 7.0]}
    )
    overall = group_means(df, value="v", conf_level=0.9).iloc[0]
    assert overall["n"] == 4
    assert overall["mean"] == pytest.approx(4.0)
    se = np.std([1, 3, 5, 7], ddof=1) / 2
    assert overall["conf_high"] == pytest.approx(4.0 + stats.t.ppf(0.95, 3) * se)
    two = group_means(df, value="v", by=["g", "s"])
    assert list(zip(two["g"], two["s"], two["n"], strict=True)) == [
        ("x", "f", 1),
        ("x", "m", 1),
        ("y", "f", 2),
    ]


def test_standardised_differences_by_hand():
    df = pd.DataFrame(
        {
            "mentored": [1, 1, 1, 1, 0, 0, 0],
            "baseline": [0.2, 0.4, 0.6, 0.8, 0.5, 0.6, 0.7],
            "female": [True, False, True, True, False, False, True],
        }
    )
    out = standardised_differences(
        df, group="mentored", treated=1, covariates=["baseline", "female"]
    ).set_index("covariate")
    # baseline: m1 = 0.5, s1^2 = 0.2/3; m0 = 0.6, s0^2 = 0.01
    sd = math.sqrt((0.2 / 3 + 0.01) / 2)
    assert out.loc["baseline", "mean_treated"] == pytest.approx(0.5)
    assert out.loc["baseline", "mean_control"] == pytest.approx(0.6)
    assert out.loc["baseline", "sd_pooled"] == pytest.approx(sd)
    assert out.loc["baseline", "std_diff"] == pytest.approx(-0.1 / sd)
    # female: p1 = 3/4, s1^2 = 0.25; p0 = 1/3, s0^2 = 1/3 (sample variances)
    sd_f = math.sqrt((0.25 + 1 / 3) / 2)
    assert out.loc["female", "std_diff"] == pytest.approx((0.75 - 1 / 3) / sd_f)
    assert out.loc["female", "n_treated"] == 4
    assert out.loc["female", "n_control"] == 3


def test_standardised_differences_missing_and_checks():
    df = pd.DataFrame(
        {"g": ["t", "t", "c", "c", "c"], "x": [1.0, np.nan, 2.0, 3.0, 4.0], "s": list("abcde")}
    )
    with pytest.warns(RowsDroppedWarning, match=r"standardised_differences\[x\]: dropped 1 of 5"):
        out = standardised_differences(df, group="g", treated="t", covariates=["x"])
    assert out["n_treated"].iloc[0] == 1
    with pytest.raises(ValueError, match="not numeric"):
        standardised_differences(df, group="g", treated="t", covariates=["s"])
    with pytest.raises(ValueError, match="`treated`='z' is not a value of 'g'"):
        standardised_differences(df, group="g", treated="z", covariates=["x"])
