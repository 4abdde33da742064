"""The scipy.special tail functions (issue 16) give scipy.stats' values bit for bit."""

import numpy as np
import pytest
from reintegration.stats import _distributions as dist
from scipy import stats

RNG = np.random.default_rng(20261202)
X = np.concatenate([RNG.normal(0, 4, 500), [0.0, 1e-300, 40.0, np.inf, -np.inf, np.nan]])
DF = np.concatenate([RNG.uniform(0.3, 500, 500), [1.0, 2.0, np.inf, 0.0, -1.0, np.nan]])
Q = np.concatenate([RNG.uniform(0, 1, 500), [0.0, 1.0, 0.975, -0.1, 1.1, np.nan]])


def _identical(ours, theirs) -> None:
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)  # NaN == NaN here; no tolerance


@pytest.mark.parametrize(
    ("ours", "theirs", "args"),
    [
        (dist.t_sf, stats.t.sf, (np.abs(X), DF)),
        (dist.t_sf, stats.t.sf, (X, DF)),
        (dist.t_ppf, stats.t.ppf, (Q, DF)),
        (dist.norm_cdf, stats.norm.cdf, (X,)),
        (dist.norm_sf, stats.norm.sf, (X,)),
        (dist.norm_pdf, stats.norm.pdf, (X,)),
        (dist.norm_ppf, stats.norm.ppf, (Q,)),
    ],
)
def test_arrays_match_scipy_stats(ours, theirs, args):
    _identical(ours(*args), theirs(*args))


@pytest.mark.parametrize("df", [1, 7.0, 4321, np.inf])
def test_scalars_are_numpy_scalars_as_scipy_stats(df):
    for ours, theirs in [(dist.t_ppf(0.975, df), stats.t.ppf(0.975, df)),
                         (dist.t_sf(2.1, df), stats.t.sf(2.1, df))]:  # fmt: skip
        assert type(ours) is type(theirs)
        assert ours == theirs
