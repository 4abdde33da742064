"""Selection-adjusted DiD: bootstrap accounting in the table, not-estimable rows, diagnostics."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from reintegration.chapter3.selection import ACCOUNT_COLUMNS, selection_adjusted_did
from reintegration.chapter3.selection_diagnostics import selection_diagnostics


def _rare_flag_panel(panel):
    """A programme flag held by 4 mentees and a single control, all in Guinea: a resample that
    misses that control has the flag constant among the controls (it would separate the
    propensity model), so it must be fitted with the flag dropped, not lost."""
    q = panel.copy()
    gin = q["country"] == "GIN"
    treated = q.index[q["mentored"].astype(bool) & gin]
    control = q.index[~q["mentored"].astype(bool) & gin]
    q["assist_training"] = False
    q.loc[[*treated[:4], control[0]], "assist_training"] = True
    return q, len(control), len(treated)


def test_resamples_that_would_fail_are_reduced_and_counted(panel):
    q, n0, n1 = _rare_flag_panel(panel)
    B = 200
    table = selection_adjusted_did(
        q, dimensions=["composite"], methods=["ipw", "dr"], ipw_B=B, ri_B=19, min_programme_count=5
    ).set_index("method")
    assert "assist_training" in table.loc["ipw", "covariates"]
    for m in ("ipw", "dr"):
        row = table.loc[m]
        assert row["B_requested"] == B and row["B_used"] == B
        assert row["status"] == "ok" and row["reason"] == ""
        assert sum(row[c] for c in ACCOUNT_COLUMNS if c.startswith("failures_")) == 0
        # P(the one control holder is not drawn among the n0 Guinean control draws), plus the
        # (small) chance that none of the 4 treated holders is drawn among the n1 draws
        p = 1 - (1 - (1 - 1 / n0) ** n0) * (1 - (1 - 4 / n1) ** n1)
        sd = np.sqrt(B * p * (1 - p))
        assert abs(row["n_reduced"] - B * p) < 4 * sd
        assert row["n_redrawn"] >= 0
        assert f"B = {B} of {B}" in row["inference"]
        assert row["std_error"] == row["std_error_bootstrap"] > 0
        assert 0.5 < row["std_error_bootstrap"] / row["std_error_analytic"] < 2.0
    # the plain row carries the accounting of the randomisation inference
    assert table.loc["plain", "B_requested"] == 19 == table.loc["plain", "B_used"]


def test_propensity_model_that_cannot_be_fitted_gives_a_not_estimable_row(panel):
    r = panel.copy()
    base = r["score_composite_first"].astype(float)
    r["mentored"] = base < base.median()  # the baseline separates mentees perfectly
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = selection_adjusted_did(
            r, dimensions=["composite"], methods=["ipw"], ipw_B=20, ri_B=19, min_programme_count=5
        ).set_index("method")
    assert any("not estimable" in str(w.message) for w in caught)
    row = table.loc["ipw"]
    assert row["status"] == "not estimable" and "propensity" in row["reason"]
    assert np.isnan(row["estimate"]) and row["B_requested"] == 20 and row["B_used"] == 0
    assert table.loc["plain", "status"] == "ok" and np.isfinite(table.loc["plain", "estimate"])


def test_diagnostics_long_table(panel):
    diag = selection_diagnostics(panel, dimensions=["composite"], min_programme_count=5, min_cell=5)
    assert list(diag.columns[:2]) == ["table", "dimension"]
    assert set(diag["table"]) == {"overlap", "balance", "ess", "estimators", "trimming"}
    overlap = diag[diag["table"] == "overlap"]
    count = overlap["count"].dropna()
    assert ((count == 0) | (count >= 5)).all()  # bins of 1-4 persons are suppressed
    assert overlap["suppressed"].astype(bool).sum() == overlap["count"].isna().sum()
    # never exactly one hidden bin in a group: the group total would give it back
    hidden = overlap.groupby("group")["count"].apply(lambda c: int(c.isna().sum()))
    assert (hidden != 1).all(), hidden
    for _group, part in overlap.groupby("group"):  # bins of a group sum to its n
        assert part["n"].nunique() == 1
        if part["count"].notna().all():
            assert part["count"].sum() == part["n"].iloc[0]
    ess = diag[diag["table"] == "ess"].set_index("group")
    n_treated = int(panel["mentored"].astype(bool).sum())
    assert ess.loc["treated", "ess"] == pytest.approx(n_treated)  # unit weights: ESS = n
    assert ess.loc["control", "ess"] <= ess.loc["control", "n"]
    est = diag[diag["table"] == "estimators"].set_index("method")
    assert set(est.index) == {"ra", "ipw", "dr"}


def test_diagnostics_of_a_separated_propensity_model_say_why(panel):
    r = panel.copy()
    base = r["score_composite_first"].astype(float)
    r["mentored"] = base < base.median()
    with pytest.warns(RuntimeWarning, match="cannot be fitted"):
        diag = selection_diagnostics(r, dimensions=["composite"], min_programme_count=5, min_cell=5)
    assert diag[["table", "status"]].values.tolist() == [["all", "not estimable"]]
    assert "propensity" in diag["reason"].iloc[0]
