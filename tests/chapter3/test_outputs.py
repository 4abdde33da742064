"""The Chapter III output specification: its tables keep their names, its figures name
existing functions and inputs."""

from __future__ import annotations

import argparse
import inspect

import pytest
from reintegration.chapter3 import figures
from reintegration.chapter3.outputs import (
    CONTEXT,
    FIGURE_INPUTS,
    FIGURES,
    REPRODUCTION_INPUTS,
    RETRO,
    TABLES,
    add_table_arguments,
    check_out,
    script_arguments,
    table_arguments,
    table_paths,
)


def test_every_figure_names_a_function_its_tables_and_arguments():
    for stem, spec in FIGURES.items():
        draw = getattr(figures, spec.draw, None)
        assert callable(draw), (stem, spec.draw)
        assert set(spec.tables) <= set(FIGURE_INPUTS), stem
        assert set(spec.context) <= set(CONTEXT), stem
        params = inspect.signature(draw).parameters
        keywords = {*spec.args, *spec.context}
        assert keywords <= set(params), (stem, keywords - set(params))
        positional = [p for p in params.values() if p.kind == p.POSITIONAL_OR_KEYWORD]
        assert len(positional) >= len(spec.tables), stem


def test_script_arguments_list_every_input_once():
    args = script_arguments().split()
    assert args[0::2] == [f"--{k.replace('_', '-')}" for k in FIGURE_INPUTS]
    assert args[1] == "{input.panel:q}"


def test_tables_keep_the_published_file_names_and_exhibit_chapters():
    # the release's Chapter III tables, written out by hand: renaming or dropping one in the
    # spec fails here (a new table is one more entry and needs no edit of this list)
    published = {
        "chapter3_table4": ("chapter3_panel", "table4", "chapter3"),
        "chapter3_phone_match": ("chapter3_panel", "match", "chapter3"),
        "chapter3_means": ("chapter3_panel_tables", "means", "chapter3"),
        "chapter3_indicator_shares": ("chapter3_panel_tables", "indicator_shares", "chapter3"),
        "chapter3_balance": ("chapter3_panel_tables", "balance", "chapter3"),
        "chapter3_change_regression": ("chapter3_panel_tables", "change_regression", "chapter3"),
        "chapter3_change_regression_glance": (
            "chapter3_panel_tables",
            "change_regression_glance",
            "chapter3",
        ),
        "chapter3_did": ("chapter3_panel_tables", "did", "chapter3"),
        "chapter3_effect_sizes": ("chapter3_panel_tables", "effect_sizes", "chapter3"),
        "chapter3_did_selection_adjusted": ("chapter3_selection", "table", "chapter3"),
        "chapter3_selection_diagnostics": ("chapter3_selection", "diagnostics", "chapter3"),
        "chapter3_retrospective_tests": ("chapter3_retrospective", "tests", RETRO),
        "chapter3_retrospective_distributions": (
            "chapter3_retrospective",
            "distributions",
            RETRO,
        ),
        "chapter3_morocco_summary": ("chapter3_morocco", "summary", RETRO),
        "chapter3_morocco_answers": ("chapter3_morocco", "answers", RETRO),
        "chapter3_morocco_change": ("chapter3_morocco", "change", RETRO),
        "reproduction_chapter3": ("chapter3_reproduction", "table", "reproduction"),
    }
    spec = {stem: (t.rule, t.key, t.chapter) for stem, t in TABLES.items()}
    assert {stem: spec.get(stem) for stem in published} == published
    assert [stem for stem in spec if stem in published] == list(published)  # exhibit order
    assert TABLES["chapter3_did"].title == "Panel table: did"
    assert TABLES["chapter3_change_regression_glance"].title == (
        "Panel table: change regression glance"
    )


def test_figure_and_reproduction_inputs_name_a_declared_table():
    declared = {(t.rule, t.key) for t in TABLES.values()}
    data_files = {("chapter3_panel", "panel"), ("chapter3_retrospective", "data")}
    for inputs in (FIGURE_INPUTS, REPRODUCTION_INPUTS):
        for name, source in inputs.items():
            assert source in declared | data_files, name
    assert REPRODUCTION_INPUTS["phone_match"] == ("chapter3_panel", "match")
    assert script_arguments(REPRODUCTION_INPUTS).split()[:2] == ["--table4", "{input.table4:q}"]


def test_table_arguments_parse_back_to_the_stage_out_mapping():
    assert table_arguments("chapter3_selection") == (
        "--table {output.table:q} --diagnostics {output.diagnostics:q}"
    )
    parser = argparse.ArgumentParser()
    add_table_arguments(parser, "chapter3_panel_tables")
    args = parser.parse_args(
        ["--means", "m.csv", "--indicator-shares", "s.csv", "--balance", "b.csv"]
        + ["--change-regression", "r.csv", "--change-regression-glance", "g.csv"]
        + ["--did", "d.csv", "--effect-sizes", "e.csv"]
    )
    assert table_paths(args, "chapter3_panel_tables") == {
        "means": "m.csv",
        "indicator_shares": "s.csv",
        "balance": "b.csv",
        "change_regression": "r.csv",
        "change_regression_glance": "g.csv",
        "did": "d.csv",
        "effect_sizes": "e.csv",
    }
    with pytest.raises(SystemExit):
        parser.parse_args(["--means", "m.csv"])  # every table is required
    check_out("chapter3_morocco", {"summary": 1, "answers": 2, "change": 3})
    with pytest.raises(ValueError, match="change"):
        check_out("chapter3_morocco", {"summary": 1, "answers": 2})
