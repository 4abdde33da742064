"""config/codebook/indicators.csv: both chapters' binary indicators, defined once and checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from reintegration.codebook.check import check_codebook
from reintegration.codebook.indicators import chapter_indicators, read_indicators
from reintegration.codebook.load import load_codebook

REPO = Path(__file__).resolve().parents[1]


def test_both_chapters_read_the_shared_definitions():
    chapter2, chapter3 = chapter_indicators("chapter2"), chapter_indicators("chapter3")
    # one row of the table serves both chapters under their names
    assert chapter2["food_reduced"][:2] == chapter3["reduced_food"][:2]
    assert chapter3["reduced_food"] == (
        "eco_food_insecurity",
        ("rarely", "sometimes", "often", "very_often"),
        "Figure 25",
    )
    assert "working" in chapter3 and "working" not in chapter2


def test_the_chapters_read_the_configured_codebook_folder(tmp_path):
    """A codebook folder of one's own (codebook.dir) changes what the chapters count."""
    from reintegration.chapter2.labels import load_labels
    from reintegration.chapter3.descriptives import indicator_shares

    directory = tmp_path / "codebook"
    shutil.copytree(REPO / "config" / "codebook", directory)
    path = directory / "indicators.csv"
    text = path.read_text(encoding="utf-8")
    # "reduced food" counted only from "often" on in this folder
    assert "rarely|sometimes|often|very_often" in text
    path.write_text(text.replace("rarely|sometimes|often|very_often", "often|very_often"), "utf-8")
    own = load_labels(directory).indicators("chapter3")
    assert own["reduced_food"][1] == ("often", "very_often")
    assert chapter_indicators("chapter3")["reduced_food"][1][0] == "rarely"  # shipped unchanged
    # hand-computed: 6 persons, answers at the first record; shipped counts 4, own counts 2
    panel = pd.DataFrame(
        {
            "country": ["GIN"] * 6,
            "mentored": [True, True, True, False, False, False],
            "eco_food_insecurity_first": [
                "never",
                "rarely",
                "sometimes",
                "often",
                "very_often",
                "never",
            ],
        }
    )
    shipped = indicator_shares(panel, definitions=chapter_indicators("chapter3"),
                               indicators=["reduced_food"], min_cell=1)  # fmt: skip
    mine = indicator_shares(panel, definitions=own, indicators=["reduced_food"], min_cell=1)

    def share(table):
        row = table[(table["country"] == "GIN") & (table["group"] == "all")]
        return float(row["share"].iloc[0])

    assert share(shipped) == 4 / 6 and share(mine) == 2 / 6


def test_a_user_adds_an_indicator_with_one_row(tmp_path):
    table = read_indicators()
    row = {c: "" for c in table.columns}
    row.update(indicator="in_debt", item="eco_debt", answers="yes", definition="has debts")
    row.update(chapter2="in_debt")
    added = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
    assert chapter_indicators("chapter2", added)["in_debt"] == ("eco_debt", ("yes",), "has debts")
    assert "in_debt" not in chapter_indicators("chapter3", added)


def test_codebook_check_lists_every_indicator_problem(tmp_path):
    directory = tmp_path / "codebook"
    shutil.copytree(REPO / "config" / "codebook", directory)
    assert check_codebook(load_codebook(directory)) == []
    path = directory / "indicators.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace("eco_borrow_ability,yes,able", "no_such_item,yes,able")
    text = text.replace("often|very_often,borrows", "often|always,borrows")
    text = text.replace(",not_able_to_stay,,", ",able_to_stay,,")
    path.write_text(text, encoding="utf-8")
    problems = [p for p in check_codebook(load_codebook(directory)) if p.source == "indicators.csv"]
    messages = " | ".join(p.message for p in problems)
    assert len(problems) == 3, messages
    assert "'no_such_item' is no variable with a choice list" in messages
    assert "'always' is not a value of eco_borrow_frequency's list" in messages
    assert "name 'able_to_stay' used twice in chapter2" in messages
