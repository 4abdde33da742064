"""Chapter II regression stage: Annex 3's specification and the full one for every outcome,
Annex 3 beside ours, and the notes (what the ``chapter2_regression`` script calls)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reintegration.estimable import require, require_inputs, run_stage
from reintegration.forked import forked_map
from reintegration.io import write_text
from reintegration.published import load_targets

from . import dataset, regression
from .inputs import REGRESSION_COLUMNS, read_dataset
from .labels import OUTCOMES, PUBLISHED_COUNTRIES, PUBLISHED_PROGRAMMES, load_labels
from .notes import regression_notes as _notes

__all__ = ["make_regressions"]


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
