"""The answer generation: stochastic rounding keeps the expected score; offsets keep dimension means."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from reintegration.codebook import load_codebook
from reintegration.synthetic import answers
from reintegration.synthetic.parameters import build_params, load_synthetic_config

REPO = Path(__file__).resolve().parents[2]

SCALES = {
    "binary": [0.0, 1.0],
    "three": [0.0, 0.5, 1.0],
    "five": [0.0, 0.25, 0.5, 0.75, 1.0],
}


@pytest.mark.parametrize("name", SCALES)
def test_expected_score_equals_latent(name):
    """E[score | x] = x on a large draw, within 4 binomial standard errors at every x."""
    rng = np.random.default_rng(7)
    xs = np.linspace(0, 1, 41)
    n = 50_000
    x = np.repeat(xs, n)
    s = answers.stochastic_round(x, np.array(SCALES[name]), rng.random(x.size))
    assert set(np.unique(s)) <= set(SCALES[name])
    means = s.reshape(len(xs), n).mean(1)
    # variance of a two-point rounding between neighbours a < b is (x - a)(b - x)
    pts = np.array(SCALES[name])
    j = np.clip(np.searchsorted(pts, xs, side="right") - 1, 0, len(pts) - 2)
    var = (xs - pts[j]) * (pts[j + 1] - xs)
    se = np.sqrt(var / n)
    assert np.all(np.abs(means - xs) <= 4 * se + 1e-12)


def test_rounding_only_moves_to_neighbours():
    rng = np.random.default_rng(1)
    x = rng.random(10_000)
    s = answers.stochastic_round(x, np.array(SCALES["five"]), rng.random(x.size))
    assert np.all(np.abs(s - x) < 0.25 + 1e-12)


def test_item_offsets_keep_dimension_means():
    cfg = load_synthetic_config(REPO / "config" / "synthetic.yaml")
    p = build_params(cfg, REPO / "config" / "codebook")
    spec = answers.item_spec(load_codebook(REPO / "config" / "codebook"))
    off = answers.item_offsets(p, spec)
    for j in range(3):
        in_d = spec.dims == j
        sums = (off[:, in_d] * spec.weights[in_d]).sum(1)
        assert np.allclose(sums, 0, atol=1e-12)
    # a country target is met exactly in expectation (before clipping)
    k = spec.names.index("psy_able_to_stay")
    assert p.expected["BGD"]["psychosocial"] + off[p.cidx("BGD"), k] == pytest.approx(0.72)


def test_balanced_bernoulli_exact_marginals_and_totals():
    """Systematic draws: each record's probability is kept; stratum totals are floor/ceil."""
    rng = np.random.default_rng(3)
    p = rng.random(200)
    strata = np.repeat(["a", "b"], 100)
    hits = np.zeros(200)
    reps = 20_000
    for _ in range(reps):
        d = answers.balanced_bernoulli(p, strata, rng)
        for s in ("a", "b"):
            total = d[strata == s].sum()
            expected = p[strata == s].sum()
            assert np.floor(expected) <= total <= np.ceil(expected)
        hits += d
    se = np.sqrt(p * (1 - p) / reps)
    assert np.all(np.abs(hits / reps - p) <= 4.5 * se + 1e-9)


@pytest.mark.parametrize(
    ("name", "counted"),
    [
        ("five", [0.0, 0.25, 0.5, 0.75]),  # "any answer except never" (freq_neg)
        ("five", [0.0, 0.25]),  # "often or very often"
        ("five", [0.75, 1.0]),  # "satisfied or very satisfied"
        ("three", [0.0, 0.5]),  # "wish or need to re-migrate"
    ],
)
def test_two_part_model_keeps_expected_score_and_plants_share(name, counted):
    """Two-part answers on a large draw: E[score | x] = x and P(counted) = the planted share."""
    rng = np.random.default_rng(11)
    pts = np.array(SCALES[name])
    in_counted = np.isin(pts, counted)
    upper = in_counted if in_counted[-1] else ~in_counted
    n = 40_000
    for x0 in (0.3, 0.5, 0.7):
        x = np.full(n, x0)
        lo, hi = answers.part_bounds(x, pts, upper)
        s = lo + 0.5 * (hi - lo)  # a feasible share in the middle of the interval
        score = answers.two_part_round(x, s, pts, upper, np.zeros(n, dtype=int), rng)
        assert set(np.unique(score)) <= set(pts)
        assert abs(score.mean() - x0) < 4 * score.std() / np.sqrt(n) + 1e-9, (x0, score.mean())
        share_upper = np.isin(score, pts[upper]).mean()
        assert share_upper == pytest.approx(s[0], abs=0.003)


def test_dimension_shift_makes_item_mean_equal_dimension_latent():
    """After clipping, the per-record shift restores mean item latent = dimension latent."""
    cb = load_codebook(REPO / "config" / "codebook")
    spec = answers.item_spec(cb)
    rng = np.random.default_rng(5)
    n = 500
    lat = rng.uniform(0.1, 0.9, (n, 3))  # feasible: the free items can absorb the fixed one
    off = rng.normal(0, 0.2, len(spec.names))
    base = lat[:, spec.dims] + off
    present = np.ones((n, len(spec.names)))
    present[: n // 2, :5] = 0  # a format with a subset of the items
    free = np.ones(len(spec.names), dtype=bool)
    free[spec.names.index("psy_able_to_stay")] = False
    x = answers.dimension_shift(lat, base, spec, present, free, np.ones(len(spec.names)))
    assert np.all((x >= 0) & (x <= 1))
    for j in range(3):
        cols = spec.dims == j
        w = spec.weights[cols] * present[:, cols]
        mean = (w * x[:, cols]).sum(1) / w.sum(1)
        assert np.allclose(mean, lat[:, j], atol=1e-6)
