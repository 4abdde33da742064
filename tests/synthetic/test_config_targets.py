"""The published numbers copied into config/synthetic.yaml equal targets.yaml."""

from __future__ import annotations

ISO = {
    "Nigeria": "NGA", "Guinea": "GIN", "Cameroon": "CMR", "The Gambia": "GMB", "Côte d'Ivoire": "CIV",
    "Niger": "NER", "Ethiopia": "ETH", "Senegal": "SEN", "Mali": "MLI", "Guinea-Bissau": "GNB",
    "Burkina Faso": "BFA", "Ghana": "GHA", "Sudan": "SDN", "Mozambique": "MOZ", "Bangladesh": "BGD",
    "Somalia": "SOM", "Afghanistan": "AFG",
}  # fmt: skip
TERMS = {
    "intercept": "(Intercept)", "age": "age", "female": "genderFemale", "time": "time",
    "GNB": "countryGuinea-Bissau", "ETH": "countryEthiopia", "CIV": "countryCôte Divoire",
    "SEN": "countrySenegal", "GIN": "countryGuinea", "NGA": "countryNigeria",
    "microbusiness": "programMicrobusiness", "training": "programTraining",
    "psychosocial": "programPsychosocial Support", "material": "programMaterial Assistance",
    "medical": "programMedical Support", "financial": "programFinancial Services",
}  # fmt: skip


def test_sample_sizes_and_support(synthetic_config, targets):
    cc = targets["cross_country"]
    assert {ISO[k]: v for k, v in cc["sample_size_by_country"].items()} == {
        c: v["n"] for c, v in synthetic_config["countries"].items() if c != "MAR"
    }
    for country, share in cc["assistance"]["any_support_by_country"].items():
        assert synthetic_config["countries"][ISO[country]]["any_support"] == share
    assert synthetic_config["assistance"]["any_support"] == cc["assistance"]["any_support"]
    assert (
        synthetic_config["population"]["return_type"]["stranded"]
        == cc["return_type_share"]["stranded"]
    )


def test_coefficients(synthetic_config, targets):
    pub = targets["regression"]["coefficients"]
    model = synthetic_config["model"]
    for d in ("economic", "social", "psychosocial"):
        m = model["coefficients"][d]
        flat = (
            {k: m[k] for k in ("intercept", "age", "female", "time")}
            | m["countries"]
            | m["programmes"]
        )
        assert {TERMS[k]: v for k, v in flat.items()} == {k: v[0] for k, v in pub[d].items()}
    assert {TERMS[k]: v for k, v in model["composite_published"].items()} == pub["composite"]


def test_panel_retrospective_morocco_figure_ns(synthetic_config, targets):
    panel = synthetic_config["panel"]["countries"]
    for country in ("Guinea", "Senegal"):
        iso = ISO[country]
        assert panel[iso]["returnees"] == targets["panel"]["returnees"][country]
        assert panel[iso]["mentored"] == targets["panel"]["mentored"][country]
        assert panel[iso]["phone_survey"] == targets["phone_survey"][country]
        assert (
            synthetic_config["retrospective"]["cases"][iso]
            == targets["retrospective"]["cases"][country]
        )
    assert synthetic_config["morocco"]["responses"] == targets["morocco"]["survey_responses"]
    assert synthetic_config["morocco"]["two_surveys"] == targets["morocco"]["score_change_cases"]
    answered = {
        tuple(g["items"]): g["answered"]
        for g in synthetic_config["nonresponse"]["chapter2_answered"]
    }
    ns = targets["cross_country"]["figure_ns"]
    assert answered[("eco_satisfaction",)] == ns["economic_satisfaction"]
    assert (
        answered[("psy_discrimination", "psy_physical_security", "psy_family_tension")]
        == ns["discrimination_safety_family_tension"]
    )
