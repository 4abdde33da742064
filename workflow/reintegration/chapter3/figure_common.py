"""What the Chapter III figure modules share: group names and colours' order, the
not-estimable wrapper, notes drawn below a figure and the codebook order of answers."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Iterable, Mapping

from reintegration.estimable import figure_reason, reason_figure
from reintegration.figures.style import note_below

__all__ = ["GROUPS", "SUPPRESSED_NOTE", "TIME_LABELS", "answer_order", "note", "or_reason"]

GROUPS = ("mentored", "not mentored")
TIME_LABELS = {"first": "first RSS", "last": "last RSS"}
SUPPRESSED_NOTE = "cells of fewer than {k} returnees suppressed (not drawn)"


def or_reason(draw):
    """The figure, or, when an input table is not estimable, a figure giving the reason."""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        reason = figure_reason(*args, *kwargs.values())
        if reason is None:
            return draw(*args, **kwargs)
        title = kwargs.get("title") or (draw.__doc__ or draw.__name__).strip().splitlines()[0]
        return reason_figure(title.rstrip("."), reason)

    return wrapper


def note(fig, text: str) -> None:
    """A grey note below everything drawn (legends included), so it covers nothing."""
    note_below(fig, text)


def answer_order(
    answers: Mapping[str, str] | None, present: Iterable[str]
) -> tuple[list[str], list[str]]:
    """Answer values in scale order and their labels.

    ``answers``: the item's substantive answers in codebook (scale) order, value -> label; every
    one is kept (an answer nobody gave is still a step of the scale), then any value of the
    table the codebook does not list. Without ``answers`` the table's own order is kept and a
    warning says the scale order is unknown.
    """
    present = list(dict.fromkeys(present))
    if answers is None:
        warnings.warn("no codebook answers given: answers in the table's order", stacklevel=2)
        return present, [a.replace("_", " ") for a in present]
    order = [*answers, *(a for a in present if a not in answers)]
    return order, [answers.get(a, a.replace("_", " ")) for a in order]


def title_and_legend_below(
    fig, title: str, handles, labels, *, bottom: float, ncol: int, fontsize: float
):
    """The figure's title above the panel titles and one legend below the panels (a fixed
    anchor, so the crop on saving does not move it onto the data); ``bottom``: the share of
    the height kept free for the legend."""
    fig.suptitle(title)
    fig.tight_layout(rect=(0, bottom, 1, 1))
    fig.legend(
        handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=ncol,
        fontsize=fontsize,
    )  # fmt: skip
