"""RA/IPW/DR DiD: analytic influence-function SEs (Sant'Anna & Zhao 2020) and bootstrap accounting.

DRDID (the authors' R package) is not on Debian, so the influence functions are checked
(1) by hand where they have a closed form (no covariates: the ATT is a difference of means and
psi_i = D_i (dY_i - m1)/p - (1 - D_i)(dY_i - m0)/(1 - p)), and (2) against a numerical Gateaux
derivative of the estimator itself, psi_i = n d ATT(weights 1 + eps e_i) / d eps, computed by
re-fitting the weighted logit, weighted OLS and weighted means in this file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from reintegration.stats import att_fit, did_ipw
from scipy.special import expit


def _wide(rng, n=300, effect=0.3):
    x = rng.normal(size=n)
    z = (rng.random(n) < 0.4).astype(float)
    d = (rng.random(n) < expit(-0.3 + 0.8 * x - 0.5 * z)).astype(float)
    dy = 0.5 * x + 0.2 * z + effect * d + rng.normal(size=n)
    return x, z, d, dy


def _long(x, z, d, dy):
    n = len(d)
    wide = pd.DataFrame({"unit": np.arange(n), "d": d.astype(int), "x": x, "z": z})
    return pd.concat([wide.assign(post=0, y=0.0), wide.assign(post=1, y=dy)], ignore_index=True)


@pytest.mark.parametrize("method", ["ra", "ipw", "dr"])
def test_no_covariates_influence_function_by_hand(method):
    rng = np.random.default_rng(1)
    _, _, d, dy = _wide(rng, n=57)
    X = np.ones((len(d), 1))
    fit = att_fit(dy, d, X, method)
    t, c = d == 1, d == 0
    n, n1, n0 = len(d), t.sum(), c.sum()
    assert fit.att == pytest.approx(dy[t].mean() - dy[c].mean(), rel=1e-12)
    s1, s0 = dy[t].var(ddof=1), dy[c].var(ddof=1)
    se = np.sqrt(n / (n - 1) * ((n1 - 1) * s1 / n1**2 + (n0 - 1) * s0 / n0**2))
    assert fit.se == pytest.approx(se, rel=1e-10)


def _weighted_att(dy, d, X, w, method):
    """The estimator with observation weights w (weighted logit, OLS and means)."""
    beta = np.zeros(X.shape[1])
    for _ in range(100):
        p = expit(X @ beta)
        step = np.linalg.solve((X * (w * p * (1 - p))[:, None]).T @ X, X.T @ (w * (d - p)))
        beta += step
        if np.max(np.abs(step)) < 1e-13:
            break
    ps = expit(X @ beta)
    c = (d == 0) * w
    gamma = np.linalg.solve((X * c[:, None]).T @ X, X.T @ (c * dy))
    m = X @ gamma
    w1 = w * d
    w0 = w * (1 - d) * ps / (1 - ps)
    if method == "ra":
        return np.sum(w1 * (dy - m)) / np.sum(w1)
    r = dy if method == "ipw" else dy - m
    return np.sum(w1 * r) / np.sum(w1) - np.sum(w0 * r) / np.sum(w0)


@pytest.mark.parametrize("method", ["ra", "ipw", "dr"])
def test_influence_function_equals_numerical_derivative(method):
    rng = np.random.default_rng(2)
    x, z, d, dy = _wide(rng, n=120)
    X = np.column_stack([np.ones(len(d)), x, z])
    fit = att_fit(dy, d, X, method)
    n, eps = len(d), 1e-6
    base = _weighted_att(dy, d, X, np.ones(n), method)
    assert fit.att == pytest.approx(base, rel=1e-10)
    numeric = np.empty(n)
    for i in range(n):
        w = np.ones(n)
        w[i] += eps
        w_minus = np.ones(n)
        w_minus[i] -= eps
        numeric[i] = (
            n
            * (_weighted_att(dy, d, X, w, method) - _weighted_att(dy, d, X, w_minus, method))
            / (2 * eps)
        )
    np.testing.assert_allclose(fit.influence, numeric, rtol=1e-5, atol=1e-6)


def test_did_ipw_reports_both_standard_errors_and_accounting():
    rng = np.random.default_rng(3)
    long = _long(*_wide(rng, n=400))
    kw = dict(outcome="y", unit="unit", treated="d", post="post", covariates=["x", "z"], seed=4)
    out = did_ipw(long, method="dr", B=199, **kw).iloc[0]
    assert out["B_requested"] == 199 and out["B_used"] == 199 and out["status"] == "ok"
    assert out["std_error"] == out["std_error_bootstrap"]
    # the bootstrap estimates the same sampling SD as the influence function
    assert 0.8 < out["std_error_bootstrap"] / out["std_error_analytic"] < 1.25
    analytic = did_ipw(long, method="dr", B=2, se="analytic", **kw).iloc[0]
    assert analytic["std_error"] == pytest.approx(out["std_error_analytic"], rel=1e-12)
    assert analytic["estimate"] == out["estimate"]


def _rare_flag_panel(n=200, n_flag=3, seed=5):
    """A programme flag held by 3 treated units: most bootstrap resamples lose it."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    d = (rng.random(n) < 0.5).astype(float)
    flag = np.zeros(n)
    flag[np.flatnonzero(d == 1)[:n_flag]] = 1.0
    flag[np.flatnonzero(d == 0)[:n_flag]] = 1.0
    dy = 0.3 * d + 0.4 * x + rng.normal(size=n)
    wide = pd.DataFrame({"unit": np.arange(n), "d": d.astype(int), "x": x, "flag": flag})
    wide["country"] = np.where(np.arange(n) % 3 == 0, "GIN", "SEN")
    return pd.concat([wide.assign(post=0, y=0.0), wide.assign(post=1, y=dy)], ignore_index=True)


def test_resamples_losing_a_rare_flag_are_reduced_not_dropped():
    long = _rare_flag_panel()
    out = did_ipw(
        long,
        outcome="y",
        unit="unit",
        treated="d",
        post="post",
        covariates=["x", "flag"],
        method="ipw",
        B=99,
        seed=6,
        strata="country",
    ).iloc[0]
    assert out["B_used"] == out["B_requested"] == 99
    # P(a 3-unit flag vanishes from one group's resample) is large: many resamples reduced
    assert out["n_reduced"] > 10
    assert out["status"] == "ok" and np.isfinite(out["std_error"])


def _nearly_separated(n=60, seed=8):
    """Treated iff x > 0, except the unit with the lowest x: a resample without that unit is
    perfectly separated (the logit cannot converge), P = (1 - 1/n1)^n1 ~ 0.37 per resample."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.normal(size=n))
    d = (x > 0).astype(float)
    d[0] = 1.0
    return _long(x, np.zeros(n), d, 0.2 * d + x + rng.normal(size=n))


def test_resamples_that_really_fail_are_redrawn_or_make_the_bootstrap_not_estimable():
    long = _nearly_separated()
    kw = dict(outcome="y", unit="unit", treated="d", post="post", covariates=["x"], seed=1, B=50)
    redrawn = did_ipw(long, **kw).iloc[0]
    # about 0.37 x 50 resamples separate; each is redrawn until it fits (0.37^11 ~ 2e-5)
    assert 5 <= redrawn["n_redrawn"] <= 35 and redrawn["B_used"] == 50
    assert redrawn["status"] == "ok" and np.isfinite(redrawn["std_error"])
    out = did_ipw(long, max_redraws=0, config_key="panel.ipw.max_failure_share", **kw).iloc[0]
    failed = sum(out[f"failures_{c}"] for c in ("separation", "singular", "one_group", "nonfinite"))
    # a separated logit diverges until its Hessian is numerically singular (cause "singular")
    # or stops converging ("separation")
    assert 5 <= failed <= 35
    assert out["failures_separation"] + out["failures_singular"] == failed
    assert out["B_used"] == 50 - failed
    assert out["status"] == "not estimable"
    assert f"{failed} of 50" in out["reason"] and "panel.ipw.max_failure_share" in out["reason"]
    assert f"singular: {out['failures_singular']}" in out["reason"]
    assert np.isnan(out["std_error"]) and np.isnan(out["p_value"])
    assert np.isfinite(out["std_error_analytic"])
    lenient = did_ipw(long, max_redraws=0, max_failure_share=0.9, **kw).iloc[0]
    assert lenient["status"] == "ok" and np.isfinite(lenient["std_error"])
    assert lenient["B_used"] == out["B_used"]


def test_stratified_resamples_keep_every_group_and_stratum_size():
    from reintegration.stats.resampling import strata_cells, stratified_indices

    d = np.array([1, 1, 0, 0, 0, 1, 0, 1, 0, 0])
    country = np.array(["GIN", "SEN", "GIN", "GIN", "SEN", "GIN", "SEN", "GIN", "SEN", "SEN"])
    cells = strata_cells(d, country)
    assert sorted(len(c) for c in cells) == [1, 2, 3, 4]
    rng = np.random.default_rng(0)
    for _ in range(200):
        idx = stratified_indices(cells, rng)
        assert len(idx) == len(d)
        for cell in cells:  # each (group, country) cell keeps its size
            key = (d[cell[0]], country[cell[0]])
            assert sum((d[i], country[i]) == key for i in idx) == len(cell)


def test_covariate_constant_among_the_treated_is_dropped_with_a_warning():
    rng = np.random.default_rng(1)
    n = 100
    wide = pd.DataFrame({"u": np.arange(n), "d": np.arange(n) % 2, "x": rng.normal(size=n)})
    wide["flag"] = np.where(wide["d"] == 1, 0.0, (np.arange(n) % 4 == 0) * 1.0)
    long = pd.concat([wide.assign(t=0, y=0.0), wide.assign(t=1, y=rng.normal(size=n))])
    kw = dict(outcome="y", unit="u", treated="d", post="t", seed=1, B=20)
    with pytest.warns(RuntimeWarning, match=r"\['flag'\] dropped"):
        out = did_ipw(long, covariates=["x", "flag"], **kw).iloc[0]
    ref = did_ipw(long, covariates=["x"], **kw).iloc[0]
    assert out["estimate"] == pytest.approx(ref["estimate"], rel=1e-12)
