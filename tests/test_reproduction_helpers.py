import hashlib
import json
import math
from pathlib import Path

import pytest
import yaml
from reintegration.published import (
    CHECKS,
    TARGETS,
    load_checks,
    load_targets,
    validate,
    without_ids,
)
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


#: SHA-256 of the shared original's content (../shared/study/targets.yaml, parsed, as canonical
#: JSON), taken from that file, so a clone without it (CI) still checks the repository's copy.
SHARED_TARGETS_SHA256 = "680f5db9425608338870d3cc1433641b86a3f770ed75a3c63db8835d343bcbee"


def _content_sha256(value) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_published_targets_copy_matches_shared_original():
    # the repository's copy adds an id to each finding; the texts and numbers are the shared ones
    copy = without_ids(load_targets())
    assert _content_sha256(copy) == SHARED_TARGETS_SHA256
    assert load_targets(TARGETS)["regression"]["n"] == 5546
    shared = Path(__file__).resolve().parents[2] / "shared" / "study" / "targets.yaml"
    if shared.exists():  # beside the repository (the development machine): the file itself
        original = yaml.safe_load(shared.read_text(encoding="utf-8"))
        assert copy == original and _content_sha256(original) == SHARED_TARGETS_SHA256


def _quantities():
    from reintegration.chapter2.quantities import QUANTITIES as C2
    from reintegration.chapter3.quantities import QUANTITIES as C3

    return {*C2, *C3}


def test_targets_and_checks_valid_and_problems_listed_at_once():
    import copy

    targets = load_targets()
    checks = load_checks(CHECKS)
    assert validate(targets, checks, quantities=_quantities()) == []
    bad_targets = copy.deepcopy(targets)
    bad_targets["morocco"]["findings"] = [
        *targets["morocco"]["findings"],
        {"id": "mar_work", "text": "duplicate id"},
        "a finding without id",
        {"id": "mar_new", "text": "a finding nobody checks"},
    ]
    bad_targets["morocco"]["new_number"] = 7
    bad = checks.copy()
    bad.loc[0, "finding"] = "no_such_finding"
    bad.loc[1, "quantity"] = "no_such_quantity"
    bad.loc[2, "published"] = "=cross_country.no_such_key"
    bad.loc[3, "why"] = ""
    bad.loc[4, "compare"] = "roughly"
    problems = validate(bad_targets, bad, quantities=_quantities())
    expected = [
        "'mar_work' also used",
        "must be {id, text}",
        "line 2: finding 'no_such_finding'",
        "line 3: unknown quantity 'no_such_quantity'",
        "line 4: bad reference",
        "line 5: empty `why`",
        "line 6: compare 'roughly'",
        "finding 'mar_new' has no check",
        "number morocco.new_number is read by no check",
        # line 4 no longer reads returnees_total
        "number cross_country.returnees_total is read by no check",
    ]
    for text in expected:
        assert any(text in p for p in problems), (text, problems)
    assert len(problems) == len(expected), problems


def test_for_each_expands_over_the_targets_mappings():
    from reintegration.published import expand

    targets = load_targets()
    checks = load_checks(CHECKS).set_index("id", drop=False)
    assert len(expand(targets, checks.loc["c2_returnees"].to_dict())) == 17
    coefficients = [
        c
        for row in checks.to_dict("records")
        if row["quantity"] == "annex3_coefficient"
        for c in expand(targets, row)
    ]
    assert len(coefficients) == 64
    first = coefficients[0]
    assert (first["key"], first["item"]) == ("(Intercept)", [0.489145, 0.012968])


def test_comparators_hand_computed():
    from reintegration.reproduction import COMPARATORS, Value

    v = Value(0.0)
    assert COMPARATORS["within_relative"](103, 100, [0.02, 3], v) == (True, {"tol": 3})
    assert COMPARATORS["within_relative"](1000 + 21, 1000, [0.02, 3], v)[0] is False
    assert COMPARATORS["within_absolute"](0.5049, 0.5, [0.005], v)[0]
    assert COMPARATORS["in_range"]([0.09, 0.17], None, [0.09, 0.17], v)[0]
    assert not COMPARATORS["in_range"]([0.10, float("nan")], None, [0.09, 0.17], v)[0]
    assert COMPARATORS["above"]([0.41, 0.5], None, [0.4], v)[0]
    assert not COMPARATORS["below"](0.0, None, [0.0], v)[0]
    assert COMPARATORS["rank"](["GIN", "CIV"], None, ["CIV", "GIN"], v)[0]
    assert COMPARATORS["rank"](4, None, [4.0, 5.0], v)[0]
    assert not COMPARATORS["rank"]("SEN", None, ["ETH"], v)[0]
    holds, fields = COMPARATORS["within_se"](0.035, [0.0, 0.01], [2, 3], v)
    assert not holds and fields["miss"] == "; MISS (> 3 SE): 3.5 SE"
    # binomial: 0.005 + 2 sqrt(0.5 * 0.5 / 100) = 0.105
    holds, fields = COMPARATORS["binomial"](0.604, 0.5, [0.005, 2], Value(0.604, n=100))
    assert holds and fields["tol"] == pytest.approx(0.105) and fields["n"] == 100


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
        if path.name.startswith("figure"):  # figures*.py, figure_common.py: layout constants
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


def test_not_estimable_input_gives_not_computed_rows_with_the_published_side():
    import pandas as pd
    from reintegration.chapter2.quantities import QUANTITIES
    from reintegration.reproduction import evaluate

    checks = pd.DataFrame(
        [
            {
                "id": "n",
                "section": "Chapter II: figure Ns",
                "finding": "cross_country.figure_ns",
                "quantity": "figure_n",
                "where": "quantity=economic_satisfaction",
                "for_each": "",
                "published": "=cross_country.figure_ns.economic_satisfaction",
                "compare": "within_relative",
                "tolerance": "0.02",
                "why": "2% (= {tol:.0f}); answering {items}",
            }
        ]
    )
    blank = pd.DataFrame({"status": ["not estimable"], "reason": ["no returnees"]})
    table = evaluate(
        checks, quantities=QUANTITIES, tables={"figure_ns": blank}, ctx={}, targets=load_targets()
    )
    row = table.iloc[0]
    assert row["published"] == 4915 and row["reproduced"] == "not computed: no returnees"
    assert not row["within_tolerance"]
    assert row["tolerance_rule"] == "2% (= 98); answering NA"
