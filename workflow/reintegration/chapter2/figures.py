"""Chapter II figures (report Figures 1-14 and four supplementary indicator figures).

Every figure is drawn from the disclosure-controlled tables (never from the microdata): a
suppressed cell is not drawn and its label says "suppressed (n < k)". Colours are the
Okabe-Ito palette (:mod:`reintegration.figures.style`) or the colour-blind-safe ``cividis``
map; labels come from the codebook.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from reintegration.figures.style import (
    DIMENSION_COLOURS,
    OKABE_ITO,
    REPORT_WIDTH,
    SIGNIFICANCE_SHADES,
    TIER_COLOURS,
    significance_colour,
)

from .descriptives import ALL
from .labels import OUTCOMES, Labels

__all__ = ["OUTCOME_TITLE"]  # the drawing functions are used by chapter2/draw.py


OUTCOME_TITLE = {
    "economic": "Economic",
    "social": "Social",
    "psychosocial": "Psychosocial",
    "composite": "Composite",
}
ORDINAL5 = [
    OKABE_ITO["blue"],
    OKABE_ITO["sky_blue"],
    "#D9D9D9",
    OKABE_ITO["orange"],
    OKABE_ITO["vermillion"],
]
TREND_COLOURS = [
    OKABE_ITO["orange"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["green"],
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["purple"],
    OKABE_ITO["black"],
    OKABE_ITO["grey"],
]


def _suppressed_label(label: str, min_cell: int) -> str:
    return f"{label} (suppressed, n < {min_cell})"


def _bar_by_country(means: pd.DataFrame, outcome: str, *, min_cell: int, tiers: bool):
    sub = means[(means["outcome"] == outcome) & (means["country"] != ALL)].copy()
    sub["_key"] = sub["mean"].fillna(-1)
    sub = sub.sort_values(["_key", "country_label"], ascending=[True, False])
    fig, ax = plt.subplots(figsize=(REPORT_WIDTH * 0.8, 0.32 * len(sub) + 1.4))
    y = np.arange(len(sub))
    labels = []
    for i, row in enumerate(sub.itertuples(index=False)):
        n_text = f"{row.country_label} (n = {row.n})"
        if row.suppressed:
            labels.append(_suppressed_label(row.country_label, min_cell))
            continue
        labels.append(n_text)
        colour = (
            TIER_COLOURS.get(row.tier, OKABE_ITO["grey"]) if tiers else DIMENSION_COLOURS[outcome]
        )
        ax.barh(i, row.mean, color=colour, height=0.7)
        ax.errorbar(
            row.mean,
            i,
            xerr=[[row.mean - row.conf_low], [row.conf_high - row.mean]],
            fmt="none",
            ecolor="black",
            elinewidth=0.8,
            capsize=2,
        )
        ax.text(row.conf_high + 0.01, i, f"{row.mean:.2f}", va="center", fontsize=8)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 1.0)
    ax.set_xlabel(f"Mean {OUTCOME_TITLE[outcome].lower()} score (0-1), with 95% CI")
    ax.grid(axis="y", visible=False)
    if tiers:
        for x in (0.60, 0.70):
            ax.axvline(x, color=OKABE_ITO["grey"], linestyle="--", linewidth=0.8)
        handles = [
            Patch(color=TIER_COLOURS["A"], label="Tier A: above 0.70"),
            Patch(color=TIER_COLOURS["B"], label="Tier B: 0.61-0.70"),
            Patch(color=TIER_COLOURS["C"], label="Tier C: 0.60 or below"),
        ]
        ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3)
    ax.set_title(f"{OUTCOME_TITLE[outcome]} score by country", pad=28 if tiers else 6)
    return fig


def _trendlines(bands: pd.DataFrame, slopes: pd.DataFrame):
    countries = list(dict.fromkeys(slopes["country"]))
    label_of = dict(zip(slopes["country"], slopes["country_label"], strict=False))
    fig, axes = plt.subplots(2, 2, figsize=(REPORT_WIDTH, 7.0), sharex=True, sharey=True)
    for ax, outcome in zip(axes.flat, OUTCOMES, strict=True):
        for colour, c in zip(TREND_COLOURS, countries, strict=False):
            b = bands[(bands["country"] == c) & (bands["outcome"] == outcome)]
            if b.empty:
                continue
            ax.plot(b["time"], b["fit"], color=colour, linewidth=1.6, label=label_of[c])
            ax.fill_between(
                b["time"], b["conf_low"], b["conf_high"], color=colour, alpha=0.15, linewidth=0
            )
        ax.set_title(OUTCOME_TITLE[outcome])
    for ax in axes[1]:
        ax.set_xlabel("Years since return")
    for ax in axes[:, 0]:
        ax.set_ylabel("Score (0-1)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(
        handles, labels, loc="lower center", ncol=min(len(labels), 6), bbox_to_anchor=(0.5, -0.02)
    )
    fig.suptitle("Fitted score by years since return (line) with 95% confidence band")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def _term_label(term: str) -> str:
    if term.startswith("country"):
        return "Country: " + term.removeprefix("country")
    if term.startswith("program"):
        return "Programme: " + term.removeprefix("program")
    return {"age": "Age (years)", "genderFemale": "Female", "time": "Years since return"}.get(
        term, term
    )


def _coefficients(table: pd.DataFrame, *, label_col: str, p_col: str, title: str, note: str):
    types = list(dict.fromkeys(table["type"]))
    terms = list(dict.fromkeys(table[label_col]))
    fig, axes = plt.subplots(
        1, len(types), figsize=(REPORT_WIDTH, 0.33 * len(terms) + 1.8), sharey=True
    )
    y = np.arange(len(terms))[::-1]
    pos = dict(zip(terms, y, strict=True))
    for ax, t in zip(np.atleast_1d(axes), types, strict=True):
        sub = table[table["type"] == t]
        for row in sub.itertuples(index=False):
            colour = significance_colour(getattr(row, p_col))
            yy = pos[getattr(row, label_col)]
            ax.plot([row.conf_low, row.conf_high], [yy, yy], color="#555555", linewidth=1.0)
            ax.plot(
                row.estimate,
                yy,
                "s",
                color=colour,
                markersize=7,
                markeredgecolor="black",
                markeredgewidth=0.5,
            )
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_title(t)
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="x", labelsize=8)
    first = np.atleast_1d(axes)[0]
    first.set_yticks(y, terms)
    handles = [
        Patch(facecolor=c, edgecolor="black", label=lab) for _, lab, c in SIGNIFICANCE_SHADES
    ]
    fig.legend(handles=handles, loc="lower center", ncol=4, bbox_to_anchor=(0.5, -0.01))
    fig.suptitle(title)
    fig.text(0.5, 0.045, note, ha="center", fontsize=8)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def _heatmap(
    table: pd.DataFrame, indicator: str, *, min_cell: int, title: str, n_total: int | None
):
    sub = table[table["indicator"] == indicator]
    progs = list(dict.fromkeys(sub.sort_values("programme")["program"]))
    order = [
        "Microbusiness",
        "Training",
        "Psychosocial Support",
        "Material Assistance",
        "Medical Support",
        "Financial Services",
    ]
    progs = [p for p in order if p in progs] + [p for p in progs if p not in order]
    countries = sorted(set(sub.loc[sub["country"] != ALL, "country_label"]))
    rows = ["All countries", *countries]
    grid = np.full((len(rows), len(progs)), np.nan)
    ns = np.zeros_like(grid)
    supp = np.zeros(grid.shape, dtype=bool)
    present = np.zeros(grid.shape, dtype=bool)
    for r in sub.itertuples(index=False):
        i, j = rows.index(r.country_label), progs.index(r.program)
        grid[i, j] = r.share
        ns[i, j] = r.n
        supp[i, j] = bool(r.suppressed)
        present[i, j] = True
    fig, ax = plt.subplots(figsize=(REPORT_WIDTH, 0.36 * len(rows) + 2.0))
    cmap = plt.get_cmap("cividis").with_extremes(bad="#E5E5E5")
    im = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for i in range(len(rows)):
        for j in range(len(progs)):
            if supp[i, j]:
                ax.text(
                    j, i, f"n < {min_cell}", ha="center", va="center", fontsize=7, color="#444444"
                )
            elif present[i, j]:
                v = grid[i, j]
                colour = "black" if v > 0.55 else "white"
                ax.text(
                    j,
                    i,
                    f"{v:.0%} ({int(ns[i, j])})",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color=colour,
                )
            else:
                ax.text(j, i, "-", ha="center", va="center", fontsize=7, color="#444444")
    ax.set_xticks(range(len(progs)), progs, rotation=20, ha="right")
    ax.set_yticks(range(len(rows)), rows)
    ax.grid(visible=False)
    ax.axhline(0.5, color="white", linewidth=2)
    cbar = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    cbar.set_label("Share of returnees")
    n_text = f"; N = {n_total:,} returnees with a programme" if n_total else ""
    ax.set_title(f"{title}{n_text}", fontsize=10)
    fig.text(
        0.01,
        0.005,
        f"Cells: share (returnees); grey 'n < {min_cell}' = suppressed; '-' = nobody with that programme.",
        fontsize=7.5,
    )
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig


def _stacked(dist: pd.DataFrame, item: str, labels: Labels, *, min_cell: int, title: str, n_total):
    sub = dist[dist["item"] == item]
    answers = labels.answers(item)
    names = [labels.answer(item, a) for a in answers]
    colours = ORDINAL5 if len(answers) == 5 else [OKABE_ITO["blue"], OKABE_ITO["vermillion"]]
    first = sub[sub["value"] == answers[0]].copy()
    second = (
        sub[sub["value"] == answers[1]].set_index("country")["share"] if len(answers) == 5 else None
    )
    first["_key"] = first["share"].fillna(-1) + (
        0 if second is None else first["country"].map(second).fillna(0)
    )
    first["_all"] = first["country"] == ALL
    first = first.sort_values(["_all", "_key"], ascending=[True, True])
    countries = list(first["country"])
    fig, ax = plt.subplots(figsize=(REPORT_WIDTH, 0.34 * len(countries) + 1.8))
    ticks = []
    for i, c in enumerate(countries):
        rows = sub[sub["country"] == c].set_index("value")
        lab = rows["country_label"].iloc[0]
        n = rows["n"].iloc[0]
        if rows["suppressed"].any():
            ticks.append(_suppressed_label(lab, min_cell))
            continue
        ticks.append(f"{lab} ({n})")
        left = 0.0
        for a, colour in zip(answers, colours, strict=True):
            w = float(rows.loc[a, "share"])
            ax.barh(i, w, left=left, color=colour, height=0.75, edgecolor="white", linewidth=0.4)
            if w >= 0.06:
                txt = (
                    "black"
                    if colour in ("#D9D9D9", OKABE_ITO["sky_blue"], OKABE_ITO["orange"])
                    else "white"
                )
                ax.text(
                    left + w / 2, i, f"{w:.0%}", ha="center", va="center", fontsize=7, color=txt
                )
            left += w
    ax.set_yticks(range(len(countries)), ticks)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.grid(visible=False)
    ax.set_xlabel("Share of returnees who answered (n in brackets)")
    handles = [Patch(color=c, label=n) for c, n in zip(colours, names, strict=True)]
    ax.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=min(len(names), 3),
        fontsize=8,
    )
    n_text = f" (N = {n_total:,})" if n_total else ""
    ax.set_title(f"{title}{n_text}", pad=40 if len(names) > 3 else 22)
    return fig


def _by_sex(by_sex: pd.DataFrame, *, min_cell: int):
    fig, ax = plt.subplots(figsize=(REPORT_WIDTH * 0.8, 4.2))
    sexes = list(dict.fromkeys(by_sex["sex"]))
    colours = [OKABE_ITO["orange"], OKABE_ITO["blue"]]
    width = 0.38
    x = np.arange(len(OUTCOMES))
    for k, (s, colour) in enumerate(zip(sexes, colours, strict=False)):
        sub = by_sex[by_sex["sex"] == s].set_index("outcome")
        lab = sub["sex_label"].iloc[0]
        ns = sub["n"].reindex(OUTCOMES)
        for i, o in enumerate(OUTCOMES):
            r = sub.loc[o]
            xx = x[i] + (k - 0.5) * width
            if r["suppressed"]:
                ax.text(
                    xx, 0.02, f"suppressed\n(n < {min_cell})", ha="center", fontsize=7, rotation=90
                )
                continue
            ax.bar(
                xx,
                r["mean"],
                width=width,
                color=colour,
                label=f"{lab} (n = {int(ns.max())})" if i == 0 else None,
            )
            ax.errorbar(
                xx,
                r["mean"],
                yerr=[[r["mean"] - r["conf_low"]], [r["conf_high"] - r["mean"]]],
                fmt="none",
                ecolor="black",
                capsize=3,
                elinewidth=0.8,
            )
            ax.text(xx, r["conf_high"] + 0.015, f"{r['mean']:.2f}", ha="center", fontsize=8)
    ax.set_xticks(x, [OUTCOME_TITLE[o] for o in OUTCOMES])
    ax.set_ylim(0, 1)
    ax.set_ylabel("Mean score (0-1), with 95% CI")
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper right", ncol=2)
    ax.set_title("Scores by sex and dimension")
    return fig
