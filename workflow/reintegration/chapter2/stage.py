"""Chapter II stage functions: read inputs, call the analysis functions, write outputs.

Each ``make_*`` function is what one workflow script calls (the scripts only parse
arguments); the regressions' is in :mod:`.regression_stage`. Outputs are written with the
deterministic writers of :mod:`reintegration.io`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reintegration.data.coarsen import coarsen_dates
from reintegration.data.io import Parts, read_parquet, read_rows_at
from reintegration.estimable import reason_of, require, require_inputs, run_stage
from reintegration.io import write_csv
from reintegration.published import load_checks, load_targets
from reintegration.stats import suppress_small_cells

from . import dataset, descriptives, reproduction, sample_tables, trends
from .inputs import (
    REPRODUCTION_COLUMNS,
    TREND_COLUMNS,
    descriptive_columns,
    read_dataset,
)
from .labels import load_labels
from .outputs import DESCRIPTIVE_TABLES

__all__ = [
    "DESCRIPTIVE_TABLES",
    "make_dataset",
    "make_descriptives",
    "make_reproduction",
    "make_trends",
]

PROGRAMME_FIGURE_INDICATORS = ("satisfied_economic", "network_good", "wish_psych_support")


def make_dataset(
    records: Parts,
    *,
    codebook: str | Path,
    min_records: int,
    min_cell: int,
    out_data: str | Path,
    out_programmes: str | Path,
    out_counts: str | Path,
) -> None:
    """``data/cross_country.parquet``, ``data/cross_country_programmes.parquet`` and the counts."""
    labels = load_labels(codebook)
    # Chosen on the key columns, then only the chosen rows read (issue 16: at 100x the pooled
    # records alone take 1.6 GB in pandas).
    keys = read_parquet(records, columns=dataset.KEY_COLUMNS)
    positions, counts = dataset.choose_returnees(keys, min_records=min_records, labels=labels)
    del keys
    data = dataset.analysis_variables(read_rows_at(records, positions), labels=labels)
    shown = suppress_small_cells(
        counts, count_col="n", value_cols=["n", "n_end_of_assistance"], min_count=min_cell
    )
    write_csv(shown, out_counts)

    def compute():
        require(
            len(data) > 0,
            "chapter2 dataset",
            f"no country has more than {min_records} returnees (cross_country.min_records); "
            f"returnees by country: {_shown_counts(shown, min_cell)}",
        )
        programmes = dataset.programmes_long(data, labels=labels)
        return {"data": coarsen_dates(data), "programmes": programmes}  # no exact date (issue 17)

    run_stage("chapter2 dataset", compute, {"data": out_data, "programmes": out_programmes})


def _shown_counts(counts: pd.DataFrame, min_cell: int) -> str:
    """Country counts for a reason text, small counts shown as "< min_cell" (disclosure)."""
    parts = [
        f"{c} {int(n) if pd.notna(n) else f'< {min_cell}'}"
        for c, n in zip(counts["country"], counts["n"], strict=True)
    ]
    return ", ".join(parts) or "no records"


def make_descriptives(
    data: str | Path,
    programmes: str | Path,
    *,
    codebook: str | Path,
    min_cell: int,
    a_above: float,
    c_at_or_below: float,
    out_dir: str | Path,
) -> None:
    """The descriptive tables of :data:`DESCRIPTIVE_TABLES` into ``out_dir``."""
    labels = load_labels(codebook)
    df = read_dataset(data, descriptive_columns(labels), assistance=True)
    long = pd.read_parquet(programmes)
    out = Path(out_dir)

    def compute():
        require_inputs("chapter2 descriptives", data=df)
        return _descriptive_tables(
            df, long, labels=labels, min_cell=min_cell, a_above=a_above, c_at_or_below=c_at_or_below
        )

    paths = {key: out / name for key, name in DESCRIPTIVE_TABLES.items()}
    run_stage("chapter2 descriptives", compute, paths)


def _descriptive_tables(df, long, *, labels, min_cell, a_above, c_at_or_below) -> dict:
    return {
        "country_means": descriptives.country_means(
            df, labels=labels, min_cell=min_cell, a_above=a_above, c_at_or_below=c_at_or_below
        ),
        "assistance": descriptives.assistance_shares(df, labels=labels, min_cell=min_cell),
        "distributions": pd.concat(
            [
                descriptives.indicator_distribution(df, item=i, labels=labels, min_cell=min_cell)
                for i in descriptives.DISTRIBUTION_ITEMS
            ],
            ignore_index=True,
        ),
        "shares": descriptives.indicator_shares(df, labels=labels, min_cell=min_cell),
        "programme_shares": pd.concat(
            [
                descriptives.programme_indicator_shares(
                    df, long, indicator=i, labels=labels, min_cell=min_cell
                )
                for i in PROGRAMME_FIGURE_INDICATORS
            ],
            ignore_index=True,
        ),
        "figure_ns": sample_tables.figure_ns(df, long, labels=labels),
        "by_sex": sample_tables.scores_by_sex(df, labels=labels, min_cell=min_cell),
    }


def make_trends(
    data: str | Path,
    *,
    codebook: str | Path,
    countries: list[str],
    min_cell: int,
    out_slopes: str | Path,
    out_bands: str | Path,
) -> None:
    """Figure 2's trend slopes and bands."""
    labels = load_labels(codebook)
    df = read_dataset(data, TREND_COLUMNS)

    def compute():
        require_inputs("chapter2 trends", data=df)
        present = [c for c in countries if c in set(df["country"].dropna().unique())]
        require(
            bool(present),
            "chapter2 trends",
            f"none of the trend countries {', '.join(countries)} (cross_country.trend_countries) "
            f"has more than cross_country.min_records returnees; countries in the dataset: "
            f"{', '.join(sorted(set(df['country'].dropna().unique()))) or 'none'}",
        )
        missing = [c for c in countries if c not in present]
        if missing:
            print(f"warning: trend countries without data, left out: {', '.join(missing)}")
        slopes, bands = trends.fit_trends(df, countries=present, labels=labels, min_cell=min_cell)
        return {"slopes": slopes, "bands": bands}

    run_stage("chapter2 trends", compute, {"slopes": out_slopes, "bands": out_bands})


def make_reproduction(
    *,
    codebook: str | Path,
    data: str | Path,
    counts: str | Path,
    tables_dir: str | Path,
    published: str | Path,
    published_glance: str | Path,
    slopes: str | Path,
    out: str | Path,
    targets: str | Path,
    checks: str | Path,
) -> pd.DataFrame:
    """``tables/reproduction_chapter2.csv``."""
    labels = load_labels(codebook)
    t = Path(tables_dir)
    df = read_dataset(data, REPRODUCTION_COLUMNS)
    if reason_of(df) is not None:
        df = df.iloc[0:0]

    def read(path, **kw):
        return pd.read_csv(path, keep_default_na=False, na_values=[""], **kw)

    tables = {
        "data": df,
        "counts": read(counts),
        "means": read(t / DESCRIPTIVE_TABLES["country_means"]),
        "assistance": read(t / DESCRIPTIVE_TABLES["assistance"]),
        "shares": read(t / DESCRIPTIVE_TABLES["shares"]),
        "figure_ns": pd.read_csv(t / DESCRIPTIVE_TABLES["figure_ns"]),
        "published_tidy": pd.read_csv(published),
        "published_glance": pd.read_csv(published_glance),
        "slopes": read(slopes),
    }
    table = reproduction.chapter2_rows(
        targets=load_targets(targets), checks=load_checks(checks), labels=labels, tables=tables
    )
    write_csv(table, out)
    return table
