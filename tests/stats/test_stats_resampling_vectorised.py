"""The vectorised bootstrap and permutations give the loop implementations' numbers bit for bit.

The bootstrap draws were stored from the per-resample loop (``accounted_bootstrap`` fitting
``att_fit`` on each resample, commit 7f3a046) by ``make_resampling_reference.py`` (kept beside
this file); the permutation statistics are compared with the loop code kept below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from make_resampling_reference import cases
from reintegration.stats._att_batch import att_batch
from reintegration.stats.drdid import att_fit
from reintegration.stats.resampling import accounted_bootstrap, strata_cells

STORED = json.loads((Path(__file__).parent / "data" / "resampling_reference.json").read_text())
CASES = {c[0]: c for c in cases()}


def _run(name, chunk):
    _, dy, d, X, strata, method, B, seed, redraws = CASES[name]
    k_full = len(att_fit(dy, d, X, method).columns)
    return accounted_bootstrap(
        lambda idx: att_batch(dy, d, X, idx, method, k_full),
        strata_cells(d, strata),
        B=B,
        seed=seed,
        max_redraws=redraws,
        chunk=chunk,
    )


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("chunk", [1, 7, 1000])
def test_bootstrap_draws_equal_the_stored_loop_draws_bit_for_bit(name, chunk):
    ref = STORED["bootstrap"][name]
    acc = _run(name, chunk)
    assert [float(v).hex() for v in acc.draws] == ref["draws"]
    got = acc.columns()
    assert {k: got[k] for k in ref if k != "draws"} == {
        k: v for k, v in ref.items() if k != "draws"
    }


def test_the_stored_cases_exercise_reduction_redraws_and_both_failure_causes():
    b = STORED["bootstrap"]
    assert b["rare_flag_ipw"]["n_reduced"] > 0
    assert b["separation_ipw"]["n_redrawn"] > 0
    assert b["separation_noredraw_ipw"]["failures_separation"] > 0
    assert b["separation_noredraw_ipw"]["failures_singular"] > 0
