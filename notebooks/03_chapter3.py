# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Chapter III: the ORION mentoring pilot
#
# Returnees in Guinea and Senegal with two or more surveys after return (including the 2020
# phone survey), first against last survey, mentored against not mentored.
#
# **Caveats.** Mentoring was not assigned at random: the pilot gave priority to returnees with a
# low baseline composite score (below 0.33), to some locations and to volunteers. Mentored and
# other returnees therefore differ before mentoring, and part of any difference in their change
# can come from that (for instance regression to the mean after a low first score). The plain
# difference-in-differences is shown beside selection-adjusted estimates (inverse probability
# weighting on the baseline score and covariates) and randomisation inference (mentoring permuted
# within country). Scores use equal indicator weights (IOM's official weights are not public).

# %%
from reintegration.report.findings import show_findings
from reintegration.report.present import Chapter

# %% tags=["parameters"]
release = "study-2020"
release_dir = "results/releases/study-2020"
report_dir = "results/releases/study-2020/report"
exhibits_csv = "results/releases/study-2020/exhibits.csv"
chapter = "chapter3"
waves = []
data_source = "synthetic"
figure_notes = "config/published/figure_notes.csv"
targets = "config/published/targets.yaml"

# %%
page = Chapter(exhibits_csv, chapter, report_dir, figure_notes=figure_notes, targets=targets)
show_findings(chapter, release_dir)

# %% [markdown]
# ## The panel (Table 4) and baseline balance
#
# Returnees with at least two surveys after return, and how many were mentored, by country.
# The balance table compares the groups at their first survey (standardised differences:
# above about 0.1 in absolute value the groups differ noticeably).

# %%
page.show(
    ["*table4*", "*phone_match*", "*panel_sample*", "*panel_counts*", "*balance*"],
    expected="Table 4",
)

# %% [markdown]
# ## Scores at the first and last survey (Figures 15-19)
#
# Mean scores at the first and the last survey, by group, country and dimension, and their
# distributions (box plots).

# %%
page.show(["figure_1[5-9]*", "*_means*"], expected="Figures 15 to 19")

# %% [markdown]
# ## What goes with a larger change (Figure 20)
#
# Regression of the change in score between the first and last survey on mentoring, country,
# programmes, days between the surveys, sex and age.

# %%
page.show(["figure_20*", "*change_regression*"], expected="Figure 20")

# %% [markdown]
# ## Difference-in-differences (Figure 21)
#
# `score ~ mentored * post` on the first and last survey of each person, with person-clustered
# standard errors, by dimension and composite, per country and pooled. The interaction is the
# extra change of the mentored over the change of the others; the person fixed-effects
# (change-score) form gives the same estimate. In Figure 21 each point is a person (first score
# across, last score up); points above the diagonal improved.

# %%
page.show(["figure_21*", "*did.csv"], expected="Figure 21 and the DiD tables")

# %% [markdown]
# ## Effect sizes (Annex 4)
#
# Standardised differences in the per-person change, mentored against not: Cohen's d, Hedges' g
# (small-sample corrected) and Glass's delta (standardised by the non-mentored group), with 95%
# confidence intervals and the conventional magnitude labels (negligible < 0.2 <= small < 0.5
# <= medium < 0.8 <= large).

# %%
page.show(["*effect_size*"], expected="the effect sizes")

# %% [markdown]
# ## Beyond the study: selection-adjusted estimates
#
# The DiD reweighted by the inverse probability of being mentored given the baseline score and
# covariates (or doubly robust), and randomisation-inference p-values. When these differ from
# the plain DiD, selection into mentoring matters for the conclusion.

# %%
page.show(
    ["*selection*", "*ipw*", "*doubly*", "*random*", "*permutation*"],
    expected="the selection-adjusted estimates",
)

# %% [markdown]
# ## Indicator trends (Figures 24-28)

# %%
page.show(["figure_2[4-8]*", "*indicator_shares*"], expected="Figures 24 to 28")

# %% [markdown]
# ## This chapter against the published numbers
#
# The reproduction check's rows for Chapter III: the published number, this run's value, and
# whether it is within the stated tolerance.

# %%
page.show(["reproduction_chapter3*"], chapter="reproduction", expected="the reproduction rows")

# %%
page.show_rest()
