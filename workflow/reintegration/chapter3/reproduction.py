"""Reproduction rows for every Chapter III number and finding of targets.yaml (sections
``panel``, ``retrospective``, ``morocco``, ``phone_survey``). Tolerances are stated on each
row (``tolerance_rule``); qualitative findings become explicit checks with the rule used."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reintegration.estimable import reason_of
from reintegration.published import findings
from reintegration.reproduction import check_row, not_computed, numeric_row, to_table

from .findings import effect_size_rows, panel_finding_rows
from .values import fmt as _fmt
from .values import get as _get

__all__ = ["chapter3_reproduction"]


#: Columns the row builders read directly; a not-estimable input is replaced by an empty
#: table of these columns and its rows then read "not computed: <reason>".
INPUT_COLUMNS = {
    "effect_sizes": ["scope", "dimension", "type", "magnitude"],
    "retrospective": ["country"],
    "retrospective_tests": ["country", "item", "dimension", "mean_change", "p_value"],
    "morocco_change": ["change_cases"],
}


def _panel_rows(
    t: dict, *, c: dict, c_iso: dict, table4, means, did, effect, regression, shares
) -> list[dict]:
    """Table 4 counts, the panel findings and Annex 4, in that order."""
    rows = _panel_count_rows(t, c=c, c_iso=c_iso, table4=table4, means=means)
    rows += panel_finding_rows(t, c=c, means=means, did=did, regression=regression, shares=shares)
    rows += effect_size_rows(t, c=c, effect=effect)
    return rows


def _panel_count_rows(t: dict, *, c: dict, c_iso: dict, table4, means) -> list[dict]:
    rows = []
    sec = "panel"
    for name, iso in ((c, c_iso[c]) for c in t["returnees"]):
        rows.append(
            numeric_row(
                sec,
                f"returnees {name} (Table 4)",
                published=t["returnees"][name],
                reproduced=_get(table4, "returnees", country=iso),
                tolerance=0,
                tolerance_rule="exact count (issue 6)",
            )
        )
        rows.append(
            numeric_row(
                sec,
                f"mentored {name} (Table 4)",
                published=t["mentored"][name],
                reproduced=_get(table4, "mentored", country=iso),
                tolerance=0,
                tolerance_rule="exact count (issue 6)",
            )
        )
        share = round(t["mentored"][name] / t["returnees"][name], 2)
        rows.append(
            numeric_row(
                sec,
                f"mentored share {name} (Table 4)",
                published=share,
                reproduced=_get(table4, "mentored_share", country=iso),
                tolerance=0.005,
                tolerance_rule="published share rounded to a percent",
            )
        )
    rows.append(
        numeric_row(
            sec,
            "mean days first to last RSS",
            published=t["mean_days_first_to_last"],
            reproduced=_get(table4, "mean_days_between", country="all"),
            tolerance=35,
            tolerance_rule="10% of the published 350 days ('just under a year')",
        )
    )
    for name, value in t["mentee_mean_first_composite"].items():
        rows.append(
            numeric_row(
                sec,
                f"mentee mean first composite {name}",
                published=value,
                reproduced=_get(
                    means,
                    "mean",
                    country=c_iso[name],
                    group="mentored",
                    dimension="composite",
                    time="first",
                ),
                tolerance=c["c3_mentee_first_tolerance"],
                tolerance_rule=f"issue 6: within {c['c3_mentee_first_tolerance']:g}",
            )
        )

    return rows


def _retro_rows(t: dict, *, c: dict, c_iso: dict, retro, tests) -> list[dict]:
    sec = "retrospective"
    rows = []
    for name, value in t["cases"].items():
        rows.append(
            numeric_row(
                sec,
                f"cases {name}",
                published=value,
                reproduced=float((retro["country"] == c_iso[name]).sum()),
                tolerance=0,
                tolerance_rule="exact count",
            )
        )
    a = tests.loc[tests["country"] == "all"].set_index("item")
    f = findings(t)
    ps = "soc_public_services_access"
    eco_psy = a.loc[a["dimension"].isin(["economic", "psychosocial"])]
    if ps in a.index:
        change = float(a.loc[ps, "mean_change"])
        smallest = float(eco_psy["mean_change"].abs().min()) if len(eco_psy) else np.nan
        rows.append(
            check_row(
                sec,
                "finding: " + f["retro_public_services"],
                published="very slightly worse",
                reproduced=f"mean change {_fmt(change)}; smallest |change| of economic/psychosocial items {_fmt(smallest)}",
                holds=-c["c3_slight"] < change < 0 and abs(change) < smallest,
                rule=f"-{c['c3_slight']} < mean score change < 0 and smaller in size than every economic/psychosocial item's",
            )
        )
    else:
        rows.append(
            check_row(
                sec,
                "finding: " + f["retro_public_services"],
                published="very slightly worse",
                reproduced="item not in the data",
                holds=False,
                rule="needs pre_soc_public_services_access",
            )
        )
    detail = "; ".join(
        f"{i} {_fmt(r.mean_change)} (p {_fmt(r.p_value, 4)})" for i, r in eco_psy.iterrows()
    )
    holds = len(eco_psy) > 0 and bool(
        ((eco_psy["mean_change"] < 0) & (eco_psy["p_value"] < c["retro_p"])).all()
    )
    rows.append(
        check_row(
            sec,
            "finding: " + f["retro_economic_psychosocial"],
            published="clearly lower after return",
            reproduced=detail,
            holds=holds,
            rule="every economic and psychosocial pre item: mean score lower after return, "
            f"paired test p < {c['retro_p']:g}",
        )
    )
    sub = a.loc[[i for i in ("psy_belonging", "psy_distress") if i in a.index]]
    detail = "; ".join(
        f"{i} {_fmt(r.mean_change)} (p {_fmt(r.p_value, 4)})" for i, r in sub.iterrows()
    )
    below = (sub["mean_change"] < 0) & (sub["p_value"] < c["retro_p"])
    holds = len(sub) == 2 and bool(below.all())
    rows.append(
        check_row(
            sec,
            "finding: " + f["retro_belonging_distress"],
            published="worse after return",
            reproduced=detail,
            holds=holds,
            rule="belonging and distress scores (higher = better) lower after return, "
            f"Wilcoxon p < {c['retro_p']:g}",
        )
    )
    return rows


def _morocco_rows(t: dict, *, c: dict, summary, change) -> list[dict]:
    sec = "morocco"
    rows = [
        numeric_row(
            sec,
            "survey responses",
            published=t["survey_responses"],
            reproduced=_get(summary, "value", statistic="responses"),
            tolerance=0,
            tolerance_rule="exact count",
        ),
        numeric_row(
            sec,
            "score change cases",
            published=t["score_change_cases"],
            reproduced=float(change["change_cases"].iloc[0]) if len(change) else float("nan"),
            tolerance=0,
            tolerance_rule="exact count",
        ),
    ]
    f = findings(t)
    sat = _get(summary, "value", statistic="share_satisfied_economic")
    idle = _get(summary, "value", statistic="share_not_working_and_looking")
    rows.append(
        check_row(
            sec,
            "finding: " + f["mar_work"],
            published="none satisfied; majority unemployed and looking",
            reproduced=f"satisfied {_fmt(sat)}; not working and looking {_fmt(idle)}",
            holds=sat == 0 and idle > c["mar_majority"],
            rule=f"share satisfied = 0; share not working and looking for work > {c['mar_majority']:g}",
        )
    )
    means = {
        d: _get(summary, "value", statistic=f"mean_score_{d}")
        for d in ("economic", "social", "psychosocial")
    }
    holds = means["psychosocial"] == max(means.values()) and means["economic"] == min(
        means.values()
    )
    rows.append(
        check_row(
            sec,
            "finding: " + f["mar_profile"],
            published="psychosocial highest, economic lowest",
            reproduced=", ".join(f"{d} {_fmt(v)}" for d, v in means.items()),
            holds=holds,
            rule="mean psychosocial score highest and economic lowest of the three dimensions",
        )
    )
    return rows


def _phone_rows(t: dict, *, c_iso: dict, phone) -> list[dict]:
    return [
        numeric_row(
            "phone_survey",
            f"phone survey respondents {name} (Table 3)",
            published=v,
            reproduced=_get(phone, "phone_respondents", country=c_iso[name]),
            tolerance=0,
            tolerance_rule="exact count of persons with a follow_up record",
        )
        for name, v in t.items()
    ]


def chapter3_reproduction(
    targets: dict,
    *,
    checks: dict[str, float],
    iso: dict[str, str],
    table4: pd.DataFrame,
    means: pd.DataFrame,
    did: pd.DataFrame,
    effect_sizes: pd.DataFrame,
    regression: pd.DataFrame,
    shares: pd.DataFrame,
    retrospective: pd.DataFrame,
    retrospective_tests: pd.DataFrame,
    morocco_summary: pd.DataFrame,
    morocco_change: pd.DataFrame,
    phone_match: pd.DataFrame,
) -> pd.DataFrame:
    """The Chapter III part of tables/reproduction.csv (standard columns).

    ``iso`` maps the country names of targets.yaml to codes (the codebook's countries list).
    Rows whose input table is not estimable read "not computed: <reason>".
    """
    given = {
        "table4": table4,
        "means": means,
        "did": did,
        "effect_sizes": effect_sizes,
        "regression": regression,
        "shares": shares,
        "retrospective": retrospective,
        "retrospective_tests": retrospective_tests,
        "morocco_summary": morocco_summary,
        "morocco_change": morocco_change,
    }
    why = {k: r for k, t in given.items() if (r := reason_of(t)) is not None}
    x = {
        k: (pd.DataFrame(columns=INPUT_COLUMNS.get(k, [])) if k in why else t)
        for k, t in given.items()
    }

    def reason(*names):
        return next((why[n] for n in names if n in why), None)

    panel = ("table4", "means", "did", "effect_sizes", "regression", "shares")
    rows = not_computed(
        _panel_rows(
            targets["panel"],
            c=checks,
            c_iso=iso,
            table4=x["table4"],
            means=x["means"],
            did=x["did"],
            effect=x["effect_sizes"],
            regression=x["regression"],
            shares=x["shares"],
        ),
        reason(*panel),
    )
    rows += not_computed(
        _retro_rows(
            targets["retrospective"],
            c=checks,
            c_iso=iso,
            retro=x["retrospective"],
            tests=x["retrospective_tests"],
        ),
        reason("retrospective", "retrospective_tests"),
    )
    rows += not_computed(
        _morocco_rows(
            targets["morocco"], c=checks, summary=x["morocco_summary"], change=x["morocco_change"]
        ),
        reason("morocco_summary", "morocco_change"),
    )
    rows += _phone_rows(targets["phone_survey"], c_iso=iso, phone=phone_match)
    return to_table(rows)
