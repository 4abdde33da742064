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
