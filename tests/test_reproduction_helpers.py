import math
from pathlib import Path

import pytest
import yaml
from reintegration.published import TARGETS, load_targets
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
    assert load_targets() == yaml.safe_load(shared.read_text(encoding="utf-8"))
    assert load_targets(TARGETS)["regression"]["n"] == 5546
