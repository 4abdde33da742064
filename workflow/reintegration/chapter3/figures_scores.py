"""Chapter III score figures: Figures 15-21 (means at the first and last RSS, box plots, the
regression of the change and the difference in differences)."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from reintegration.chapter3.panel import DIMENSIONS, score_column
from reintegration.figures.style import (
    GROUP_COLOURS,
    REPORT_WIDTH,
    SIGNIFICANCE_SHADES,
    significance_colour,
)

from .figure_common import (
    GROUPS,
    SUPPRESSED_NOTE,
    TIME_LABELS,
    note,
    or_reason,
    title_and_legend_below,
)

__all__ = [
    "figure_boxplots",
    "figure_change_regression",
    "figure_country_composite",
    "figure_country_dimensions",
    "figure_did",
]


@or_reason
def figure_country_composite(
    means: pd.DataFrame, *, country: str, min_cell: int, names: Mapping[str, str]
):
    """Figures 15/16: mean composite at the first and last RSS, mentored vs not."""
    sub = means[(means["country"] == country) & (means["dimension"] == "composite")]
    fig, ax = plt.subplots(figsize=(REPORT_WIDTH * 0.5, 3.6))
    x = np.arange(2)
    for k, group in enumerate(GROUPS):
        g = sub[sub["group"] == group].set_index("time").reindex(["first", "last"])
        xs = x + (k - 0.5) * 0.38
        ax.bar(
            xs,
            g["mean"],
            width=0.36,
            color=GROUP_COLOURS[group],
            label=f"{group} (n = {int(g['n'].max())})",
        )
        ax.errorbar(
            xs,
            g["mean"],
            yerr=[g["mean"] - g["conf_low"], g["conf_high"] - g["mean"]],
            fmt="none",
            ecolor="black",
            capsize=3,
            lw=0.8,
        )
        # the value above the confidence interval's cap, so the error bar never crosses it
        for xi, m, hi in zip(xs, g["mean"], g["conf_high"], strict=True):
            if pd.notna(m):
                top = hi if pd.notna(hi) else m
                ax.text(xi, top + 0.02, f"{m:.2f}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, [TIME_LABELS["first"], TIME_LABELS["last"]])
    ax.set_ylim(0, 1)
    ax.set_ylabel("mean composite score (95% CI)")
    ax.set_title(f"Composite score at first and last RSS: {names.get(country, country)}")
    ax.legend(loc="upper left")
    if sub["suppressed"].any():
        note(fig, SUPPRESSED_NOTE.format(k=min_cell))
    return fig


@or_reason
def figure_country_dimensions(
    means: pd.DataFrame, *, country: str, min_cell: int, names: Mapping[str, str]
):
    """Figures 17/18: mean score per dimension, first vs last, mentored vs not."""
    sub = means[means["country"] == country]
    fig, axes = plt.subplots(1, 4, figsize=(REPORT_WIDTH, 3.6), sharey=True)
    for ax, dim in zip(axes, DIMENSIONS, strict=True):
        for k, group in enumerate(GROUPS):
            g = (
                sub[(sub["dimension"] == dim) & (sub["group"] == group)]
                .set_index("time")
                .reindex(["first", "last"])
            )
            ax.errorbar(
                np.array([0, 1]) + (k - 0.5) * 0.08,  # side by side: the two CIs stay apart
                g["mean"],
                yerr=[g["mean"] - g["conf_low"], g["conf_high"] - g["mean"]],
                marker="o",
                color=GROUP_COLOURS[group],
                label=group,
                capsize=3,
            )
        ax.set_xticks([0, 1], ["first", "last"])
        ax.set_xlim(-0.4, 1.4)
        ax.set_title(dim)
    axes[0].set_ylabel("mean score (95% CI)")
    handles, labels = axes[0].get_legend_handles_labels()
    title = f"Mean RSS scores at first and last RSS: {names.get(country, country)}"
    title_and_legend_below(fig, title, handles, labels, bottom=0.08, ncol=len(GROUPS), fontsize=9)
    if sub["suppressed"].any():
        note(fig, SUPPRESSED_NOTE.format(k=min_cell))
    return fig


def _box_panel(ax, sub: pd.DataFrame, dim: str) -> None:
    data, pos, cols = [], [], []
    for t, time in enumerate(("first", "last")):
        for k, group in enumerate(GROUPS):
            x = sub.loc[
                sub["mentored"] == (group == "mentored"), f"{score_column(dim)}_{time}"
            ].dropna()
            data.append(x.to_numpy())
            pos.append(t * 1.0 + (k - 0.5) * 0.36)
            cols.append(GROUP_COLOURS[group])
    bp = ax.boxplot(
        data,
        positions=pos,
        widths=0.3,
        patch_artist=True,
        showfliers=True,
        flierprops={"markersize": 2},
    )
    for patch, c in zip(bp["boxes"], cols, strict=True):
        patch.set_facecolor(c)
        patch.set_alpha(0.7)
    for med in bp["medians"]:
        med.set_color("black")
    ax.set_xticks([0, 1], ["first", "last"])


@or_reason
def figure_boxplots(panel: pd.DataFrame, *, names: Mapping[str, str]):
    """Figure 19: box plots of the scores at first and last RSS by group, country x dimension."""
    countries = sorted(panel["country"].unique())
    fig, axes = plt.subplots(
        len(countries), 4, figsize=(REPORT_WIDTH, 2.8 * len(countries)), sharey=True, squeeze=False
    )
    for i, country in enumerate(countries):
        sub = panel[panel["country"] == country]
        for j, dim in enumerate(DIMENSIONS):
            _box_panel(axes[i, j], sub, dim)
            if i == 0:
                axes[i, j].set_title(dim)
            if j == 0:
                axes[i, j].set_ylabel(f"{names.get(country, country)}\nscore")
    handles = [plt.Rectangle((0, 0), 1, 1, color=GROUP_COLOURS[g], alpha=0.7) for g in GROUPS]
    fig.legend(handles, GROUPS, loc="upper right", ncol=2)
    fig.suptitle("RSS scores at first and last RSS, mentored vs not", x=0.35)
    fig.tight_layout()
    return fig


TERM_LABELS = {
    "mentored": "ORION mentoring",
    "days_between": "days between surveys",
    "female": "female",
    "age": "age",
}


@or_reason
def figure_change_regression(tidy: pd.DataFrame):
    """Figure 20: coefficients of the change regression with 95% CIs, one panel per dimension,
    shaded by significance as in the original (the paler the blue, the more significant)."""
    tidy = tidy[tidy["term"] != "(Intercept)"]
    terms = list(dict.fromkeys(tidy["term"]))
    labels = [
        TERM_LABELS.get(t, t.replace("assist_", "programme: ").replace("country", "country: "))
        for t in terms
    ]
    fig, axes = plt.subplots(1, 4, figsize=(REPORT_WIDTH, 0.35 * len(terms) + 2.0), sharey=True)
    y = np.arange(len(terms))[::-1]
    for ax, dim in zip(axes, DIMENSIONS, strict=True):
        sub = tidy[tidy["type"] == dim].set_index("term").reindex(terms)
        ax.axvline(0, color="black", lw=0.8)
        for yi, e, lo, hi, p in zip(
            y, sub["estimate"], sub["conf_low"], sub["conf_high"], sub["p_value"], strict=True
        ):
            ax.plot([lo, hi], [yi, yi], color="#555555", lw=1.0)
            ax.plot(
                [e], [yi], "s", color=significance_colour(p), markersize=7, mec="black", mew=0.5
            )
        ax.set_title(dim)
        ax.set_xlabel("effect on change")
        ax.grid(axis="y", visible=False)
    axes[0].set_yticks(y, labels)
    fig.suptitle("Regression of the change in score (last - first RSS), 95% CI")
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    handles = [
        Patch(facecolor=c, edgecolor="black", label=lab) for _, lab, c in SIGNIFICANCE_SHADES
    ]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=4, fontsize=9)
    note(fig, "OLS with HC3 standard errors; days between surveys and age per day / per year")
    return fig


def _did_text(ax, did: pd.DataFrame) -> None:
    row = did[
        (did["scope"] == "pooled") & (did["dimension"] == "composite") & (did["form"] == "2x2")
    ]
    if not len(row):
        return
    r = row.iloc[0]
    ax.text(
        0.02,
        0.97,
        f"DiD = {r['estimate']:.3f} (95% CI {r['conf_low']:.3f} to {r['conf_high']:.3f}),"
        f" p = {r['p_value']:.2g}",
        transform=ax.transAxes,
        va="top",
        fontsize=9,
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 2},
        zorder=5,
    )


@or_reason
def figure_did(panel: pd.DataFrame, did: pd.DataFrame):
    """Figure 21: first vs last composite per person, coloured by group, diagonal, group means
    (vertical: first, horizontal: last) and the DiD shaded between the mentees' counterfactual
    last mean (first mean + the comparison group's change) and their actual last mean."""
    col = score_column("composite")
    data = panel.dropna(subset=[f"{col}_first", f"{col}_last"])
    fig, ax = plt.subplots(figsize=(REPORT_WIDTH * 0.62, REPORT_WIDTH * 0.6))
    means = {}
    for group in GROUPS:
        g = data[data["mentored"] == (group == "mentored")]
        ax.scatter(
            g[f"{col}_first"],
            g[f"{col}_last"],
            s=14,
            alpha=0.6,
            color=GROUP_COLOURS[group],
            label=f"{group} (n = {len(g)})",
            edgecolor="none",
        )
        means[group] = (g[f"{col}_first"].mean(), g[f"{col}_last"].mean())
    for group, (m0, m1) in means.items():
        ax.axvline(m0, color=GROUP_COLOURS[group], lw=1, ls="--")
        ax.axhline(m1, color=GROUP_COLOURS[group], lw=1, ls="-")
    ax.plot([0, 1], [0, 1], color="black", lw=0.8)
    (t0, t1), (c0, c1) = means["mentored"], means["not mentored"]
    counterfactual = t0 + (c1 - c0)
    ax.axhspan(
        min(counterfactual, t1),
        max(counterfactual, t1),
        color=GROUP_COLOURS["mentored"],
        alpha=0.18,
        lw=0,
    )
    _did_text(ax, did)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel("composite score, first RSS")
    ax.set_ylabel("composite score, last RSS")
    ax.set_title("Difference in differences, composite score (Guinea and Senegal)")
    ax.legend(loc="lower right", markerscale=2.5, framealpha=0.85)
    note(
        fig,
        "dashed: group means at first RSS; solid: at last RSS;"
        " shaded: DiD (mentees' last mean minus their counterfactual)",
    )
    return fig
