"""Names of the Chapter II output files (shared by the stage functions and the workflow).

Kept free of heavy imports: ``workflow/rules/chapter2.smk`` imports it at parse time.
"""

from __future__ import annotations

from typing import NamedTuple

#: Key -> file name (under tables/) of the descriptive tables.
DESCRIPTIVE_TABLES = {
    "country_means": "chapter2_country_means.csv",
    "assistance": "chapter2_assistance_shares.csv",
    "distributions": "chapter2_indicator_distributions.csv",
    "shares": "chapter2_indicator_shares.csv",
    "programme_shares": "chapter2_programme_indicator_shares.csv",
    "figure_ns": "chapter2_figure_ns.csv",
    "by_sex": "chapter2_scores_by_sex.csv",
}

#: Tables the figures read: key -> file name under tables/ (the descriptive ones and the rest).
FIGURE_TABLES = {
    **DESCRIPTIVE_TABLES,
    "trend_bands": "chapter2_trend_bands.csv",
    "trends": "chapter2_trends.csv",
    "regression_published": "chapter2_regression_published.csv",
    "regression_full": "chapter2_regression_full.csv",
}


class Figure(NamedTuple):
    """One figure: exhibit title, drawing function (name in chapter2/figures.py
    :data:`~reintegration.chapter2.figures.DRAW`), the tables it is drawn from (keys of
    :data:`FIGURE_TABLES`, passed in this order) and its keyword arguments."""

    title: str
    draw: str
    tables: tuple[str, ...]
    args: dict


#: Figure file stem (under figures/) -> its specification; numbers follow the report's figures.
#: The rule outputs, the exhibit list and the drawing loop are all derived from this mapping:
#: adding a figure is one entry here plus its drawing function.
FIGURES = {
    "figure_01_composite_by_country": Figure(
        "Figure 1: composite score by country, coloured by tier",
        "bar_by_country",
        ("country_means",),
        {"outcome": "composite", "tiers": True},
    ),
    "figure_02_trendlines": Figure(
        "Figure 2: scores against years since return, six countries",
        "trendlines",
        ("trend_bands", "trends"),
        {},
    ),
    "figure_03_regression_published": Figure(
        "Figure 3: Annex 3 specification coefficients",
        "coefficients_published",
        ("regression_published",),
        {
            "title": "Annex 3 specification: OLS coefficients with 95% CI",
            "note": "One row per returnee and programme; reference: men, the 11 countries not shown, no Annex 3 programme. Classical SEs.",
        },
    ),
    "figure_03b_regression_full": Figure(
        "Figure 3b: full specification coefficients (clustered, wild bootstrap)",
        "coefficients_full",
        ("regression_full",),
        {
            "title": "Full specification: coefficients with 95% CI (country-clustered)",
            "note": "One row per returnee; all countries as fixed effects (not shown); shading by wild cluster bootstrap p-value.",
        },
    ),
    "figure_04_assistance_vs_economic_satisfaction": Figure(
        "Figure 4: programme received vs economic satisfaction",
        "heatmap",
        ("programme_shares", "figure_ns"),
        {
            "indicator": "satisfied_economic",
            "title": "Satisfied with economic situation, by programme received",
            "n_key": "assistance_vs_economic_perception",
        },
    ),
    "figure_05_economic_by_country": Figure(
        "Figure 5: economic score by country",
        "bar_by_country",
        ("country_means",),
        {"outcome": "economic", "tiers": False},
    ),
    "figure_06_economic_satisfaction": Figure(
        "Figure 6: satisfaction with economic situation",
        "stacked",
        ("distributions", "figure_ns"),
        {
            "item": "eco_satisfaction",
            "title": "Satisfaction with economic situation",
            "n_key": "economic_satisfaction",
        },
    ),
    "figure_07_social_by_country": Figure(
        "Figure 7: social score by country",
        "bar_by_country",
        ("country_means",),
        {"outcome": "social", "tiers": False},
    ),
    "figure_08_assistance_vs_network_quality": Figure(
        "Figure 8: programme received vs support network quality",
        "heatmap",
        ("programme_shares", "figure_ns"),
        {
            "indicator": "network_good",
            "title": "Support network good or very good, by programme received",
            "n_key": "assistance_vs_network_quality",
        },
    ),
    "figure_09_psychosocial_by_country": Figure(
        "Figure 9: psychosocial score by country",
        "bar_by_country",
        ("country_means",),
        {"outcome": "psychosocial", "tiers": False},
    ),
    "figure_10_discrimination": Figure(
        "Figure 10: feelings of discrimination",
        "stacked",
        ("distributions", "figure_ns"),
        {"item": "psy_discrimination", "title": "Feelings of discrimination since return"},
    ),
    "figure_11_safety_outside_home": Figure(
        "Figure 11: feeling of safety outside the home",
        "stacked",
        ("distributions", "figure_ns"),
        {"item": "psy_physical_security", "title": "Feeling of safety outside the home"},
    ),
    "figure_12_family_tension": Figure(
        "Figure 12: family tension or conflict",
        "stacked",
        ("distributions", "figure_ns"),
        {"item": "psy_family_tension", "title": "Family tension or conflict"},
    ),
    "figure_13_assistance_vs_psych_support_wish": Figure(
        "Figure 13: programme received vs wish for psychological support",
        "heatmap",
        ("programme_shares", "figure_ns"),
        {
            "indicator": "wish_psych_support",
            "title": "Wishes specialised psychological support, by programme received",
            "n_key": "assistance_vs_psych_support_wish",
        },
    ),
    "figure_14_scores_by_sex": Figure(
        "Figure 14: scores by sex and dimension",
        "by_sex",
        ("by_sex",),
        {},
    ),
    "figure_s1_food_insecurity": Figure(
        "Supplementary: reduced food quantity or quality",
        "stacked",
        ("distributions", "figure_ns"),
        {
            "item": "eco_food_insecurity",
            "title": "Reduced food quantity or quality in the last month",
        },
    ),
    "figure_s2_borrow_ability": Figure(
        "Supplementary: ability to borrow money",
        "stacked",
        ("distributions", "figure_ns"),
        {"item": "eco_borrow_ability", "title": "Able to borrow money"},
    ),
    "figure_s3_borrow_frequency": Figure(
        "Supplementary: frequency of borrowing",
        "stacked",
        ("distributions", "figure_ns"),
        {"item": "eco_borrow_frequency", "title": "How often returnees borrow money"},
    ),
    "figure_s4_able_to_stay": Figure(
        "Supplementary: able to stay in the country",
        "stacked",
        ("distributions", "figure_ns"),
        {"item": "psy_able_to_stay", "title": "Feels able to stay and live in the country"},
    ),
}
