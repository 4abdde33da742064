"""DiD on the chapter's own panel, effect sizes in the Annex 4 layout, selection adjustment.

Estimator-level tests (effect sizes vs the annex numbers, DiD vs 2x2 means and Wooldridge's
kielmc Example 13.3, IPW under planted selection) live in tests/stats/."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from chapter3_fixtures import make_records
from reintegration.chapter3.did import change_regression, did_table
from reintegration.chapter3.effect_sizes import ANNEX4_COLUMNS, annex4_table
from reintegration.chapter3.panel import build_panel
from reintegration.chapter3.selection import selection_adjusted_did


def test_did_equals_difference_of_cell_means_and_change_form(panel):
    table = did_table(panel)
    for scope in ("pooled", "GIN", "SEN"):
        sub = panel if scope == "pooled" else panel[panel["country"] == scope]
        sub = sub.dropna(subset=["score_composite_first", "score_composite_last"])
        m = sub["mentored"]
        cells = {
            (t, g): sub.loc[m == g, f"score_composite_{t}"].mean()
            for t in ("first", "last")
            for g in (True, False)
        }
        expected = (cells["last", True] - cells["first", True]) - (
            cells["last", False] - cells["first", False]
        )
        rows = table[(table["scope"] == scope) & (table["dimension"] == "composite")].set_index(
            "form"
        )
        assert rows.loc["2x2", "estimate"] == pytest.approx(expected, abs=1e-12)
        assert rows.loc["change_score", "estimate"] == pytest.approx(expected, abs=1e-12)
        assert rows.loc["2x2", "n_persons"] == len(sub)
    assert set(table.loc[table["scope"] == "pooled", "form"]) == {
        "2x2",
        "change_score",
        "2x2_country_post",
    }


def test_did_recovers_planted_effect_without_selection_on_trends():
    recs = make_records(seed=11, n={"GIN": 300, "SEN": 300}, effect=0.06)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = build_panel(recs).panel
    row = (
        did_table(p, dimensions=["composite"]).query("scope == 'pooled' and form == '2x2'").iloc[0]
    )
    assert row["conf_low"] < 0.06 < row["conf_high"]
    assert row["p_value"] < 0.001


def test_change_regression_layout_and_mentoring_coefficient(panel):
    tidy, glance = change_regression(panel, min_programme_count=5)
    assert list(tidy.columns[:3]) == ["type", "term", "estimate"]
    assert set(tidy["type"]) == {"economic", "social", "psychosocial", "composite"}
    assert "countryGIN" in set(tidy["term"]) and "assist_training" in set(tidy["term"])
    assert (glance["vcov_type"] == "HC3").all() and (glance["reference_country"] == "SEN").all()
    coef = tidy.set_index(["type", "term"]).loc[("composite", "mentored")]
    assert coef["estimate"] > 0 and coef["p_value"] < 0.05  # planted effect 0.05
    with pytest.raises(ValueError, match="must be one of"):
        change_regression(panel, vcov="HC9", min_programme_count=5)


def _panel_with_changes(x1: np.ndarray, x0: np.ndarray) -> pd.DataFrame:
    n1, n0 = len(x1), len(x0)
    first = np.full(n1 + n0, 0.5)
    p = pd.DataFrame(
        {
            "panel_id": np.arange(1, n1 + n0 + 1),
            "country": ["GIN"] * (n1 + n0),
            "mentored": [True] * n1 + [False] * n0,
        }
    )
    for d in ("economic", "social", "psychosocial", "composite"):
        p[f"score_{d}_first"] = first
        p[f"score_{d}_last"] = first + np.concatenate([x1, x0])
    return p


def _standardised(n: int, rng) -> np.ndarray:
    z = rng.normal(size=n)
    return (z - z.mean()) / z.std(ddof=1)


def test_annex4_layout_reproduces_the_annex_numbers():
    """n1 = 80, n2 = 115, equal SDs 0.17 and d = 0.34: the annex's composite row."""
    rng = np.random.default_rng(0)
    sd = 0.17
    x1 = 0.34 * sd + sd * _standardised(80, rng)
    x0 = sd * _standardised(115, rng)
    table = annex4_table(_panel_with_changes(x1, x0), by_country=False)
    assert list(table.columns) == ANNEX4_COLUMNS
    comp = table[table["dimension"] == "composite"].set_index("type")
    d = comp.loc["cohen_d"]
    assert d["estimate"] == pytest.approx(0.34, abs=1e-12)
    assert d["sd"] == pytest.approx(0.17, abs=1e-12)
    assert (round(d["lower"], 2), round(d["upper"], 2)) == (0.05, 0.63)
    assert d["magnitude"] == "small" and d["confidence"] == 0.95
    assert (d["n_treated"], d["n_control"]) == (80, 115)
    g = comp.loc["hedges_g"]
    assert round(g["J"], 4) == 0.9961
    assert g["estimate"] == pytest.approx(0.34 * g["J"])
    assert (round(g["lower"], 2), round(g["upper"], 2)) == (0.05, 0.63)
    # Glass's delta uses the control group's SD (here equal to the pooled SD)
    assert comp.loc["glass_delta", "estimate"] == pytest.approx(0.34, abs=1e-12)


def test_annex4_hand_computed_small_input():
    x1, x0 = np.array([0.1, 0.3, 0.2]), np.array([0.0, 0.1, -0.1, 0.0])
    table = annex4_table(_panel_with_changes(x1, x0), by_country=False)
    row = table[(table["dimension"] == "economic")].set_index("type")
    m1, m0 = 0.2, 0.0
    s1, s0 = np.std(x1, ddof=1), np.std(x0, ddof=1)
    sp = np.sqrt((2 * s1**2 + 3 * s0**2) / 5)
    assert row.loc["cohen_d", "estimate"] == pytest.approx((m1 - m0) / sp)
    assert row.loc["glass_delta", "estimate"] == pytest.approx((m1 - m0) / s0)
    assert row.loc["hedges_g", "J"] == pytest.approx(1 - 3 / (4 * 7 - 9))


def test_selection_adjusted_did_removes_planted_selection_bias():
    """Mentees are chosen on a low baseline composite and everyone's change depends on the
    baseline (regression to the mean): the plain DiD is biased upwards, IPW and DR are not."""
    effect = 0.04
    recs = make_records(
        seed=5, n={"GIN": 700, "SEN": 700}, effect=effect, selection=12.0, selection_trend=0.8
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = build_panel(recs).panel
    table = selection_adjusted_did(
        p, dimensions=["composite"], ipw_B=50, ri_B=99, min_programme_count=5
    ).set_index("method")
    plain, ipw, dr = (table.loc[m, "estimate"] for m in ("plain", "ipw", "dr"))
    assert plain - effect > 0.015  # the planted selection biases the plain DiD
    assert abs(ipw - effect) < 0.01 and abs(dr - effect) < 0.01
    assert abs(ipw - effect) < abs(plain - effect) / 2
    assert table.loc["plain", "B_requested"] == 99 and table.loc[
        "plain", "ri_p_value"
    ] == pytest.approx(0.01)


def test_selection_table_is_seeded_and_validates(panel):
    a = selection_adjusted_did(
        panel, dimensions=["composite"], ipw_B=30, ri_B=50, min_programme_count=5
    )
    b = selection_adjusted_did(
        panel, dimensions=["composite"], ipw_B=30, ri_B=50, min_programme_count=5
    )
    pd.testing.assert_frame_equal(a, b)
    assert list(a["method"]) == ["plain", "ipw", "dr"]
    with pytest.raises(ValueError, match="subset of"):
        selection_adjusted_did(panel, methods=["psm"], min_programme_count=5)
