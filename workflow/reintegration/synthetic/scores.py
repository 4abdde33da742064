"""Latent dimension scores: the planted linear model, the panel plan and Morocco.

Chapter II (one record per returnee, at time t since return, in years):

    L_d = b0_d + b_age,d*age + b_fem,d*female + (b_time,d + dev_d,c)*t - dev_d,c*tbar_c
          + country_d,c + mean_{j in programmes} b_j,d + e_d,      e ~ N(0, Sigma)

with dev_d,c the country's time-slope deviation applied around its own mean time tbar_c (so
country means and the pooled slope stay the published ones). ``raw`` keeps the unclipped value
(the exact linear model, used by tests); the score is clipped to [0, 1].

Panel (Guinea, Senegal): first-RSS latent = group mean + person noise; last = first + change
(group mean change + person noise); the mentored-minus-control change differences are Annex 4's
d x SD. The panel's end-of-assistance record in between follows the Chapter II model like
everyone's, so the cross-country regression is unaffected by the panel plan.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reintegration.synthetic.parameters import DIMENSIONS, PROGRAMMES, Params


def _noise(p: Params, rng: np.random.Generator, n: int) -> np.ndarray:
    sd = np.array([p.config["model"]["residual_sd"][d] for d in DIMENSIONS])
    rho = p.config["model"]["residual_correlation"]
    corr = np.full((3, 3), rho) + np.eye(3) * (1 - rho)
    cov = corr * np.outer(sd, sd)
    return rng.multivariate_normal(np.zeros(3), cov, size=n, method="cholesky")


def programme_matrix(programmes: pd.Series) -> np.ndarray:
    """Returnee x programme weights 1/k for each of the k Annex 3 programmes received."""
    out = np.zeros((len(programmes), len(PROGRAMMES)))
    for i, combo in enumerate(programmes):
        if combo:
            parts = combo.split("+")
            for g in parts:
                out[i, PROGRAMMES.index(g)] = 1 / len(parts)
    return out


def chapter2_latent(p: Params, people: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Unclipped latent scores (n, 3) of the Chapter II model for one country's returnees."""
    iso = people["country"].iat[0]
    c = p.cidx(iso)
    lo, hi = p.config["countries"][iso]["time_years"]
    tbar = (lo + hi) / 2
    age = people["age"].to_numpy(float)
    fem = people["female"].to_numpy(float)
    t = people["time"].to_numpy(float)
    prog = programme_matrix(people["programmes"]) @ p.programme_coef
    out = np.empty((len(people), 3))
    for j, d in enumerate(DIMENSIONS):
        k = p.coef[d]
        dev = p.slope_dev[c, j]
        out[:, j] = (
            k["intercept"]
            + k["age"] * age
            + k["female"] * fem
            + k["time"] * t
            + dev * (t - tbar)
            + p.country_effect[c, j]
            + prog[:, j]
        )
    return out + _noise(p, rng, len(people))


def slope(p: Params, iso: str) -> np.ndarray:
    """Per-dimension time slope (per year) in a country."""
    c = p.cidx(iso)
    return np.array([p.coef[d]["time"] for d in DIMENSIONS]) + p.slope_dev[c]


def panel_latent(p: Params, iso: str, mentored: np.ndarray, rng: np.random.Generator):
    """First and last latent scores (n, 3) of panel members by group (unclipped)."""
    spec = p.config["panel"]["countries"][iso]
    n = len(mentored)
    first_m = np.where(
        mentored[:, None], spec["first_mean"]["mentored"], spec["first_mean"]["control"]
    )
    change_m = np.where(
        mentored[:, None], spec["change_mean"]["mentored"], spec["change_mean"]["control"]
    )
    sd = p.config["panel"]["first_sd"]
    corr = np.full((3, 3), 0.5) + np.eye(3) * 0.5
    first = first_m + rng.multivariate_normal(np.zeros(3), corr * sd**2, size=n, method="cholesky")
    csd = np.array([p.config["panel"]["change_sd"][d] for d in DIMENSIONS])
    change = change_m + rng.normal(size=(n, 3)) * csd
    return first, first + change


def morocco_latent(p: Params, n: int, rng: np.random.Generator) -> np.ndarray:
    spec = p.config["morocco"]
    return np.asarray(spec["dimension_means"]) + rng.normal(size=(n, 3)) * spec["sd"]
