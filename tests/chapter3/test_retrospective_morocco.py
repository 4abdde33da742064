"""Retrospective pairs and tests, the Morocco snapshot's disclosure control, reproduction rows."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from chapter3_fixtures import make_records
from reintegration.chapter3.morocco import morocco_snapshot
from reintegration.chapter3.retrospective import (
    binary_items_from_codebook,
    build_retrospective,
    retrospective_distributions,
    retrospective_tests,
)
from reintegration.codebook.indicators import chapter_indicators
from reintegration.stats import RowsDroppedWarning

#: the shipped codebook's Chapter III indicators (config/codebook/indicators.csv)
DEFINITIONS = chapter_indicators("chapter3")


@pytest.fixture(scope="module")
def retro(records):
    return build_retrospective(records)


def test_retrospective_cases_and_pairing(records, retro):
    pre = records[
        (records["record_type"] == "premigration") & records["country"].isin(["GIN", "SEN"])
    ]
    assert len(retro) == pre["person_key"].nunique()
    assert "person_key" not in retro.columns and list(retro["retro_id"]) == list(
        range(1, len(retro) + 1)
    )
    # "after" is the earliest dated RSS of the person
    rss = records[records["record_type"] == "rss"].sort_values("interview_date")
    first = rss.groupby("person_key").head(1).set_index("person_key")
    keys = pre.sort_values("interview_date")["person_key"]
    assert set(retro["after_round"].dropna()) == {"baseline"}
    assert sorted(retro["psy_belonging_score_after"]) == sorted(
        first.loc[keys, "psy_belonging_score"]
    )


def test_unlinked_premigration_record_is_reported():
    recs = make_records(seed=2, n={"GIN": 10, "SEN": 10})
    extra = recs[recs["record_type"] == "premigration"].iloc[[0]].assign(person_key="NOBODY")
    with pytest.warns(RowsDroppedWarning, match="1 of .* no dated post-return RSS"):
        build_retrospective(pd.concat([recs, extra], ignore_index=True))


def test_tests_per_item(repo, retro):
    binary = binary_items_from_codebook(repo / "config" / "codebook")
    assert "eco_working" in binary and "psy_belonging" not in binary
    t = retrospective_tests(retro, binary_items=binary, min_cell=5).set_index(["item", "country"])
    assert t.loc[("eco_working", "all"), "test"].startswith("McNemar")
    assert t.loc[("psy_belonging", "all"), "test"].startswith("Wilcoxon")
    for item in ("eco_working", "psy_belonging", "psy_distress"):
        row = t.loc[(item, "all")]
        assert row["mean_change"] < 0 and row["p_value"] < 0.001  # planted: worse after return
        assert row["n"] == retro[[f"{item}_score_before", f"{item}_score_after"]].dropna().shape[0]


def test_distributions_shares_and_suppression(retro):
    d = retrospective_distributions(retro, items=["psy_belonging"], min_cell=5)
    shown = d[~d["suppressed"]]
    assert (shown["count"] >= 5).all() or (shown["count"] == 0).any()
    assert d.loc[d["suppressed"], ["count", "share"]].isna().all().all()
    full = retrospective_distributions(retro, items=["psy_belonging"], min_cell=1)
    totals = full.groupby(["country", "time"])["share"].sum()
    assert np.allclose(totals, 1.0)


def test_morocco_snapshot_counts_and_indicative(records):
    out = morocco_snapshot(records, definitions=DEFINITIONS, min_cell=5)
    s = out["summary"].set_index("statistic")
    # one response per returnee (18 persons; 6 of them also answered the 2020 follow-up)
    assert s.loc["responses", "value"] == 18 and s.loc["persons", "value"] == 18
    assert s.loc["share_satisfied_economic", "value"] == 0
    ch = out["change"]
    assert (ch["change_cases"] == 6).all() and not ch["suppressed"].any()
    assert all(t["indicative"].all() for t in out.values())


def test_morocco_disclosure_control_suppresses_small_groups():
    recs = make_records(seed=4, n={"GIN": 5, "SEN": 5}, morocco_persons=10, morocco_change=4)
    out = morocco_snapshot(recs, definitions=DEFINITIONS, min_cell=5)
    ch = out["change"]
    assert (
        ch["suppressed"].all() and ch[["mean_first", "mean_last", "mean_change"]].isna().all().all()
    )
    assert (ch["n"] == 4).all()
    ans = out["answers"].set_index(["item", "answer"])
    # 10 responses; 'yes' to working for k % 4 == 0 (3 persons) -> fewer than 5: suppressed
    assert ans.loc[("eco_working", "yes"), "suppressed"] and pd.isna(
        ans.loc[("eco_working", "yes"), "share"]
    )
    # ... and 'no' (7) too, secondary: else 10 - 7 gives the 3 back (issue 17)
    assert ans.loc[("eco_working", "no"), "suppression"] == "secondary"
    assert pd.isna(ans.loc[("eco_working", "no"), "count"])
    assert ans.loc[("eco_working", "yes"), "suppression"] == "primary"
    with pytest.raises(ValueError, match="countries present"):
        morocco_snapshot(recs, definitions=DEFINITIONS, country="TUN", min_cell=5)


def _chapter3_rows(targets, records, panel, retro):
    from reintegration.chapter3 import descriptives, did, effect_sizes
    from reintegration.chapter3.panel import phone_match_report, table4
    from reintegration.chapter3.reproduction import chapter3_reproduction
    from reintegration.published import load_checks

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = morocco_snapshot(records, definitions=DEFINITIONS, min_cell=5)
        return chapter3_reproduction(
            targets,
            checks=load_checks(),
            iso={"Guinea": "GIN", "Senegal": "SEN", "Morocco": "MAR"},
            tables=dict(
                table4=table4(panel, min_cell=5),
                means=descriptives.score_means(panel, min_cell=5),
                did=did.did_table(panel),
                effect_sizes=effect_sizes.annex4_table(panel),
                regression=did.change_regression(panel, min_programme_count=5)[0],
                shares=descriptives.indicator_shares(panel, definitions=DEFINITIONS, min_cell=5),
                retrospective=retro,
                retrospective_tests=retrospective_tests(
                    retro, binary_items=["eco_working"], min_cell=5
                ),
                morocco_summary=m["summary"],
                morocco_change=m["change"],
                phone_match=phone_match_report(
                    records, countries=["GIN", "SEN", "MAR"], max_unmatched_share=None
                ),
            ),
        )


def test_reordering_findings_in_targets_changes_nothing(records, panel, retro):
    """Findings are bound by id: reversing every findings list gives the same rows."""
    import copy

    from reintegration.published import load_targets

    targets = load_targets()
    reordered = copy.deepcopy(targets)
    for section in ("panel", "retrospective", "morocco"):
        reordered[section]["findings"].reverse()
    assert reordered["panel"]["findings"] != targets["panel"]["findings"]
    a = _chapter3_rows(targets, records, panel, retro)
    b = _chapter3_rows(reordered, records, panel, retro)
    pd.testing.assert_frame_equal(a, b)


def test_reproduction_rows_cover_every_chapter3_target(records, panel, retro, repo):
    from reintegration.published import load_targets
    from reintegration.reproduction import COLUMNS

    targets = load_targets()
    table = _chapter3_rows(targets, records, panel, retro)
    assert list(table.columns) == COLUMNS
    quantities = " | ".join(table["quantity"])
    for section in ("panel", "retrospective", "morocco"):
        for finding in targets[section]["findings"]:
            assert finding["text"] in quantities, finding
    for dim in targets["panel"]["effect_sizes"]["cohen_d"]:
        assert f"Annex 4 Cohen's d {dim}" in quantities
    assert set(table["section"]) == {
        "Chapter III: panel",
        "Chapter III: indicator trends",
        "Chapter III: retrospective",
        "Chapter III: Morocco",
        "Chapter III: phone survey",
    }
    row = table.set_index("quantity").loc["returnees Guinea (Table 4)"]
    assert row["reproduced"] == (panel["country"] == "GIN").sum()
    # the fixture is calibrated for the DiD finding (planted effect), not the published levels
    did_row = table[table["quantity"].str.contains("Difference in differences")].iloc[0]
    assert bool(did_row["within_tolerance"])
    # a stated direction of an indicator trend: last-RSS share minus first-RSS share
    from reintegration.chapter3 import descriptives

    shares = descriptives.indicator_shares(panel, definitions=DEFINITIONS, min_cell=5).set_index(
        ["indicator", "country", "group", "time"]
    )["share"]
    up = (
        shares[("can_borrow", "GIN", "all", "last")] - shares[("can_borrow", "GIN", "all", "first")]
    )
    row = table.set_index("quantity").loc["Figure 26: can borrow money, Guinea"]
    assert row["section"] == "Chapter III: indicator trends"
    assert bool(row["within_tolerance"]) is bool(up > 0)
    assert f"(change {up:.3f})" in row["reproduced"]
