"""did_ipw_joint: several outcomes and methods in one bootstrap pass, each row that of did_ipw.

``did_ipw`` of one frame and one method bootstraps on its own (accounted_bootstrap, whose draws
tests/stats/test_stats_resampling_vectorised.py checks against the per-resample loop), so these
tests compare the shared pass with it, bit for bit, including series whose resamples fail.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from reintegration.stats import did_ipw
from reintegration.stats.drdid_joint import did_ipw_joint
from scipy.special import expit

KEYS = dict(unit="unit", treated="d", post="post", outcome="y")


def _frames(n=240, seed=3, outcomes=4):
    """Long two-period frames of the same units, one per outcome (as the chapter's dimensions)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    d = (rng.random(n) < expit(-0.2 + 0.7 * x)).astype(int)
    flag = np.zeros(n)  # held by 3 treated and 3 controls: many resamples lose it (reduced)
    flag[np.flatnonzero(d == 1)[:3]] = flag[np.flatnonzero(d == 0)[:3]] = 1.0
    wide = pd.DataFrame({"unit": np.arange(n), "d": d, "x": x, "flag": flag})
    wide["country"] = np.where(np.arange(n) % 3 == 0, "GIN", "SEN")
    frames = []
    for k in range(outcomes):
        dy = 0.2 * k * d + (0.3 + 0.1 * k) * x + rng.normal(size=n)
        frames.append(
            pd.concat([wide.assign(post=0, y=0.0), wide.assign(post=1, y=dy)], ignore_index=True)
        )
    return frames


def _separate(frames, methods, **kw):
    rows = [did_ipw(f, method=m, **kw) for f in frames for m in methods]
    return pd.concat(rows, ignore_index=True)


@pytest.mark.parametrize("workers", [1, 2])
def test_rows_equal_separate_did_ipw_calls_bit_for_bit(workers):
    frames = _frames()
    kw = dict(**KEYS, covariates=["x", "flag", "country"], seed=11, B=60, strata="country")
    kw["categorical"] = {"country": "SEN"}
    methods = ["ipw", "dr", "ra"]
    joint = did_ipw_joint(frames, methods=methods, workers=workers, **kw)
    pd.testing.assert_frame_equal(joint, _separate(frames, methods, **kw), check_exact=True)
    assert list(joint["method"]) == methods * len(frames)
    # the shared kept-column masks were exercised (ra keeps the flag: it is never aliased)
    assert (joint.loc[joint["method"] != "ra", "n_reduced"] > 0).all()
    assert (joint["status"] == "ok").all() and joint["std_error"].notna().all()


def test_a_series_whose_resamples_fail_is_bootstrapped_on_its_own():
    frames = _frames(outcomes=3)
    # one huge change in the second outcome: a resample drawing that unit often enough
    # overflows its mean (a non-finite ATT), a failure of that series only, so it is redrawn
    # and its later resamples differ from the other series'
    dy = frames[1]["y"].to_numpy().copy()
    post = frames[1]["post"].to_numpy() == 1
    dy[np.flatnonzero(post)[5]] = 1.5e308
    frames[1] = frames[1].assign(y=dy)
    kw = dict(**KEYS, covariates=["x"], seed=4, B=40, max_failure_share=0.9)
    methods = ["ipw", "dr"]
    with np.errstate(all="ignore"):
        joint = did_ipw_joint(frames, methods=methods, **kw)
        separate = _separate(frames, methods, **kw)
    pd.testing.assert_frame_equal(joint, separate, check_exact=True)
    failing = joint.iloc[2:4]
    assert (failing["n_redrawn"] + failing["failures_nonfinite"] > 0).all()
    assert (joint.drop(index=[2, 3])["n_redrawn"] == 0).all()


def test_frames_of_different_units_do_not_share_resamples():
    frames = _frames(outcomes=3)
    frames[2] = frames[2].loc[frames[2]["unit"] != 7].reset_index(drop=True)
    kw = dict(**KEYS, covariates=["x"], seed=9, B=30)
    joint = did_ipw_joint(frames, methods=["dr"], **kw)
    pd.testing.assert_frame_equal(joint, _separate(frames, ["dr"], **kw), check_exact=True)
    assert joint["n_units"].tolist() == [240, 240, 239]


def test_unknown_method_lists_the_allowed_ones():
    with pytest.raises(ValueError, match=r"`method` must be one of \['ra', 'ipw', 'dr'\]"):
        did_ipw_joint(
            _frames(outcomes=1), methods=["ipw", "iptw"], covariates=["x"], seed=1, **KEYS
        )
    with pytest.raises(ValueError, match="at least one"):
        did_ipw_joint(_frames(outcomes=1), methods=[], covariates=["x"], seed=1, **KEYS)
