"""DR-DiD diagnostics on a saturated design where every number is known by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from reintegration.stats import drdid_diagnostics


def _cells():
    """x = 0: 40 units, 10 treated (p = 0.25); x = 1: 40 units, 38 treated (p = 0.95)."""
    rng = np.random.default_rng(4)
    x = np.r_[np.zeros(40), np.ones(40)]
    d = np.r_[np.ones(10), np.zeros(30), np.ones(38), np.zeros(2)]
    dy = 0.5 * x + 0.3 * d + rng.normal(size=80)
    wide = pd.DataFrame({"unit": np.arange(80), "d": d.astype(int), "x": x, "dy": dy})
    long = pd.concat([wide.assign(post=0, y=0.0), wide.assign(post=1, y=wide["dy"])])
    return wide, long


@pytest.fixture(scope="module")
def diag():
    _, long = _cells()
    return drdid_diagnostics(
        long, outcome="y", unit="unit", treated="d", post="post", covariates=["x"], bins=10
    )


def test_balance_is_exact_after_weighting_with_a_saturated_logit(diag):
    row = diag["balance"].set_index("covariate").loc["x"]
    m1, m0 = 38 / 48, 2 / 32  # treated and control shares with x = 1
    sd = np.sqrt((m1 * (1 - m1) + m0 * (1 - m0)) / 2)
    assert row["std_diff_before"] == pytest.approx((m1 - m0) / sd, rel=1e-12)
    assert row["std_diff_after"] == pytest.approx(0.0, abs=1e-10)
    assert row["var_ratio_after"] == pytest.approx(1.0, rel=1e-9)
    assert bool(row["balanced_after"])


def test_effective_sample_size_by_hand(diag):
    # control weights p/(1-p): 30 units at 1/3, 2 units at 19
    w = np.r_[np.full(30, 1 / 3), np.full(2, 19.0)]
    ess = diag["ess"].set_index("group")
    assert ess.loc["control", "ess"] == pytest.approx(w.sum() ** 2 / np.sum(w**2), rel=1e-9)
    assert ess.loc["treated", "ess"] == pytest.approx(48.0)


def test_overlap_counts_and_trimming_shares(diag):
    overlap = diag["overlap"]
    assert overlap.groupby("group")["n"].sum().to_dict() == {"control": 32, "treated": 48}
    bin_95 = overlap.query("group == 'treated' and p_low <= 0.95 < p_high")
    assert int(bin_95["n"].iloc[0]) == 38
    trimming = diag["trimming"]
    # p = 0.95 is outside [0.1, 0.9]: the x = 1 cell (38 treated, 2 controls) is trimmed
    assert trimming["share_trimmed_treated"].iloc[0] == pytest.approx(38 / 48)
    assert trimming["share_trimmed_control"].iloc[0] == pytest.approx(2 / 32)
    trimmed = trimming.query("sample != 'all'")
    wide, _ = _cells()
    cell = wide[wide["x"] == 0]
    did0 = cell.loc[cell.d == 1, "dy"].mean() - cell.loc[cell.d == 0, "dy"].mean()
    np.testing.assert_allclose(trimmed["estimate"], did0, rtol=1e-10)


def test_estimators_side_by_side_agree_when_the_logit_is_saturated(diag):
    est = diag["estimators"].set_index("method")
    assert list(est.index) == ["ra", "ipw", "dr"] and (est["status"] == "ok").all()
    # saturated in x: RA, IPW and DR are all the treated-weighted average of cell DiDs
    np.testing.assert_allclose(est["estimate"], est.loc["ra", "estimate"], rtol=1e-10)
    assert (est["std_error"] > 0).all()


def test_bad_trim_interval():
    _, long = _cells()
    with pytest.raises(ValueError, match="`trim`"):
        drdid_diagnostics(
            long,
            outcome="y",
            unit="unit",
            treated="d",
            post="post",
            covariates=["x"],
            trim=(0.9, 0.1),
        )
