"""Chapter II stage functions: read inputs, call the analysis functions, write outputs.

Each ``make_*`` function is what one workflow script calls (the scripts only parse
arguments). Outputs are written with the deterministic writers of :mod:`reintegration.io`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reintegration.data.coarsen import coarsen_dates
from reintegration.data.io import Parts, read_parquet, read_rows_at
from reintegration.estimable import reason_of, require, require_inputs, run_stage
from reintegration.forked import forked_map
from reintegration.io import write_csv, write_text
from reintegration.published import load_checks, load_targets
from reintegration.stats import suppress_small_cells

from . import dataset, descriptives, regression, reproduction, sample_tables, trends
from .inputs import (
    REGRESSION_COLUMNS,
    REPRODUCTION_COLUMNS,
    TREND_COLUMNS,
    descriptive_columns,
    read_dataset,
)
from .labels import OUTCOMES, PUBLISHED_COUNTRIES, PUBLISHED_PROGRAMMES, load_labels
from .notes import regression_notes as _notes
from .outputs import DESCRIPTIVE_TABLES

__all__ = [
    "DESCRIPTIVE_TABLES",
    "make_dataset",
    "make_descriptives",
    "make_regressions",
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


def _published_inputs(df: pd.DataFrame, long: pd.DataFrame) -> pd.DataFrame:
    cols = ["returnee_id", "age", "gender", "time", "country_label"]
    cols += [f"score_{o}" for o in OUTCOMES]
    return long.merge(df[cols], on="returnee_id", how="left", validate="many_to_one")


def make_regressions(
    data: str | Path,
    programmes: str | Path,
    *,
    codebook: str | Path,
    reference: str,
    bootstrap_B: int,
    bootstrap_weights: str,
    seed: int,
    min_cell: int,
    out_published: str | Path,
    out_published_glance: str | Path,
    out_published_vs_annex: str | Path,
    out_notes: str | Path,
    out_full: str | Path,
    out_full_glance: str | Path,
    workers: int = 1,
) -> None:
    """Both specifications for every outcome, the side-by-side table and the notes;
    ``workers`` processes fit each specification's outcomes (the same tables)."""
    labels = load_labels(codebook)
    df = read_dataset(data, REGRESSION_COLUMNS, assistance=True)
    long = pd.read_parquet(programmes)
    fitted: dict = {}

    def published():
        _require_countries(df, "chapter2 regression (Annex 3)")
        pub, pub_glance = _fit_published(df, long, labels, workers)
        fitted["glance"] = pub_glance
        return {"published": pub, "glance": pub_glance, "vs_annex": _beside_annex(pub)}

    def full():
        _require_countries(df, "chapter2 regression (full)")
        countries = sorted(set(df["country"].dropna().unique()))
        require(
            reference in countries,
            "chapter2 regression (full)",
            f"the reference country {reference} (cross_country.full_reference_country) is not "
            f"in the dataset; countries above cross_country.min_records: {', '.join(countries)}",
        )
        tidy, glance, fitted["dropped"] = _fit_full(
            df, labels, reference, bootstrap_B, bootstrap_weights, seed, min_cell, workers
        )
        return {"full": tidy, "glance": glance}

    reason = run_stage(
        "chapter2 regression (Annex 3)",
        published,
        {
            "published": out_published,
            "glance": out_published_glance,
            "vs_annex": out_published_vs_annex,
        },
    )
    run_stage("chapter2 regression (full)", full, {"full": out_full, "glance": out_full_glance})
    if reason is not None:
        write_text(f"# Not estimable\n\n{reason}\n", out_notes)
        return
    notes = _notes(fitted["glance"], long, df, fitted.get("dropped", {}), reference, labels)
    write_text(notes, out_notes)


def _require_countries(df: pd.DataFrame, analysis: str) -> None:
    require_inputs(analysis, data=df)
    countries = sorted(set(df["country"].dropna().unique()))
    require(
        len(countries) >= 2,
        analysis,
        f"the regression compares countries and needs at least 2 with more than "
        f"cross_country.min_records returnees; this release has {len(countries)} "
        f"({', '.join(countries) or 'none'})",
    )


def _fit_published(
    df: pd.DataFrame, long: pd.DataFrame, labels, workers: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Annex 3's specification for every outcome (one per process of ``workers``): tidy rows
    and fit statistics."""
    merged = _published_inputs(df, long)
    printed = [labels.country(c) for c in PUBLISHED_COUNTRIES]
    progs = [labels.choices["assistance"][p] for p in PUBLISHED_PROGRAMMES]

    def fit(outcome: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        res = regression.fit_published(
            merged,
            outcome=f"score_{outcome}",
            printed_countries=printed,
            programmes=progs,
            program_reference=dataset.PROGRAMME_REFERENCE,
        )
        tidy = res.tidy.copy()
        tidy.insert(0, "type", regression.outcome_label(outcome))
        tidy["term_published"] = tidy["term"].map(regression.published_term)
        glance = res.glance.copy()
        glance["outcome"] = regression.outcome_label(outcome)
        used = merged.loc[merged[f"score_{outcome}"].notna()]
        glance.insert(1, "n_returnees", used["returnee_id"].nunique())
        return tidy, glance

    fits = forked_map(fit, OUTCOMES, workers)
    pub = pd.concat([t for t, _ in fits], ignore_index=True)
    pub_glance = pd.concat([g for _, g in fits], ignore_index=True)
    pub_glance["published_n"] = load_targets()["regression"]["n"]
    return pub, pub_glance


def _fit_full(df, labels, reference, bootstrap_B, bootstrap_weights, seed, min_cell, workers):
    """The full specification for every outcome (one per process of ``workers``): tidy,
    glance and the indicators left out."""
    indicators = [c for c in df.columns if c.startswith("assist_") and c != "assist_none"]
    indicators, dropped = regression.usable_indicators(df, indicators, min_count=min_cell)

    def fit(i: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        outcome = OUTCOMES[i]
        tidy, glance = regression.fit_full(
            df,
            outcome=f"score_{outcome}",
            country="country",
            reference=reference,
            indicators=indicators,
            bootstrap_B=bootstrap_B,
            bootstrap_weights=bootstrap_weights,
            seed=seed + i,
        )
        tidy.insert(0, "type", regression.outcome_label(outcome))
        tidy["label"] = [_full_label(t, labels) for t in tidy["term"]]
        glance["outcome"] = regression.outcome_label(outcome)
        glance["indicators_dropped"] = "; ".join(f"{k}: {v}" for k, v in dropped.items())
        glance["note"] = (
            "cluster = country: the country terms and the intercept are absorbed by the "
            "clusters, so their clustered SE, statistic and p-value are left empty (column "
            "`note` of the table) and they are not bootstrapped"
        )
        return tidy, glance

    fits = forked_map(fit, range(len(OUTCOMES)), workers)
    tidy = pd.concat([t for t, _ in fits], ignore_index=True)
    return tidy, pd.concat([g for _, g in fits], ignore_index=True), dropped


def _full_label(term: str, labels) -> str:
    if term.startswith("assist_"):
        return labels.choices["assistance"].get(term.removeprefix("assist_"), term)
    if term.startswith("country"):
        return labels.country(term.removeprefix("country"))
    return {
        "(Intercept)": "(Intercept)",
        "age": "Age (years)",
        "female": "Female",
        "time": "Years since return",
    }.get(term, term)


def _beside_annex(pub: pd.DataFrame) -> pd.DataFrame:
    """Our published-specification estimates beside Annex 3's, with the distance in SE."""
    coefs = load_targets()["regression"]["coefficients"]
    rows = []
    ours = {
        (t, p): (e, s)
        for t, p, e, s in zip(
            pub["type"], pub["term_published"], pub["estimate"], pub["std_error"], strict=True
        )
    }
    for outcome, terms in coefs.items():
        for term, (est, se) in terms.items():
            e, s = ours.get((outcome.capitalize(), term), (float("nan"), float("nan")))
            rows.append((outcome.capitalize(), term, est, se, e, s, e - est, (e - est) / se))
    return pd.DataFrame(
        rows,
        columns=[
            "type",
            "term",
            "published_estimate",
            "published_std_error",
            "estimate",
            "std_error",
            "difference",
            "difference_in_published_se",
        ],
    )


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
