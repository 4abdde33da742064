import math
from pathlib import Path

import pytest
import yaml
from reintegration.published import CHECKS, TARGETS, load_targets, validate, without_ids
from reintegration.reproduction import COLUMNS, check_row, combine, numeric_row, summarise, to_table


def test_numeric_row_tolerance_and_missing():
    row = numeric_row(
        "s", "q", published=0.5, reproduced=0.53, tolerance=0.02, tolerance_rule="2 SE"
    )
    assert row["within_tolerance"] is False and math.isclose(row["difference"], 0.03)
    row = numeric_row(
        "s", "q", published=0.5, reproduced=0.49, tolerance=0.02, tolerance_rule="2 SE"
    )
    assert row["within_tolerance"] is True
    row = numeric_row(
        "s", "q", published=0.5, reproduced=float("nan"), tolerance=1, tolerance_rule="x"
    )
    assert row["within_tolerance"] is False


def test_combine_and_summarise():
    a = to_table(
        [numeric_row("II", "n", published=1, reproduced=1, tolerance=0, tolerance_rule="exact")]
    )
    b = to_table(
        [check_row("III", "sign", published="+", reproduced="-", holds=False, rule="sign")]
    )
    table = combine([a, b])
    assert list(table.columns) == COLUMNS and len(table) == 2
    summary = summarise(table).set_index("section")
    assert summary.loc["II", "within"] == 1 and summary.loc["III", "within"] == 0
    with pytest.raises(ValueError, match="lacks columns"):
        combine([a.drop(columns="difference")])


def test_published_targets_copy_matches_shared_original():
    shared = Path(__file__).resolve().parents[2] / "shared" / "study" / "targets.yaml"
    if not shared.exists():
        pytest.skip("shared/study/targets.yaml not beside the repository")
    # the repository's copy adds an id to each finding; the texts and numbers are the shared ones
    assert without_ids(load_targets()) == yaml.safe_load(shared.read_text(encoding="utf-8"))
    assert load_targets(TARGETS)["regression"]["n"] == 5546


def test_targets_and_checks_valid_and_problems_listed_at_once():
    import pandas as pd

    targets = load_targets()
    checks = pd.read_csv(CHECKS, dtype=str, keep_default_na=False)
    assert validate(targets, checks) == []
    bad_targets = {**targets, "morocco": {**targets["morocco"]}}
    bad_targets["morocco"]["findings"] = [
        *targets["morocco"]["findings"],
        {"id": "mar_work", "text": "duplicate id"},
        "a finding without id",
    ]
    bad = checks.copy()
    bad.loc[0, "finding"] = "no_such_finding"
    bad.loc[1, "value"] = "about a third"
    bad.loc[2, "why"] = ""
    problems = validate(bad_targets, bad)
    assert len(problems) == 5, problems
    assert any("'mar_work' also used" in p for p in problems)
    assert any("must be {id, text}" in p for p in problems)
    assert any("line 2" in p and "no_such_finding" in p for p in problems)
    assert any("line 3" in p and "not a number" in p for p in problems)
    assert any("line 4" in p and "why" in p for p in problems)


def _numbers(node, out):
    if isinstance(node, bool):
        return out
    if isinstance(node, int | float):
        out.add(float(node))
    elif isinstance(node, dict):
        for v in node.values():
            _numbers(v, out)
    elif isinstance(node, list):
        for v in node:
            _numbers(v, out)
    return out


#: Float literals equal to a targets.yaml number by coincidence, with the reason.
NOT_PUBLISHED = {("trends.py", 0.05): "5% quantile of years since return: the band's grid"}


def test_no_published_number_typed_in_the_chapter_packages():
    """Published numbers and the readings of the prose live in config/published/ only."""
    import ast

    published = _numbers(load_targets(), set()) - {0.0, 1.0}
    package = Path(__file__).resolve().parents[1] / "workflow" / "reintegration"
    found = []
    for path in sorted(package.glob("chapter[23]/*.py")):
        if path.name == "figures.py":  # layout constants (sizes, offsets), not numbers of the study
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, float)
                and node.value in published
                and (path.name, node.value) not in NOT_PUBLISHED
            ):
                found.append(f"{path.parent.name}/{path.name}:{node.lineno} {node.value}")
    assert found == []
