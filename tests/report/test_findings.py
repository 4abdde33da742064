"""Key findings are computed from the release's tables: change a value, the sentence changes."""

from __future__ import annotations

import pandas as pd
from reintegration.report import findings


def _write(folder, name, rows):
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(folder / name, index=False)


def _country_means(tables, mali=0.754):
    rows = [
        {"outcome": "composite", "country": c, "country_label": label, "mean": m, "tier": t}
        for c, label, m, t in [
            ("MLI", "Mali", mali, "A"),
            ("GIN", "Guinea", 0.65, "B"),
            ("BGD", "Bangladesh", 0.501, "C"),
        ]
    ]
    rows.append(
        {
            "outcome": "economic",
            "country": "BGD",
            "country_label": "Bangladesh",
            "mean": 0.9,
            "tier": "",
        }
    )
    _write(tables, "chapter2_country_means.csv", rows)


def test_tiers_sentence_follows_the_table(tmp_path):
    _country_means(tmp_path)
    first = findings.tiers(tmp_path)
    assert first == (
        "Of 3 countries, 1 in tier A, 1 in tier B, 1 in tier C. The highest composite score is "
        "Mali's (0.754), the lowest Bangladesh's (0.501), on a 0-1 scale."
    )
    _country_means(tmp_path, mali=0.4)  # Mali now lowest; Guinea highest
    second = findings.tiers(tmp_path)
    assert "highest composite score is Guinea's (0.650)" in second
    assert "the lowest Mali's (0.400)" in second


def _did(tables, plain_p, ipw=None, ipw_p=None, ri=0.011):
    _write(
        tables,
        "chapter3_did.csv",
        [{"scope": "pooled", "dimension": "composite", "form": "2x2", "term": "mentored:post",
          "estimate": 0.061, "p_value": plain_p}],
    )  # fmt: skip
    rows = [{"dimension": "composite", "method": "plain", "estimate": 0.061, "p_value": plain_p,
             "ri_p_value": ri, "inference": "HC1 t"}]  # fmt: skip
    if ipw is None:
        rows.append({"dimension": "composite", "method": "ipw", "estimate": None, "p_value": None,
                     "ri_p_value": ri, "inference": "not estimable: propensity model failed"})  # fmt: skip
    else:
        rows.append({"dimension": "composite", "method": "ipw", "estimate": ipw, "p_value": ipw_p,
                     "ri_p_value": ri, "inference": "HC1 t"})  # fmt: skip
    _write(tables, "chapter3_did_selection_adjusted.csv", rows)


def test_mentoring_states_all_estimates_and_an_honest_verdict(tmp_path):
    _did(tmp_path, plain_p=0.004, ipw=0.034, ipw_p=0.18)
    text = findings.mentoring(tmp_path)
    assert "plain difference-in-differences +0.061 (p = 0.004)" in text
    assert "inverse probability weighted +0.034 (p = 0.180)" in text
    assert "randomisation inference p = 0.011" in text
    assert "does not survive adjustment" in text
    _did(tmp_path, plain_p=0.004, ipw=0.05, ipw_p=0.0004)  # adjusted now significant too
    text = findings.mentoring(tmp_path)
    assert "(p < 0.001)" in text and "All estimates point the same way" in text


def test_not_estimable_tables_say_so_with_the_reason(tmp_path):
    _did(tmp_path, plain_p=0.3)
    text = findings.mentoring(tmp_path)
    assert "inverse probability weighted not estimable (propensity model failed)" in text
    _write(
        tmp_path,
        "chapter3_effect_sizes.csv",
        [{"scope": "pooled", "dimension": "composite", "type": "hedges_g", "estimate": None,
          "status": "not estimable", "reason": "fewer than 2 mentored returnees (1); panel.min_group"}],
    )  # fmt: skip
    assert findings.effect_size(tmp_path) == (
        "The effect size on the composite is not estimable: fewer than 2 mentored returnees (1); "
        "panel.min_group."
    )


def test_missing_tables_leave_findings_out_and_the_block_says_so(tmp_path):
    assert findings.findings(tmp_path, findings.INDEX_FINDINGS) == []
    block = findings.findings_html([])
    assert "Key findings" in block and "No findings can be stated" in block
    _write(
        tmp_path,
        "reproduction.csv",
        [{"section": "Chapter II: tiers", "within_tolerance": True},
         {"section": "Chapter II: tiers", "within_tolerance": False},
         {"section": "panel", "within_tolerance": True}],
    )  # fmt: skip
    assert findings.findings(tmp_path, findings.INDEX_FINDINGS) == [
        "2 of 3 published numbers (67%) are reproduced within their tolerance."
    ]
    assert findings.reproduction(tmp_path, "Chapter II", "Chapter II").startswith(
        "1 of 2 published numbers for Chapter II (50%)"
    )
    assert "&lt;b&gt;" in findings.findings_html(["<b>x</b>"])  # escaped


def test_a_table_without_an_expected_column_is_named_not_fatal(tmp_path):
    _write(tmp_path, "chapter3_did.csv", [{"dimension": "composite", "estimate": 0.08}])
    sentences = findings.findings(tmp_path, [findings.mentoring])
    assert sentences == [
        "A finding (mentoring) cannot be stated: its table lacks the column 'p_value'."
    ]


def test_release_comparison_is_stated_in_words(tmp_path):
    _write(
        tmp_path,
        "release_comparison.csv",
        [{"section": "country means", "quantity": "a", "previous": 0.5, "current": 0.6, "difference": 0.1},
         {"section": "country means", "quantity": "b", "previous": 0.5, "current": 0.5, "difference": 0.0},
         {"section": "country means", "quantity": "c", "previous": None, "current": 0.7, "difference": None}],
    )  # fmt: skip
    assert findings.comparison(tmp_path) == (
        "Since the previous release: country means: 1 of 3 changed (largest by 0.100), "
        "1 in one release only."
    )
