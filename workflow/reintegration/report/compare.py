"""Key estimates of two releases side by side (tables/release_comparison.csv).

The key estimates are read from the releases' tidy tables by file-name pattern, so the
comparison follows the tables wherever the chapters put them: country means, the published-
specification regression terms, the difference-in-differences, the effect sizes and the sample
sizes. Each table row becomes quantities named after the table, its identifying (text) columns
and the value column, e.g. ``chapter3_did: dimension=composite, term=mentored:post | estimate``.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pandas as pd

#: (section, file-name patterns, value columns compared). First matching section wins.
KEY_TABLES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("sample sizes", ("audit_ledger*", "*sample*", "*table4*", "*_glance*"), ("rows_read", "rows_kept", "n", "nobs", "n_obs", "returnees", "mentored", "persons", "records", "n_returnees", "n_mentored", "r_squared")),
    ("country means", ("*country_means*",), ("mean", "estimate", "n")),
    ("regression (published specification)", ("*regression*published*", "*published*regression*"), ("estimate", "std_error")),
    ("difference-in-differences", ("*did*",), ("estimate", "std_error")),
    ("effect sizes", ("*effect_size*",), ("estimate",)),
]  # fmt: skip

#: Columns that are statistics, never part of a quantity's name.
STAT_COLUMNS = {
    "estimate",
    "std_error",
    "statistic",
    "p_value",
    "conf_low",
    "conf_high",
    "mean",
    "sd",
    "n",
    "share",
}
#: Counts: whatever table they come from, they are compared under "sample sizes".
SIZE_COLUMNS = {"rows_read", "rows_kept", "n", "nobs", "n_obs", "returnees", "mentored", "persons", "records", "n_returnees", "n_mentored"}  # fmt: skip

#: Text columns that describe a result rather than identify it (a country can change tier, an
#: effect its magnitude label between releases): never part of a quantity's name.
RESULT_LABELS = {"tier", "magnitude", "country_label", "label", "significance", "stars", "note"}
COLUMNS = ["section", "quantity", "previous", "current", "difference"]


def section_of(name: str) -> tuple[str, tuple[str, ...]] | None:
    if "_vs_" in name:  # comparisons with the published tables repeat the release's estimates
        return None
    for section, patterns, values in KEY_TABLES:
        if any(fnmatch.fnmatch(name, p) for p in patterns):
            return section, values
    return None


def key_estimates(tables: list[str | Path]) -> pd.DataFrame:
    """Columns ``section, quantity, value`` from the key tables among ``tables``."""
    rows = []
    for path in sorted(map(Path, tables), key=lambda p: p.name):
        found = section_of(path.name)
        if found is None or path.suffix != ".csv":
            continue
        section, value_columns = found
        df = pd.read_csv(path, keep_default_na=False, na_values=[""])
        values = [c for c in value_columns if c in df.columns]
        ids = [
            c
            for c in df.columns
            if c not in STAT_COLUMNS
            and c not in RESULT_LABELS
            and c not in value_columns
            and not pd.api.types.is_numeric_dtype(df[c])  # numbers (and booleans) are values
        ]
        for record in df.to_dict("records"):
            label = ", ".join(
                f"{c}={record[c]}" for c in ids if not pd.isna(record[c]) and str(record[c]) != ""
            )
            for column in values:
                value = pd.to_numeric(pd.Series([record[column]]), errors="coerce").iloc[0]
                rows.append(
                    {
                        "section": "sample sizes" if column in SIZE_COLUMNS else section,
                        "quantity": f"{path.stem}: {label} | {column}",
                        "value": value,
                    }
                )
    out = pd.DataFrame(rows, columns=["section", "quantity", "value"])
    # A quantity named twice (e.g. a row repeated) keeps its first value.
    return out.drop_duplicates(subset=["section", "quantity"], keep="first")


def compare(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Outer join of two :func:`key_estimates` tables: previous, current, difference.

    Quantities only one release has keep an empty cell for the other (no silent drop).
    """
    merged = previous.merge(
        current, on=["section", "quantity"], how="outer", suffixes=("_previous", "_current")
    ).rename(columns={"value_previous": "previous", "value_current": "current"})
    merged["difference"] = merged["current"] - merged["previous"]
    order = {section: i for i, (section, _, _) in enumerate(KEY_TABLES)}
    merged["_order"] = merged["section"].map(order)
    merged = merged.sort_values(["_order", "quantity"], kind="stable").drop(columns="_order")
    return merged[COLUMNS].reset_index(drop=True)


def compare_releases(previous_tables: list[str | Path], current_tables: list[str | Path]):
    return compare(key_estimates(previous_tables), key_estimates(current_tables))


def summary(comparison: pd.DataFrame) -> pd.DataFrame:
    """Per section: quantities compared, changed, only in one release, largest |difference|."""
    rows = []
    for section, group in comparison.groupby("section", sort=False):
        both = group.dropna(subset=["previous", "current"])
        rows.append(
            {
                "section": section,
                "quantities": len(group),
                "changed": int((both["difference"].abs() > 1e-12).sum()),
                "only_previous": int((group["current"].isna() & group["previous"].notna()).sum()),
                "only_current": int((group["previous"].isna() & group["current"].notna()).sum()),
                "largest_abs_difference": both["difference"].abs().max()
                if len(both)
                else float("nan"),
            }
        )
    return pd.DataFrame(rows)
