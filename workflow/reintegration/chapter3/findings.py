"""The Chapter III panel findings and Annex 4 effect sizes as reproduction rows (the
quantities each finding of targets.yaml is checked on; findings bound by id)."""

from __future__ import annotations

from reintegration.published import findings
from reintegration.reproduction import check_row, numeric_row

from .values import fmt as _fmt
from .values import get as _get

__all__ = ["effect_size_rows", "panel_finding_rows"]


def panel_finding_rows(t: dict, *, c: dict, means, did, regression, shares) -> list[dict]:
    """The nine panel findings (Figures 15-28, the change regression and the DiD)."""
    rows = []
    sec = "panel"

    def m(country, group, dim, time):
        return _get(means, "mean", country=country, group=group, dimension=dim, time=time)

    def ch(country, group, dim):
        return m(country, group, dim, "last") - m(country, group, dim, "first")

    f = findings(t)
    # 1. Senegal first composite almost identical
    diff = m("SEN", "mentored", "composite", "first") - m(
        "SEN", "not mentored", "composite", "first"
    )
    rows.append(
        check_row(
            sec,
            "finding: " + f["c3_senegal_first_equal"],
            published="almost identical",
            reproduced=f"mentored - not mentored = {_fmt(diff)}",
            holds=abs(diff) < c["c3_first_equal"],
            rule=f"|difference of first-RSS composite means| < {c['c3_first_equal']:g}",
        )
    )
    # 2. Guinea
    dims = ("economic", "social", "psychosocial")
    ch_m = {d: ch("GIN", "mentored", d) for d in dims}
    ch_n = {d: ch("GIN", "not mentored", d) for d in dims}
    overtake = {
        d: m("GIN", "mentored", d, "last") - m("GIN", "not mentored", d, "last") for d in dims
    }
    holds = (
        all(ch_m[d] > 0 for d in dims)
        and all(overtake[d] > 0 for d in dims)
        and ch_n["economic"] > 0
        and ch_n["social"] > 0
        and -c["c3_slight"] < ch_n["psychosocial"] < 0
        and ch_n["economic"] < c["c3_slight"]
        and ch_n["social"] < c["c3_slight"]
    )
    rows.append(
        check_row(
            sec,
            "finding: " + f["c3_guinea_change"],
            published="mentored up in all, ahead at last; non-mentored slight + eco/soc, slight - psy",
            reproduced="mentored change "
            + ", ".join(f"{d[:3]} {_fmt(ch_m[d])}" for d in dims)
            + "; lead at last "
            + ", ".join(f"{d[:3]} {_fmt(overtake[d])}" for d in dims)
            + "; non-mentored change "
            + ", ".join(f"{d[:3]} {_fmt(ch_n[d])}" for d in dims),
            holds=holds,
            rule=f"signs as stated; 'slight' = |change| < {c['c3_slight']}",
        )
    )
    # 3. Senegal
    sm = {d: ch("SEN", "mentored", d) for d in dims}
    sn = {d: ch("SEN", "not mentored", d) for d in dims}
    holds = (
        all(abs(sm[d]) < c["c3_slight"] for d in dims)
        and sm["economic"] > 0
        and sm["social"] > 0
        and sm["psychosocial"] < 0
        and all(sn[d] < 0 for d in dims)
    )
    rows.append(
        check_row(
            sec,
            "finding: " + f["c3_senegal_change"],
            published="mentored ~unchanged (+eco, +soc, -psy); non-mentored down in all",
            reproduced="mentored "
            + ", ".join(f"{d[:3]} {_fmt(sm[d])}" for d in dims)
            + "; non-mentored "
            + ", ".join(f"{d[:3]} {_fmt(sn[d])}" for d in dims),
            holds=holds,
            rule=f"signs as stated; 'almost unchanged'/'slight' = |change| < {c['c3_slight']}",
        )
    )

    rows += _model_rows(c=c, f=f, did=did, regression=regression)
    rows += _share_rows(c=c, f=f, shares=shares)
    return rows


def _model_rows(*, c: dict, f: dict, did, regression) -> list[dict]:
    """Findings 4-5: the change regression (Figure 20) and the difference in differences."""
    rows = []
    sec = "panel"

    # 4. regression
    def coef(dim, term, col="estimate"):
        return _get(regression, col, type=dim, term=term)

    mc, mp = coef("composite", "mentored"), coef("composite", "mentored", "p_value")
    g_soc, g_psy = coef("social", "countryGIN"), coef("psychosocial", "countryGIN")
    tr = coef("psychosocial", "assist_training")
    rows.append(
        check_row(
            sec,
            "finding: " + f["c3_change_regression"] + " [mentoring]",
            published="small significant positive",
            reproduced=f"composite coefficient {_fmt(mc)} (p = {_fmt(mp, 4)})",
            holds=mc > 0 and mp < c["c3_regression_p"],
            rule=f"mentored coefficient > 0 with p < {c['c3_regression_p']:g} (composite, HC3)",
        )
    )
    rows.append(
        check_row(
            sec,
            "finding: " + f["c3_change_regression"] + " [Guinea]",
            published="Guinea better in social and psychosocial",
            reproduced=f"countryGIN: social {_fmt(g_soc)}, psychosocial {_fmt(g_psy)}",
            holds=g_soc > 0 and g_psy > 0,
            rule="countryGIN (vs Senegal) coefficient > 0 in both",
        )
    )
    rows.append(
        check_row(
            sec,
            "finding: " + f["c3_change_regression"] + " [training]",
            published="training positive on psychosocial",
            reproduced=f"assist_training on psychosocial change {_fmt(tr)}",
            holds=tr > 0,
            rule="coefficient > 0",
        )
    )
    # 5. DiD
    est = _get(did, "estimate", scope="pooled", dimension="composite", form="2x2")
    p = _get(did, "p_value", scope="pooled", dimension="composite", form="2x2")
    rows.append(
        check_row(
            sec,
            "finding: " + f["c3_did"],
            published=f"DiD > 0, p < {c['c3_did_p']:g}",
            reproduced=f"pooled composite DiD {_fmt(est)} (p = {_fmt(p, 4)})",
            holds=est > 0 and p < c["c3_did_p"],
            rule=f"pooled 2x2 DiD > 0 with person-clustered p < {c['c3_did_p']:g}",
        )
    )

    return rows


def _share_rows(*, c: dict, f: dict, shares) -> list[dict]:
    """Findings 6-9: indicator shares at the first and last RSS (Figures 24-28)."""
    rows = []
    sec = "panel"

    def sh(ind, country, time, group="all"):
        return _get(shares, "share", indicator=ind, country=country, group=group, time=time)

    # 6. satisfaction
    s0, sg, ss = (
        sh("satisfied_economic", "all", "first"),
        sh("satisfied_economic", "GIN", "last"),
        sh("satisfied_economic", "SEN", "last"),
    )
    rows.append(
        check_row(
            sec,
            "finding: " + f["c3_economic_satisfaction"],
            published="~10% first; <50% GIN, 20% SEN last",
            reproduced=f"first {_fmt(s0)}; last GIN {_fmt(sg)}, SEN {_fmt(ss)}",
            holds=c["c3_sat_first_low"] <= s0 <= c["c3_sat_first_high"]
            and c["c3_sat_guinea_low"] <= sg < c["c3_sat_guinea_high"]
            and c["c3_sat_senegal_low"] <= ss <= c["c3_sat_senegal_high"],
            rule=f"first in [{c['c3_sat_first_low']:.2f}, {c['c3_sat_first_high']:.2f}]; "
            f"last Guinea in [{c['c3_sat_guinea_low']:.2f}, {c['c3_sat_guinea_high']:.2f}); "
            f"last Senegal in [{c['c3_sat_senegal_low']:.2f}, {c['c3_sat_senegal_high']:.2f}]",
        )
    )
    # 7. food
    f0, f1 = sh("reduced_food", "all", "first"), sh("reduced_food", "all", "last")
    rows.append(
        check_row(
            sec,
            "finding: " + f["c3_reduced_food"],
            published="over half, worsening",
            reproduced=f"first {_fmt(f0)}, last {_fmt(f1)}",
            holds=f0 > c["c3_food_over_half"] and f1 > f0,
            rule=f"share reducing food > {c['c3_food_over_half']:g} at first RSS and higher at last",
        )
    )
    # 8. borrowing
    bg0, bg1 = sh("can_borrow", "GIN", "first"), sh("can_borrow", "GIN", "last")
    bs0, bs1 = sh("can_borrow", "SEN", "first"), sh("can_borrow", "SEN", "last")
    fg0, fg1 = sh("frequent_borrowing", "GIN", "first"), sh("frequent_borrowing", "GIN", "last")
    fs0, fs1 = sh("frequent_borrowing", "SEN", "first"), sh("frequent_borrowing", "SEN", "last")
    rows.append(
        check_row(
            sec,
            "finding: " + f["c3_borrowing"],
            published="GIN can borrow: low, rising; SEN falling; frequent borrowing rising in both",
            reproduced=f"can borrow GIN {_fmt(bg0)}->{_fmt(bg1)}, SEN {_fmt(bs0)}->{_fmt(bs1)}; frequent GIN {_fmt(fg0)}->{_fmt(fg1)}, SEN {_fmt(fs0)}->{_fmt(fs1)}",
            holds=bg0 < bs0 and bg1 > bg0 and bs1 < bs0 and fg1 > fg0 and fs1 > fs0,
            rule="Guinea first share below Senegal's and rising; Senegal falling; frequent borrowing higher at last in both",
        )
    )
    # 9. re-migration
    rg0, rg1 = (
        sh("wish_to_remigrate", "GIN", "first", "mentored"),
        sh("wish_to_remigrate", "GIN", "last", "mentored"),
    )
    rs0, rs1 = (
        sh("wish_to_remigrate", "SEN", "first", "mentored"),
        sh("wish_to_remigrate", "SEN", "last", "mentored"),
    )
    rows.append(
        check_row(
            sec,
            "finding: " + f["c3_remigration"],
            published="falls in both countries",
            reproduced=f"mentored GIN {_fmt(rg0)}->{_fmt(rg1)}, SEN {_fmt(rs0)}->{_fmt(rs1)}",
            holds=rg1 < rg0 and rs1 < rs0,
            rule="share wishing or needing to re-migrate lower at last RSS, mentees, both countries",
        )
    )

    return rows


def effect_size_rows(t: dict, *, c: dict, effect) -> list[dict]:
    """Annex 4: Cohen's d, Hedges' g and Glass's delta, pooled."""
    rows = []
    sec = "panel"
    es = t["effect_sizes"]
    e = effect.loc[effect["scope"] == "pooled"] if "scope" in effect else effect
    for dim, vals in es["cohen_d"].items():
        d, sd, lo, hi, mag = vals
        rows.append(
            numeric_row(
                sec,
                f"Annex 4 Cohen's d {dim}",
                published=d,
                reproduced=_get(e, "estimate", dimension=dim, type="cohen_d"),
                tolerance=c["c3_d_tolerance"],
                tolerance_rule="issue 6: within 0.12",
            )
        )
        rows.append(
            numeric_row(
                sec,
                f"Annex 4 pooled SD {dim}",
                published=sd,
                reproduced=_get(e, "sd", dimension=dim, type="cohen_d"),
                tolerance=c["c3_sd_tolerance"],
                tolerance_rule=f"{c['c3_sd_tolerance']:g} on the 0-1 score scale (SD of the synthetic changes)",
            )
        )
        rows.append(
            numeric_row(
                sec,
                f"Annex 4 Cohen's d CI lower {dim}",
                published=lo,
                reproduced=_get(e, "lower", dimension=dim, type="cohen_d"),
                tolerance=c["c3_d_tolerance"] + c["c3_ci_extra"],
                tolerance_rule="d tolerance + 0.03 for the group sizes",
            )
        )
        rows.append(
            numeric_row(
                sec,
                f"Annex 4 Cohen's d CI upper {dim}",
                published=hi,
                reproduced=_get(e, "upper", dimension=dim, type="cohen_d"),
                tolerance=c["c3_d_tolerance"] + c["c3_ci_extra"],
                tolerance_rule="d tolerance + 0.03 for the group sizes",
            )
        )
        got = e.loc[(e["dimension"] == dim) & (e["type"] == "cohen_d"), "magnitude"]
        got = got.iloc[0] if len(got) else "NA"
        rows.append(
            check_row(
                sec,
                f"Annex 4 Cohen's d magnitude {dim}",
                published=mag,
                reproduced=got,
                holds=got == mag,
                rule="same label (issue 6 requires it for the composite)",
            )
        )
    for dim, vals in es["hedges_g"].items():
        J, g = vals[0], vals[1]
        rows.append(
            numeric_row(
                sec,
                f"Annex 4 Hedges' J {dim}",
                published=J,
                reproduced=_get(e, "J", dimension=dim, type="hedges_g"),
                tolerance=0.0005,
                tolerance_rule="J = 0.9961 +/- 0.0005 <=> about 180-215 persons with complete changes",
            )
        )
        rows.append(
            numeric_row(
                sec,
                f"Annex 4 Hedges' g {dim}",
                published=g,
                reproduced=_get(e, "estimate", dimension=dim, type="hedges_g"),
                tolerance=c["c3_d_tolerance"],
                tolerance_rule="as Cohen's d",
            )
        )
    for dim, value in es["glass_delta"].items():
        rows.append(
            numeric_row(
                sec,
                f"Annex 4 Glass's delta {dim}",
                published=value,
                reproduced=_get(e, "estimate", dimension=dim, type="glass_delta"),
                tolerance=c["c3_d_tolerance"],
                tolerance_rule="as Cohen's d",
            )
        )
    return rows
