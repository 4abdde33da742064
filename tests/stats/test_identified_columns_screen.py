"""The Gram screen of identified_columns: it answers only for designs far from aliasing, and
then with the Gram-Schmidt's own answer (every column); all others go to the Gram-Schmidt.
The bootstrap's batched decisions (the screen per resample, columns varying within a group)
are those of the one-resample loop."""

from __future__ import annotations

import numpy as np
import pytest
from reintegration.stats import _design


def gram_schmidt_only(X: np.ndarray) -> list[int]:
    """R's rule without the screen (the loop of identified_columns)."""
    real = _design._clearly_full_rank
    try:
        _design._clearly_full_rank = lambda X, tol: False
        return _design.identified_columns(X)
    finally:
        _design._clearly_full_rank = real


def survey_design(rng, n: int, countries: int, programmes: int) -> np.ndarray:
    """Intercept, country dummies (a reference left out), 0/1 programmes, age, female."""
    country = rng.integers(0, countries, n)
    dummies = [(country == c).astype(float) for c in range(1, countries)]
    progs = [(rng.random(n) < rng.uniform(0.02, 0.5)).astype(float) for _ in range(programmes)]
    age = 18 + rng.gamma(3.0, 3.5, n)
    female = (rng.random(n) < 0.3).astype(float)
    return np.column_stack([np.ones(n), *dummies, *progs, age, female])


def designs():
    rng = np.random.default_rng(2020)
    for n, countries, programmes in ((60, 3, 2), (500, 17, 10), (5000, 17, 11), (200, 8, 0)):
        X = survey_design(rng, n, countries, programmes)
        yield f"survey n={n}", X, True
        # one column in the span of others, exactly or up to noise of relative size `scale`
        for scale in (0.0, 1e-12, 1e-9, 1e-7, 1e-5, 1e-3, 3e-2):
            noisy = X[:, 1] + X[:, 2] + scale * rng.normal(size=n)
            # the noise's part orthogonal to the others is below 1e-2 of the column's norm up
            # to scale 1e-3; at 3e-2 it may or may not be: the screen's verdict is not asserted
            verdict = False if scale <= 1e-3 else None
            yield f"n={n} scale={scale}", np.column_stack([X, noisy]), verdict
        yield f"n={n} zero column", np.column_stack([X, np.zeros(n)]), False
        yield f"n={n} constant twice", np.column_stack([X, 3.0 * X[:, 0]]), False
        empty = X.copy()
        empty[:, 1] = 0.0  # a country with no rows
        yield f"n={n} unobserved level", empty, False
        # a tiny-scale column is not aliased (the ratio is scale-free): the screen still answers
        yield f"n={n} small scale", np.column_stack([X, 1e-12 * rng.normal(size=n)]), True
    # well conditioned column by column, but a product of many nearly parallel steps
    t = np.linspace(0.0, 1.0, 400)
    vander = np.column_stack([t**p for p in range(12)])
    yield "polynomial degree 11", vander, False


@pytest.mark.parametrize(("name", "X", "screened"), list(designs()), ids=lambda v: str(v)[:30])
def test_the_screen_gives_the_gram_schmidt_answer_or_none(name, X, screened):
    decided = _design._clearly_full_rank(X, _design.QR_TOL)
    assert _design.identified_columns(X) == gram_schmidt_only(X)
    if decided:
        assert gram_schmidt_only(X) == list(range(X.shape[1]))
    if screened is not None:
        assert decided is screened, name


def test_the_screen_never_answers_for_a_larger_tolerance():
    X = survey_design(np.random.default_rng(1), 300, 5, 3)
    assert _design._clearly_full_rank(X, _design.QR_TOL)
    assert not _design._clearly_full_rank(X, 1e-6)  # a margin of 10^5 would not hold
    assert _design.identified_columns(X, 1e-6) == list(range(X.shape[1]))


def test_the_bootstraps_batched_decisions_are_those_of_the_gram_schmidt():
    from reintegration.stats import _att_batch

    rng = np.random.default_rng(5)
    X = survey_design(rng, 120, 4, 3)
    X[:5, -3] = 1.0  # a rare programme: absent (a zero column) from some resamples
    X[5:, -3] = 0.0
    near = X[:, 1] + 1e-9 * rng.normal(size=len(X))  # aliased in every resample
    for design, cleared in ((X, True), (np.column_stack([X, near]), False)):
        idx = rng.integers(0, len(design), size=(40, len(design)))
        Xb = design[idx]
        cols = np.ascontiguousarray(Xb.transpose(0, 2, 1))
        clear = _design.clearly_full_rank_each(cols @ cols.transpose(0, 2, 1))
        assert bool(clear.any()) is cleared and not clear.all()  # both paths (or none screened)
        expected = _att_batch._kept_columns_gram_schmidt(Xb, cols, _design.QR_TOL)
        np.testing.assert_array_equal(_att_batch._kept_columns(Xb, cols), expected)
        for c in range(len(idx)):
            assert list(np.flatnonzero(expected[c])) == gram_schmidt_only(Xb[c])


def test_the_batched_variation_masks_are_the_loops_ptp():
    from reintegration.stats import _att_batch
    from reintegration.stats.drdid import _varies

    rng = np.random.default_rng(9)
    C, k, n = 30, 6, 25
    cols = np.stack([
        rng.integers(0, 2, (C, n)).astype(float),  # a dummy
        rng.normal(size=(C, n)),
        np.ones((C, n)),  # constant
        (rng.random((C, n)) < 0.05).astype(float),  # rare: often constant within a group
        np.repeat(rng.normal(size=(C, 1)), n, axis=1),
        rng.integers(0, 3, (C, n)) * 0.5,
    ], axis=1)  # fmt: skip
    rows = rng.random((C, n)) < 0.3
    rows[0] = False  # a resample without a row in the group
    rows[1] = False
    rows[1, 7] = True  # a single row
    for mask in (None, rows, ~rows):
        got = _att_batch._varies_mask(cols, mask)
        for c in range(C):
            for j in range(k):
                x = cols[c, j] if mask is None else cols[c, j][mask[c]]
                assert got[c, j] == (len(x) > 0 and _varies(x)), (c, j)
