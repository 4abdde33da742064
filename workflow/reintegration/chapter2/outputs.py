"""Names of the Chapter II output files (shared by the stage functions and the workflow).

Kept free of heavy imports: ``workflow/rules/chapter2.smk`` imports it at parse time.
"""

from __future__ import annotations

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

#: Figure file stem (under figures/) -> short title; numbers follow the report's figures.
FIGURES = {
    "figure_01_composite_by_country": "Figure 1: composite score by country, coloured by tier",
    "figure_02_trendlines": "Figure 2: scores against years since return, six countries",
    "figure_03_regression_published": "Figure 3: Annex 3 specification coefficients",
    "figure_03b_regression_full": "Figure 3b: full specification coefficients (clustered, wild bootstrap)",
    "figure_04_assistance_vs_economic_satisfaction": "Figure 4: programme received vs economic satisfaction",
    "figure_05_economic_by_country": "Figure 5: economic score by country",
    "figure_06_economic_satisfaction": "Figure 6: satisfaction with economic situation",
    "figure_07_social_by_country": "Figure 7: social score by country",
    "figure_08_assistance_vs_network_quality": "Figure 8: programme received vs support network quality",
    "figure_09_psychosocial_by_country": "Figure 9: psychosocial score by country",
    "figure_10_discrimination": "Figure 10: feelings of discrimination",
    "figure_11_safety_outside_home": "Figure 11: feeling of safety outside the home",
    "figure_12_family_tension": "Figure 12: family tension or conflict",
    "figure_13_assistance_vs_psych_support_wish": "Figure 13: programme received vs wish for psychological support",
    "figure_14_scores_by_sex": "Figure 14: scores by sex and dimension",
    "figure_s1_food_insecurity": "Supplementary: reduced food quantity or quality",
    "figure_s2_borrow_ability": "Supplementary: ability to borrow money",
    "figure_s3_borrow_frequency": "Supplementary: frequency of borrowing",
    "figure_s4_able_to_stay": "Supplementary: able to stay in the country",
}
