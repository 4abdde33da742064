"""Chapter II sample tables: the Ns of the report's figures and the scores by sex."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from reintegration.stats import group_means
from reintegration.stats.disclosure import protect_means

from ._cells import _quiet
from .labels import OUTCOMES, Labels

__all__ = ["figure_ns", "scores_by_sex"]


def figure_ns(
    data: pd.DataFrame, long: pd.DataFrame, *, labels: Labels, id_col: str = "returnee_id"
):
    """The N printed under Figures 4, 6, 8, 10-13, and the N of our heatmaps.

    ``n``: returnees in the sample who answered the item(s) the figure shows (Figures 10-12:
    all three items; the report prints one N, 4 931, for the three). ``n_with_programme``:
    those of them with at least one Annex 3 programme (the returnees our Figures 4, 8, 13
    draw). Figure 4 shows the perception of the economic situation (satisfaction).
    """
    with_prog = data[id_col].isin(set(long.loc[long["programme"] != "reference", id_col]))

    def answered(*items):
        mask = pd.Series(True, index=data.index)
        for item in items:
            mask &= data[item].isin(labels.answers(item))
        return mask

    specs = [
        ("economic_satisfaction", "Figure 6", ("eco_satisfaction",)),
        ("assistance_vs_economic_perception", "Figure 4", ("eco_satisfaction",)),
        ("assistance_vs_network_quality", "Figure 8", ("psy_support_network",)),
        (
            "discrimination_safety_family_tension",
            "Figures 10-12",
            ("psy_discrimination", "psy_physical_security", "psy_family_tension"),
        ),
        ("assistance_vs_psych_support_wish", "Figure 13", ("psy_wish_psych_support",)),
    ]
    rows = []
    for quantity, figure, items in specs:
        mask = answered(*items)
        rows.append(
            (quantity, figure, " + ".join(items), int(mask.sum()), int((mask & with_prog).sum()))
        )
    return pd.DataFrame(rows, columns=["quantity", "figure", "items", "n", "n_with_programme"])


def scores_by_sex(
    data: pd.DataFrame,
    *,
    labels: Labels,
    min_cell: int,
    outcomes: Sequence[str] = OUTCOMES,
    sex: str = "sex",
) -> pd.DataFrame:
    """Mean score by sex and outcome with 95% t intervals (Figure 14).

    Returns ``outcome, sex, sex_label, n, mean, sd, se, conf_low, conf_high, suppressed``.
    """
    parts = []
    for outcome in outcomes:
        part = _quiet(group_means, data, value=f"score_{outcome}", by=sex)
        part.insert(0, "outcome", outcome)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out.insert(2, "sex_label", [labels.choices["sex"].get(s, s) for s in out[sex]])
    return protect_means(  # issue 17
        out, min_cell=min_cell, row=[sex], block=["outcome"],
        values=["mean", "sd", "se", "conf_low", "conf_high"], name="chapter2_scores_by_sex",
    )  # fmt: skip
