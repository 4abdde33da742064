"""Chapter II descriptives: country means and tiers, assistance, indicators (figure Ns and
scores by sex: :mod:`reintegration.chapter2.sample_tables`).

Every table that describes a group has an ``n`` column (the returnees the cell is computed
from) and a ``suppressed`` flag: cells from fewer than ``min_cell`` returnees are blanked
(STUDY.md §8, :func:`reintegration.stats.suppress_small_cells`), never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from reintegration.stats import check_columns, group_means
from reintegration.stats.disclosure import protect_counts, protect_means

from ._cells import ALL, _country_labels, _quiet, _quiet_cells
from .labels import OUTCOMES, Labels

__all__ = [
    "ALL",
    "DISTRIBUTION_ITEMS",
    "assign_tier",
    "assistance_shares",
    "country_means",
    "indicator_distribution",
    "indicator_shares",
    "programme_indicator_shares",
]

#: Items whose answer distribution by country is tabulated (and drawn).
DISTRIBUTION_ITEMS = (
    "eco_satisfaction",
    "eco_food_insecurity",
    "eco_borrow_ability",
    "eco_borrow_frequency",
    "psy_support_network",
    "psy_discrimination",
    "psy_physical_security",
    "psy_family_tension",
    "psy_able_to_stay",
    "psy_wish_psych_support",
)
TIER_ORDER = ("A", "B", "C")


def assign_tier(mean, *, a_above: float = 0.70, c_at_or_below: float = 0.60):
    """Tier of a composite mean: A if > ``a_above``, C if <= ``c_at_or_below``, else B.

    Works on a scalar or an array/Series; a missing mean has no tier (None / NA).
    """
    if not c_at_or_below < a_above:
        raise ValueError(
            f"tier thresholds need c_at_or_below < a_above; got {c_at_or_below}, {a_above}"
        )
    arr = np.asarray(mean, dtype=float)
    tiers = np.where(arr > a_above, "A", np.where(arr <= c_at_or_below, "C", "B")).astype(object)
    tiers[np.isnan(arr)] = None
    if np.ndim(mean) == 0:
        return tiers.item()
    return pd.Series(tiers, index=getattr(mean, "index", None), dtype="object")


def country_means(
    data: pd.DataFrame,
    *,
    labels: Labels,
    min_cell: int,
    a_above: float = 0.70,
    c_at_or_below: float = 0.60,
    outcomes: Sequence[str] = OUTCOMES,
    country: str = "country",
) -> pd.DataFrame:
    """Mean score per country and outcome with a 95% t interval, rank and composite tier.

    Returns ``outcome, country, country_label, n, mean, sd, se, conf_low, conf_high,
    rank`` (1 = highest mean among countries), ``tier`` (composite only) and
    ``suppressed``; one ``ALL`` row per outcome for the pooled sample. Missing scores are
    left out of that outcome's cells (the count is in ``n``).
    """
    parts = []
    for outcome in outcomes:
        col = f"score_{outcome}"
        by = _quiet(group_means, data, value=col, by=country)
        total = _quiet(group_means, data, value=col).assign(**{country: ALL})
        part = pd.concat([by, total], ignore_index=True)
        part.insert(0, "outcome", outcome)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out = protect_means(  # issue 17: the ALL row must not give a suppressed country back
        out, min_cell=min_cell, row=[country], block=["outcome"], totals={country: ALL},
        values=["mean", "sd", "se", "conf_low", "conf_high"], name="chapter2_country_means",
    )  # fmt: skip
    is_country = out[country] != ALL
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    ranks = out[is_country].groupby("outcome")["mean"].rank(ascending=False, method="min")
    out.loc[ranks.index, "rank"] = ranks.astype("Int64")
    out["tier"] = None
    comp = out["outcome"] == "composite"
    out.loc[comp, "tier"] = assign_tier(
        out.loc[comp, "mean"], a_above=a_above, c_at_or_below=c_at_or_below
    )
    out = _country_labels(out, labels, country)
    cols = ["outcome", country, "country_label", "n", "mean", "sd", "se", "conf_low"]
    cols += ["conf_high", "rank", "tier", "suppressed", "suppression"]
    return out[cols]


def assistance_shares(
    data: pd.DataFrame, *, labels: Labels, min_cell: int, country: str = "country"
) -> pd.DataFrame:
    """Assistance received, overall (``country = ALL``) and by country.

    Quantities: ``any_support`` (at least one type other than "No assistance"),
    ``more_than_one_type`` (two or more), each ``assist_<type>``, among returnees whose record
    has an assistance answer; ``level_<value>`` among returnees with an assistance level.
    Returns ``country, country_label, quantity, label, n, count, share, suppressed``.
    """
    assist = [c for c in data.columns if c.startswith("assist_")]
    check_columns(data, [country, "n_types", "assistance_recorded", *assist])
    used = [
        country,
        "n_types",
        *assist,
        *(["assistance_level"] if "assistance_level" in data else []),
    ]
    rec = data.loc[data["assistance_recorded"], used]  # the columns used, not all (issue 16)
    flags = {
        "any_support": (rec["n_types"] >= 1).astype(float),
        "more_than_one_type": (rec["n_types"] >= 2).astype(float),
    }
    names = {
        "any_support": "at least one type of support",
        "more_than_one_type": "more than one type of support",
    }
    for col in assist:
        value = col.removeprefix("assist_")
        flags[col] = rec[col].astype(float)
        names[col] = labels.choices["assistance"].get(value, value)
    if "assistance_level" in data:
        # "one in five returnees benefited from collective programming": of all returnees
        # with an assistance answer (the level shares below are of those with a level)
        flags["level_collective_of_all"] = (rec["assistance_level"] == "collective").astype(float)
        names["level_collective_of_all"] = "Collective level (share of all returnees)"
    frames = [
        pd.DataFrame({"quantity": q, "x": v, country: rec[country]}) for q, v in flags.items()
    ]
    if "assistance_level" in data:
        lev = data.loc[data["assistance_level"].notna(), ["assistance_level", country]]
        for value, label in labels.choices["assistance_level"].items():
            q = f"level_{value}"
            names[q] = f"{label} level"
            x = (lev["assistance_level"] == value).astype(float)
            frames.append(pd.DataFrame({"quantity": q, "x": x, country: lev[country]}))
    long = pd.concat(frames, ignore_index=True)
    by = long.groupby(["quantity", country], sort=False)["x"].agg(n="size", count="sum")
    tot = long.groupby("quantity", sort=False)["x"].agg(n="size", count="sum")
    tot = tot.reset_index().assign(**{country: ALL})
    out = pd.concat([tot, by.reset_index()], ignore_index=True)
    out["count"] = out["count"].astype("int64")
    out["share"] = out["count"] / out["n"]
    order = {q: i for i, q in enumerate(names)}
    out["_q"] = out["quantity"].map(order)
    out["_c"] = out[country] != ALL
    out = out.sort_values(["_q", "_c", country], kind="stable").drop(columns=["_q", "_c"])
    out["label"] = out["quantity"].map(names)
    out = _protect_assistance(out.reset_index(drop=True), country, min_cell)
    out = _country_labels(out.reset_index(drop=True), labels, country)
    cols = [country, "country_label", "quantity", "label", "n", "count", "share", "suppressed"]
    return out[[*cols, "suppression"]]


def _protect_assistance(out: pd.DataFrame, country: str, min_cell: int) -> pd.DataFrame:
    """Disclosure gate (issue 17): the level shares are one distribution per country (they
    sum to n), every other quantity a binary share; order kept."""
    level = out["quantity"].str.startswith("level_") & (
        out["quantity"] != "level_collective_of_all"
    )
    parts = [
        protect_counts(
            out[~level], min_cell=min_cell, row=[country], block=["quantity"],
            totals={country: ALL}, name="chapter2_assistance",
        ),
        protect_counts(
            out[level], min_cell=min_cell, row=[country], col="quantity",
            totals={country: ALL}, name="chapter2_assistance_level",
        ),
    ]  # fmt: skip
    parts[0].index, parts[1].index = out.index[~level], out.index[level]
    return pd.concat(parts).sort_index()


def indicator_distribution(
    data: pd.DataFrame,
    *,
    item: str,
    labels: Labels,
    min_cell: int,
    country: str = "country",
) -> pd.DataFrame:
    """Answer shares of ``item`` by country (and ``ALL``), substantive answers only.

    ``n`` is the number of returnees in the country who answered (non-response left out);
    ``count``/``share`` the returnees giving each answer. Returns ``item, country,
    country_label, value, answer, n, count, share, suppressed`` (answers in codebook order).
    """
    check_columns(data, [country, item])
    answers = labels.answers(item)
    sub = data.loc[data[item].isin(answers), [country, item]]
    counts = pd.crosstab(sub[country], sub[item]).reindex(columns=answers, fill_value=0)
    counts.loc[ALL] = counts.sum()
    rows = []
    for c, row in counts.iterrows():
        n = int(row.sum())
        for value in answers:
            rows.append((item, c, value, labels.answer(item, value), n, int(row[value])))
    out = pd.DataFrame(rows, columns=["item", country, "value", "answer", "n", "count"])
    out["share"] = out["count"] / out["n"].where(out["n"] > 0)
    out = protect_counts(  # issue 17
        out, min_cell=min_cell, row=[country], col="value", block=["item"],
        totals={country: ALL}, name="chapter2_indicator_distribution",
    )  # fmt: skip
    out = _country_labels(out, labels, country)
    cols = ["item", country, "country_label", "value", "answer", "n", "count", "share"]
    return out[[*cols, "suppressed", "suppression"]]


def indicator_shares(
    data: pd.DataFrame,
    *,
    labels: Labels,
    min_cell: int,
    indicators: dict | None = None,
    country: str = "country",
) -> pd.DataFrame:
    """Share of answering returnees giving the counted answers, per indicator and country;
    ``indicators``: name -> (item, answers counted, definition), by default the codebook's
    (``labels.indicators("chapter2")``, from its indicators.csv).

    Returns ``indicator, definition, item, country, country_label, n, count, share, rank``
    (1 = highest share among countries) and ``suppressed``.
    """
    indicators = labels.indicators("chapter2") if indicators is None else indicators
    parts = []
    for name, (item, values, definition) in indicators.items():
        check_columns(data, [item])
        answered = data.loc[data[item].isin(labels.answers(item)), [country, item]]
        x = answered[item].isin(values).astype(float)
        frame = pd.DataFrame({country: answered[country], "x": x})
        by = frame.groupby(country, sort=True)["x"].agg(n="size", count="sum").reset_index()
        tot = pd.DataFrame({country: [ALL], "n": [len(frame)], "count": [x.sum()]})
        part = pd.concat([tot, by], ignore_index=True)
        part.insert(0, "indicator", name)
        part.insert(1, "definition", definition)
        part.insert(2, "item", item)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["count"] = out["count"].astype("int64")
    out["share"] = out["count"] / out["n"].where(out["n"] > 0)
    out = protect_counts(  # issue 17
        out, min_cell=min_cell, row=[country], block=["indicator"], totals={country: ALL},
        name="chapter2_indicator_shares",
    )  # fmt: skip
    out = _align_with_distributions(out, data, labels, indicators, min_cell, country)
    is_country = out[country] != ALL
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    ranks = out[is_country].groupby("indicator")["share"].rank(ascending=False, method="min")
    out.loc[ranks.index, "rank"] = ranks.astype("Int64")
    out = _country_labels(out, labels, country)
    cols = ["indicator", "definition", "item", country, "country_label", "n", "count", "share"]
    return out[[*cols, "rank", "suppressed", "suppression"]]


def _align_with_distributions(out, data, labels, indicators, min_cell, country):
    """Issue 17: an indicator is a sum of answer counts that indicator_distribution publishes
    for the same item and country; it is shown only where the distribution's published cells
    already determine it (all counted answers, or all others, shown), else it would give a
    suppressed answer back by subtraction."""
    items = {item for item, _, _ in indicators.values()} & set(DISTRIBUTION_ITEMS)
    dists = {
        item: _quiet_cells(
            indicator_distribution, data, item=item, labels=labels, min_cell=min_cell
        )
        for item in items
    }
    hide = pd.Series(False, index=out.index)
    for i, row in out.iterrows():
        item, values, _ = indicators[row["indicator"]]
        if item not in dists:
            continue
        d = dists[item][dists[item][country] == row[country]]
        shown = d["count"].notna()
        inside = d["value"].isin(values)
        known = bool(shown[inside].all() or shown[~inside].all()) and d["n"].notna().all()
        hide[i] = not known and pd.notna(row["count"])
    out.loc[hide, ["count", "share"]] = np.nan
    out.loc[hide, "suppression"] = "secondary"
    out.loc[hide, "suppressed"] = True
    return out


def programme_indicator_shares(
    data: pd.DataFrame,
    long: pd.DataFrame,
    *,
    indicator: str,
    labels: Labels,
    min_cell: int,
    id_col: str = "returnee_id",
    country: str = "country",
) -> pd.DataFrame:
    """Binary ``indicator`` share by programme received and country (Figures 4, 8, 13).

    ``long`` is the returnee-programme table; returnees without an Annex 3 programme are
    left out (the report's "main types of assistance"). A returnee with two programmes
    counts in both. Returns ``indicator, program, country, country_label, n, count, share,
    suppressed`` with ``country = ALL`` rows per programme.
    """
    known = labels.indicators("chapter2")
    if indicator not in known:
        raise ValueError(f"`indicator` must be one of {list(known)!r}; got {indicator!r}")
    item, values, _ = known[indicator]
    check_columns(data, [id_col, country, item])
    merged = long[long["programme"] != "reference"].merge(
        data[[id_col, country, item]], on=id_col, how="left", validate="many_to_one"
    )
    merged = merged[merged[item].isin(labels.answers(item))]
    merged["x"] = merged[item].isin(values).astype(float)
    keys = ["programme", "program"]
    by = merged.groupby([*keys, country], sort=True)["x"].agg(n="size", count="sum").reset_index()
    tot = merged.groupby(keys, sort=True)["x"].agg(n="size", count="sum").reset_index()
    out = pd.concat([tot.assign(**{country: ALL}), by], ignore_index=True)
    out.insert(0, "indicator", indicator)
    out["count"] = out["count"].astype("int64")
    out["share"] = out["count"] / out["n"]
    out = protect_counts(  # issue 17
        out, min_cell=min_cell, row=[country], block=["programme"], totals={country: ALL},
        name="chapter2_programme_indicator_shares",
    )  # fmt: skip
    out = _country_labels(out, labels, country)
    cols = ["indicator", "programme", "program", country, "country_label", "n", "count", "share"]
    return out[[*cols, "suppressed", "suppression"]].sort_values(
        ["programme", country], kind="stable", ignore_index=True
    )
