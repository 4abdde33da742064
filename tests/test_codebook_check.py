"""The codebook check: the shipped codebook is valid and each problem class is caught."""

from __future__ import annotations

import pandas as pd
import pytest
from codebook_helpers import edit_table, line_of
from reintegration.codebook import check_codebook, load_codebook, validate_codebook
from reintegration.problems import ProblemsError


def problems_in(directory):
    return check_codebook(load_codebook(directory))


def only(problems, rule):
    return [p for p in problems if p.rule == rule]


def test_shipped_codebook_is_valid(repo):
    codebook = validate_codebook(repo / "config" / "codebook")
    items = codebook.items
    # Annex 2: indicators 1-9 economic, 10-20 social, 21-30 psychosocial.
    assert items["indicator"].tolist() == list(range(1, 31))
    assert items.groupby("dimension").size().to_dict() == {
        "economic": 9,
        "social": 11,
        "psychosocial": 10,
    }
    assert set(items.loc[items["indicator"] <= 9, "dimension"]) == {"economic"}
    assert set(items.loc[items["indicator"].between(10, 20), "dimension"]) == {"social"}
    assert set(codebook.identifiers) >= {"full_name", "phone_number", "address"}


def test_shipped_codebook_covers_study_requirements(repo):
    cb = load_codebook(repo / "config" / "codebook")
    pre = cb.variables[cb.variables["module"] == "premigration"]
    # STUDY.md §5: the pre-migration module asks at least these items.
    required_pairs = {
        "eco_satisfaction",
        "eco_food_insecurity",
        "eco_working",
        "soc_health_access",
        "soc_education_access",
        "soc_public_services_access",
        "psy_belonging",
        "psy_distress",
        "psy_support_network",
        "psy_discrimination",
    }
    assert required_pairs <= set(pre["pairs_with"])
    assert set(cb.formats["format"]) >= {"case_management", "country_office", "phone_survey"}
    # Annex 3's programme terms are the English labels of the assistance list.
    assistance = cb.choices[cb.choices["list_name"] == "assistance"]["label_en"].tolist()
    for term in [
        "Microbusiness",
        "Training",
        "Psychosocial Support",
        "Material Assistance",
        "Medical Support",
        "Financial Services",
    ]:
        assert term in assistance
    # Every scored option is one of the Annex 2 scales' points.
    scored = pd.to_numeric(cb.choices["score"], errors="coerce").dropna()
    assert set(scored) <= {0, 0.25, 0.5, 0.75, 1}


def test_missing_choice_list_is_reported_with_line(codebook_copy):
    edit_table(
        codebook_copy,
        "variables",
        lambda df: df.assign(
            list_name=df["list_name"].where(df["name"] != "eco_working", "yes_no_typo")
        ),
    )
    found = only(problems_in(codebook_copy), "list_exists")
    assert len(found) == 1
    assert found[0].source == "variables.csv"
    assert found[0].line == line_of(codebook_copy, "variables", name="eco_working")
    assert found[0].column == "list_name" and "yes_no_typo" in found[0].message


def test_scored_list_must_span_zero_to_one(codebook_copy):
    def cap_at_075(df):
        mask = (df["list_name"] == "rating5") & (df["score"] == "1")
        df.loc[mask, "score"] = "0.75"
        return df

    edit_table(codebook_copy, "choices", cap_at_075)
    found = only(problems_in(codebook_copy), "scored_list_span")
    assert len(found) == 1 and "'rating5'" in found[0].message and "0 to 0.75" in found[0].message
    assert found[0].line == line_of(codebook_copy, "choices", list_name="rating5")


def test_score_out_of_range_breaks_schema(codebook_copy):
    edit_table(
        codebook_copy,
        "choices",
        lambda df: df.assign(
            score=df["score"].where(
                ~((df["list_name"] == "freq_neg") & (df["value"] == "never")), "1.5"
            )
        ),
    )
    found = only(problems_in(codebook_copy), "schema")
    assert [(p.source, p.line, p.column) for p in found] == [
        (
            "choices.csv",
            line_of(codebook_copy, "choices", list_name="freq_neg", value="never"),
            "score",
        )
    ]


def test_option_without_score_or_nonresponse(codebook_copy):
    def blank(df):
        df.loc[(df["list_name"] == "freq_pos") & (df["value"] == "dont_know"), "nonresponse"] = ""
        return df

    edit_table(codebook_copy, "choices", blank)
    found = only(problems_in(codebook_copy), "score_or_nonresponse")
    assert len(found) == 1
    assert found[0].line == line_of(
        codebook_copy, "choices", list_name="freq_pos", value="dont_know"
    )


def test_non_positive_weight(codebook_copy):
    edit_table(
        codebook_copy,
        "weights",
        lambda df: df.assign(weight=df["weight"].where(df["component"] != "psy_distress", "0")),
    )
    found = only(problems_in(codebook_copy), "schema")
    assert len(found) == 1
    assert (found[0].source, found[0].column) == ("weights.csv", "weight")
    assert found[0].line == line_of(codebook_copy, "weights", component="psy_distress")


def test_indicator_without_weight_and_wrong_parent(codebook_copy):
    def edit(df):
        df = df[df["component"] != "soc_has_id"].copy()
        df.loc[df["component"] == "eco_working", "parent"] = "social"
        return df

    edit_table(codebook_copy, "weights", edit)
    found = only(problems_in(codebook_copy), "weight")
    messages = " | ".join(p.message for p in found)
    assert len(found) == 2
    assert "'soc_has_id' has no row in weights.csv" in messages
    assert "'eco_working' belongs to dimension 'economic', not 'social'" in messages


def test_alias_mapping_to_two_variables(codebook_copy):
    def add_conflict(df):
        extra = pd.DataFrame(
            [
                {
                    "format": "phone_survey",
                    "header": "  WORKING ",
                    "variable": "eco_productive_assets",
                    "note": "",
                }
            ]
        )
        return pd.concat([df, extra], ignore_index=True)

    edit_table(codebook_copy, "sources", add_conflict)
    found = only(problems_in(codebook_copy), "alias_conflict")
    assert len(found) == 1
    assert found[0].source == "sources.csv" and found[0].column == "header"
    assert found[0].line == len(pd.read_csv(codebook_copy / "sources.csv")) + 1
    assert "'eco_working'" in found[0].message


def test_indicator_without_dimension(codebook_copy):
    edit_table(
        codebook_copy,
        "variables",
        lambda df: df.assign(dimension=df["dimension"].where(df["name"] != "psy_belonging", "")),
    )
    found = problems_in(codebook_copy)
    dimension = only(found, "dimension")
    assert len(dimension) == 1 and dimension[0].column == "dimension"
    assert dimension[0].line == line_of(codebook_copy, "variables", name="psy_belonging")


def test_label_mapping_to_two_values(codebook_copy):
    edit_table(
        codebook_copy,
        "choices",
        lambda df: df.assign(
            variants=df["variants"].where(
                ~((df["list_name"] == "sex") & (df["value"] == "female")), "F|Homme "
            )
        ),
    )
    found = only(problems_in(codebook_copy), "label_conflict")
    assert len(found) == 1 and "'Homme'" in found[0].message and "'male'" in found[0].message


def test_unknown_column_and_bad_enum(codebook_copy):
    edit_table(codebook_copy, "formats", lambda df: df.assign(encoding="utf-8"))
    edit_table(
        codebook_copy,
        "variables",
        lambda df: df.assign(module=df["module"].where(df["name"] != "sex", "demographics")),
    )
    found = problems_in(codebook_copy)
    columns = only(found, "columns")
    assert [(p.source, p.line, p.column) for p in columns] == [("formats.csv", 1, "encoding")]
    schema = [p for p in only(found, "schema") if p.source == "variables.csv"]
    assert len(schema) == 1 and "allowed values: rss, premigration, metadata" in schema[0].message


def test_several_problems_reported_in_one_failure(codebook_copy):
    edit_table(
        codebook_copy,
        "weights",
        lambda df: df.assign(weight=df["weight"].where(df["component"] != "eco_working", "-1")),
    )
    edit_table(
        codebook_copy,
        "variables",
        lambda df: df.assign(list_name=df["list_name"].where(df["name"] != "soc_has_id", "nope")),
    )
    edit_table(
        codebook_copy,
        "sources",
        lambda df: df.assign(variable=df["variable"].where(df["header"] != "meta/age", "agee")),
    )
    with pytest.raises(ProblemsError) as info:
        validate_codebook(codebook_copy)
    text = str(info.value)
    assert "3 problem(s)" in text
    assert (
        "weights.csv, line" in text
        and "variables.csv, line" in text
        and "sources.csv, line" in text
    )
    assert {p.rule for p in info.value.problems} == {"schema", "list_exists", "source_target"}


def test_missing_table_file(codebook_copy):
    (codebook_copy / "weights.csv").unlink()
    with pytest.raises(FileNotFoundError, match=r"weights\.csv"):
        load_codebook(codebook_copy)
