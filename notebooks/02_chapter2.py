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
# # Chapter II: returnees in 17 countries
#
# How returnees fare across the countries with more than the configured minimum of RSS records,
# and which kinds of assistance go with better scores. One survey per returnee: the interview at
# the end of assistance, else the latest. Scores lie between 0 and 1; 1 is the most
# reintegrated.
#
# **Caveats.** IOM's official indicator weights are not public: dimension scores here weight the
# answered items of a dimension equally and the composite is the mean of the three dimensions,
# so levels are not comparable one to one with IOM's own scores. The comparisons are
# associations in observational data: returnees are not assigned to programmes at random.
# Cells computed from fewer than the configured minimum of returnees are suppressed.

# %%
from reintegration.report.findings import show_findings
from reintegration.report.present import Chapter

# %% tags=["parameters"]
release = "study-2020"
release_dir = "results/releases/study-2020"
report_dir = "results/releases/study-2020/report"
exhibits_csv = "results/releases/study-2020/exhibits.csv"
chapter = "chapter2"
waves = []
data_source = "synthetic"
figure_notes = "config/published/figure_notes.csv"
targets = "config/published/targets.yaml"

# %%
page = Chapter(exhibits_csv, chapter, report_dir, figure_notes=figure_notes, targets=targets)
show_findings(chapter, release_dir)

# %% [markdown]
# ## The sample (footnote 14)
#
# Returnees per country: all records kept, those interviewed at the end of assistance, and
# whether the country has enough records to be analysed.

# %%
page.show(["*sample_by_country*"], expected="the sample by country")

# %% [markdown]
# ## Country means and the three tiers (Figure 1)
#
# Mean economic, social, psychosocial and composite scores per country with 95% confidence
# intervals, highest first. Countries fall into three tiers by composite score (thresholds in
# the configuration; the study used > 0.70, 0.61-0.70 and <= 0.60). Overlapping intervals mean
# two countries cannot be told apart with these samples.

# %%
page.show(["figure_01*", "*country_means*", "*tier*"], expected="Figure 1 and the country means")

# %% [markdown]
# ## Scores and time since return (Figure 2)
#
# Scores against the time between return and interview, with a fitted trend and its confidence
# band, for the six countries of the study's Figure 2. Each returnee is seen once, so the trend
# compares different returnees interviewed at different times, not the same people over time.

# %%
page.show(["figure_02*", "*trends.csv", "*trend*"], expected="Figure 2")

# %% [markdown]
# ## Who scores higher: the regression (Figure 3, Annex 3)
#
# Ordinary least squares of each dimension score and the composite on age, sex, years since
# return, country and programme type. The *published* specification follows the layout of the
# study's Annex 3 (one row per returnee and programme); the report does not state its reference
# categories, so the notes below say which were chosen and why. The *full* specification has
# one row per returnee with programmes as indicator columns, heteroskedasticity-robust and
# country-clustered standard errors, and wild cluster bootstrap p-values because 17 clusters
# are few. Read a coefficient as the difference in score, on the 0-1 scale, holding the other
# terms fixed.

# %%
page.show(["figure_03.*", "figure_03_*", "*regression_published*"], expected="Figure 3 and Annex 3")
page.show_notes("regression_published_notes.md", title="Notes to Annex 3: reference categories")
page.show(["figure_03b*", "*regression_full*", "*regression*"])

# %% [markdown]
# ## Economic dimension (Figures 4-6)
#
# Programme received against satisfaction with the economic situation (Figure 4), the economic
# score by country (Figure 5) and satisfaction with the economic situation by country
# (Figure 6).

# %%
page.show(["figure_04*", "figure_05*", "figure_06*"], expected="Figures 4 to 6")

# %% [markdown]
# ## Social dimension (Figures 7-8)

# %%
page.show(["figure_07*", "figure_08*"], expected="Figures 7 and 8")

# %% [markdown]
# ## Psychosocial dimension (Figures 9-13)

# %%
page.show(
    ["figure_09*", "figure_10*", "figure_11*", "figure_12*", "figure_13*"],
    expected="Figures 9 to 13",
)

# %% [markdown]
# ## Scores by sex (Figure 14)

# %%
page.show(["figure_14*", "*by_sex*"], expected="Figure 14")

# %% [markdown]
# ## Tables behind Figures 4-14 and supplementary indicators
#
# Shares of returnees by answer for the indicators of Figures 4-14 and for further indicators
# (food insecurity, borrowing, feeling able to stay), by country and by programme; the sample
# size of each figure.

# %%
page.show(
    ["figure_s*", "*figure_ns*", "*indicator*", "*assistance_shares*"],
    expected="the indicator tables",
)

# %% [markdown]
# ## This chapter against the published numbers
#
# The reproduction check's rows for Chapter II: the published number, this run's value, and
# whether it is within the stated tolerance.

# %%
page.show(["reproduction_chapter2*"], chapter="reproduction", expected="the reproduction rows")

# %%
page.show_rest()
