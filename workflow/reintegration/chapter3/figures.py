"""Chapter III figures, named after the report's figure numbers (Figures 15-31) plus the two
figures of the selection-adjusted DiD. Every function takes the chapter's tables and returns
a figure; which figure is drawn from which tables is :data:`reintegration.chapter3.outputs.FIGURES`,
and :func:`reintegration.chapter3.stage.make_figures` saves them (PNG + SVG, on ``threads``
cores). Suppressed cells (fewer than the minimum cell size) are not drawn and the figure says so.

The drawing functions live in :mod:`.figures_scores` (15-21), :mod:`.figures_answers`
(22-31) and :mod:`.figures_selection`; they are importable from here under their names.
"""

from __future__ import annotations

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
