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
# # Retrospective comparison and the Morocco snapshot
#
# **Retrospective comparison.** Returnees with a pre-migration module answered a subset of the
# RSS questions about their situation before they left. Their recalled answers are compared,
# item by item and person by person, with their first survey after return (paired tests suited
# to ordinal answers). Recall is not measurement: answers about the past can be coloured by the
# present.
#
# **Morocco.** A handful of responses; descriptive and indicative only, never a basis for
# conclusions about returnees to Morocco.

# %%
from reintegration.report.findings import show_findings
from reintegration.report.present import Chapter

# %% tags=["parameters"]
release = "study-2020"
release_dir = "results/releases/study-2020"
report_dir = "results/releases/study-2020/report"
exhibits_csv = "results/releases/study-2020/exhibits.csv"
chapter = "retrospective_morocco"
waves = []
data_source = "synthetic"
figure_notes = "config/published/figure_notes.csv"
targets = "config/published/targets.yaml"

# %%
page = Chapter(exhibits_csv, chapter, report_dir, figure_notes=figure_notes, targets=targets)
show_findings(chapter, release_dir)

# %% [markdown]
# ## Before migration and after return (Figures 22-23)

# %%
page.show(["figure_22*", "figure_23*", "*retrospective*"], expected="Figures 22 and 23")

# %% [markdown]
# ## Morocco (Figures 29-31)

# %%
page.show(["figure_29*", "figure_3[01]*", "*morocco*"], expected="Figures 29 to 31")

# %%
page.show_rest()
