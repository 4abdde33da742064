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
# # Reproduction check
#
# Every number the study published (collected in `config/published/targets.yaml`) beside the
# value this run produced, the difference, and whether it lies within the tolerance stated in
# the last column. Qualitative findings (signs, ranks, tier membership) are turned into explicit
# checks.
#
# How to read it: on the embedded synthetic data, agreement shows that the pipeline recovers
# what the synthetic data were calibrated to, not that the study's findings hold. On real
# exports, differences can come from the unknown official indicator weights, unstated reference
# categories and sample definitions, and from data delivered since.

# %%
from reintegration.report.findings import show_findings
from reintegration.report.present import Chapter, show_table
from reintegration.reproduction import summarise

# %% tags=["parameters"]
release = "study-2020"
release_dir = "results/releases/study-2020"
report_dir = "results/releases/study-2020/report"
exhibits_csv = "results/releases/study-2020/exhibits.csv"
chapter = "reproduction"
waves = []
data_source = "synthetic"

# %%
page = Chapter(exhibits_csv, chapter, report_dir)
show_findings(chapter, release_dir)
reproduction = page.table("reproduction.csv")

# %% [markdown]
# ## Summary by section

# %%
if reproduction is None:
    page.show([], expected="the reproduction table (tables/reproduction.csv)")
else:
    reproduction["within_tolerance"] = reproduction["within_tolerance"].astype(str) == "True"
    show_table(summarise(reproduction))

# %% [markdown]
# ## Outside tolerance

# %%
if reproduction is not None:
    show_table(reproduction[~reproduction["within_tolerance"]], max_rows=200)

# %% [markdown]
# ## The full table

# %%
page.show(["reproduction.csv"])
page.show_rest()
