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
# # Design study: coverage, size, bias and power
#
# What the calibrated generator makes possible: R seeded replications of the synthetic ORION
# panel (the generator's model, drawn without centring the planted means) give the coverage
# of the 95% intervals of the pooled DiD and of Cohen's d for their planted values (target
# 93-97%), the rejection rate of the plain clustered t and of the wild cluster bootstrap under
# a planted null with 17 clusters (nominal 5%), the bias of the plain and the
# selection-adjusted DiD under a planted selection rule, and the power curve at the published
# effect (d = 0.34): the panel size a next survey round needs for 80% power.
#
# The study is expensive and not part of a release run: it is made by `make design`
# (benchmarks/design_study.py, results in `results/design/`) and shown here when those results
# exist. *MC SE* is the Monte Carlo standard error of each share or mean over the R
# replications.

# %%
import json
from pathlib import Path

import pandas as pd
from IPython.display import Image, Markdown, display
from reintegration.report.present import show_table

# %% tags=["parameters"]
release = "study-2020"
release_dir = "results/releases/study-2020"
report_dir = "results/releases/study-2020/report"
exhibits_csv = "results/releases/study-2020/exhibits.csv"
chapter = "design"
waves = []
data_source = "synthetic"
design_dir = "results/design"

# %%
folder = Path(design_dir)
run = json.loads((folder / "design_run.json").read_text(encoding="utf-8"))
minutes = run["wall_time_s"] / 60.0
display(
    Markdown(
        f"R = **{run['R']}** replications, seed **{run['seed']}**, generator configuration "
        f"`{run['config']}`; wall time **{run['wall_time_s']:.0f} s** ({minutes:.1f} min)."
    )
)

# %% [markdown]
# ## Coverage, size and bias

# %%
table = pd.read_csv(folder / "design_study.csv", keep_default_na=False, na_values=[""])
show_table(table.rename(columns={"mc_se": "MC SE"}).drop(columns=["R"]))

# %% [markdown]
# ## Power at the published effect
#
# Share of replications rejecting H0: DiD = 0 at 5% (change-score DiD, HC1) for panels of N
# persons, half mentored, at d = 0.34; beside it the noncentral-t curve.

# %%
show_table(pd.read_csv(folder / "design_power.csv"))
n80 = table.set_index("quantity").loc["n_for_80pct_power_d034", "value"]
display(Markdown(f"80% power at d = 0.34 needs about **{n80:.0f} persons** (half mentored)."))

# %%
display(Image(filename=str(folder / "design_study.png"), alt="Design study"))
