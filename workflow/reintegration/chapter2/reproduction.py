"""The Chapter II rows of ``tables/reproduction.csv``: published number beside this run's.

Tolerances (each row's ``tolerance_rule`` says which applies):

* sample sizes: 2% of the published count (at least 3): records quarantined or merged by
  cleaning legitimately move a country's count a little;
* shares: 0.5 percentage point of rounding (the report prints whole percentages) plus two
  binomial standard errors at this run's denominator, ``0.005 + 2 sqrt(p (1 - p) / n)``;
  where the report is vague ("close to 60%") the text is checked as stated (e.g. >= 0.50);
* figure Ns: 2% of the published N (item non-response is drawn at random);
* Annex 3 coefficients: within 2 published standard errors; rows beyond 3 SE are marked
  ``MISS (> 3 SE)`` in the rule text with the reason when one is known;
* qualitative findings: explicit sign, rank or threshold checks (difference left empty).
"""

from __future__ import annotations

import math

import pandas as pd

from reintegration.estimable import reason_of
from reintegration.reproduction import check_row, not_computed, numeric_row, to_table

from .descriptives import ALL
from .labels import OUTCOMES, Labels
from .regression import published_term

__all__ = ["chapter2_rows", "coefficient_rows", "share_tolerance"]

S_SAMPLE = "Chapter II: sample"
S_TIERS = "Chapter II: tiers"
S_ASSIST = "Chapter II: assistance"
S_NS = "Chapter II: figure Ns"
S_ANNEX = "Chapter II: Annex 3"
S_FIND = "Chapter II: findings"
COMPOSITE_NOTE = (
    "composite = equal-weight mean of the three dimension scores here; IOM's official "
    "weights are unknown and the published composite coefficients are not a weighted mean "
    "of the published dimension coefficients (e.g. Guinea-Bissau composite +0.0004 while all "
    "three dimension coefficients are negative), so composite rows may miss for that reason"
)


def share_tolerance(p: float, n: float) -> float:
    """0.5 pp rounding plus two binomial standard errors at ``n``."""
    if not n or n <= 0 or p is None or math.isnan(p):
        return 0.005
    return 0.005 + 2.0 * math.sqrt(max(p * (1 - p), 0.0) / n)


def _share_row(section, quantity, published, reproduced, n):
    tol = share_tolerance(published, n)
    rule = f"|diff| <= 0.005 rounding + 2 binomial SE at n = {int(n)} (= {tol:.3f})"
    return numeric_row(
        section,
        quantity,
        published=published,
        reproduced=reproduced,
        tolerance=tol,
        tolerance_rule=rule,
    )


def coefficient_rows(published: dict, tidy: pd.DataFrame) -> list[dict]:
    """One row per published Annex 3 coefficient: within 2 published SE, flag beyond 3 SE.

    ``published`` is ``targets["regression"]["coefficients"]`` (``{outcome: {term: [est,
    se]}}``); ``tidy`` the published-specification table (``type, term, estimate``) with our
    term names, mapped with :func:`~reintegration.chapter2.regression.published_term`.
    """
    ours = {
        (t.lower(), published_term(term)): est
        for t, term, est in zip(tidy["type"], tidy["term"], tidy["estimate"], strict=True)
    }
    rows = []
    for outcome, terms in published.items():
        for term, (est, se) in terms.items():
            value = ours.get((outcome, term), float("nan"))
            row = numeric_row(
                S_ANNEX,
                f"{outcome} {term}",
                published=est,
                reproduced=value,
                tolerance=2 * se,
                tolerance_rule=f"|diff| <= 2 published SE (SE = {se:g})",
            )
            z = abs(row["difference"]) / se if se else float("nan")
            if not row["within_tolerance"]:
                why = "MISS (> 3 SE)" if z > 3 else "outside 2 SE but within 3 SE"
                row["tolerance_rule"] += f"; {why}: {z:.1f} SE"
                if outcome == "composite":
                    row["tolerance_rule"] += f"; {COMPOSITE_NOTE}"
            rows.append(row)
    return rows


#: Columns each input table must have for the row builders; a not-estimable input is replaced
#: by an empty table of these columns, and its rows then read "not computed: <reason>".
INPUT_COLUMNS = {
    "means": ["outcome", "country", "country_label", "mean", "rank", "tier"],
    "assistance": ["country", "quantity", "share", "n"],
    "shares": ["indicator", "country", "share", "n"],
    "figure_ns": ["quantity", "n", "items", "n_with_programme"],
    "published_tidy": ["type", "term", "estimate"],
    "published_glance": ["n"],
    "slopes": ["country", "outcome", "slope", "intercept", "suppressed"],
}


def blank_not_estimable(tables: dict[str, pd.DataFrame]) -> tuple[dict, dict[str, str]]:
    """Inputs with each not-estimable table replaced by an empty one; the reasons by name."""
    reasons = {k: r for k, t in tables.items() if (r := reason_of(t)) is not None}
    blank = {
        k: (pd.DataFrame(columns=INPUT_COLUMNS[k]) if k in reasons else t)
        for k, t in tables.items()
    }
    return blank, reasons


def _value(table, **match):
    mask = pd.Series(True, index=table.index)
    for k, v in match.items():
        mask &= table[k] == v
    sub = table[mask]
    return sub.iloc[0] if len(sub) else None


def chapter2_rows(
    *,
    targets: dict,
    labels: Labels,
    counts: pd.DataFrame,
    means: pd.DataFrame,
    assistance: pd.DataFrame,
    shares: pd.DataFrame,
    figure_ns: pd.DataFrame,
    published_tidy: pd.DataFrame,
    published_glance: pd.DataFrame,
    slopes: pd.DataFrame,
    n_returnees: int,
    checks: dict[str, float],
    stranded: tuple[float, int] | None = None,
) -> pd.DataFrame:
    """Every Chapter II number of ``targets`` beside this run's value (see module doc).

    ``stranded`` is (share of stranded migrants, n) in the sample, or None to skip that row.
    A not-estimable input table gives its rows as "not computed: <reason>".
    """
    tables, why = blank_not_estimable(
        {
            "means": means,
            "assistance": assistance,
            "shares": shares,
            "figure_ns": figure_ns,
            "published_tidy": published_tidy,
            "published_glance": published_glance,
            "slopes": slopes,
        }
    )
    means, assistance, shares = tables["means"], tables["assistance"], tables["shares"]
    figure_ns, slopes = tables["figure_ns"], tables["slopes"]
    published_tidy, published_glance = tables["published_tidy"], tables["published_glance"]
    cc = targets["cross_country"]
    iso = {label: code for code, label in labels.choices["countries"].items()}
    rows: list[dict] = []

    # --- sample sizes ---------------------------------------------------------------
    by_country = dict(zip(counts["country"], counts["n"], strict=True))
    for country, n_pub in cc["sample_size_by_country"].items():
        tol = max(3.0, 0.02 * n_pub)
        rows.append(
            numeric_row(
                S_SAMPLE,
                f"returnees {country}",
                published=n_pub,
                reproduced=float(by_country.get(iso[country], float("nan"))),
                tolerance=tol,
                tolerance_rule=f"|diff| <= 2% of published, at least 3 (= {tol:.0f})",
            )
        )
    total_fn = sum(cc["sample_size_by_country"].values())
    for quantity, value, note in (
        ("returnees total (sum of fn 14)", total_fn, "footnote 14 counts sum to 5157"),
        ("returnees total (text, ch. 1.2)", cc["returnees_total"], "the text says 5139"),
    ):
        tol = 0.02 * value
        rows.append(
            numeric_row(
                S_SAMPLE,
                quantity,
                published=value,
                reproduced=float(n_returnees),
                tolerance=tol,
                tolerance_rule=f"|diff| <= 2% (= {tol:.0f}); {note}: the report's two totals disagree",
            )
        )
    kept = counts.loc[counts["kept"], "country"]
    rows.append(
        check_row(
            S_SAMPLE,
            "countries with more than the minimum records",
            published="17",
            reproduced=str(len(kept)),
            holds=len(kept) == len(cc["sample_size_by_country"]),
            rule=f"count of countries with > {cc['min_records_per_country']} returnees equals 17",
        )
    )

    # --- tiers ------------------------------------------------------------------------
    rows += not_computed(_tier_rows(cc, means, iso), why.get("means"))
    rows += not_computed(_assistance_rows(cc, assistance, iso, stranded), why.get("assistance"))
    rows += not_computed(_ns_rows(cc, figure_ns), why.get("figure_ns"))
    reg = targets["regression"]
    rows += not_computed(
        _annex_rows(reg, published_tidy, published_glance), why.get("published_tidy")
    )
    rows += not_computed(_trend_finding_rows(slopes), why.get("slopes"))
    profile_reason = why.get("means") or why.get("shares")
    rows += not_computed(
        _profile_finding_rows(means=means, shares=shares, checks=checks), profile_reason
    )
    return to_table(rows)


def _tier_rows(cc, means, iso) -> list[dict]:
    rows = []
    comp = means[(means["outcome"] == "composite") & (means["country"] != ALL)]
    tier_of = dict(zip(comp["country"], comp["tier"], strict=True))
    mean_of = dict(zip(comp["country"], comp["mean"], strict=True))
    for key, members in cc["composite_tiers"].items():
        if key in ("lowest", "highest"):
            continue
        tier = key[0]
        for country in members:
            c = iso[country]
            got = tier_of.get(c)
            rows.append(
                check_row(
                    S_TIERS,
                    f"tier {country}",
                    published=tier,
                    reproduced=f"{got} (composite mean {mean_of.get(c, float('nan')):.3f})",
                    holds=got == tier,
                    rule="composite mean in the published tier (A > 0.70, B 0.61-0.70, C <= 0.60)",
                )
            )
    ordered = comp.sort_values("mean")
    blank = pd.Series({"country": None, "country_label": "none", "mean": float("nan")})
    for key, at in (("lowest", 0), ("highest", -1)):
        pick = ordered.iloc[at] if len(ordered) else blank
        published = cc["composite_tiers"][key]
        rows.append(
            check_row(
                S_TIERS,
                f"{key} composite mean",
                published=published,
                reproduced=f"{pick['country_label']} ({pick['mean']:.3f})",
                holds=pick["country"] == iso[published],
                rule=f"rank check: {key} country by composite mean",
            )
        )
    return rows


def _assistance_rows(cc, assistance, iso, stranded) -> list[dict]:
    rows = []
    a = assistance
    mapping = {
        "any_support": "any_support",
        "more_than_one_type": "more_than_one_type",
        "microbusiness": "assist_microbusiness",
        "training": "assist_training",
        "material": "assist_material",
        "medical": "assist_medical",
        "individual_level": "level_individual",
        "collective_or_cooperative": "level_collective_of_all",
    }
    for name, quantity in mapping.items():
        r = _value(a, country=ALL, quantity=quantity)
        rows.append(
            _share_row(
                S_ASSIST,
                f"share {name}",
                cc["assistance"][name],
                r["share"] if r is not None else float("nan"),
                r["n"] if r is not None else 0,
            )
        )
    for country, value in cc["assistance"]["any_support_by_country"].items():
        r = _value(a, country=iso[country], quantity="any_support")
        rows.append(
            _share_row(
                S_ASSIST,
                f"share any_support {country}",
                value,
                r["share"] if r is not None else float("nan"),
                r["n"] if r is not None else 0,
            )
        )
    if stranded is not None and "stranded" in cc.get("return_type_share", {}):
        rows.append(
            _share_row(
                S_ASSIST, "share stranded migrants", cc["return_type_share"]["stranded"], *stranded
            )
        )

    return rows


def _ns_rows(cc, figure_ns) -> list[dict]:
    rows = []
    ns = dict(zip(figure_ns["quantity"], figure_ns["n"], strict=True))
    items = dict(zip(figure_ns["quantity"], figure_ns["items"], strict=True))
    with_prog = dict(zip(figure_ns["quantity"], figure_ns["n_with_programme"], strict=True))
    for quantity, value in cc["figure_ns"].items():
        tol = 0.02 * value
        rule = f"|diff| <= 2% of published (= {tol:.0f}); N = returnees answering {items.get(quantity)}"
        if quantity == "assistance_vs_economic_perception":
            rule += (
                f"; the report's 2817 is far below the returnees answering economic satisfaction, "
                f"so it counts a subset the report does not define ({with_prog.get(quantity)} of "
                "them have an Annex 3 programme here); the synthetic generator plants 2817 as the "
                "answered count of access to employment, a reading not adopted because Figure 4 "
                "shows the perception of the economic situation"
            )
        rows.append(
            numeric_row(
                S_NS,
                f"N {quantity}",
                published=value,
                reproduced=float(ns.get(quantity, float("nan"))),
                tolerance=tol,
                tolerance_rule=rule,
            )
        )

    return rows


def _annex_rows(reg, published_tidy, published_glance) -> list[dict]:
    rows = []
    n_pub = reg["n"]
    n_rep = float(published_glance["n"].iloc[0]) if len(published_glance) else float("nan")
    rows.append(
        numeric_row(
            S_ANNEX,
            "n (returnee-programme rows)",
            published=n_pub,
            reproduced=n_rep,
            tolerance=0.02 * n_pub,
            tolerance_rule="|diff| <= 2%; one row per returnee and Annex 3 programme (none: one row)",
        )
    )
    rows += coefficient_rows(reg["coefficients"], published_tidy)
    return rows


def _fmt(d) -> str:
    return "; ".join(f"{k} {v:.3f}" for k, v in d.items())


def _trend_finding_rows(slopes) -> list[dict]:
    rows = []
    sl = slopes[~slopes["suppressed"].astype(bool)]
    slope = {(c, o): s for c, o, s in zip(sl["country"], sl["outcome"], sl["slope"], strict=True)}
    icpt = {
        (c, o): s for c, o, s in zip(sl["country"], sl["outcome"], sl["intercept"], strict=True)
    }
    trend = sorted(set(sl["country"]))
    fmt = _fmt

    # trendlines
    eco = {c: slope.get((c, "economic"), float("nan")) for c in trend}
    top = max(eco, key=lambda c: eco[c]) if eco else None
    rows.append(
        check_row(
            S_FIND,
            "Ethiopia: economic score recovers fastest with time since return",
            published="Ethiopia has the steepest economic slope of the trend countries",
            reproduced=f"steepest: {top}; slopes per year: {fmt(eco)}",
            holds=top == "ETH",
            rule="rank check: largest economic slope among the Figure 2 countries",
        )
    )
    start = {c: icpt.get((c, "economic"), float("nan")) for c in trend}
    low = min(start, key=lambda c: start[c]) if start else None
    rows.append(
        check_row(
            S_FIND,
            "Ethiopia: economic score starts poorest",
            published="Ethiopia has the lowest fitted economic score at return",
            reproduced=f"lowest intercept: {low}; intercepts: {fmt(start)}",
            holds=low == "ETH",
            rule="rank check: lowest trendline intercept (time = 0) among the Figure 2 countries",
        )
    )
    rows.append(
        check_row(
            S_FIND,
            "Côte d'Ivoire: economic score deteriorates with time since return",
            published="economic slope < 0",
            reproduced=f"{eco.get('CIV', float('nan')):.4f} per year",
            holds=eco.get("CIV", float("nan")) < 0,
            rule="sign check",
        )
    )
    median_start = pd.Series(start).median()
    rows.append(
        check_row(
            S_FIND,
            "Côte d'Ivoire: economic score starts relatively well",
            published="intercept above the median of the trend countries",
            reproduced=f"{start.get('CIV', float('nan')):.3f} vs median {median_start:.3f}",
            holds=start.get("CIV", float("nan")) > median_start,
            rule="rank check on trendline intercepts",
        )
    )
    g = {o: slope.get(("GIN", o), float("nan")) for o in OUTCOMES}
    rows.append(
        check_row(
            S_FIND,
            "Guinea: rises most in economic and composite, less in social and psychosocial",
            published="economic and composite slopes > 0; economic slope above social and psychosocial",
            reproduced=fmt(g),
            holds=g["economic"] > 0
            and g["composite"] > 0
            and g["economic"] > max(g["social"], g["psychosocial"]),
            rule="sign and within-country order of slopes",
        )
    )
    rows.append(
        check_row(
            S_FIND,
            "Senegal: quick economic rise over time",
            published="economic slope > 0",
            reproduced=f"{eco.get('SEN', float('nan')):.4f} per year",
            holds=eco.get("SEN", float("nan")) > 0,
            rule="sign check",
        )
    )
    return rows


def _profile_finding_rows(*, means, shares, checks: dict[str, float]) -> list[dict]:
    rows = []
    k = checks
    fmt = _fmt
    mean = {
        (o, c): m
        for o, c, m in zip(means["outcome"], means["country"], means["mean"], strict=True)
        if c != ALL
    }
    rank = {
        (o, c): int(r)
        for o, c, r in zip(means["outcome"], means["country"], means["rank"], strict=True)
        if c != ALL and pd.notna(r)
    }
    n_countries = len({c for _, c in mean})
    # country profiles
    sen = rank.get(("psychosocial", "SEN"))
    gin = rank.get(("psychosocial", "GIN"))
    rows.append(
        check_row(
            S_FIND,
            "Senegal has the third lowest psychosocial score",
            published="3rd lowest of 17",
            reproduced=f"rank {n_countries + 1 - sen} from the lowest"
            if sen is not None
            else "missing",
            holds=sen is not None and n_countries + 1 - sen == 3,
            rule="rank check among the countries (lowest = 1)",
        )
    )
    rows.append(
        check_row(
            S_FIND,
            "Guinea close behind Senegal on psychosocial",
            published="Guinea within two places above Senegal (4th or 5th lowest)",
            reproduced=f"rank {n_countries + 1 - gin} from the lowest"
            if gin is not None
            else "missing",
            holds=gin is not None and n_countries + 1 - gin in (4, 5),
            rule="rank check among the countries (lowest = 1)",
        )
    )
    b_eco, b_psy = rank.get(("economic", "BGD")), rank.get(("psychosocial", "BGD"))
    rows.append(
        check_row(
            S_FIND,
            "Bangladesh: better in economic, dragged down by psychosocial",
            published="economic rank better than psychosocial rank",
            reproduced=f"economic rank {b_eco}, psychosocial rank {b_psy} (1 = highest)",
            holds=b_eco is not None and b_psy is not None and b_eco < b_psy,
            rule="rank check",
        )
    )
    for c, text in (
        ("NER", "Niger: social score particularly low"),
        ("MOZ", "Mozambique: social below other dimensions"),
        ("BFA", "Burkina Faso: social below other dimensions"),
    ):
        d = {o: mean.get((o, c), float("nan")) for o in ("economic", "social", "psychosocial")}
        rows.append(
            check_row(
                S_FIND,
                text,
                published="social mean below economic and psychosocial means",
                reproduced=fmt(d),
                holds=d["social"] < min(d["economic"], d["psychosocial"]),
                rule="within-country order of dimension means",
            )
        )
    # indicator shares
    share = {
        (i, c): (s, n)
        for i, c, s, n in zip(
            shares["indicator"], shares["country"], shares["share"], shares["n"], strict=True
        )
    }

    def sh(ind, c):
        return share.get((ind, c), (float("nan"), 0))

    mali, n_mali = sh("food_reduced", "MLI")
    rows.append(
        check_row(
            S_FIND,
            "Food: close to 60% in Mali reduced food",
            published=f"close to 0.60 (checked: {k['c2_food_mali_low']:.2f} to "
            f"{k['c2_food_mali_high']:.2f})",
            reproduced=f"{mali:.3f} (n = {n_mali})",
            holds=k["c2_food_mali_low"] <= mali <= k["c2_food_mali_high"],
            rule="threshold: report says 'close to 60%'; any answer except never counts as reduced",
        )
    )
    food = {c: s for (i, c), (s, _) in share.items() if i == "food_reduced" and c != ALL}
    top_food = max(food, key=lambda c: food[c]) if food else None
    rows.append(
        check_row(
            S_FIND,
            "Food: Mali highest, Cameroon at similar levels",
            published=f"Mali or Cameroon highest; |Mali - Cameroon| <= {k['c2_food_similar_band']:.2f}",
            reproduced=f"highest {top_food}; Mali {mali:.3f}, Cameroon {food.get('CMR', float('nan')):.3f}",
            holds=top_food in ("MLI", "CMR")
            and abs(mali - food.get("CMR", float("nan"))) <= k["c2_food_similar_band"],
            rule="rank check and 5 pp band ('similar levels')",
        )
    )
    for countries, threshold in (
        (("BGD", "GIN", "NER"), k["c2_food_over_40"]),
        (("ETH", "AFG", "NGA"), k["c2_food_over_30"]),
    ):
        vals = {c: food.get(c, float("nan")) for c in countries}
        rows.append(
            check_row(
                S_FIND,
                f"Food: over {threshold:.0%} in {', '.join(countries)}",
                published=f"> {threshold}",
                reproduced=fmt(vals),
                holds=all(v > threshold for v in vals.values()),
                rule="threshold check",
            )
        )
    vals = {c: sh("borrow_frequent", c)[0] for c in ("BGD", "MLI", "SDN")}
    rows.append(
        check_row(
            S_FIND,
            "Frequent borrowing above 50% in Bangladesh, Mali, Sudan",
            published=f"> {k['c2_borrowing_frequent']:.2f} (often or very often, among those answering)",
            reproduced=fmt(vals),
            holds=all(v > k["c2_borrowing_frequent"] for v in vals.values()),
            rule="threshold check",
        )
    )
    p, n = sh("able_to_stay", ALL)
    rows.append(_share_row(S_FIND, "share able to stay (all countries)", k["c2_stay_all"], p, n))
    for country, value in (("BGD", k["c2_not_stay_bgd"]), ("SDN", k["c2_not_stay_sdn"])):
        p, n = sh("not_able_to_stay", country)
        rows.append(_share_row(S_FIND, f"share not able to stay {country}", value, p, n))
    vals = {c: sh("not_able_to_stay", c)[0] for c in ("GIN", "CMR", "CIV")}
    rows.append(
        check_row(
            S_FIND,
            "11-15% not able to stay in Guinea, Cameroon, Côte d'Ivoire",
            published=f"0.11 to 0.15 (checked with 0.02 margin: {k['c2_stay_range_low']:.2f} to "
            f"{k['c2_stay_range_high']:.2f})",
            reproduced=fmt(vals),
            holds=all(
                k["c2_stay_range_low"] <= v <= k["c2_stay_range_high"] for v in vals.values()
            ),
            rule="range check with 2 pp sampling margin",
        )
    )
    disc = {c: s for (i, c), (s, _) in share.items() if i == "discrimination" and c != ALL}
    order = sorted(disc, key=lambda c: -disc[c])
    rows.append(
        check_row(
            S_FIND,
            "Discrimination highest in Côte d'Ivoire and Guinea",
            published="CIV and GIN the two highest",
            reproduced=f"top 4: {', '.join(order[:4])}",
            holds=set(order[:2]) == {"CIV", "GIN"},
            rule="rank check (share answering sometimes, often or very often)",
        )
    )
    rows.append(
        check_row(
            S_FIND,
            "Discrimination: then Cameroon and Senegal",
            published="CMR and SEN 3rd and 4th",
            reproduced=f"top 4: {', '.join(order[:4])}",
            holds=set(order[2:4]) == {"CMR", "SEN"},
            rule="rank check",
        )
    )
    return rows
