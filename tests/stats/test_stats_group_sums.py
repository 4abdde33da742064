"""Cluster sums and ranges computed faster give the straightforward code's numbers to the bit.

The references are the definitions: one ``np.bincount`` per column (each group's rows added
in row order) and ``ufunc.at`` minima and maxima, which the code used before issue 16.
"""

from __future__ import annotations

import numpy as np
import pytest
from reintegration.stats._design import group_layout, group_sums
from reintegration.stats.identification import _cluster_ranges


def _bincount_sums(values, groups, n_groups):
    cols = [
        np.bincount(groups, weights=values[:, j], minlength=n_groups)
        for j in range(values.shape[1])
    ]
    return np.column_stack(cols).reshape(n_groups, values.shape[1])


@pytest.mark.parametrize("n", [0, 7, 5_000, 120_000])
@pytest.mark.parametrize("k", [1, 2, 5, 31])
@pytest.mark.parametrize("n_groups", [1, 3, 17])
def test_group_sums_are_the_per_column_bincounts_bit_for_bit(n, k, n_groups):
    rng = np.random.default_rng(n * 1000 + k * 10 + n_groups)
    values = rng.normal(size=(n, k)) * 10.0 ** rng.integers(-8, 9, size=(n, k))
    groups = rng.integers(0, n_groups, size=n)
    if n > 10:
        groups[groups == n_groups - 1] = 0  # an empty group (when there are several)
        values[groups == 0] = -0.0  # a group of negative zeros sums to +0.0, as bincount's
    want = _bincount_sums(values, groups, n_groups)
    for layout in (None, group_layout(groups, n_groups)):
        for form in (values, np.asfortranarray(values)):
            got = group_sums(form, groups, n_groups, layout=layout)
            assert got.shape == (n_groups, k)
            assert np.array_equal(got, want)
            assert np.array_equal(np.signbit(got), np.signbit(want))


@pytest.mark.parametrize("n_groups", [1, 4, 17])
def test_cluster_ranges_are_the_ufunc_at_minima_and_maxima(n_groups):
    rng = np.random.default_rng(n_groups)
    X = rng.integers(0, 3, size=(2_000, 6)).astype(float)
    X[:, 0] = rng.normal(size=2_000)
    groups = rng.integers(0, n_groups, size=2_000)
    if n_groups > 2:
        groups[groups == 1] = 0  # group 1 empty: +inf / -inf, as before
    lo = np.full((n_groups, 6), np.inf)
    hi = np.full((n_groups, 6), -np.inf)
    for j in range(6):
        np.minimum.at(lo[:, j], groups, X[:, j])
        np.maximum.at(hi[:, j], groups, X[:, j])
    got_lo, got_hi = _cluster_ranges(X, groups, n_groups)
    assert np.array_equal(got_lo, lo) and np.array_equal(got_hi, hi)
