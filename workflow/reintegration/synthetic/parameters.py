"""Planted parameters: config/synthetic.yaml validated, scaled and turned into arrays.

Everything the generator plants is derived here once, from the config and the codebook, so the
truth file (parameters.json) and the generation use the same numbers. Design choices:

- Dimension coefficients of Annex 3 are planted; the composite is the mean of the dimensions
  (codebook default weights), so its implied coefficients are their means. They cannot all match
  the published composite column (e.g. Guinea-Bissau composite +0.0004 while every dimension
  coefficient is negative); the distance in published SEs is recorded.
- Programmes enter as the MEAN of the received programmes' coefficients: in the long-format
  published regression (one row per returnee and programme) a returnee with programmes A and B
  contributes one row with dummy A and one with dummy B, both with the same score, so the mean
  is the plant whose long-format OLS estimates are closest to the coefficients (the residual bias
  from the few pairs is reported as `long_format_plim`).
- Reference-country effects are centred to a returnee-weighted mean of 0 per dimension, so that
  pooling the 11 unprinted countries as the reference keeps the published intercept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from reintegration.codebook import load_codebook
from reintegration.config import validate_config
from reintegration.paths import SCHEMA_DIR

SYNTHETIC_SCHEMA = SCHEMA_DIR / "synthetic.schema.yaml"
DIMENSIONS = ("economic", "social", "psychosocial")
PROGRAMMES = ("microbusiness", "training", "psychosocial", "material", "medical", "financial")
PRINTED = ("GNB", "ETH", "CIV", "SEN", "GIN", "NGA")
PANEL_COUNTRIES = ("GIN", "SEN")
MOROCCO = "MAR"


def load_synthetic_config(path: str | Path) -> dict:
    """Read and validate config/synthetic.yaml (schema defaults filled in)."""
    with open(path, encoding="utf-8") as f:
        return validate_config(yaml.safe_load(f) or {}, SYNTHETIC_SCHEMA)


def apportion(total: int, weights) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder, stable)."""
    w = np.asarray(weights, dtype=float)
    if total <= 0 or w.sum() <= 0:
        return np.zeros(len(w), dtype=int)
    exact = total * w / w.sum()
    base = np.floor(exact).astype(int)
    order = np.argsort(-(exact - base), kind="stable")
    base[order[: total - base.sum()]] += 1
    return base


def scaled(n: float, scale: float, minimum: int) -> int:
    """A count of the study times ``scale`` (half up), at least ``minimum`` when ``n`` > 0."""
    if n <= 0:
        return 0
    return max(int(minimum), int(math.floor(n * scale + 0.5)))


@dataclass
class Params:
    """The validated config plus every derived array the generator needs."""

    config: dict
    codebook_dir: Path
    countries: list[str] = field(default_factory=list)
    n: dict = field(default_factory=dict)
    any_support: dict = field(default_factory=dict)
    coef: dict = field(default_factory=dict)  # dim -> {intercept, age, female, time}
    country_effect: np.ndarray | None = None  # (country, dim)
    slope_dev: np.ndarray | None = None  # (country, dim)
    programme_coef: np.ndarray | None = None  # (programme, dim)
    expected: dict = field(default_factory=dict)

    @property
    def seed(self) -> int:
        return int(self.config["seed"])

    @property
    def scale(self) -> float:
        return float(self.config["scale"])

    def count(self, n: float) -> int:
        return scaled(n, self.scale, self.config["min_count"])

    def cidx(self, iso: str) -> int:
        return self.countries.index(iso)


def _solve_any_support(cfg: dict) -> dict:
    """Countries with any_support null share the rest so that the overall share is the target."""
    chap = {c: v for c, v in cfg["countries"].items() if c != MOROCCO}
    fixed = {c: v["any_support"] for c, v in chap.items() if v["any_support"] is not None}
    total = sum(v["n"] for v in chap.values())
    free_n = sum(v["n"] for c, v in chap.items() if c not in fixed)
    needed = cfg["assistance"]["any_support"] * total - sum(
        chap[c]["n"] * p for c, p in fixed.items()
    )
    free_p = min(1.0, max(0.0, needed / free_n)) if free_n else 0.0
    out = {c: (fixed.get(c, free_p)) for c in chap}
    out[MOROCCO] = cfg["countries"].get(MOROCCO, {}).get("any_support") or 1.0
    return out


def _combination_table(cfg: dict) -> tuple[list[tuple[str, ...]], np.ndarray]:
    combos = cfg["assistance"]["programme_combinations"]
    names = [tuple(k.split("+")) for k in combos]
    return names, np.array(list(combos.values()), dtype=float)


def assistance_profiles(cfg: dict) -> dict:
    """Conditional distribution of assistance profiles among supported returnees.

    Returns combos (tuples of programmes, () = others only), their probabilities given support,
    and the probability of extra other types given a single-programme or others-only profile.
    """
    names, shares = _combination_table(cfg)
    any_support = cfg["assistance"]["any_support"]
    others_only = any_support - shares.sum()
    combos = [*names, ()]
    probs = np.append(shares, others_only) / any_support
    pairs = sum(s for k, s in zip(names, shares, strict=True) if len(k) > 1)
    rest = any_support - pairs  # singles and others-only
    extra = (cfg["assistance"]["more_than_one_type"] - pairs) / rest
    return {"combos": combos, "probs": probs, "extra_other": float(np.clip(extra, 0, 1))}


def build_params(config: dict, codebook_dir: str | Path) -> Params:
    """Derive all planted arrays from a validated synthetic config."""
    p = Params(config=config, codebook_dir=Path(codebook_dir))
    cfg = config
    p.countries = list(cfg["countries"])
    p.n = {c: v["n"] for c, v in cfg["countries"].items()}
    p.any_support = _solve_any_support(cfg)
    model = cfg["model"]
    nc, nd = len(p.countries), len(DIMENSIONS)
    p.coef = {
        d: {k: model["coefficients"][d][k] for k in ("intercept", "age", "female", "time")}
        for d in DIMENSIONS
    }
    p.programme_coef = np.array(
        [[model["coefficients"][d]["programmes"][g] for d in DIMENSIONS] for g in PROGRAMMES]
    )
    # Country effects: printed ones as published; reference ones centred (weighted mean 0).
    ce = np.zeros((nc, nd))
    ref = [c for c in model["reference_countries"] if c in p.countries]
    for c in p.countries:
        if c in PRINTED:
            ce[p.cidx(c)] = [model["coefficients"][d]["countries"][c] for d in DIMENSIONS]
        elif c in ref:
            ce[p.cidx(c)] = model["reference_countries"][c]
    w = np.array([p.n[c] for c in ref], dtype=float)
    idx = [p.cidx(c) for c in ref]
    ce[idx] -= (w[:, None] * ce[idx]).sum(0) / w.sum()
    p.country_effect = ce
    # Time-slope deviations, re-centred over the countries without a stated deviation using
    # weights n_c * var_c(time) (what a pooled OLS slope averages over).
    sd = np.zeros((nc, nd))
    chap = [c for c in p.countries if c != MOROCCO]
    var = {
        c: (cfg["countries"][c]["time_years"][1] - cfg["countries"][c]["time_years"][0]) ** 2 / 12
        for c in chap
    }
    for j, d in enumerate(DIMENSIONS):
        stated = model["time_slope_deviation"].get(d, {})
        for c, v in stated.items():
            sd[p.cidx(c), j] = v
        others = [c for c in chap if c not in stated]
        wsum = sum(p.n[c] * var[c] for c in stated)
        total = sum(p.n[c] * var[c] * v for c, v in stated.items())
        if others and wsum:
            wo = sum(p.n[c] * var[c] for c in others)
            for c in others:
                sd[p.cidx(c), j] = -total / wo
    p.slope_dev = sd
    p.expected = expected_means(p)
    return p


def mean_programme_effect(p: Params, iso: str) -> np.ndarray:
    """Expected programme term (mean of received programmes' coefficients) in a country."""
    prof = assistance_profiles(p.config)
    eff = np.zeros(len(DIMENSIONS))
    for combo, prob in zip(prof["combos"], prof["probs"], strict=True):
        if combo:
            eff += prob * p.programme_coef[[PROGRAMMES.index(g) for g in combo]].mean(0)
    return p.any_support[iso] * eff


def expected_means(p: Params) -> dict:
    """Expected latent dimension and composite means per Chapter II country (before clipping)."""
    cfg = p.config
    age = cfg["population"]["age"]
    mean_age = age["min"] + age["gamma_shape"] * age["gamma_scale"]
    female = cfg["population"]["female_share"]
    out = {}
    for c in p.countries:
        if c == MOROCCO:
            continue
        lo, hi = cfg["countries"][c]["time_years"]
        t = (lo + hi) / 2
        i = p.cidx(c)
        prog = mean_programme_effect(p, c)
        dims = [
            p.coef[d]["intercept"]
            + p.coef[d]["age"] * mean_age
            + p.coef[d]["female"] * female
            + p.coef[d]["time"] * t
            + p.country_effect[i, j]
            + prog[j]
            for j, d in enumerate(DIMENSIONS)
        ]
        out[c] = {**dict(zip(DIMENSIONS, dims, strict=True)), "composite": float(np.mean(dims))}
    return out


def implied_composite(p: Params) -> dict:
    """Composite coefficients implied by the planted dimension ones, beside the published ones."""
    pub = p.config["model"]["composite_published"]
    out = {}
    for term, (est, se) in pub.items():
        if term in ("intercept", "age", "female", "time"):
            implied = float(np.mean([p.coef[d][term] for d in DIMENSIONS]))
        elif term in PROGRAMMES:
            implied = float(p.programme_coef[PROGRAMMES.index(term)].mean())
        else:
            implied = float(p.country_effect[p.cidx(term)].mean())
        out[term] = {
            "implied": round(implied, 6),
            "published": est,
            "published_se": se,
            "distance_in_se": round((implied - est) / se, 3),
        }
    return out


def tiers(p: Params) -> dict:
    """Tier of each country's expected composite mean (A > 0.70, B 0.61-0.70, C <= 0.60)."""
    out = {}
    for c, m in p.expected.items():
        x = m["composite"]
        tier = "A" if x > 0.70 else ("B" if x > 0.605 else "C")
        margin = min(abs(x - 0.70), abs(x - 0.605))
        out[c] = {"composite": round(x, 4), "tier": tier, "margin": round(margin, 4)}
    return out


def codebook(p: Params):
    return load_codebook(p.codebook_dir)
