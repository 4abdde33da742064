"""Chapter II regressions: the published (Annex 3) specification and a fuller one.

Both are plain functions of any DataFrame and column names; they call
:func:`reintegration.stats.ols` (tested against statsmodels, a Wooldridge textbook result and
a known-null bootstrap simulation in ``tests/stats``).

**published** (Annex 3: ``score ~ age + gender + time + country + program``, n = 5546 for
5139 returnees). Reading of the published table, documented in
``tables/regression_published_notes.md``:

* one row per returnee and Annex 3 programme received (a returnee with none of the six
  has one row in the reference level "Other or none"), which is what n > returnees implies;
  every returnee's other covariates and score are repeated on each of their rows;
* country: only six country terms are printed, so the other eleven countries are pooled
  as the reference category "Other countries";
* gender: reference Male (the term printed is ``genderFemale``);
* classical (iid) standard errors, as R's ``lm`` + ``broom::tidy`` print them.

**full**: one row per returnee; all countries as a factor (reference configurable, default
Nigeria, the largest sample); each assistance type as its own 0/1 indicator (so a returnee
with two programmes contributes both, without duplicating the person); age, female, years
since return; HC3 and country-clustered (CR1, t with G - 1 df) standard errors and wild
cluster bootstrap (WCR) p-values for the clustered version. Country coefficients are not
bootstrapped: with clusters = countries, the country terms (and the intercept) are absorbed
by the clusters (:func:`reintegration.stats.unidentified_terms`), so in the clustered block
their SE, statistic, p-value and interval are left empty and the ``note`` column says why.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from reintegration.stats import (
    RowsDroppedWarning,
    WildBootstrap,
    blank_unidentified,
    check_choice,
    check_columns,
    ols,
    ols_vcovs,
    unidentified_terms,
)
from reintegration.stats.wild_bootstrap import WILD_FAILURE_CAUSES as WILD_CAUSES

__all__ = [
    "OTHER_COUNTRIES",
    "PUBLISHED_TERM_SPELLING",
    "TIDY_COLUMNS",
    "fit_full",
    "fit_published",
    "outcome_label",
    "published_term",
    "usable_indicators",
]

TIDY_COLUMNS = [
    "type",
    "term",
    "estimate",
    "std_error",
    "statistic",
    "p_value",
    "conf_low",
    "conf_high",
]
OTHER_COUNTRIES = "Other countries"
#: Our term names that the published table spells differently.
PUBLISHED_TERM_SPELLING = {"countryCôte d'Ivoire": "countryCôte Divoire"}
FULL_VCOV = ("HC3", "cluster")


def outcome_label(outcome: str) -> str:
    """``score_economic`` -> ``Economic`` (the ``type`` column of Annex 3)."""
    return outcome.removeprefix("score_").capitalize()


def published_term(term: str) -> str:
    """Our term name as Annex 3 spells it (``countryCôte d'Ivoire`` -> ``countryCôte Divoire``)."""
    return PUBLISHED_TERM_SPELLING.get(term, term)


def fit_published(
    df: pd.DataFrame,
    *,
    outcome: str,
    age: str = "age",
    gender: str = "gender",
    time: str = "time",
    country: str = "country_label",
    program: str = "program",
    printed_countries: Sequence[str],
    programmes: Sequence[str],
    program_reference: str,
    gender_reference: str = "Male",
    other_countries: str = OTHER_COUNTRIES,
    vcov: str = "classical",
):
    """Annex 3's ``score ~ age + gender + time + country + program`` on a long table.

    Parameters
    ----------
    df : DataFrame
        One row per unit and programme (see
        :func:`reintegration.chapter2.dataset.programmes_long`), with the outcome and
        covariates repeated on each row.
    outcome, age, gender, time, country, program : str
        Column names.
    printed_countries : sequence of str
        Country levels that get a term, in output order; every other level of ``country``
        is pooled into ``other_countries``, the reference.
    programmes : sequence of str
        Programme levels that get a term, in output order; ``program_reference`` is the
        reference; any other level is an error.
    vcov : str
        Passed to :func:`reintegration.stats.ols` ("classical" reproduces R's lm).

    Returns
    -------
    RegressionResult
        With term names ``age, genderFemale, time, country<level>, program<level>``.
    """
    check_columns(df, [outcome, age, gender, time, country, program])
    if other_countries in set(printed_countries):
        raise ValueError(f"`other_countries` {other_countries!r} is also a printed country")
    allowed = {*programmes, program_reference}
    unknown = sorted(set(df[program].dropna().unique()) - allowed)
    if unknown:
        raise ValueError(
            f"programme level(s) {unknown!r} are neither listed in `programmes` nor the "
            f"reference; allowed values: {sorted(allowed)!r}"
        )
    data = pd.DataFrame(
        {
            "y": df[outcome].to_numpy(dtype=float, na_value=np.nan),
            "age": df[age].to_numpy(dtype=float, na_value=np.nan),
            "time": df[time].to_numpy(dtype=float, na_value=np.nan),
        },
        index=df.index,
    )
    levels_g = [gender_reference] + sorted(set(df[gender].dropna().unique()) - {gender_reference})
    data["gender"] = pd.Categorical(df[gender], categories=levels_g)
    pooled = df[country].where(df[country].isin(list(printed_countries)) | df[country].isna())
    pooled = pooled.fillna(other_countries).where(df[country].notna())
    data["country"] = pd.Categorical(pooled, categories=[other_countries, *printed_countries])
    data["program"] = pd.Categorical(df[program], categories=[program_reference, *programmes])
    return ols(
        data,
        outcome="y",
        terms=["age", "gender", "time", "country", "program"],
        categorical={
            "gender": gender_reference,
            "country": other_countries,
            "program": program_reference,
        },
        vcov=vcov,
    )


def usable_indicators(
    df: pd.DataFrame, columns: Sequence[str], *, min_count: int
) -> tuple[list[str], dict[str, str]]:
    """Indicator columns fit to enter a model, and why the others were left out.

    An indicator is left out when fewer than ``min_count`` of its non-missing values are
    1 (or 0): its coefficient would describe fewer than ``min_count`` returnees (disclosure,
    STUDY.md §8) or be unidentified.
    """
    check_columns(df, columns)
    kept, dropped = [], {}
    for col in columns:
        x = df[col].dropna().astype(float)
        ones, zeros = int((x > 0.5).sum()), int((x <= 0.5).sum())
        if ones < min_count or zeros < min_count:
            dropped[col] = f"{ones} returnees with, {zeros} without (< {min_count})"
        else:
            kept.append(col)
    return kept, dropped


def fit_full(
    df: pd.DataFrame,
    *,
    outcome: str,
    country: str,
    reference: str,
    indicators: Sequence[str],
    covariates: Sequence[str] = ("age", "female", "time"),
    vcov: Sequence[str] = FULL_VCOV,
    bootstrap_B: int = 999,
    bootstrap_weights: str = "webb",
    seed: int = 20200101,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The full specification, one row per unit, with robust and clustered inference.

    ``outcome ~ covariates + country + indicators``, country a factor with ``reference``,
    clusters = ``country``. For each ``vcov`` in ("HC3", "cluster") a tidy block; the cluster
    block has ``p_value_boot``, the wild cluster bootstrap (WCR, ``bootstrap_weights`` in
    rademacher|webb, ``bootstrap_B`` draws, ``seed``) p-value of every non-country term.

    Returns
    -------
    (tidy, glance)
        ``tidy``: ``term, estimate, std_error, statistic, p_value, conf_low, conf_high,
        vcov, p_value_boot, note`` (``note``: why a term's clustered inference is empty); ``glance``: one row per vcov with n, R², vcov type, clusters,
        bootstrap settings.
    """
    vcov = list(vcov)
    for v in vcov:
        check_choice("vcov", v, FULL_VCOV)
    check_columns(df, [outcome, country, *indicators, *covariates])
    levels = sorted(set(df[country].dropna().unique()))
    if reference not in levels:
        raise ValueError(f"`reference` {reference!r} is not a level of {country!r}: {levels!r}")
    data = df[[outcome, country, *covariates, *indicators]].copy()
    others = [lev for lev in levels if lev != reference]
    data[country] = pd.Categorical(data[country], categories=[reference, *others])
    data["_cluster"] = df[country].astype(str)
    terms = [*covariates, country, *indicators]
    test_terms = [*covariates, *indicators]
    boot = None
    if "cluster" in vcov:
        boot = WildBootstrap(
            seed=seed, B=bootstrap_B, weights_type=bootstrap_weights, terms=tuple(test_terms)
        )
    results = ols_vcovs(
        data,
        outcome=outcome,
        terms=terms,
        vcovs=vcov,
        categorical={country: reference},
        cluster="_cluster" if "cluster" in vcov else None,
        bootstrap=boot,
    )
    blocks, glances = [], []
    for v in vcov:
        tidy, glance = _block_tables(
            results[v], data, vcov=v, outcome=outcome, country=country, reference=reference,
            terms=terms, bootstrap_weights=bootstrap_weights,
        )  # fmt: skip
        blocks.append(tidy)
        glances.append(glance)
    return pd.concat(blocks, ignore_index=True), pd.concat(glances, ignore_index=True)


def _block_tables(res, data, *, vcov, outcome, country, reference, terms, bootstrap_weights):
    """One vcov block of :func:`fit_full`: tidy (bootstrap p-values, notes) and glance."""
    tidy = res.tidy.copy()
    tidy["vcov"] = vcov
    tidy["p_value_boot"] = np.nan
    tidy["note"] = ""
    glance = res.glance.copy()
    glance["bootstrap_B"] = pd.array([pd.NA], dtype="Int64")
    glance["bootstrap_weights"] = ""
    # accounting of the wild bootstrap: fewest draws used by a term, failures by cause
    accounting = ["bootstrap_B_used", *(f"bootstrap_failures_{c}" for c in WILD_CAUSES)]
    for col in accounting:
        glance[col] = pd.array([pd.NA], dtype="Int64")
    if res.bootstrap is not None:
        boot = res.bootstrap
        pb = dict(zip(boot["term"], boot["p_value_boot"], strict=True))
        tidy["p_value_boot"] = tidy["term"].map(pb).astype(float)
        glance["bootstrap_B"] = pd.array([int(boot["B"].iloc[0])], dtype="Int64")
        glance["bootstrap_weights"] = bootstrap_weights
        totals = [boot["B_used"].min(), *(boot[f"failures_{c}"].sum() for c in WILD_CAUSES)]
        for col, value in zip(accounting, totals, strict=True):
            glance[col] = pd.array([int(value)], dtype="Int64")
        failed = boot.loc[boot["status"].ne("ok") & boot["reason"].ne("aliased")]
        why = dict(zip(failed["term"], failed["reason"], strict=True))
        tidy["note"] = tidy["term"].map(why).fillna("")
    if vcov == "cluster":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RowsDroppedWarning)  # reported by the fit
            notes = unidentified_terms(
                data,
                outcome=outcome,
                terms=terms,
                cluster=country,  # the clusters are the countries (named in the note)
                categorical={country: reference},
            )
        tidy = blank_unidentified(tidy, notes)
    glance["reference_country"] = reference
    return tidy, glance
