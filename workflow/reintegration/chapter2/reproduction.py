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

import pandas as pd

from reintegration.estimable import reason_of
from reintegration.reproduction import check_row, not_computed, numeric_row, to_table

from .descriptives import ALL
from .findings import profile_finding_rows, share_row, share_tolerance, trend_finding_rows
from .labels import Labels
from .regression import published_term

__all__ = ["chapter2_rows", "coefficient_rows", "share_tolerance"]

S_SAMPLE = "Chapter II: sample"
S_TIERS = "Chapter II: tiers"
S_ASSIST = "Chapter II: assistance"
S_NS = "Chapter II: figure Ns"
S_ANNEX = "Chapter II: Annex 3"
COMPOSITE_NOTE = (
    "composite = equal-weight mean of the three dimension scores here; IOM's official "
    "weights are unknown and the published composite coefficients are not a weighted mean "
    "of the published dimension coefficients (e.g. Guinea-Bissau composite +0.0004 while all "
    "three dimension coefficients are negative), so composite rows may miss for that reason"
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
    rows += not_computed(trend_finding_rows(slopes), why.get("slopes"))
    profile_reason = why.get("means") or why.get("shares")
    rows += not_computed(
        profile_finding_rows(means=means, shares=shares, checks=checks), profile_reason
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
            share_row(
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
            share_row(
                S_ASSIST,
                f"share any_support {country}",
                value,
                r["share"] if r is not None else float("nan"),
                r["n"] if r is not None else 0,
            )
        )
    if stranded is not None and "stranded" in cc.get("return_type_share", {}):
        rows.append(
            share_row(
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
