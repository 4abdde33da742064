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

# %%
page = Chapter(exhibits_csv, chapter, report_dir)
show_findings(chapter, release_dir)

# %% [markdown]
# ## Country means and the three tiers (Figure 1)
#
# Mean economic, social, psychosocial and composite scores per country with 95% confidence
# intervals. Countries fall into three tiers by composite score (thresholds in the
# configuration; the study used > 0.70, 0.61-0.70 and <= 0.60). Overlapping intervals mean two
# countries cannot be told apart with these samples.

# %%
page.show(["figure_01*", "*country_means*", "*tier*"], expected="Figure 1 and the country means")

# %% [markdown]
# ## Scores and time since return (Figure 2)
#
# Scores against the time between return and interview, with a fitted trend and its confidence
# band, for the six countries of the study's Figure 2. Each returnee is seen once, so the trend
# compares different returnees interviewed at different times, not the same people over time.

# %%
page.show(["figure_02*", "*trend*"], expected="Figure 2")

# %% [markdown]
# ## Who scores higher: the regression (Figure 3, Annex 3)
#
# Ordinary least squares of each dimension score and the composite on age, sex, years since
# return, country and programme type. The *published* specification follows the layout of the
# study's Annex 3 (one row per returnee and programme; reference categories are documented in
# the table notes since the report does not state them); the *full* specification has one row
# per returnee with programmes as indicator columns, heteroskedasticity-robust and
# country-clustered standard errors, and wild cluster bootstrap p-values because 17 clusters are
# few. Read a coefficient as the difference in score, on the 0-1 scale, holding the other terms
# fixed.

# %%
page.show(["figure_03*", "*regression*"], expected="Figure 3 and the regression tables")

# %% [markdown]
# ## Assistance and sex

# %%
page.show(["*assistance*", "*by_sex*", "*sex*"])

# %% [markdown]
# ## Indicators by country (Figures 4-14)
#
# Shares of returnees by answer for selected indicators (food insecurity, borrowing, access to
# services, discrimination, safety, family tension, feeling able to stay, ...), by country.

# %%
page.show(["figure_0[4-9]*", "figure_1[0-4]*", "*indicator*"], expected="Figures 4 to 14")

# %% [markdown]
# ## This chapter against the published numbers

# %%
page.show(["reproduction_chapter2*"])

# %%
page.show_rest()
