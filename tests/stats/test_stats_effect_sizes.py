"""Effect sizes: the published Annex 4 numbers and a hand-computed example."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from reintegration.stats import (
    RowsDroppedWarning,
    cohen_d_ci,
    effect_size_magnitude,
    effect_sizes,
    glass_delta_ci,
    hedges_g_ci,
    hedges_j,
)
from scipy import stats

# Annex 4 of the report (targets.yaml panel.effect_sizes): d, lower, upper and
# Hedges' g, lower, upper, all printed to 2 decimals; n = 80 mentored-change vs 115 other
# reproduces the printed J = 0.9961 (1 - 3/(4*195 - 9) = 0.99610...).
ANNEX4 = {
    "economic": ((0.12, -0.17, 0.41), (0.12, -0.17, 0.41)),
    "social": ((0.33, 0.04, 0.62), (0.32, 0.04, 0.61)),
    "psychosocial": ((0.25, -0.03, 0.54), (0.25, -0.03, 0.54)),
    "composite": ((0.34, 0.05, 0.63), (0.34, 0.05, 0.63)),
}
N1, N2 = 80, 115


def _rounds_to(value: float, printed: float) -> bool:
    return abs(value - printed) <= 0.005 + 1e-12


def test_composite_ci_from_rounded_d():
    lower, upper = cohen_d_ci(0.34, N1, N2, 0.95)
    assert _rounds_to(lower, 0.05)
    assert _rounds_to(upper, 0.63)


def test_hedges_j_for_195():
    assert round(hedges_j(N1, N2), 4) == 0.9961
    assert hedges_j(N1, N2) == pytest.approx(1 - 3 / (4 * 195 - 9), abs=1e-15)


@pytest.mark.parametrize("dimension", list(ANNEX4))
def test_annex4_rows_reproduced_from_unrounded_d(dimension):
    """Some unrounded d within the printed rounding of d reproduces every printed number
    of the row: d's CI, g = J d and g's CI."""
    (d_pub, lo_pub, hi_pub), (g_pub, glo_pub, ghi_pub) = ANNEX4[dimension]
    J = hedges_j(N1, N2)
    matches = []
    for d in np.linspace(d_pub - 0.005, d_pub + 0.005, 2001):
        lo, hi = cohen_d_ci(d, N1, N2)
        g = d * J
        glo, ghi = hedges_g_ci(g, N1, N2)
        if all(
            _rounds_to(v, p)
            for v, p in [
                (d, d_pub),
                (lo, lo_pub),
                (hi, hi_pub),
                (g, g_pub),
                (glo, glo_pub),
                (ghi, ghi_pub),
            ]
        ):
            matches.append(d)
    assert matches, f"no d reproduces the printed {dimension} row"


def test_annex4_ci_with_printed_d_within_one_rounding_unit():
    """Using the printed (rounded) d itself, each CI bound is within 0.01 of the annex."""
    for (d, lo_pub, hi_pub), _ in ANNEX4.values():
        lo, hi = cohen_d_ci(d, N1, N2)
        assert abs(lo - lo_pub) <= 0.01 + 1e-12
        assert abs(hi - hi_pub) <= 0.01 + 1e-12


def test_hand_computed_tiny_dataset():
    treated = [3.0, 5.0, 7.0, 9.0]  # mean 6, variance (9+1+1+9)/3 = 20/3
    control = [2.0, 3.0, 4.0]  # mean 3, variance 1
    df = pd.DataFrame(
        {"change": treated + control + [100.0], "grp": ["m"] * 4 + ["c"] * 3 + ["other"]}
    )
    out = effect_sizes(df, value="change", group="grp", treated="m", control="c").set_index("type")
    n1, n2 = 4, 3
    sp = math.sqrt((3 * 20 / 3 + 2 * 1) / 5)  # sqrt(4.4)
    d = 3 / sp
    J = 1 - 3 / (4 * 7 - 9)  # 16/19
    g = d * J
    delta = 3 / 1
    t = stats.t.ppf(0.975, 5)
    se_d = math.sqrt(7 / 12 + d**2 / 14)
    se_g = math.sqrt(7 / 12 + g**2 / 14) * J
    se_delta = math.sqrt(7 / 12 + delta**2 / 14)

    assert out.loc["cohen_d", "estimate"] == pytest.approx(d, rel=1e-12)
    assert out.loc["cohen_d", "sd"] == pytest.approx(sp, rel=1e-12)
    assert out.loc["cohen_d", "lower"] == pytest.approx(d - t * se_d, rel=1e-12)
    assert out.loc["cohen_d", "upper"] == pytest.approx(d + t * se_d, rel=1e-12)
    assert math.isnan(out.loc["cohen_d", "J"])
    assert out.loc["hedges_g", "J"] == pytest.approx(16 / 19, rel=1e-12)
    assert out.loc["hedges_g", "estimate"] == pytest.approx(g, rel=1e-12)
    assert out.loc["hedges_g", "sd"] == pytest.approx(sp, rel=1e-12)
    assert out.loc["hedges_g", "lower"] == pytest.approx(g - t * se_g, rel=1e-12)
    assert out.loc["hedges_g", "upper"] == pytest.approx(g + t * se_g, rel=1e-12)
    assert out.loc["glass_delta", "estimate"] == pytest.approx(delta, rel=1e-12)
    assert out.loc["glass_delta", "sd"] == pytest.approx(1.0, rel=1e-12)
    assert out.loc["glass_delta", "lower"] == pytest.approx(delta - t * se_delta, rel=1e-12)
    assert out.loc["glass_delta", "upper"] == pytest.approx(delta + t * se_delta, rel=1e-12)
    assert list(out["magnitude"]) == ["large", "large", "large"]
    assert set(out["n_treated"]) == {n1}
    assert set(out["n_control"]) == {n2}
    assert set(out["confidence"]) == {0.95}
    assert list(out.reset_index().columns) == [
        "type",
        "estimate",
        "sd",
        "J",
        "lower",
        "upper",
        "confidence",
        "magnitude",
        "n_treated",
        "n_control",
    ]


def test_summary_functions_agree_with_table():
    rng = np.random.default_rng(4)
    df = pd.DataFrame(
        {"y": np.r_[rng.normal(0.3, 1, 50), rng.normal(0, 1.2, 70)], "t": [1] * 50 + [0] * 70}
    )
    out = effect_sizes(df, value="y", group="t", treated=1, control=0, conf_level=0.9)
    out = out.set_index("type")
    assert (out.loc["cohen_d", "lower"], out.loc["cohen_d", "upper"]) == pytest.approx(
        cohen_d_ci(out.loc["cohen_d", "estimate"], 50, 70, 0.9)
    )
    assert (out.loc["glass_delta", "lower"], out.loc["glass_delta", "upper"]) == pytest.approx(
        glass_delta_ci(out.loc["glass_delta", "estimate"], 50, 70, 0.9)
    )
    # Glass's delta divides by the control SD
    assert out.loc["glass_delta", "sd"] == pytest.approx(df.loc[df.t == 0, "y"].std(), rel=1e-12)


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (0.0, "negligible"),
        (0.1999, "negligible"),
        (0.2, "small"),
        (-0.49, "small"),
        (0.5, "medium"),
        (0.79, "medium"),
        (0.8, "large"),
        (-1.3, "large"),
    ],
)
def test_magnitude_labels(value, label):
    assert effect_size_magnitude(value) == label


def test_missing_values_dropped_with_warning_and_bad_groups():
    df = pd.DataFrame({"y": [1.0, 2.0, np.nan, 4.0, 1.0, 0.0, 2.0], "g": list("aaaabbb")})
    with pytest.warns(RowsDroppedWarning, match="effect_sizes: dropped 1 of 7 rows"):
        out = effect_sizes(df, value="y", group="g", treated="a", control="b")
    assert out["n_treated"].iloc[0] == 3
    with pytest.raises(ValueError, match="`treated`='z' is not a value of 'g'"):
        effect_sizes(df, value="y", group="g", treated="z", control="b")
    with pytest.raises(ValueError, match="conf_level"):
        effect_sizes(df.dropna(), value="y", group="g", treated="a", control="b", conf_level=95)
