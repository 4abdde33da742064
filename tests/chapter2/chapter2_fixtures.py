"""Fixtures for Chapter II: pooled-records-like data from a known data-generating process.

:func:`make_records` writes what the data layer's ``records.parquet`` holds (the contract
columns Chapter II reads): several RSS records per returnee (baseline, monitoring, end of
assistance, in any order), some pre-migration records, canonical answer values, assistance
indicators (missing for records without an assistance answer) and dimension scores from
a linear model with planted coefficients (:data:`PLANTED`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COUNTRIES = {
    "NGA": 160,
    "GIN": 120,
    "CMR": 90,
    "GMB": 80,
    "CIV": 80,
    "NER": 75,
    "ETH": 75,
    "SEN": 70,
    "MLI": 65,
    "GNB": 60,
    "BFA": 60,
    "GHA": 58,
    "SDN": 58,
    "MOZ": 56,
    "BGD": 55,
    "SOM": 54,
    "AFG": 52,
    "MAR": 20,
}
PROGRAMMES = ("microbusiness", "training", "psychosocial", "material", "medical", "financial")
OTHER_TYPES = ("education", "housing", "legal", "other")
#: Planted person-level model of every dimension score (one assistance type at most when
#: ``single_programme`` so that the long-table regression is correctly specified).
PLANTED = {
    "(Intercept)": 0.55,
    "age": 0.001,
    "female": -0.02,
    "time": 0.03,
    "country": {"GNB": -0.03, "ETH": 0.01, "CIV": -0.12, "SEN": -0.08, "GIN": -0.14, "NGA": -0.05},
    "programme": {
        "microbusiness": 0.07,
        "training": 0.08,
        "psychosocial": -0.02,
        "material": 0.03,
        "medical": -0.04,
        "financial": 0.06,
    },
}
ITEM_ANSWERS = {
    "eco_satisfaction": [
        "very_satisfied",
        "satisfied",
        "neutral",
        "dissatisfied",
        "very_dissatisfied",
    ],
    "eco_food_insecurity": ["never", "rarely", "sometimes", "often", "very_often"],
    "eco_borrow_ability": ["yes", "no"],
    "eco_borrow_frequency": ["never", "rarely", "sometimes", "often", "very_often"],
    "psy_support_network": ["very_good", "good", "fair", "poor", "very_poor"],
    "psy_discrimination": ["never", "rarely", "sometimes", "often", "very_often"],
    "psy_physical_security": ["very_safe", "safe", "neutral", "unsafe", "very_unsafe"],
    "psy_family_tension": ["never", "rarely", "sometimes", "often", "very_often"],
    "psy_able_to_stay": ["yes", "no"],
    "psy_wish_psych_support": ["yes", "no"],
}


def make_records(
    seed: int = 1,
    countries: dict[str, int] | None = None,
    *,
    single_programme: bool = False,
    noise: float = 0.08,
) -> pd.DataFrame:
    """Pooled records of a synthetic study (one returnee = 1-3 RSS records)."""
    rng = np.random.default_rng(seed)
    countries = countries or COUNTRIES
    persons = []
    pid = 0
    for iso, n in countries.items():
        for _ in range(n):
            pid += 1
            persons.append((f"p{pid:06d}", iso))
    rows = []
    types = (*PROGRAMMES, *OTHER_TYPES)
    for key, iso in persons:
        sex = "female" if rng.random() < 0.2 else "male"
        age = int(rng.integers(18, 60))
        ret = pd.Timestamp("2017-06-01") + pd.Timedelta(days=int(rng.integers(0, 700)))
        if single_programme:
            k = rng.integers(0, len(PROGRAMMES) + 1)
            received = [PROGRAMMES[k - 1]] if k > 0 else []
        else:
            received = [t for t in types if rng.random() < (0.4 if t == "microbusiness" else 0.12)]
        assistance = ";".join(received) if received else "none"
        n_rec = int(rng.integers(1, 4))
        rounds = list(rng.choice(["baseline", "monitoring", "end_of_assistance"], size=n_rec))
        for r in range(n_rec):
            interview = ret + pd.Timedelta(days=int(rng.integers(30, 900)))
            time = (interview - ret).days / 365.25
            base = (
                PLANTED["(Intercept)"]
                + PLANTED["age"] * age
                + PLANTED["female"] * (sex == "female")
                + PLANTED["time"] * time
                + PLANTED["country"].get(iso, 0.0)
                + sum(PLANTED["programme"].get(p, 0.0) for p in received)
            )
            scores = {
                d: float(np.clip(base + rng.normal(0, noise), 0, 1))
                for d in ("economic", "social", "psychosocial")
            }
            row = {
                "record_id": f"r{len(rows):07d}",
                "person_key": key,
                "wave": "2020-07",
                "record_type": "rss",
                "country": iso,
                "sex": sex,
                "age": age,
                "return_date": ret,
                "interview_date": interview,
                "survey_round": rounds[r],
                "assistance_level": rng.choice(
                    ["individual", "collective", "community"], p=[0.77, 0.2, 0.03]
                ),
                "assistance": None if rng.random() < 0.03 else assistance,
                **{f"score_{d}": s for d, s in scores.items()},
            }
            row["score_composite"] = float(np.mean(list(scores.values())))
            for item, answers in ITEM_ANSWERS.items():
                row[item] = None if rng.random() < 0.05 else str(rng.choice(answers))
            rows.append(row)
        if rng.random() < 0.1:
            rows.append(
                {
                    "record_id": f"r{len(rows):07d}",
                    "person_key": key,
                    "wave": "2020-07",
                    "record_type": "premigration",
                    "country": iso,
                    "interview_date": ret + pd.Timedelta(days=2000),
                    "survey_round": "end_of_assistance",
                }
            )
    df = pd.DataFrame(rows)
    chosen = df["assistance"].astype("string")
    for t in (*types, "none"):
        has = chosen.str.split(";").map(lambda parts, v=t: v in parts, na_action="ignore")
        df[f"assist_{t}"] = has.where(chosen.notna()).astype("boolean")
    df = df.drop(columns="assistance")
    for col in ("record_type", "country", "sex", "survey_round", *ITEM_ANSWERS):
        df[col] = df[col].astype("string")
    return df
