"""The Chapter III output specification names existing figure functions and inputs."""

from __future__ import annotations

import inspect

from reintegration.chapter3 import figures
from reintegration.chapter3.outputs import CONTEXT, FIGURE_INPUTS, FIGURES, script_arguments


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
