"""Wild cluster bootstrap: brute-force equivalence, size under a null, power, options."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from reintegration.stats import (
    WildBootstrap,
    ols,
    wild_cluster_bootstrap,
    wild_cluster_bootstrap_terms,
)


def _clustered_data(rng: np.random.Generator, n_clusters: int, beta: float) -> pd.DataFrame:
    """Unequal cluster sizes (10-39), a regressor and errors both correlated within cluster."""
    sizes = rng.integers(10, 40, n_clusters)
    g = np.repeat(np.arange(n_clusters), sizes)
    x = rng.normal(size=n_clusters)[g] + 0.5 * rng.normal(size=g.size)
    z = rng.normal(size=g.size)
    u = rng.normal(size=n_clusters)[g] + rng.normal(size=g.size)
    y = 1.0 + beta * x + 0.3 * z + u
    return pd.DataFrame({"y": y, "x": x, "z": z, "g": g})


def test_enumerated_rademacher_equals_brute_force_refits():
    """With G = 7 and B >= 2**7 every sign vector is used, so the p-value is exact: compare
    with refitting the regression for all 128 sign vectors using statsmodels' CR1 SEs."""
    rng = np.random.default_rng(3)
    df = _clustered_data(rng, 7, beta=0.15)
    out = wild_cluster_bootstrap(
        df, outcome="y", terms=["x", "z"], cluster="g", term="x", B=999, seed=1
    )
    assert out["B"].iloc[0] == 2**7

    X = sm.add_constant(df[["x", "z"]].to_numpy())
    y = df["y"].to_numpy()
    groups = df["g"].to_numpy()
    obs = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": groups})
    t_obs = obs.tvalues[1]
    Xr = np.delete(X, 1, axis=1)
    restricted = sm.OLS(y, Xr).fit()
    fitted, resid = restricted.fittedvalues, restricted.resid
    t_star = []
    for signs in itertools.product([-1.0, 1.0], repeat=7):
        ystar = fitted + resid * np.asarray(signs)[groups]
        fit = sm.OLS(ystar, X).fit(cov_type="cluster", cov_kwds={"groups": groups})
        t_star.append(fit.tvalues[1])
    t_star = np.abs(np.asarray(t_star))
    p_brute = np.mean(t_star >= abs(t_obs) * (1 - 1e-9))

    assert out["statistic"].iloc[0] == pytest.approx(t_obs, rel=1e-9)
    assert out["estimate"].iloc[0] == pytest.approx(obs.params[1], rel=1e-9)
    assert out["p_value_boot"].iloc[0] == pytest.approx(p_brute, abs=1e-12)
    assert out["n_clusters"].iloc[0] == 7


def test_unrestricted_variant_equals_brute_force():
    rng = np.random.default_rng(11)
    df = _clustered_data(rng, 6, beta=0.3)
    out = wild_cluster_bootstrap(
        df, outcome="y", terms=["x", "z"], cluster="g", term="x", B=999, seed=1, impose_null=False
    )
    X = sm.add_constant(df[["x", "z"]].to_numpy())
    y, groups = df["y"].to_numpy(), df["g"].to_numpy()
    full = sm.OLS(y, X).fit()
    t_obs = full.get_robustcov_results("cluster", groups=groups).tvalues[1]
    t_star = []
    for signs in itertools.product([-1.0, 1.0], repeat=6):
        ystar = full.fittedvalues + full.resid * np.asarray(signs)[groups]
        fit = sm.OLS(ystar, X).fit(cov_type="cluster", cov_kwds={"groups": groups})
        t_star.append((fit.params[1] - full.params[1]) / fit.bse[1])
    p_brute = np.mean(np.abs(t_star) >= abs(t_obs) * (1 - 1e-9))
    assert out["p_value_boot"].iloc[0] == pytest.approx(p_brute, abs=1e-12)


def test_size_under_null_with_17_clusters():
    """Rejection rate at 5% over 400 simulated data sets with b_x = 0 and 17 clusters lies
    near 0.05, while the conventional CR1 t test on the same data over-rejects more."""
    rng = np.random.default_rng(20200901)
    reps, boot_rejections, cr1_rejections = 400, 0, 0
    for r in range(reps):
        df = _clustered_data(rng, 17, beta=0.0)
        p = wild_cluster_bootstrap(
            df, outcome="y", terms=["x", "z"], cluster="g", term="x", B=199, seed=r
        )["p_value_boot"].iloc[0]
        boot_rejections += p <= 0.05
        tidy = ols(df, outcome="y", terms=["x", "z"], vcov="cluster", cluster="g").tidy
        cr1_rejections += tidy["p_value"].iloc[1] <= 0.05
    rate = boot_rejections / reps
    assert 0.01 <= rate <= 0.11, rate
    assert cr1_rejections >= boot_rejections


def test_power_under_strong_effect():
    rng = np.random.default_rng(99)
    pvals = [
        wild_cluster_bootstrap(
            _clustered_data(rng, 17, beta=1.5),
            outcome="y",
            terms=["x", "z"],
            cluster="g",
            term="x",
            B=199,
            seed=r,
            weights_type="webb",
        )["p_value_boot"].iloc[0]
        for r in range(40)
    ]
    assert np.mean(np.asarray(pvals) <= 0.05) >= 0.95


def test_deterministic_given_seed_and_several_terms():
    rng = np.random.default_rng(5)
    df = _clustered_data(rng, 17, beta=0.1)
    kw = dict(outcome="y", terms=["x", "z"], cluster="g", B=499, weights_type="webb")
    a = wild_cluster_bootstrap_terms(df, seed=42, **kw)
    b = wild_cluster_bootstrap_terms(df, seed=42, **kw)
    pd.testing.assert_frame_equal(a, b)
    assert list(a["term"]) == ["x", "z"]
    assert list(a.columns) == [
        "term",
        "estimate",
        "statistic",
        "p_value_boot",
        "B",
        "weights_type",
        "n_clusters",
        "B_requested",
        "B_used",
        "failures_zero_se",
        "failures_nonfinite",
        "status",
        "reason",
    ]
    single = wild_cluster_bootstrap(df, term="z", seed=42, **kw)
    assert single["p_value_boot"].iloc[0] == a["p_value_boot"].iloc[1]
    # via ols(bootstrap=...): same draws, same numbers; the tidy table is unchanged
    fit = ols(
        df,
        outcome="y",
        terms=["x", "z"],
        vcov="cluster",
        cluster="g",
        bootstrap=WildBootstrap(seed=42, B=499, weights_type="webb"),
    )
    pd.testing.assert_frame_equal(fit.bootstrap, a)
    assert list(fit.tidy.columns)[-1] == "conf_high"
    np.testing.assert_allclose(
        fit.tidy.set_index("term").loc[["x", "z"], "statistic"], a["statistic"], rtol=1e-10
    )


def test_categorical_terms_and_weights_are_supported():
    rng = np.random.default_rng(8)
    df = _clustered_data(rng, 12, beta=0.0)
    df["region"] = np.where(df["g"] % 3 == 0, "north", np.where(df["g"] % 3 == 1, "south", "east"))
    df["w"] = rng.uniform(0.5, 2, len(df))
    out = wild_cluster_bootstrap(
        df,
        outcome="y",
        terms=["x", "region"],
        categorical={"region": "east"},
        weights="w",
        cluster="g",
        term="regionnorth",
        B=199,
        seed=3,
    )
    X = np.column_stack(
        [np.ones(len(df)), df["x"], df["region"] == "north", df["region"] == "south"]
    ).astype(float)
    ref = sm.WLS(df["y"].to_numpy(), X, weights=df["w"].to_numpy()).fit(
        cov_type="cluster", cov_kwds={"groups": df["g"].to_numpy()}
    )
    assert out["statistic"].iloc[0] == pytest.approx(ref.tvalues[2], rel=1e-9)
    assert 0 < out["p_value_boot"].iloc[0] <= 1


def test_bad_options():
    rng = np.random.default_rng(1)
    df = _clustered_data(rng, 10, beta=0.0)
    kw = dict(outcome="y", terms=["x"], cluster="g", seed=1)
    with pytest.raises(ValueError, match=r"`weights_type` must be one of \['rademacher', 'webb'\]"):
        wild_cluster_bootstrap(df, term="x", weights_type="mammen", **kw)
    with pytest.raises(ValueError, match=r"term\(s\) \['w'\] not in the model"):
        wild_cluster_bootstrap(df, term="w", **kw)
    with pytest.raises(ValueError, match="needs vcov='cluster'"):
        ols(df, outcome="y", terms=["x"], bootstrap=WildBootstrap(seed=1))


def test_accounting_columns_say_when_draws_were_enumerated():
    df = _clustered_data(np.random.default_rng(4), n_clusters=5, beta=0.0)
    out = wild_cluster_bootstrap(df, outcome="y", terms=["x"], cluster="g", term="x", seed=1)
    row = out.iloc[0]
    # 2**5 = 32 <= 999: every sign vector enumerated, so 32 draws were made and used
    assert (row["B_requested"], row["B"], row["B_used"]) == (999, 32, 32)
    assert row["status"] == "ok" and row["reason"] == ""
    big = wild_cluster_bootstrap(
        _clustered_data(np.random.default_rng(5), n_clusters=17, beta=0.0),
        outcome="y",
        terms=["x"],
        cluster="g",
        term="x",
        seed=1,
        B=199,
    ).iloc[0]
    assert (big["B_requested"], big["B"], big["B_used"]) == (199, 199, 199)


def test_draws_with_a_zero_bootstrap_se_are_counted_and_make_the_p_value_not_estimable():
    """Two clusters and a dummy of one of them: the residuals sum to zero within each cluster,
    so every draw's bootstrap score cancels to rounding noise (|SE*| ~ 1e-17): no draw gives a
    t statistic, and the p-value is not estimable (all 2**2 sign vectors are enumerated)."""
    rng = np.random.default_rng(1)
    g = np.repeat([0, 1], [7, 9])
    df = pd.DataFrame({"g": g, "x": (g == 0) * 1.0, "y": rng.normal(size=g.size)})
    for impose_null in (True, False):
        row = wild_cluster_bootstrap(
            df,
            outcome="y",
            terms=["x"],
            cluster="g",
            term="x",
            seed=1,
            weights_type="rademacher",
            impose_null=impose_null,
        ).iloc[0]
        assert (row["B"], row["B_used"], row["failures_zero_se"]) == (4, 0, 4)
        assert row["failures_nonfinite"] == 0
        assert row["status"] == "not estimable" and np.isnan(row["p_value_boot"])
        assert "4 of 4" in row["reason"] and "zero_se: 4" in row["reason"]
    # a regressor varying within clusters: no draw fails
    df["x2"] = rng.normal(size=g.size)
    ok = wild_cluster_bootstrap(
        df, outcome="y", terms=["x2"], cluster="g", term="x2", seed=1, weights_type="rademacher"
    ).iloc[0]
    assert ok["failures_zero_se"] == 0 and ok["B_used"] == 4 and ok["status"] == "ok"
