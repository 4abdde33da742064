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


def chapter2_latent(p: Params, people: pd.DataFrame, rng: np.random.Generator):
    """(raw, bounded) latent scores (n, 3) of the Chapter II model for one country's returnees.

    raw = linear predictor + noise (unclipped); bounded = clip(centre + noise, 0, 1) with the
    centre chosen so that E[bounded] = linear predictor (``model.mean_preserving_clip``).
    """
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
    noise = _noise(p, rng, len(people))
    if not p.config["model"]["mean_preserving_clip"]:
        return out + noise, np.clip(out + noise, 0, 1)
    sd = np.array([p.config["model"]["residual_sd"][d] for d in DIMENSIONS])
    return out + noise, np.clip(mean_preserving_centre(out, sd) + noise, 0, 1)


def expected_clipped(m: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """E[clip(m + e, 0, 1)] for e ~ N(0, sd^2)."""
    from scipy.special import ndtr  # scipy.stats.norm.cdf without the 1 s import of scipy.stats

    a, b = (0 - m) / sd, (1 - m) / sd
    return m * (ndtr(b) - ndtr(a)) + sd * (_norm_pdf(a) - _norm_pdf(b)) + ndtr(-b)


def _norm_pdf(x: np.ndarray) -> np.ndarray:
    """``scipy.stats.norm.pdf``, the same formula."""
    return np.exp(-(x**2) / 2.0) / np.sqrt(2 * np.pi)


def mean_preserving_centre(mu: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """Centre m with E[clip(m + e, 0, 1)] = mu (mu clipped to [0.001, 0.999]), by bisection.

    The bounded latent then has the linear model's expectation, so OLS on the bounded scores
    is not attenuated by clipping near 0 or 1 (``raw`` keeps the exact linear model).
    """
    target = np.clip(mu, 0.001, 0.999)
    lo, hi = np.full(mu.shape, -3.0), np.full(mu.shape, 4.0)
    for _ in range(50):
        mid = (lo + hi) / 2
        below = expected_clipped(mid, sd) < target
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return (lo + hi) / 2


def slope(p: Params, iso: str) -> np.ndarray:
    """Per-dimension time slope (per year) in a country."""
    c = p.cidx(iso)
    return np.array([p.coef[d]["time"] for d in DIMENSIONS]) + p.slope_dev[c]


def _centred(z: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Person noise with mean 0 within each cell (so group means are the planted ones exactly)."""
    out = z.copy()
    for c in np.unique(cells):
        m = cells == c
        if m.sum() > 1:
            out[m] -= out[m].mean(0)
        else:
            out[m] = 0.0
    return out


def panel_latent(
    p: Params, iso: str, mentored: np.ndarray, rng: np.random.Generator, programmes=None
):
    """First and last latent scores (n, 3) of panel members by group (unclipped).

    first = group mean + person noise (SD ``first_sd``, correlation ``first_correlation``);
    last = first + group mean change + programme change effects (``change_programmes``, e.g.
    training on psychosocial change) + person noise (SD ``change_sd``, correlation
    ``change_correlation``). Person noise is centred within cells of mentoring group x programme
    profile, so the group means and programme contrasts are planted exactly in the sample.
    """
    cfg = p.config["panel"]
    spec = cfg["countries"][iso]
    n = len(mentored)
    programmes = np.full(n, "", dtype=object) if programmes is None else np.asarray(programmes)
    first_m = np.where(
        mentored[:, None], spec["first_mean"]["mentored"], spec["first_mean"]["control"]
    )
    change_m = np.where(
        mentored[:, None], spec["change_mean"]["mentored"], spec["change_mean"]["control"]
    )
    effects = np.zeros((n, 3))
    has = {}
    for g, eff in cfg["change_programmes"].items():
        has[g] = np.array([g in str(x).split("+") for x in programmes])
        effects[has[g]] += np.asarray(eff, dtype=float)
    cells = np.array(
        [
            f"{int(m)}" + "".join(str(int(h[i])) for h in has.values())
            for i, m in enumerate(mentored)
        ]
    )
    sd = cfg["first_sd"]
    r1 = cfg["first_correlation"]
    corr = np.full((3, 3), r1) + np.eye(3) * (1 - r1)
    z1 = rng.multivariate_normal(np.zeros(3), corr * sd**2, size=n, method="cholesky")
    first = first_m + _centred(z1, mentored.astype(int).astype(str))
    csd = np.array([cfg["change_sd"][d] for d in DIMENSIONS])
    r2 = cfg["change_correlation"]
    ccorr = (np.full((3, 3), r2) + np.eye(3) * (1 - r2)) * np.outer(csd, csd)
    z2 = rng.multivariate_normal(np.zeros(3), ccorr, size=n, method="cholesky")
    # programme effects are contrasts: re-centred within mentoring group so the group means stay
    for m in (True, False):
        sel = mentored == m
        if sel.any():
            effects[sel] -= effects[sel].mean(0)
    change = change_m + effects + _centred(z2, cells)
    return first, first + change


def morocco_latent(p: Params, n: int, rng: np.random.Generator) -> np.ndarray:
    spec = p.config["morocco"]
    return np.asarray(spec["dimension_means"]) + rng.normal(size=(n, 3)) * spec["sd"]
