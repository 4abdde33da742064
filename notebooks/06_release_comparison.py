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
# # What changed since the previous release
#
# Key estimates of the previous release and of this one side by side: sample sizes, country
# means, the published-specification regression terms, the difference-in-differences and the
# effect sizes. *Difference* is this release minus the previous one. A quantity present in only
# one release (a country crossing the minimum number of records, a new term) has an empty cell
# for the other.
#
# How to read it: a new wave adds returnees and later surveys of returnees already seen, so
# estimates move; compare a change with the standard errors of both releases before reading it
# as a change in how returnees fare.

# %%
import pandas as pd
from IPython.display import Markdown, display
from reintegration.report.compare import summary
from reintegration.report.findings import show_findings
from reintegration.report.present import Chapter, show_table

# %% tags=["parameters"]
release = "study-2020"
release_dir = "results/releases/study-2020"
report_dir = "results/releases/study-2020/report"
exhibits_csv = "results/releases/study-2020/exhibits.csv"
chapter = "release_comparison"
waves = []
data_source = "synthetic"
previous = ""
comparison_csv = "results/releases/study-2020/tables/release_comparison.csv"

# %%
page = Chapter(exhibits_csv, chapter, report_dir)
show_findings(chapter, release_dir)
comparison = pd.read_csv(comparison_csv, keep_default_na=False, na_values=[""])
display(Markdown(f"Release **{release}** (waves {', '.join(waves)}) against **{previous}**."))

# %% [markdown]
# ## Summary by section

# %%
show_table(summary(comparison))

# %% [markdown]
# ## Largest changes by section
#
# Within each section, the quantities whose value moved most (absolute difference; sample sizes
# are in counts, the other sections on the scale of the estimate).

# %%
for section, group in comparison.dropna(subset=["difference"]).groupby("section", sort=False):
    if section == "sample sizes":
        continue
    order = group["difference"].abs().sort_values(ascending=False, kind="stable").index
    display(Markdown(f"**{section}**"))
    show_table(
        group.loc[order, ["quantity", "previous", "current", "difference"]], max_rows=8, wrap=True
    )

# %% [markdown]
# ## Sample sizes

# %%
show_table(comparison[comparison["section"] == "sample sizes"], max_rows=80, wrap=True)

# %% [markdown]
# ## Quantities in one release only

# %%
show_table(
    comparison[comparison["previous"].isna() | comparison["current"].isna()], max_rows=80, wrap=True
)

# %% [markdown]
# ## The full comparison

# %%
page.show(["release_comparison*"])
page.show_rest()
