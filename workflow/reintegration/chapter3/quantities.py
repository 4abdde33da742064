"""Chapter III quantity extractors for the reproduction check (named in checks.csv).

Each extractor reads the chapter's own tables (table4, means, did, effect_sizes, regression,
shares, retrospective, retrospective_tests, morocco_summary, morocco_change, phone_match) and
returns a :class:`~reintegration.reproduction.Value`; the thresholds of a compound statement
come from the row's ``tolerance``. ``ctx["iso"]`` maps targets.yaml country names to codes.
"""

from __future__ import annotations

import numpy as np

from reintegration.reproduction import Quantity, Value

from .values import fmt as _fmt
from .values import get as _get

QUANTITIES: dict[str, Quantity] = {}
DIMS = ("economic", "social", "psychosocial")
PANEL = "panel"


def quantity(label: str, *tables: str):
    """Register the decorated function as the extractor of that name."""

    def register(fn):
        QUANTITIES[fn.__name__] = Quantity(fn, label, tables)
        return fn

    return register


def _code(ctx, country: str) -> str:
    return ctx["iso"].get(country, country)


# --- counts -----------------------------------------------------------------------------


@quantity("{column} {country} (Table 4)", "table4")
def table4(t, ctx, *, tolerance, column, country):
    return Value(_get(t["table4"], column, country=_code(ctx, country)))


@quantity("mentored share {country} (Table 4)", "table4")
def mentored_share(t, ctx, *, tolerance, country):
    return Value(_get(t["table4"], "mentored_share", country=_code(ctx, country)))


@quantity("mean days first to last RSS", "table4")
def mean_days_between(t, ctx, *, tolerance):
    return Value(_get(t["table4"], "mean_days_between", country="all"))


@quantity("mentee mean first composite {country}", "means")
def mentee_first_composite(t, ctx, *, tolerance, country):
    return Value(_mean(t, _code(ctx, country), "mentored", "composite", "first"))


@quantity("cases {country}", "retrospective")
def retrospective_cases(t, ctx, *, tolerance, country):
    return Value(float((t["retrospective"]["country"] == _code(ctx, country)).sum()))


@quantity("survey responses", "morocco_summary")
def morocco_responses(t, ctx, *, tolerance):
    return Value(_get(t["morocco_summary"], "value", statistic="responses"))


@quantity("score change cases", "morocco_change")
def morocco_change_cases(t, ctx, *, tolerance):
    change = t["morocco_change"]
    return Value(float(change["change_cases"].iloc[0]) if len(change) else float("nan"))


@quantity("phone survey respondents {country} (Table 3)", "phone_match")
def phone_respondents(t, ctx, *, tolerance, country):
    return Value(_get(t["phone_match"], "phone_respondents", country=_code(ctx, country)))


# --- Annex 4 ----------------------------------------------------------------------------


@quantity("Annex 4 {name} {dimension}", "effect_sizes")
def effect_size(t, ctx, *, tolerance, name, type, column, dimension):
    e = t["effect_sizes"]
    e = e.loc[e["scope"] == "pooled"] if "scope" in e else e
    if column == "magnitude":
        got = e.loc[(e["dimension"] == dimension) & (e["type"] == type), "magnitude"]
        got = got.iloc[0] if len(got) else "NA"
        return Value(got, shown=got)
    return Value(_get(e, column, dimension=dimension, type=type))


# --- panel findings (Figures 15-28, the change regression, the DiD) ---------------------


def _mean(t, country, group, dim, time) -> float:
    return _get(t["means"], "mean", country=country, group=group, dimension=dim, time=time)


def _change(t, country, group, dim) -> float:
    return _mean(t, country, group, dim, "last") - _mean(t, country, group, dim, "first")


def _dims(values: dict) -> str:
    return ", ".join(f"{d[:3]} {_fmt(values[d])}" for d in DIMS)


@quantity("finding: {finding}", "means")
def first_composite_gap(t, ctx, *, tolerance, country):
    """|mentored - not mentored| first-RSS composite mean."""
    diff = _mean(t, country, "mentored", "composite", "first") - _mean(
        t, country, "not mentored", "composite", "first"
    )
    return Value(abs(diff), shown=f"mentored - not mentored = {_fmt(diff)}")


@quantity("finding: {finding}", "means")
def guinea_change(t, ctx, *, tolerance, country):
    """Mentored up in all and ahead at last; non-mentored slightly up (eco, soc), slightly down
    (psy); 'slight' = |change| < tolerance[0]."""
    slight = tolerance[0]
    ch_m = {d: _change(t, country, "mentored", d) for d in DIMS}
    ch_n = {d: _change(t, country, "not mentored", d) for d in DIMS}
    lead = {
        d: _mean(t, country, "mentored", d, "last") - _mean(t, country, "not mentored", d, "last")
        for d in DIMS
    }
    holds = (
        all(ch_m[d] > 0 for d in DIMS)
        and all(lead[d] > 0 for d in DIMS)
        and 0 < ch_n["economic"] < slight
        and 0 < ch_n["social"] < slight
        and -slight < ch_n["psychosocial"] < 0
    )
    shown = (
        f"mentored change {_dims(ch_m)}; lead at last {_dims(lead)}; "
        f"non-mentored change {_dims(ch_n)}"
    )
    return Value(holds, shown=shown)


@quantity("finding: {finding}", "means")
def senegal_change(t, ctx, *, tolerance, country):
    """Mentored almost unchanged (|change| < tolerance[0]; + eco, + soc, - psy); non-mentored
    down in all."""
    slight = tolerance[0]
    sm = {d: _change(t, country, "mentored", d) for d in DIMS}
    sn = {d: _change(t, country, "not mentored", d) for d in DIMS}
    holds = (
        all(abs(sm[d]) < slight for d in DIMS)
        and sm["economic"] > 0
        and sm["social"] > 0
        and sm["psychosocial"] < 0
        and all(sn[d] < 0 for d in DIMS)
    )
    return Value(holds, shown=f"mentored {_dims(sm)}; non-mentored {_dims(sn)}")


def _coef(t, dim, term, col="estimate") -> float:
    return _get(t["regression"], col, type=dim, term=term)


@quantity("finding: {finding} [mentoring]", "regression")
def mentoring_coefficient(t, ctx, *, tolerance, outcome):
    """Mentored coefficient > 0 with p < tolerance[0]."""
    mc, mp = _coef(t, outcome, "mentored"), _coef(t, outcome, "mentored", "p_value")
    shown = f"{outcome} coefficient {_fmt(mc)} (p = {_fmt(mp, 4)})"
    return Value(mc > 0 and mp < tolerance[0], shown=shown)


@quantity("finding: {finding} [Guinea]", "regression")
def country_coefficients(t, ctx, *, tolerance, term):
    soc, psy = _coef(t, "social", term), _coef(t, "psychosocial", term)
    return Value([soc, psy], shown=f"{term}: social {_fmt(soc)}, psychosocial {_fmt(psy)}")


@quantity("finding: {finding} [training]", "regression")
def training_coefficient(t, ctx, *, tolerance, outcome, term):
    value = _coef(t, outcome, term)
    return Value(value, shown=f"{term} on {outcome} change {_fmt(value)}")


@quantity("finding: {finding}", "did")
def did_positive(t, ctx, *, tolerance, scope, dimension, form):
    """DiD estimate > 0 with p < tolerance[0]."""
    est = _get(t["did"], "estimate", scope=scope, dimension=dimension, form=form)
    p = _get(t["did"], "p_value", scope=scope, dimension=dimension, form=form)
    shown = f"{scope} {dimension} DiD {_fmt(est)} (p = {_fmt(p, 4)})"
    return Value(est > 0 and p < tolerance[0], shown=shown)


def _share(t, ind, country, time, group="all") -> float:
    return _get(t["shares"], "share", indicator=ind, country=country, group=group, time=time)


@quantity("finding: {finding}", "shares")
def economic_satisfaction(t, ctx, *, tolerance):
    """First (all) in [t0, t1]; last Guinea in [t2, t3); last Senegal in [t4, t5]."""
    lo0, hi0, lo_g, hi_g, lo_s, hi_s = tolerance
    s0 = _share(t, "satisfied_economic", "all", "first")
    sg = _share(t, "satisfied_economic", "GIN", "last")
    ss = _share(t, "satisfied_economic", "SEN", "last")
    holds = lo0 <= s0 <= hi0 and lo_g <= sg < hi_g and lo_s <= ss <= hi_s
    return Value(holds, shown=f"first {_fmt(s0)}; last GIN {_fmt(sg)}, SEN {_fmt(ss)}")


@quantity("finding: {finding}", "shares")
def reduced_food(t, ctx, *, tolerance):
    """Share reducing food above tolerance[0] at first RSS and higher at last."""
    f0, f1 = _share(t, "reduced_food", "all", "first"), _share(t, "reduced_food", "all", "last")
    return Value(f0 > tolerance[0] and f1 > f0, shown=f"first {_fmt(f0)}, last {_fmt(f1)}")


@quantity("finding: {finding}", "shares")
def borrowing(t, ctx, *, tolerance):
    bg0, bg1 = (_share(t, "can_borrow", "GIN", x) for x in ("first", "last"))
    bs0, bs1 = (_share(t, "can_borrow", "SEN", x) for x in ("first", "last"))
    fg0, fg1 = (_share(t, "frequent_borrowing", "GIN", x) for x in ("first", "last"))
    fs0, fs1 = (_share(t, "frequent_borrowing", "SEN", x) for x in ("first", "last"))
    holds = bg0 < bs0 and bg1 > bg0 and bs1 < bs0 and fg1 > fg0 and fs1 > fs0
    shown = (
        f"can borrow GIN {_fmt(bg0)}->{_fmt(bg1)}, SEN {_fmt(bs0)}->{_fmt(bs1)}; "
        f"frequent GIN {_fmt(fg0)}->{_fmt(fg1)}, SEN {_fmt(fs0)}->{_fmt(fs1)}"
    )
    return Value(holds, shown=shown)


@quantity("finding: {finding}", "shares")
def remigration(t, ctx, *, tolerance, group):
    rg0, rg1 = (_share(t, "wish_to_remigrate", "GIN", x, group) for x in ("first", "last"))
    rs0, rs1 = (_share(t, "wish_to_remigrate", "SEN", x, group) for x in ("first", "last"))
    shown = f"{group} GIN {_fmt(rg0)}->{_fmt(rg1)}, SEN {_fmt(rs0)}->{_fmt(rs1)}"
    return Value(rg1 < rg0 and rs1 < rs0, shown=shown)


@quantity("{label}", "shares")
def share_direction(t, ctx, *, tolerance, label, indicator, country, group):
    """Last-RSS share minus first-RSS share of ``indicator`` (a stated direction of change)."""
    s0 = _share(t, indicator, country, "first", group)
    s1 = _share(t, indicator, country, "last", group)
    change = s1 - s0
    return Value(change, shown=f"{_fmt(s0)} -> {_fmt(s1)} (change {_fmt(change)})")


# --- retrospective and Morocco findings -------------------------------------------------


def _all_items(t):
    tests = t["retrospective_tests"]
    return tests.loc[tests["country"] == "all"].set_index("item")


def _detail(sub) -> str:
    return "; ".join(
        f"{i} {_fmt(r.mean_change)} (p {_fmt(r.p_value, 4)})" for i, r in sub.iterrows()
    )


@quantity("finding: {finding}", "retrospective_tests")
def public_services(t, ctx, *, tolerance, item):
    """-tolerance[0] < change < 0, smaller in size than every economic/psychosocial item's."""
    a = _all_items(t)
    if item not in a.index:
        return Value(False, shown="item not in the data")
    eco_psy = a.loc[a["dimension"].isin(["economic", "psychosocial"])]
    change = float(a.loc[item, "mean_change"])
    smallest = float(eco_psy["mean_change"].abs().min()) if len(eco_psy) else np.nan
    shown = (
        f"mean change {_fmt(change)}; smallest |change| of economic/psychosocial items "
        f"{_fmt(smallest)}"
    )
    return Value(-tolerance[0] < change < 0 and abs(change) < smallest, shown=shown)


@quantity("finding: {finding}", "retrospective_tests")
def lower_after_return(t, ctx, *, tolerance, dimensions="", items=""):
    """Every selected item lower after return with paired-test p < tolerance[0]."""
    a = _all_items(t)
    if dimensions:
        sub = a.loc[a["dimension"].isin(dimensions.split(","))]
        wanted = len(sub)
    else:
        names = items.split(",")
        sub, wanted = a.loc[[i for i in names if i in a.index]], len(names)
    below = (sub["mean_change"] < 0) & (sub["p_value"] < tolerance[0])
    return Value(len(sub) > 0 and len(sub) == wanted and bool(below.all()), shown=_detail(sub))


def _morocco(t, statistic) -> float:
    return _get(t["morocco_summary"], "value", statistic=statistic)


@quantity("finding: {finding}", "morocco_summary")
def morocco_work(t, ctx, *, tolerance):
    """None satisfied; share not working and looking above tolerance[0]."""
    sat, idle = (
        _morocco(t, "share_satisfied_economic"),
        _morocco(t, "share_not_working_and_looking"),
    )
    shown = f"satisfied {_fmt(sat)}; not working and looking {_fmt(idle)}"
    return Value(sat == 0 and idle > tolerance[0], shown=shown)


@quantity("finding: {finding}", "morocco_summary")
def morocco_profile(t, ctx, *, tolerance):
    means = {d: _morocco(t, f"mean_score_{d}") for d in DIMS}
    holds = means["psychosocial"] == max(means.values()) and means["economic"] == min(
        means.values()
    )
    return Value(holds, shown=", ".join(f"{d} {_fmt(v)}" for d, v in means.items()))
