"""Chapter III figures, named after the report's figure numbers (Figures 15-31) plus the
selection-adjusted DiD. Every function takes the chapter's tables and returns a figure;
:func:`draw_all` saves them (PNG + SVG via figures.style.save_figure). Suppressed cells
(fewer than the minimum cell size) are not drawn and the figure says so."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from reintegration.chapter3.panel import DIMENSIONS, score_column
from reintegration.estimable import figure_reason, reason_figure
from reintegration.figures.style import (
    DIMENSION_COLOURS,
    GROUP_COLOURS,
    OKABE_ITO,
    REPORT_WIDTH,
    apply_style,
    save_figure,
)

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
    "figure_retrospective",
    "figure_selection",
]

GROUPS = ("mentored", "not mentored")
TIME_LABELS = {"first": "first RSS", "last": "last RSS"}

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
}
SUPPRESSED_NOTE = "cells of fewer than {k} returnees suppressed (not drawn)"


def _or_reason(draw):
    """The figure, or, when an input table is not estimable, a figure giving the reason."""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        reason = figure_reason(*args, *kwargs.values())
        if reason is None:
            return draw(*args, **kwargs)
        title = kwargs.get("title") or (draw.__doc__ or draw.__name__).strip().splitlines()[0]
        return reason_figure(title.rstrip("."), reason)

    return wrapper


def _note(fig, text: str) -> None:
    fig.text(0.01, -0.02, text, fontsize=8, color=OKABE_ITO["grey"], ha="left", va="top")


@_or_reason
def figure_country_composite(
    means: pd.DataFrame, *, country: str, min_cell: int, names: Mapping[str, str]
):
    """Figures 15/16: mean composite at the first and last RSS, mentored vs not."""
    sub = means[(means["country"] == country) & (means["dimension"] == "composite")]
    fig, ax = plt.subplots(figsize=(REPORT_WIDTH * 0.5, 3.6))
    x = np.arange(2)
    for k, group in enumerate(GROUPS):
        g = sub[sub["group"] == group].set_index("time").reindex(["first", "last"])
        ax.bar(
            x + (k - 0.5) * 0.38,
            g["mean"],
            width=0.36,
            color=GROUP_COLOURS[group],
            label=f"{group} (n = {int(g['n'].max())})",
        )
        ax.errorbar(
            x + (k - 0.5) * 0.38,
            g["mean"],
            yerr=[g["mean"] - g["conf_low"], g["conf_high"] - g["mean"]],
            fmt="none",
            ecolor="black",
            capsize=3,
            lw=0.8,
        )
        for xi, m in zip(x + (k - 0.5) * 0.38, g["mean"], strict=True):
            if pd.notna(m):
                ax.text(xi, m + 0.02, f"{m:.2f}", ha="center", fontsize=8)
    ax.set_xticks(x, [TIME_LABELS["first"], TIME_LABELS["last"]])
    ax.set_ylim(0, 1)
    ax.set_ylabel("mean composite score (95% CI)")
    ax.set_title(f"Composite score at first and last RSS: {names.get(country, country)}")
    ax.legend(loc="upper left")
    if sub["suppressed"].any():
        _note(fig, SUPPRESSED_NOTE.format(k=min_cell))
    return fig


@_or_reason
def figure_country_dimensions(
    means: pd.DataFrame, *, country: str, min_cell: int, names: Mapping[str, str]
):
    """Figures 17/18: mean score per dimension, first vs last, mentored vs not."""
    sub = means[means["country"] == country]
    fig, axes = plt.subplots(1, 4, figsize=(REPORT_WIDTH, 3.2), sharey=True)
    for ax, dim in zip(axes, DIMENSIONS, strict=True):
        for group in GROUPS:
            g = (
                sub[(sub["dimension"] == dim) & (sub["group"] == group)]
                .set_index("time")
                .reindex(["first", "last"])
            )
            ax.errorbar(
                [0, 1],
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
    axes[0].legend(loc="lower left", fontsize=8)
    fig.suptitle(f"Mean RSS scores at first and last RSS: {names.get(country, country)}")
    if sub["suppressed"].any():
        _note(fig, SUPPRESSED_NOTE.format(k=min_cell))
    return fig


@_or_reason
def figure_boxplots(panel: pd.DataFrame, *, names: Mapping[str, str]):
    """Figure 19: box plots of the scores at first and last RSS by group, country x dimension."""
    countries = sorted(panel["country"].unique())
    fig, axes = plt.subplots(
        len(countries), 4, figsize=(REPORT_WIDTH, 2.8 * len(countries)), sharey=True, squeeze=False
    )
    for i, country in enumerate(countries):
        sub = panel[panel["country"] == country]
        for j, dim in enumerate(DIMENSIONS):
            ax = axes[i, j]
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
            if i == 0:
                ax.set_title(dim)
            if j == 0:
                ax.set_ylabel(f"{names.get(country, country)}\nscore")
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


@_or_reason
def figure_change_regression(tidy: pd.DataFrame):
    """Figure 20: coefficients of the change regression with 95% CIs, one panel per dimension;
    filled markers p < 0.05."""
    tidy = tidy[tidy["term"] != "(Intercept)"]
    terms = list(dict.fromkeys(tidy["term"]))
    labels = [
        TERM_LABELS.get(t, t.replace("assist_", "programme: ").replace("country", "country: "))
        for t in terms
    ]
    fig, axes = plt.subplots(1, 4, figsize=(REPORT_WIDTH, 0.35 * len(terms) + 1.6), sharey=True)
    y = np.arange(len(terms))[::-1]
    for ax, dim in zip(axes, DIMENSIONS, strict=True):
        sub = tidy[tidy["type"] == dim].set_index("term").reindex(terms)
        est = sub["estimate"].to_numpy(dtype=float)
        col = DIMENSION_COLOURS[dim]
        ax.axvline(0, color="black", lw=0.8)
        for yi, e, lo, hi, p in zip(
            y, est, sub["conf_low"], sub["conf_high"], sub["p_value"], strict=True
        ):
            ax.plot([lo, hi], [yi, yi], color=col, lw=1.2)
            ax.plot([e], [yi], "o", color=col, mfc=col if p < 0.05 else "white")
        ax.set_title(dim)
        ax.set_xlabel("effect on change")
    axes[0].set_yticks(y, labels)
    fig.suptitle("Regression of the change in score (last - first RSS); filled: p < 0.05")
    _note(fig, "OLS with HC3 standard errors; days between surveys and age per day / per year")
    return fig


@_or_reason
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
    row = did[
        (did["scope"] == "pooled") & (did["dimension"] == "composite") & (did["form"] == "2x2")
    ]
    if len(row):
        r = row.iloc[0]
        ax.text(
            0.02,
            0.97,
            f"DiD = {r['estimate']:.3f} (95% CI {r['conf_low']:.3f} to {r['conf_high']:.3f}), p = {r['p_value']:.2g}",
            transform=ax.transAxes,
            va="top",
            fontsize=9,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 2},
            zorder=5,
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel("composite score, first RSS")
    ax.set_ylabel("composite score, last RSS")
    ax.set_title("Difference in differences, composite score (Guinea and Senegal)")
    ax.legend(loc="lower right", markerscale=2.5, framealpha=0.85)
    _note(
        fig,
        "dashed: group means at first RSS; solid: at last RSS; shaded: DiD (mentees' last mean minus their counterfactual)",
    )
    return fig


ANSWER_ORDER = {
    "psy_belonging": ["fully", "mostly", "somewhat", "not_really", "not_at_all"],
    "psy_distress": ["never", "rarely", "sometimes", "often", "very_often"],
}


@_or_reason
def figure_retrospective(
    dist: pd.DataFrame, *, item: str, title: str, min_cell: int, names: Mapping[str, str]
):
    """Figures 22/23: answer distribution before migration vs first RSS after return, per
    country (stacked shares)."""
    sub = dist[(dist["item"] == item) & (dist["country"] != "all")]
    countries = sorted(sub["country"].unique())
    order = [
        a for a in ANSWER_ORDER.get(item, sorted(sub["answer"].unique())) if a in set(sub["answer"])
    ]
    colours = plt.get_cmap("RdYlBu_r" if item == "psy_distress" else "RdYlBu")(
        np.linspace(0.95, 0.05, len(order))
    )
    if item == "psy_distress":
        colours = colours[::-1]
    fig, ax = plt.subplots(figsize=(REPORT_WIDTH, 0.6 * 2 * len(countries) + 1.4))
    labels, y = [], 0
    for country in countries:
        for time in ("before", "after"):
            g = (
                sub[(sub["country"] == country) & (sub["time"] == time)]
                .set_index("answer")
                .reindex(order)
            )
            left = 0.0
            for a, c in zip(order, colours, strict=True):
                s = g.loc[a, "share"]
                if pd.notna(s) and s > 0:
                    ax.barh(y, s, left=left, color=c)
                    if s > 0.06:
                        ax.text(left + s / 2, y, f"{s:.0%}", ha="center", va="center", fontsize=7)
                    left += s
            n = int(g["n"].max()) if g["n"].notna().any() else 0
            labels.append(
                f"{names.get(country, country)}: {'before migration' if time == 'before' else 'after return'} (n = {n})"
            )
            y += 1
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of cases")
    ax.set_title(title)
    # every answer in the legend, whichever rows it is drawn in (not only the first row's)
    from matplotlib.patches import Patch

    handles = [
        Patch(color=c, label=a.replace("_", " ")) for a, c in zip(order, colours, strict=True)
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncol=len(order),
        fontsize=8,
    )
    if sub["suppressed"].any():
        _note(fig, SUPPRESSED_NOTE.format(k=min_cell) + "; bars then sum to less than 100%")
    return fig


@_or_reason
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
            ax = axes[i, j]
            for k, group in enumerate(GROUPS):
                g = (
                    sub[
                        (sub["indicator"] == ind)
                        & (sub["country"] == country)
                        & (sub["group"] == group)
                    ]
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
            ax.set_title(f"{names.get(country, country)}: {ind.replace('_', ' ')}")
            if j == 0:
                ax.set_ylabel("share")
    # one legend for the figure, below the panels, so it never covers a bar label
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.legend(handles, labels, loc="lower center", ncol=len(GROUPS), fontsize=8)
    if sub["suppressed"].any():
        _note(fig, SUPPRESSED_NOTE.format(k=min_cell))
    return fig


@_or_reason
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
    note = "indicative only: very few persons with two dated surveys"
    if change["suppressed"].any():
        note += "; suppressed cells (fewer than the minimum cell size) not drawn"
    _note(fig, note)
    return fig


@_or_reason
def figure_morocco_answers(answers: pd.DataFrame, *, item: str, title: str):
    """Figures 30/31: answer shares in Morocco."""
    sub = answers[answers["item"] == item]
    fig, ax = plt.subplots(figsize=(REPORT_WIDTH * 0.5, 3.0))
    ax.bar(sub["answer"].str.replace("_", " "), sub["share"], color=OKABE_ITO["blue"])
    for i, (s, c) in enumerate(zip(sub["share"], sub["count"], strict=True)):
        if pd.notna(s):
            ax.text(i, s + 0.02, f"{s:.0%} ({int(c)})", ha="center", fontsize=8)
    # n itself is blanked when fewer than the minimum cell size answered (issue 17)
    n = str(int(sub["n"].max())) if sub["n"].notna().any() else "suppressed"
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("share of responses")
    ax.set_title(f"{title} (n = {n})")
    if sub["suppressed"].any():
        _note(fig, "answers given by fewer than the minimum cell size suppressed (not drawn)")
    return fig


METHOD_LABELS = {"plain": "plain DiD", "ipw": "IPW DiD", "dr": "doubly robust DiD"}


@_or_reason
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
    ax.legend(loc="lower right", fontsize=8)
    B = int(table.loc[table["method"] == "plain", "B_requested"].iloc[0])
    _note(fig, f"RI p: randomisation inference, mentoring permuted within country (B = {B})")
    return fig


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
) -> list[Path]:
    """Draw and save every Chapter III figure as ``out_dir/<stem>.png`` (+ .svg)."""
    apply_style()
    out_dir = Path(out_dir)
    names = {**country_names, "all": "both countries"}
    figs = {
        "figure_15_composite_guinea": lambda: figure_country_composite(
            means, country="GIN", min_cell=min_cell, names=names
        ),
        "figure_16_composite_senegal": lambda: figure_country_composite(
            means, country="SEN", min_cell=min_cell, names=names
        ),
        "figure_17_dimensions_guinea": lambda: figure_country_dimensions(
            means, country="GIN", min_cell=min_cell, names=names
        ),
        "figure_18_dimensions_senegal": lambda: figure_country_dimensions(
            means, country="SEN", min_cell=min_cell, names=names
        ),
        "figure_19_boxplots": lambda: figure_boxplots(panel, names=names),
        "figure_20_change_regression": lambda: figure_change_regression(regression),
        "figure_21_did": lambda: figure_did(panel, did),
        "figure_22_belonging_before_after": lambda: figure_retrospective(
            distributions,
            item="psy_belonging",
            title="Do you feel part of the community where you live? Before migration vs after return",
            min_cell=min_cell,
            names=names,
        ),
        "figure_23_distress_before_after": lambda: figure_retrospective(
            distributions,
            item="psy_distress",
            title="How often do you feel psychosocial distress? Before migration vs after return",
            min_cell=min_cell,
            names=names,
        ),
        "figure_24_working": lambda: figure_indicator(
            shares,
            indicators="working",
            title="Do you currently work?",
            min_cell=min_cell,
            names=names,
        ),
        "figure_25_reduced_food": lambda: figure_indicator(
            shares,
            indicators="reduced_food",
            title="Reduced food quantity or quality in the last month",
            min_cell=min_cell,
            names=names,
        ),
        "figure_26_borrowing": lambda: figure_indicator(
            shares,
            indicators=["can_borrow", "frequent_borrowing"],
            title="Ability to borrow money, and frequent borrowing",
            min_cell=min_cell,
            names=names,
        ),
        "figure_27_social_activities": lambda: figure_indicator(
            shares,
            indicators="social_activities",
            title="Invited to social activities often or very often",
            min_cell=min_cell,
            names=names,
        ),
        "figure_28_remigration": lambda: figure_indicator(
            shares,
            indicators="wish_to_remigrate",
            title="Wish or need to migrate again",
            min_cell=min_cell,
            names=names,
        ),
        "figure_29_morocco_change": lambda: figure_morocco_change(morocco_change),
        "figure_30_morocco_work": lambda: figure_morocco_answers(
            morocco_answers, item="eco_working", title="Morocco: do you currently work?"
        ),
        "figure_31_morocco_satisfaction": lambda: figure_morocco_answers(
            morocco_answers,
            item="eco_satisfaction",
            title="Morocco: satisfaction with economic situation",
        ),
        "figure_did_selection_adjusted": lambda: figure_selection(selection),
    }
    paths = []
    for stem, make in figs.items():
        path = out_dir / f"{stem}.png"
        save_figure(make(), path, data_source=data_source)
        paths.append(path)
    return paths
