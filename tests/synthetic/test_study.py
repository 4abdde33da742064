"""The default generation (scale 1) against the published targets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from reintegration.synthetic.parameters import DIMENSIONS, PRINTED, PROGRAMMES
from reintegration.synthetic.scores import programme_matrix
from scipy import stats

ISO = {
    "Nigeria": "NGA", "Guinea": "GIN", "Cameroon": "CMR", "The Gambia": "GMB", "Côte d'Ivoire": "CIV",
    "Niger": "NER", "Ethiopia": "ETH", "Senegal": "SEN", "Mali": "MLI", "Guinea-Bissau": "GNB",
    "Burkina Faso": "BFA", "Ghana": "GHA", "Sudan": "SDN", "Mozambique": "MOZ", "Bangladesh": "BGD",
    "Somalia": "SOM", "Afghanistan": "AFG", "Morocco": "MAR",
}  # fmt: skip


def chapter2(study) -> pd.DataFrame:
    r = study["returnees"]
    return r[r["country"] != "MAR"].reset_index(drop=True)


def test_counts_per_country(study, targets):
    records = study["records"]
    ch2 = records[records["role"] == "chapter2"].groupby("country").size()
    expected = {ISO[k]: v for k, v in targets["cross_country"]["sample_size_by_country"].items()}
    assert {c: ch2[c] for c in expected} == expected
    assert ch2["MAR"] == targets["morocco"]["survey_responses"]  # Morocco: too few for Chapter II
    # one Chapter II record per returnee, end of assistance unless the latest is a monitoring RSS
    assert records.loc[records["role"] == "chapter2", "case_id"].is_unique


def test_panel_counts(study, targets):
    r = study["returnees"]
    for country in targets["panel"]["countries"]:
        iso = ISO[country]
        g = r[r["country"] == iso]
        assert g["panel"].sum() == targets["panel"]["returnees"][country]
        assert (g["panel"] & g["mentored"]).sum() == targets["panel"]["mentored"][country]
        assert g["phone_survey"].sum() == targets["phone_survey"][country]
        assert g["retrospective"].sum() == targets["retrospective"]["cases"][country]
    mar = r[r["country"] == "MAR"]
    assert mar["phone_survey"].sum() == targets["morocco"]["score_change_cases"]
    assert mar["phone_survey"].sum() == targets["phone_survey"]["Morocco"]


def test_panel_records_two_or_more(study):
    rec = study["records"]
    panel_ids = set(study["returnees"].loc[lambda r: r["panel"], "case_id"])
    per = rec[rec["case_id"].isin(panel_ids)].groupby("case_id").size()
    assert len(per) == len(panel_ids) and (per >= 3).all()  # first, end of assistance, last
    first = rec[rec["role"] == "panel_first"].set_index("case_id")["interview_date"]
    last = rec[rec["role"] == "panel_last"].set_index("case_id")["interview_date"]
    days = (last.loc[first.index] - first).dt.days
    assert days.mean() == pytest.approx(350, abs=20)


def test_shares(study, targets):
    r = chapter2(study)
    a = targets["cross_country"]["assistance"]
    types = r["assistance"].str.split(";")
    supported = r["assistance"] != "none"
    assert (r["return_type"] == "stranded").mean() == pytest.approx(0.27, abs=0.01)
    assert supported.mean() == pytest.approx(a["any_support"], abs=0.01)
    assert (supported & (types.str.len() > 1)).mean() == pytest.approx(
        a["more_than_one_type"], abs=0.01
    )
    for g in ("microbusiness", "training", "material", "medical"):
        assert types.apply(lambda t, g=g: g in t).mean() == pytest.approx(a[g], abs=0.01), g
    assert (r.loc[supported, "assistance_level"] == "individual").mean() == pytest.approx(
        a["individual_level"], abs=0.01
    )
    assert (r["assistance_level"] == "collective").mean() == pytest.approx(
        a["collective_or_cooperative"], abs=0.01
    )
    for country, share in a["any_support_by_country"].items():
        got = supported[r["country"] == ISO[country]].mean()
        assert got == pytest.approx(share, abs=0.01), country


def test_long_format_rows(study, targets):
    k = chapter2(study)["programmes"].apply(lambda s: len(s.split("+")) if s else 0)
    assert np.maximum(1, k).sum() == pytest.approx(targets["regression"]["n"], rel=0.005)


def test_figure_ns(study, targets):
    rec = study["records"]
    ch2 = rec[(rec["role"] == "chapter2") & (rec["country"] != "MAR")]
    ns = targets["cross_country"]["figure_ns"]
    eco_nr = ch2["answer_eco_satisfaction"].isin(["dont_know", "refused", "not_applicable"])
    assert (~eco_nr).sum() == ns["economic_satisfaction"]
    cols = [
        "answer_psy_discrimination",
        "answer_psy_physical_security",
        "answer_psy_family_tension",
    ]
    nonresp = ch2[cols].isin(["dont_know", "refused", "not_applicable"]).all(axis=1)
    assert (~nonresp).sum() == ns["discrimination_safety_family_tension"]


def _design(r: pd.DataFrame) -> pd.DataFrame:
    X = pd.DataFrame({"age": r["age"], "female": r["female"].astype(float), "time": r["time"]})
    for c in PRINTED:
        X[c] = (r["country"] == c).astype(float)
    pm = programme_matrix(r["programmes"])
    for k, g in enumerate(PROGRAMMES):
        X[g] = pm[:, k]
    return sm.add_constant(X)


def test_ols_recovers_planted_coefficients(study, targets):
    """OLS of the (unclipped) latent scores on the published terms: each coefficient within
    2 SE for at least 90% of the 48 (5% are expected outside by chance), none beyond 3.5 SE,
    and a joint Wald test that does not reject (p > 0.001)."""
    r = chapter2(study)
    X = _design(r)
    pub = targets["regression"]["coefficients"]
    names = {"const": "(Intercept)", "female": "genderFemale", "GNB": "countryGuinea-Bissau",
             "ETH": "countryEthiopia", "CIV": "countryCôte Divoire", "SEN": "countrySenegal",
             "GIN": "countryGuinea", "NGA": "countryNigeria", "microbusiness": "programMicrobusiness",
             "training": "programTraining", "psychosocial": "programPsychosocial Support",
             "material": "programMaterial Assistance", "medical": "programMedical Support",
             "financial": "programFinancial Services"}  # fmt: skip
    zs = []
    for d in DIMENSIONS:
        fit = sm.OLS(r[f"raw_{d}"].to_numpy(), X).fit()
        truth = np.array([pub[d][names.get(t, t)][0] for t in X.columns])
        z = (fit.params.to_numpy() - truth) / fit.bse.to_numpy()
        zs.extend(z)
        diff = fit.params.to_numpy() - truth
        wald = diff @ np.linalg.solve(fit.cov_params().to_numpy(), diff)
        assert stats.chi2.sf(wald, len(truth)) > 0.001, d
    zs = np.abs(np.array(zs))
    assert (zs < 2).mean() >= 0.9
    assert zs.max() < 3.5


def test_country_tiers(study, targets):
    r = chapter2(study)
    comp = r[[f"latent_{d}" for d in DIMENSIONS]].mean(axis=1).groupby(r["country"]).mean()
    tiers = targets["cross_country"]["composite_tiers"]
    for c in tiers["A_above_0.70"]:
        assert comp[ISO[c]] > 0.70, c
    for c in tiers["B_0.61_to_0.70"]:
        assert 0.605 < comp[ISO[c]] <= 0.70, c
    for c in tiers["C_0.60_or_below"]:
        assert comp[ISO[c]] <= 0.605, c
    assert comp.idxmin() == ISO[tiers["lowest"]]
    assert comp.idxmax() == ISO[tiers["highest"]]


def test_dimension_findings(study):
    r = chapter2(study)
    m = r.groupby("country")[[f"latent_{d}" for d in DIMENSIONS]].mean()
    m.columns = DIMENSIONS
    psy = m["psychosocial"].sort_values()
    assert list(psy.index[:3]).index("SEN") == 2  # Senegal third lowest psychosocial
    assert "GIN" in psy.index[3:5]  # Guinea close behind
    assert m.loc["BGD", "economic"] > m.loc["BGD", "psychosocial"] + 0.05
    a_countries = ["GHA", "GMB", "MOZ", "MLI", "NER", "AFG", "BFA"]
    assert m.loc[a_countries, "social"].idxmin() == "NER"


def test_time_slopes(study):
    """Figure 2: Ethiopia's economic score rises fastest, Côte d'Ivoire's falls."""
    r = chapter2(study)
    slopes = {c: np.polyfit(g["time"], g["latent_economic"], 1)[0] for c, g in r.groupby("country")}
    assert max(slopes, key=slopes.get) == "ETH"
    assert slopes["CIV"] < 0
    assert slopes["SEN"] > np.median(list(slopes.values()))


def test_panel_plan(study, targets):
    """Mentee first composite means and the pooled mentored-minus-control change (Annex 4 d x SD)."""
    r = study["returnees"]
    p = r[r["panel"]]
    first = p[[f"first_{d}" for d in DIMENSIONS]].mean(axis=1)
    for country, target in targets["panel"]["mentee_mean_first_composite"].items():
        m = (p["country"] == ISO[country]) & p["mentored"]
        assert first[m].mean() == pytest.approx(target, abs=0.04), country
    change = pd.DataFrame({d: p[f"last_{d}"] - p[f"first_{d}"] for d in DIMENSIONS})
    change["composite"] = change.mean(axis=1)
    for d, (dval, sd, *_rest) in targets["panel"]["effect_sizes"]["cohen_d"].items():
        diff = change.loc[p["mentored"], d].mean() - change.loc[~p["mentored"], d].mean()
        se = change[d].std() * np.sqrt(1 / p["mentored"].sum() + 1 / (~p["mentored"]).sum())
        assert abs(diff - dval * sd) < 2.5 * se, d


def test_defects_point_at_raw_rows(study):
    d = study["defects"]
    raw = study["root"] / "raw"
    expected = {"merged_duplicate", "linked_case_id"}
    assert set(d["expected_outcome"]) - expected <= {
        o for o in d["expected_outcome"] if o.startswith(("corrected:", "quarantine:"))
    }
    for defect in ["duplicate_identical", "duplicate_conflict", "case_id_variant", "interview_before_return",
                   "birth_in_future", "age_out_of_range", "missing_required", "blank_row", "header_variant"]:  # fmt: skip
        assert (d["defect"] == defect).any(), defect
    # quarantining defects never hit an analysis record
    rec = study["records"]
    q = d[d["expected_outcome"].str.startswith("quarantine:")].astype({"source_row": int})
    assert rec["source_row"].notna().all()
    hit = q.merge(rec, on=["source_file", "source_row"], how="inner")
    assert set(hit["role"]) <= {"baseline", "monitoring"}
    assert not hit["country"].isin(["GIN", "SEN", "MAR"]).any()
    # blank rows are blank in the csv files
    blanks = d[(d["defect"] == "blank_row") & d["source_file"].str.endswith(".csv")].head(5)
    for _, b in blanks.iterrows():
        text = (
            (raw / b["wave"] / b["source_file"]).read_bytes().decode("utf-8-sig", errors="replace")
        )
        line = text.splitlines()[int(b["source_row"]) - 1]
        assert set(line) <= {",", ";"}


def test_manifest_lists_every_file(study):
    m = study["manifest"]
    raw = study["root"] / "raw"
    on_disk = sorted(f"{p.parent.name}/{p.name}" for p in raw.glob("*/*"))
    assert [f["path"] for f in m["files"]] == on_disk
    formats = {f["format"] for f in m["files"]}
    assert formats == {
        "case_management",
        "country_office",
        "phone_survey",
        "premigration_en",
        "premigration_fr",
    }
    assert {p.rsplit(".", 1)[1] for p in on_disk} == {"csv", "xlsx"}
