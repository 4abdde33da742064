"""Figures of the selection-adjusted DiD ("beyond the study"): plain vs IPW vs doubly robust
estimates, and the overlap of the propensity scores of the mentored and the others."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from reintegration.chapter3.panel import DIMENSIONS
from reintegration.figures.style import GROUP_COLOURS, OKABE_ITO, REPORT_WIDTH

from .figure_common import note, or_reason

__all__ = ["figure_overlap", "figure_selection"]

METHOD_LABELS = {"plain": "plain DiD", "ipw": "IPW DiD", "dr": "doubly robust DiD"}


@or_reason
def figure_selection(table: pd.DataFrame):
    """Plain vs selection-adjusted DiD (95% CIs) per dimension, randomisation p annotated."""
    methods = list(dict.fromkeys(table["method"]))
    colours = [OKABE_ITO["black"], OKABE_ITO["vermillion"], OKABE_ITO["green"]]
    fig, ax = plt.subplots(figsize=(REPORT_WIDTH * 0.75, 3.8))
    dims = list(dict.fromkeys(table["dimension"]))
    for i, dim in enumerate(dims):
        for k, m in enumerate(methods):
            r = table[(table["dimension"] == dim) & (table["method"] == m)].iloc[0]
            yi = i + (k - (len(methods) - 1) / 2) * 0.22
            ax.plot([r["conf_low"], r["conf_high"]], [yi, yi], color=colours[k % 3])
            ax.plot(
                [r["estimate"]],
                [yi],
                "o",
                color=colours[k % 3],
                label=METHOD_LABELS.get(m, m) if i == 0 else None,
            )
        ri = table[(table["dimension"] == dim)].iloc[0]
        ax.text(
            1.01,
            i,
            f"RI p = {ri['ri_p_value']:.3g}",
            transform=ax.get_yaxis_transform(),
            va="center",
            fontsize=8,
        )
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(range(len(dims)), dims)
    ax.invert_yaxis()
    ax.set_xlabel("DiD estimate (change in score, 95% CI)")
    ax.set_title("DiD: plain vs selection-adjusted")
    # below the axes (under the x label), never over the composite's intervals
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=len(methods), fontsize=8)
    B = int(table.loc[table["method"] == "plain", "B_requested"].iloc[0])
    note(fig, f"RI p: randomisation inference, mentoring permuted within country (B = {B})")
    return fig


def _overlap_panel(ax, sub: pd.DataFrame, min_cell: int) -> bool:
    """Treated up, control down (mirrored histogram of published counts); True if a bin is
    suppressed."""
    any_suppressed = False
    for group, sign, colour in (
        ("treated", 1, GROUP_COLOURS["mentored"]),
        ("control", -1, GROUP_COLOURS["not mentored"]),
    ):
        g = sub[sub["group"] == group]
        lo, hi = g["p_low"].to_numpy(float), g["p_high"].to_numpy(float)
        n = pd.to_numeric(g["count"], errors="coerce").to_numpy(float)
        supp = g["suppressed"].astype(str).str.lower().eq("true").to_numpy()
        ax.bar(
            lo,
            sign * np.nan_to_num(n),
            width=hi - lo,
            align="edge",
            color=colour,
            edgecolor="white",
            linewidth=0.5,
        )
        for x0, x1, s in zip(lo, hi, supp, strict=True):
            if s:  # blanked count: a hatched marker of unknown height, labelled
                any_suppressed = True
                ax.bar(
                    x0,
                    sign * (min_cell - 1),
                    width=x1 - x0,
                    align="edge",
                    fill=False,
                    hatch="///",
                    edgecolor=colour,
                    linewidth=0.5,
                )
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlim(0, 1)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{abs(v):.0f}"))
    return any_suppressed


@or_reason
def figure_overlap(diagnostics: pd.DataFrame, *, min_cell: int):
    """Propensity-score overlap of the selection-adjusted DiD: persons per score bin (``count``
    of the overlap rows), mentored (up) and not mentored (down), one panel per dimension
    (published counts only)."""
    table = diagnostics[diagnostics["table"] == "overlap"]
    dims = [d for d in DIMENSIONS if d in set(table["dimension"])]
    fig, axes = plt.subplots(
        1, max(len(dims), 1), figsize=(REPORT_WIDTH, 3.4), sharey=True, squeeze=False
    )
    suppressed = False
    for ax, dim in zip(axes[0], dims, strict=False):
        suppressed |= _overlap_panel(ax, table[table["dimension"] == dim], min_cell)
        ax.set_title(dim)
        ax.set_xlabel("propensity score")
    axes[0, 0].set_ylabel("persons (mentored up, others down)")
    fig.suptitle("Overlap of the propensity scores, mentored vs not")
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=GROUP_COLOURS["mentored"]),
        plt.Rectangle((0, 0), 1, 1, color=GROUP_COLOURS["not mentored"]),
    ]
    fig.legend(
        handles,
        ["mentored", "not mentored"],
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=2,
        fontsize=9,
    )
    if suppressed:
        note(
            fig,
            f"hatched: count not published (fewer than {min_cell} persons in the bin, or hidden"
            " so that it cannot be recovered from the group total)",
        )
    return fig
