"""Stored bootstrap/permutation draws of the loop implementations, for the bit-identity tests.

Run once with the code *before* vectorisation (commit 7f3a046, the per-resample loops of
``resampling.accounted_bootstrap`` and ``did_randomisation_inference``):

    .venv/bin/python tests/stats/make_resampling_reference.py

It writes ``tests/stats/data/resampling_reference.json``: for each case the draws as
``float.hex`` strings (exact), and the accounting. ``test_stats_resampling_vectorised.py``
rebuilds the same cases and compares the vectorised code with these values bit for bit.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

OUT = Path(__file__).parent / "data" / "resampling_reference.json"


def cases():
    """(name, dy, d, X, strata, method, B, seed, max_redraws) of the stored bootstrap cases."""
    from scipy.special import expit

    rng = np.random.default_rng(2026)
    out = []
    # 1. a rare flag (3 holders per group) and a country stratum: many reduced resamples
    n = 150
    x = rng.normal(size=n)
    d = (rng.random(n) < 0.5).astype(float)
    flag = np.zeros(n)
    flag[np.flatnonzero(d == 1)[:3]] = 1.0
    flag[np.flatnonzero(d == 0)[:3]] = 1.0
    country = np.where(np.arange(n) % 3 == 0, "GIN", "SEN")
    dy = 0.3 * d + 0.4 * x + rng.normal(size=n)
    X = np.column_stack([np.ones(n), x, flag, (country == "GIN").astype(float)])
    for method in ("ipw", "dr"):
        out.append((f"rare_flag_{method}", dy, d, X, country, method, 97, 11, 10))
    # 2. near separation: one treated unit far on the control side; resamples without it are
    #    perfectly separated (the logit does not converge) and must be redrawn
    n = 60
    x = np.sort(rng.normal(size=n))
    d = (x > 0).astype(float)
    d[0] = 1.0  # the lowest x is treated
    dy = 0.2 * d + x + rng.normal(size=n)
    X = np.column_stack([np.ones(n), x])
    for method in ("ipw", "dr"):
        out.append((f"separation_{method}", dy, d, X, None, method, 41, 12, 10))
        out.append((f"separation_noredraw_{method}", dy, d, X, None, method, 41, 12, 0))
    # 3. a smooth propensity with two covariates, no failures
    n = 120
    Z = rng.normal(size=(n, 2))
    d = (rng.random(n) < expit(0.3 * Z[:, 0] - 0.4 * Z[:, 1])).astype(float)
    dy = Z @ np.array([0.5, -0.2]) + 0.25 * d + rng.normal(size=n)
    X = np.column_stack([np.ones(n), Z])
    for method in ("ipw", "dr"):
        out.append((f"smooth_{method}", dy, d, X, None, method, 63, 13, 10))
    return out


def ri_cases():
    """(name, dy, d, strata, B, seed) of the stored permutation cases."""
    rng = np.random.default_rng(2027)
    n = 90
    d = (rng.random(n) < 0.4).astype(float)
    dy = 0.3 * d + rng.normal(size=n)
    strata = np.where(rng.random(n) < 0.4, "GIN", "SEN")
    return [("ri_strata", dy, d, strata, 199, 21), ("ri_plain", dy, d, None, 99, 22)]


def main() -> None:
    from reintegration.stats.drdid import att_fit
    from reintegration.stats.resampling import accounted_bootstrap, strata_cells

    stored = {"bootstrap": {}, "ri": {}}
    for name, dy, d, X, strata, method, B, seed, redraws in cases():
        k_full = len(att_fit(dy, d, X, method).columns)

        def refit(idx, dy=dy, d=d, X=X, method=method, k=k_full):
            res = att_fit(dy[idx], d[idx], X[idx], method)
            return res.att, len(res.columns) < k

        acc = accounted_bootstrap(
            refit, strata_cells(d, strata), B=B, seed=seed, max_redraws=redraws
        )
        stored["bootstrap"][name] = {
            "draws": [float(v).hex() for v in acc.draws],
            **{k: v for k, v in acc.columns().items() if k not in ("status", "reason")},
        }
    for name, dy, d, strata, B, seed in ri_cases():
        res = ri_result(dy, d, strata, B, seed)
        stored["ri"][name] = {"estimate": float(res["estimate"]).hex(), "p_value": res["p_value"]}
    OUT.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT}")


def ri_result(dy, d, strata, B, seed):
    """The randomisation-inference row of one case (the library call the stored values came
    from, and the test repeats)."""
    from reintegration.stats import did_randomisation_inference

    return did_randomisation_inference(
        _ri_long(dy, d, strata),
        outcome="y",
        unit="u",
        treated="d",
        post="t",
        seed=seed,
        strata=None if strata is None else "s",
        B=B,
    ).iloc[0]


def _ri_long(dy, d, strata):
    import pandas as pd

    n = len(d)
    wide = pd.DataFrame({"u": np.arange(n), "d": d.astype(int)})
    wide["s"] = "all" if strata is None else strata
    return pd.concat([wide.assign(t=0, y=0.0), wide.assign(t=1, y=dy)], ignore_index=True)


if __name__ == "__main__":
    main()
