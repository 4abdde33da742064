"""Chapter III answer figures: Figures 22-28 (the retrospective before/after comparison and the
indicator trends) and Figures 29-31 (the Morocco snapshot). Ordinal answers are drawn in
their scale order (the codebook's), never alphabetically."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from reintegration.figures.style import GROUP_COLOURS, OKABE_ITO, REPORT_WIDTH

from .figure_common import (
    GROUPS,
    SUPPRESSED_NOTE,
    TIME_LABELS,
    answer_order,
    note,
    or_reason,
    title_and_legend_below,
)

__all__ = [
    "figure_indicator",
    "figure_morocco_answers",
    "figure_morocco_change",
    "figure_retrospective",
]


def _stacked_row(ax, y: int, g: pd.DataFrame, order, colours) -> None:
    left = 0.0
    for a, c in zip(order, colours, strict=True):
        s = g.loc[a, "share"]
        if pd.notna(s) and s > 0:
            ax.barh(y, s, left=left, color=c)
            if s > 0.06:
                r, g_, b = c[:3]
                ink = "white" if 0.299 * r + 0.587 * g_ + 0.114 * b < 0.5 else "black"
                ax.text(
                    left + s / 2, y, f"{s:.0%}", ha="center", va="center", fontsize=7, color=ink
                )
            left += s


@or_reason
def figure_retrospective(
    dist: pd.DataFrame,
    *,
    item: str,
    title: str,
    min_cell: int,
    names: Mapping[str, str],
    scale: Mapping[str, str] | None = None,
):
    """Figures 22/23: answer distribution before migration vs first RSS after return, per
    country (stacked shares), answers in ``scale`` order (codebook value -> label, best first)."""
    sub = dist[(dist["item"] == item) & (dist["country"] != "all")]
    countries = sorted(sub["country"].unique())
    order, answer_labels = answer_order(scale, sub["answer"])
    # best answer blue, worst red (both scales list the best answer first)
    colours = plt.get_cmap("RdYlBu")(np.linspace(0.95, 0.05, len(order)))
    fig, ax = plt.subplots(figsize=(REPORT_WIDTH, 0.6 * 2 * len(countries) + 1.4))
    labels = []
    for country in countries:
        for time in ("before", "after"):
            g = (
                sub[(sub["country"] == country) & (sub["time"] == time)]
                .set_index("answer")
                .reindex(order)
            )
            _stacked_row(ax, len(labels), g, order, colours)
            n = int(g["n"].max()) if g["n"].notna().any() else 0
            when = "before migration" if time == "before" else "after return"
            labels.append(f"{names.get(country, country)}: {when} (n = {n})")
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of cases")
    ax.set_title(title)
    # every answer of the scale in the legend, whichever rows it is drawn in
    handles = [Patch(color=c, label=lab) for lab, c in zip(answer_labels, colours, strict=True)]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncol=len(order),
        fontsize=8,
    )
    if sub["suppressed"].any():
        note(fig, SUPPRESSED_NOTE.format(k=min_cell) + "; bars then sum to less than 100%")
    return fig


def _indicator_panel(ax, sub: pd.DataFrame, ind: str, country: str) -> None:
    for k, group in enumerate(GROUPS):
        g = (
            sub[(sub["indicator"] == ind) & (sub["country"] == country) & (sub["group"] == group)]
            .set_index("time")
            .reindex(["first", "last"])
        )
        xs = np.arange(2) + (k - 0.5) * 0.38
        ax.bar(xs, g["share"], width=0.36, color=GROUP_COLOURS[group], label=f"{group}")
        for xi, s, n in zip(xs, g["share"], g["n"], strict=True):
            if pd.notna(s):
                ax.text(xi, s + 0.02, f"{s:.0%}\nn={int(n)}", ha="center", fontsize=7)
    ax.set_xticks([0, 1], [TIME_LABELS["first"], TIME_LABELS["last"]])
    ax.set_ylim(0, 1.15)


@or_reason
def figure_indicator(
    shares: pd.DataFrame, *, indicators, title: str, min_cell: int, names: Mapping[str, str]
):
    """Figures 24-28: share with an indicator at first and last RSS, by group, per country."""
    indicators = [indicators] if isinstance(indicators, str) else list(indicators)
    sub = shares[
        shares["indicator"].isin(indicators)
        & shares["group"].isin(GROUPS)
        & (shares["country"] != "all")
    ]
    countries = sorted(sub["country"].unique())
    fig, axes = plt.subplots(
        len(indicators),
        len(countries),
        figsize=(REPORT_WIDTH, 2.9 * len(indicators)),
        sharey=True,
        squeeze=False,
    )
    for i, ind in enumerate(indicators):
        for j, country in enumerate(countries):
            _indicator_panel(axes[i, j], sub, ind, country)
            axes[i, j].set_title(f"{names.get(country, country)}: {ind.replace('_', ' ')}")
            if j == 0:
                axes[i, j].set_ylabel("share")
    # one legend for the figure, below the panels, so it never covers a bar label
    handles, labels = axes[0, 0].get_legend_handles_labels()
    title_and_legend_below(fig, title, handles, labels, bottom=0.07, ncol=len(GROUPS), fontsize=8)
    if sub["suppressed"].any():
        note(fig, SUPPRESSED_NOTE.format(k=min_cell))
    return fig


@or_reason
def figure_morocco_change(change: pd.DataFrame):
    """Figure 29: indicative mean scores at first and last survey in Morocco."""
    fig, ax = plt.subplots(figsize=(REPORT_WIDTH * 0.6, 3.4))
    x = np.arange(len(change))
    ax.bar(
        x - 0.19,
        change["mean_first"],
        width=0.36,
        color=OKABE_ITO["sky_blue"],
        label="first survey",
    )
    ax.bar(x + 0.19, change["mean_last"], width=0.36, color=OKABE_ITO["blue"], label="last survey")
    ax.set_xticks(x, change["dimension"])
    ax.set_ylim(0, 1)
    n = int(change["n"].max()) if len(change) else 0
    ax.set_title(f"Morocco: INDICATIVE change in mean scores (n = {n} persons)")
    ax.legend(loc="upper left")
    text = "indicative only: very few persons with two dated surveys"
    if change["suppressed"].any():
        text += "; suppressed cells (fewer than the minimum cell size) not drawn"
    note(fig, text)
    return fig


@or_reason
def figure_morocco_answers(
    answers: pd.DataFrame, *, item: str, title: str, scale: Mapping[str, str] | None = None
):
    """Figures 30/31: answer shares in Morocco, every answer of the scale in its order
    (``scale``: codebook value -> label); a suppressed answer is named, not drawn."""
    sub = answers[answers["item"] == item].set_index("answer")
    order, answer_labels = answer_order(scale, sub.index)
    sub = sub.reindex(order)
    fig, ax = plt.subplots(figsize=(REPORT_WIDTH * (0.5 if len(order) <= 3 else 0.8), 3.2))
    x = np.arange(len(order))
    ax.bar(x, sub["share"].fillna(0), color=OKABE_ITO["blue"])
    for i, a in enumerate(order):
        s, c = sub.loc[a, "share"], sub.loc[a, "count"]
        if pd.notna(s):
            text = f"{s:.0%} ({int(c)})"
        elif a in set(answers.loc[answers["item"] == item, "answer"]):
            text = "suppressed"
        else:
            text = "0"  # on the scale, given by nobody
        ax.text(i, (s if pd.notna(s) else 0) + 0.02, text, ha="center", fontsize=8)
    ax.set_xticks(x, answer_labels, rotation=20 if len(order) > 3 else 0, ha="right")
    if len(order) <= 3:
        ax.set_xticks(x, answer_labels)
    # n itself is blanked when fewer than the minimum cell size answered (issue 17)
    n = str(int(sub["n"].max())) if sub["n"].notna().any() else "suppressed"
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("share of responses")
    ax.set_title(f"{title} (n = {n})")
    if sub["suppressed"].fillna(False).astype(bool).any():
        note(fig, "answers given by fewer than the minimum cell size suppressed (not drawn)")
    return fig
