"""The Chapter III figure job: read the chapter's tables and the codebook, draw every figure
of :func:`~.figures.draw_all` on ``threads`` cores."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["SCALE_ITEMS", "make_figures", "scales_from_codebook"]

#: Items whose answers the figures draw in their scale order (Figures 22, 23, 30, 31).
SCALE_ITEMS = ("psy_belonging", "psy_distress", "eco_working", "eco_satisfaction")


def scales_from_codebook(codebook: str | Path, items=SCALE_ITEMS) -> dict[str, dict[str, str]]:
    """item -> its substantive answers in codebook (scale) order, value -> English label."""
    from reintegration.chapter2.labels import load_labels

    labels = load_labels(codebook)
    return {i: {a: labels.answer(i, a) for a in labels.answers(i)} for i in items}


def make_figures(
    *,
    inputs: dict[str, str | Path],
    codebook: str | Path,
    out_dir: str | Path,
    min_cell: int,
    data_source: str,
    threads: int = 1,
) -> list[Path]:
    """Every Chapter III figure from the tables named in ``inputs`` (keys as the rule's
    inputs; ``selection_diagnostics`` optional)."""
    from reintegration.chapter2.labels import load_labels
    from reintegration.chapter3.figures import draw_all

    def csv(name):
        return pd.read_csv(inputs[name])

    diagnostics = inputs.get("selection_diagnostics")
    return draw_all(
        out_dir=out_dir,
        panel=pd.read_parquet(inputs["panel"]),
        means=csv("means"),
        shares=csv("indicator_shares"),
        regression=csv("change_regression"),
        did=csv("did"),
        selection=csv("did_selection_adjusted"),
        distributions=csv("retrospective_distributions"),
        morocco_change=csv("morocco_change"),
        morocco_answers=csv("morocco_answers"),
        min_cell=min_cell,
        data_source=data_source,
        country_names=dict(load_labels(codebook).choices["countries"]),
        diagnostics=None if diagnostics is None else pd.read_csv(diagnostics),
        scales=scales_from_codebook(codebook),
        threads=threads,
    )
