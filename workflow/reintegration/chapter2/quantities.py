"""Chapter II quantity extractors for the reproduction check (named in checks.csv).

Each extractor reads the chapter's own tables (``tables``: counts, means, assistance, shares,
figure_ns, published_tidy, published_glance, slopes, data) and returns a
:class:`~reintegration.reproduction.Value`; its thresholds come from the row's ``tolerance``.
``ctx["iso"]`` maps the country names of targets.yaml to codes (the codebook's countries).
"""

from __future__ import annotations

import pandas as pd

from reintegration.reproduction import Quantity, Value

from .descriptives import ALL
from .labels import OUTCOMES
from .regression import published_term

QUANTITIES: dict[str, Quantity] = {}
NAN = float("nan")


def quantity(label: str, *tables: str):
    """Register the decorated function as the extractor of that name."""

    def register(fn):
        QUANTITIES[fn.__name__] = Quantity(fn, label, tables)
        return fn

    return register


def _fmt(d: dict) -> str:
    return "; ".join(f"{k} {v:.3f}" for k, v in d.items())


def _codes(countries: str) -> list[str]:
    return [c.strip() for c in countries.split(",")]


# --- sample -----------------------------------------------------------------------------


@quantity("returnees {country}", "counts")
def returnees(t, ctx, *, tolerance, country):
    by_country = dict(zip(t["counts"]["country"], t["counts"]["n"], strict=True))
    return Value(float(by_country.get(ctx["iso"][country], NAN)))


@quantity("returnees total ({source})", "data")
def returnees_total(t, ctx, *, tolerance, source):
    return Value(float(len(t["data"])))


@quantity("countries with more than the minimum records", "counts")
def countries_kept(t, ctx, *, tolerance, minimum):
    kept = t["counts"].loc[t["counts"]["kept"], "country"]
    return Value(len(kept), shown=str(len(kept)))


# --- tiers ------------------------------------------------------------------------------


def _composite(t) -> pd.DataFrame:
    means = t["means"]
    return means[(means["outcome"] == "composite") & (means["country"] != ALL)]


@quantity("tier {country}", "means")
def tier(t, ctx, *, tolerance, country):
    comp = _composite(t)
    c = ctx["iso"][country]
    got = dict(zip(comp["country"], comp["tier"], strict=True)).get(c)
    mean = dict(zip(comp["country"], comp["mean"], strict=True)).get(c, NAN)
    return Value(got, shown=f"{got} (composite mean {mean:.3f})")


@quantity("{which} composite mean", "means")
def extreme_composite(t, ctx, *, tolerance, which):
    ordered = _composite(t).sort_values("mean")
    if not len(ordered):
        return Value(None, shown=f"none ({NAN:.3f})")
    pick = ordered.iloc[0 if which == "lowest" else -1]
    return Value(pick["country_label"], shown=f"{pick['country_label']} ({pick['mean']:.3f})")


# --- assistance and figure Ns -----------------------------------------------------------


def _assistance(t, ctx, quantity, country) -> Value:
    a = t["assistance"]
    code = ALL if country == ALL else ctx["iso"][country]
    r = a[(a["country"] == code) & (a["quantity"] == quantity)]
    if not len(r):
        return Value(NAN, n=0)
    return Value(r["share"].iloc[0], n=r["n"].iloc[0])


@quantity("share {name}", "assistance")
def assistance_share(t, ctx, *, tolerance, quantity, name):
    return _assistance(t, ctx, quantity, ALL)


@quantity("share {quantity} {country}", "assistance")
def assistance_share_by_country(t, ctx, *, tolerance, quantity, country):
    return _assistance(t, ctx, quantity, country)


@quantity("share stranded migrants", "data")
def stranded_share(t, ctx, *, tolerance):
    df = t["data"]
    if "return_type" not in df or not len(df):
        return Value(NAN, n=0)
    rt = df["return_type"].dropna()
    return Value(float((rt == "stranded").mean()), n=len(rt))


@quantity("N {quantity}", "figure_ns")
def figure_n(t, ctx, *, tolerance, quantity):
    row = t["figure_ns"].set_index("quantity")
    if quantity not in row.index:
        return Value(NAN, extra={"items": None, "with_programme": None})
    r = row.loc[quantity]
    return Value(
        float(r["n"]), extra={"items": r["items"], "with_programme": r["n_with_programme"]}
    )


# --- Annex 3 ----------------------------------------------------------------------------


@quantity("n (returnee-programme rows)", "published_tidy")
def annex3_n(t, ctx, *, tolerance):
    glance = t["published_glance"]
    return Value(float(glance["n"].iloc[0]) if len(glance) else NAN)


@quantity("{outcome} {term}", "published_tidy")
def annex3_coefficient(t, ctx, *, tolerance, outcome, term):
    tidy = t["published_tidy"]
    ours = {
        (ty.lower(), published_term(te)): est
        for ty, te, est in zip(tidy["type"], tidy["term"], tidy["estimate"], strict=True)
    }
    return Value(ours.get((outcome, term), NAN))


# --- findings: trendlines ---------------------------------------------------------------


def _trend(t, column: str, outcome: str = "economic") -> dict:
    """``column`` of ``outcome`` per trend country (sorted; NaN where that outcome is missing)."""
    sl = t["slopes"][~t["slopes"]["suppressed"].astype(bool)]
    value = {(c, o): v for c, o, v in zip(sl["country"], sl["outcome"], sl[column], strict=True)}
    return {c: value.get((c, outcome), NAN) for c in sorted(set(sl["country"]))}


@quantity("{label}", "slopes")
def steepest_slope(t, ctx, *, tolerance, label, outcome):
    eco = _trend(t, "slope", outcome)
    top = max(eco, key=lambda c: eco[c]) if eco else None
    return Value(top, shown=f"steepest: {top}; slopes per year: {_fmt(eco)}")


@quantity("{label}", "slopes")
def lowest_intercept(t, ctx, *, tolerance, label, outcome):
    start = _trend(t, "intercept", outcome)
    low = min(start, key=lambda c: start[c]) if start else None
    return Value(low, shown=f"lowest intercept: {low}; intercepts: {_fmt(start)}")


@quantity("{label}", "slopes")
def slope(t, ctx, *, tolerance, label, outcome, country):
    value = _trend(t, "slope", outcome).get(country, NAN)
    return Value(value, shown=f"{value:.4f} per year")


@quantity("{label}", "slopes")
def intercept_above_median(t, ctx, *, tolerance, label, outcome, country):
    start = _trend(t, "intercept", outcome)
    median, value = pd.Series(start).median(), start.get(country, NAN)
    return Value(value > median, shown=f"{value:.3f} vs median {median:.3f}")


@quantity("{label}", "slopes")
def rises_most_in_economic(t, ctx, *, tolerance, label, country):
    g = {o: _trend(t, "slope", o).get(country, NAN) for o in OUTCOMES}
    holds = (
        g["economic"] > 0
        and g["composite"] > 0
        and g["economic"] > max(g["social"], g["psychosocial"])
    )
    return Value(holds, shown=_fmt(g))


# --- findings: country profiles ---------------------------------------------------------


def _by_country(t, column: str) -> dict:
    """``column`` by (outcome, country), ranks without the missing ones."""
    m = t["means"]
    return {
        (o, c): v
        for o, c, v in zip(m["outcome"], m["country"], m[column], strict=True)
        if c != ALL and (column != "rank" or pd.notna(v))
    }


@quantity("{label}", "means")
def rank_from_lowest(t, ctx, *, tolerance, label, outcome, country):
    rank = _by_country(t, "rank")
    n_countries = len({c for _, c in _by_country(t, "mean")})
    r = rank.get((outcome, country))
    if r is None:
        return Value(None, shown="missing")
    return Value(n_countries + 1 - int(r), shown=f"rank {n_countries + 1 - int(r)} from the lowest")


@quantity("{label}", "means")
def economic_rank_better(t, ctx, *, tolerance, label, country):
    rank = _by_country(t, "rank")
    eco, psy = rank.get(("economic", country)), rank.get(("psychosocial", country))
    eco, psy = (None if r is None else int(r) for r in (eco, psy))
    return Value(
        eco is not None and psy is not None and eco < psy,
        shown=f"economic rank {eco}, psychosocial rank {psy} (1 = highest)",
    )


@quantity("{label}", "means")
def social_lowest(t, ctx, *, tolerance, label, country):
    mean = _by_country(t, "mean")
    d = {o: mean.get((o, country), NAN) for o in ("economic", "social", "psychosocial")}
    return Value(d["social"] < min(d["economic"], d["psychosocial"]), shown=_fmt(d))


# --- findings: indicator shares ---------------------------------------------------------


def _shares(t, indicator: str) -> dict:
    s = t["shares"][t["shares"]["indicator"] == indicator]
    return {c: (v, n) for c, v, n in zip(s["country"], s["share"], s["n"], strict=True)}


@quantity("{label}", "shares")
def share(t, ctx, *, tolerance, label, indicator, country):
    p, n = _shares(t, indicator).get(country, (NAN, 0))
    return Value(p, n=n)


@quantity("{label}", "shares")
def share_with_n(t, ctx, *, tolerance, label, indicator, country):
    p, n = _shares(t, indicator).get(country, (NAN, 0))
    return Value(p, shown=f"{p:.3f} (n = {n})")


@quantity("{label}", "shares")
def shares_of(t, ctx, *, tolerance, label, indicator, countries):
    s = _shares(t, indicator)
    vals = {c: s.get(c, (NAN, 0))[0] for c in _codes(countries)}
    return Value(list(vals.values()), shown=_fmt(vals))


@quantity("{label}", "shares")
def highest_share_similar(t, ctx, *, tolerance, label, indicator, countries):
    """The highest share is one of ``countries``, and the two lie within ``tolerance[0]``."""
    s = {c: v for c, (v, _) in _shares(t, indicator).items() if c != ALL}
    first, second = _codes(countries)
    top = max(s, key=lambda c: s[c]) if s else None
    a, b = s.get(first, NAN), s.get(second, NAN)
    return Value(
        top in (first, second) and abs(a - b) <= tolerance[0],
        shown=f"highest {top}; Mali {a:.3f}, Cameroon {b:.3f}",
    )


@quantity("{label}", "shares")
def top_shares(t, ctx, *, tolerance, label, indicator, positions):
    s = {c: v for c, (v, _) in _shares(t, indicator).items() if c != ALL}
    order = sorted(s, key=lambda c: -s[c])
    lo, hi = (int(x) for x in positions.split("-"))
    return Value(order[lo - 1 : hi], shown=f"top 4: {', '.join(order[:4])}")
