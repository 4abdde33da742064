"""Chapter III figures, named after the report's figure numbers (Figures 15-31) plus the two
figures of the selection-adjusted DiD. Every function takes the chapter's tables and returns
a figure; :func:`draw_all` saves them (PNG + SVG, on ``threads`` cores, via
:func:`reintegration.figures.jobs.draw_jobs`). Suppressed cells (fewer than the minimum cell
size) are not drawn and the figure says so.

The drawing functions live in :mod:`.figures_scores` (15-21), :mod:`.figures_answers`
(22-31) and :mod:`.figures_selection`; they are importable from here under their names.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path

import pandas as pd

from reintegration.estimable import table as not_estimable_table
from reintegration.figures.jobs import draw_jobs

from .figures_answers import (
    figure_indicator,
    figure_morocco_answers,
    figure_morocco_change,
    figure_retrospective,
)
from .figures_scores import (
    figure_boxplots,
    figure_change_regression,
    figure_country_composite,
    figure_country_dimensions,
    figure_did,
)
from .figures_selection import figure_overlap, figure_selection

__all__ = [
    "FIGURE_FILES",
    "draw_all",
    "figure_boxplots",
    "figure_change_regression",
    "figure_country_composite",
    "figure_country_dimensions",
    "figure_did",
    "figure_indicator",
    "figure_morocco_answers",
    "figure_morocco_change",
    "figure_overlap",
    "figure_retrospective",
    "figure_selection",
]

#: file stem -> (report figure, what it shows)
FIGURE_FILES = {
    "figure_15_composite_guinea": ("Figure 15", "composite first/last RSS, Guinea"),
    "figure_16_composite_senegal": ("Figure 16", "composite first/last RSS, Senegal"),
    "figure_17_dimensions_guinea": ("Figure 17", "dimension means over time, Guinea"),
    "figure_18_dimensions_senegal": ("Figure 18", "dimension means over time, Senegal"),
    "figure_19_boxplots": ("Figure 19", "box plots first/last by group"),
    "figure_20_change_regression": ("Figure 20", "regression of the change"),
    "figure_21_did": ("Figure 21", "difference in differences"),
    "figure_22_belonging_before_after": ("Figure 22", "belonging before/after"),
    "figure_23_distress_before_after": ("Figure 23", "distress before/after"),
    "figure_24_working": ("Figure 24", "currently working"),
    "figure_25_reduced_food": ("Figure 25", "reduced food"),
    "figure_26_borrowing": ("Figure 26", "ability to borrow, frequent borrowing"),
    "figure_27_social_activities": ("Figure 27", "social activities"),
    "figure_28_remigration": ("Figure 28", "wish or need to re-migrate"),
    "figure_29_morocco_change": ("Figure 29", "Morocco indicative change"),
    "figure_30_morocco_work": ("Figure 30", "Morocco work / no work"),
    "figure_31_morocco_satisfaction": ("Figure 31", "Morocco economic satisfaction"),
    "figure_did_selection_adjusted": ("beyond the study", "plain vs IPW vs DR DiD"),
    "figure_selection_overlap": ("beyond the study", "propensity-score overlap by group"),
}

#: Figures 22/23: file stem -> (item, title).
RETROSPECTIVE_FIGURES = {
    "figure_22_belonging_before_after": (
        "psy_belonging",
        "Do you feel part of the community where you live? Before migration vs after return",
    ),
    "figure_23_distress_before_after": (
        "psy_distress",
        "How often do you feel psychosocial distress? Before migration vs after return",
    ),
}
#: Figures 24-28: file stem -> (indicators, title).
INDICATOR_FIGURES = {
    "figure_24_working": ("working", "Do you currently work?"),
    "figure_25_reduced_food": (
        "reduced_food",
        "Reduced food quantity or quality in the last month",
    ),
    "figure_26_borrowing": (
        ["can_borrow", "frequent_borrowing"],
        "Ability to borrow money, and frequent borrowing",
    ),
    "figure_27_social_activities": (
        "social_activities",
        "Invited to social activities often or very often",
    ),
    "figure_28_remigration": ("wish_to_remigrate", "Wish or need to migrate again"),
}


def _not_given(diagnostics):
    if diagnostics is not None:
        return diagnostics
    return not_estimable_table("selection diagnostics not given to the figure job")


def draw_all(
    *,
    out_dir: str | Path,
    panel: pd.DataFrame,
    means: pd.DataFrame,
    shares: pd.DataFrame,
    regression: pd.DataFrame,
    did: pd.DataFrame,
    selection: pd.DataFrame,
    distributions: pd.DataFrame,
    morocco_change: pd.DataFrame,
    morocco_answers: pd.DataFrame,
    min_cell: int,
    data_source: str,
    country_names: Mapping[str, str],
    diagnostics: pd.DataFrame | None = None,
    scales: Mapping[str, Mapping[str, str]] | None = None,
    threads: int = 1,
) -> list[Path]:
    """Draw and save every Chapter III figure as ``out_dir/<stem>.png`` (+ .svg).

    ``diagnostics``: tables/chapter3_selection_diagnostics.csv (the overlap figure);
    ``scales``: item -> its answers in scale order (codebook value -> label), for Figures 22,
    23, 30 and 31; ``threads``: processes drawing (the files do not depend on it).
    """
    names = {**country_names, "all": "both countries"}
    scales = scales or {}
    c = {"min_cell": min_cell, "names": names}
    figs = {
        "figure_15_composite_guinea": partial(figure_country_composite, means, country="GIN", **c),
        "figure_16_composite_senegal": partial(figure_country_composite, means, country="SEN", **c),
        "figure_17_dimensions_guinea": partial(
            figure_country_dimensions, means, country="GIN", **c
        ),
        "figure_18_dimensions_senegal": partial(
            figure_country_dimensions, means, country="SEN", **c
        ),
        "figure_19_boxplots": partial(figure_boxplots, panel, names=names),
        "figure_20_change_regression": partial(figure_change_regression, regression),
        "figure_21_did": partial(figure_did, panel, did),
        **{
            stem: partial(
                figure_retrospective,
                distributions,
                item=item,
                title=title,
                scale=scales.get(item),
                **c,
            )
            for stem, (item, title) in RETROSPECTIVE_FIGURES.items()
        },
        **{
            stem: partial(figure_indicator, shares, indicators=ind, title=title, **c)
            for stem, (ind, title) in INDICATOR_FIGURES.items()
        },
        "figure_29_morocco_change": partial(figure_morocco_change, morocco_change),
        "figure_30_morocco_work": partial(
            figure_morocco_answers,
            morocco_answers,
            item="eco_working",
            title="Morocco: do you currently work?",
            scale=scales.get("eco_working"),
        ),
        "figure_31_morocco_satisfaction": partial(
            figure_morocco_answers,
            morocco_answers,
            item="eco_satisfaction",
            title="Morocco: satisfaction with economic situation",
            scale=scales.get("eco_satisfaction"),
        ),
        "figure_did_selection_adjusted": partial(figure_selection, selection),
        "figure_selection_overlap": partial(
            figure_overlap, _not_given(diagnostics), min_cell=min_cell
        ),
    }
    return draw_jobs(list(figs.items()), out_dir=out_dir, data_source=data_source, threads=threads)
