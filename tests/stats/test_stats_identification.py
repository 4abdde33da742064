"""Terms not identified under the clustering get blank inference and a note."""

from __future__ import annotations

import numpy as np
import pandas as pd
from reintegration.stats import blank_unidentified, ols, unidentified_terms


def _countries(rng, n_countries=6, per=40):
    country = np.repeat([f"C{i}" for i in range(n_countries)], per)
    x = rng.normal(size=country.size)
    shock = rng.normal(size=n_countries)[np.repeat(np.arange(n_countries), per)]
    gdp = rng.normal(size=n_countries)[np.repeat(np.arange(n_countries), per)]
    y = 0.4 * x + shock + rng.normal(size=country.size)
    return pd.DataFrame({"y": y, "x": x, "country": country, "gdp": gdp})


def test_country_terms_with_country_clusters_are_blanked():
    df = _countries(np.random.default_rng(1))
    spec = dict(outcome="y", terms=["x", "country"], categorical={"country": "C0"})
    notes = unidentified_terms(df, cluster="country", **spec)
    # intercept + 5 indicators span the 6 clusters: all absorbed; x varies within clusters
    assert sorted(notes) == ["(Intercept)", *[f"countryC{i}" for i in range(1, 6)]]
    fit = ols(df, vcov="cluster", cluster="country", **spec)
    tidy = fit.tidy.set_index("term")
    out = blank_unidentified(fit.tidy, notes).set_index("term")
    assert out.loc["countryC3", ["std_error", "statistic", "p_value"]].isna().all()
    assert out.loc["countryC3", "estimate"] == tidy.loc["countryC3", "estimate"]
    assert "not identified under clustering by 'country'" in out.loc["countryC3", "note"]
    assert out.loc["x", "note"] == "" and np.isfinite(out.loc["x", "std_error"])


def test_cluster_level_regressor_without_full_span_is_kept():
    df = _countries(np.random.default_rng(2))
    notes = unidentified_terms(df, outcome="y", terms=["x", "gdp"], cluster="country")
    assert notes == {}  # gdp varies between 6 clusters and does not absorb them


def test_single_cluster_indicator_is_blanked():
    df = _countries(np.random.default_rng(3))
    df["only_c2"] = (df["country"] == "C2").astype(float)
    notes = unidentified_terms(df, outcome="y", terms=["x", "only_c2"], cluster="country")
    assert list(notes) == ["only_c2"]
    boot = pd.DataFrame({"term": ["x", "only_c2"], "p_value_boot": [0.2, 0.01]})
    out = blank_unidentified(boot, notes)
    assert out["p_value_boot"].isna().tolist() == [False, True]
