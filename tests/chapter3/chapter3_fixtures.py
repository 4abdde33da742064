"""A generator of pooled-records-like data with a known DGP for the Chapter III tests.

Persons in Guinea and Senegal get 2-3 dated post-return RSS records (baseline, monitoring,
and for some the 2020 phone survey, ``survey_round == "follow_up"``); Morocco gets a few
records. Mentoring is selected on the baseline composite (lower -> more likely) and adds a
planted effect ``effect`` to every dimension's change. Pre-migration records carry
``pre_<item>`` answers that are better than after return for the economic and psychosocial
items.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DIMS = ("economic", "social", "psychosocial")
YN = ("no", "yes")
FREQ_NEG = ("very_often", "often", "sometimes", "rarely", "never")  # score 0 .. 1
BELONG = ("not_at_all", "not_really", "somewhat", "mostly", "fully")


def _ordinal(u: np.ndarray, levels) -> tuple[np.ndarray, np.ndarray]:
    k = len(levels)
    idx = np.clip((u * k).astype(int), 0, k - 1)
    return np.array(levels, dtype=object)[idx], idx / (k - 1)


def make_records(
    *,
    seed: int = 1,
    n: dict | None = None,
    effect: float = 0.05,
    selection: float = 6.0,
    trend: float = -0.01,
    selection_trend: float = 0.0,
    phone_unmatched: int = 0,
    morocco_persons: int = 18,
    morocco_change: int = 6,
) -> pd.DataFrame:
    """Pooled release records (the columns Chapter III reads).

    ``selection_trend`` adds ``selection_trend * (0.5 - baseline composite)`` to everyone's
    change (regression to the mean that the plain DiD confounds with mentoring, because
    mentees were chosen with a low baseline).
    """
    rng = np.random.default_rng(seed)
    n = n or {"GIN": 109, "SEN": 99}
    rows = []
    pid = 0
    start = pd.Timestamp("2018-06-01")
    for country, size in n.items():
        level = {"GIN": 0.5, "SEN": 0.6}.get(country, 0.55)
        for _ in range(size):
            pid += 1
            key = f"{country}{pid:06d}"
            base = np.clip(level + rng.normal(0, 0.1, 3), 0.02, 0.98)
            comp0 = base.mean()
            p = 1 / (1 + np.exp(-(selection * (level - comp0) + 0.4)))
            mentored = bool(rng.random() < p)
            change = (
                trend + effect * mentored + selection_trend * (0.5 - comp0) + rng.normal(0, 0.08, 3)
            )
            last = np.clip(base + change, 0, 1)
            d0 = start + pd.Timedelta(days=int(rng.integers(0, 300)))
            gap = int(rng.integers(200, 500))
            n_rec = 3 if rng.random() < 0.5 else 2
            phone = rng.random() < 0.6
            dates = [d0, d0 + pd.Timedelta(days=gap // 2), d0 + pd.Timedelta(days=gap)][:n_rec]
            rounds = ["baseline", "monitoring", "end_of_assistance"][:n_rec]
            if phone:
                rounds[-1] = "follow_up"
            sex = "female" if rng.random() < 0.2 else "male"
            age = int(rng.integers(18, 45))
            training = bool(rng.random() < 0.3)
            for j, (d, r) in enumerate(zip(dates, rounds, strict=True)):
                w = j / (len(dates) - 1)
                s = base * (1 - w) + last * w
                rec = {
                    "record_id": f"r{pid:06d}{j}",
                    "person_key": key,
                    "record_type": "rss",
                    "country": country,
                    "survey_round": r,
                    "interview_date": d,
                    "interview_mode": "phone" if r == "follow_up" and pid % 3 else "in_person",
                    "orion_mentee": pd.NA if r == "follow_up" else mentored,
                    "sex": sex,
                    "age": age + j // 2,
                    "assist_training": pd.NA if r == "follow_up" else training,
                    "assist_microbusiness": pd.NA if r == "follow_up" else bool(pid % 2),
                    "assist_none": pd.NA if r == "follow_up" else False,
                }
                for dim, v in zip(DIMS, s, strict=True):
                    rec[f"score_{dim}"] = float(v)
                rec["score_composite"] = float(np.mean(s))
                e, ps = s[0], s[2]
                rec["eco_working"] = YN[int(rng.random() < e)]
                rec["eco_satisfaction"] = "satisfied" if rng.random() < e - 0.3 else "dissatisfied"
                rec["eco_food_insecurity"], _ = _ordinal(
                    np.array([rng.random() * e * 1.6]), FREQ_NEG
                )
                rec["eco_food_insecurity"] = rec["eco_food_insecurity"][0]
                rec["eco_borrow_ability"] = YN[int(rng.random() < e)]
                rec["eco_borrow_frequency"] = "often" if rng.random() < 0.2 else "never"
                rec["eco_job_search"] = YN[int(rng.random() < 0.6)]
                rec["psy_social_activities"] = "often" if rng.random() < ps else "rarely"
                rec["psy_remigration_need"] = "wish" if rng.random() > ps else "neither"
                bel, bel_s = _ordinal(
                    np.array([np.clip(ps + rng.normal(0, 0.15), 0, 0.999)]), BELONG
                )
                dis, dis_s = _ordinal(
                    np.array([np.clip(ps + rng.normal(0, 0.15), 0, 0.999)]), FREQ_NEG
                )
                rec.update(
                    psy_belonging=bel[0],
                    psy_belonging_score=bel_s[0],
                    psy_distress=dis[0],
                    psy_distress_score=dis_s[0],
                    eco_working_score=float(rec["eco_working"] == "yes"),
                )
                rows.append(rec)
            # pre-migration module for most persons: better economic/psychosocial conditions
            if rng.random() < 0.8:
                pe, pp = min(base[0] + 0.25, 0.99), min(base[2] + 0.2, 0.99)
                bel, bel_s = _ordinal(
                    np.array([np.clip(pp + rng.normal(0, 0.1), 0, 0.999)]), BELONG
                )
                dis, dis_s = _ordinal(
                    np.array([np.clip(pp + rng.normal(0, 0.1), 0, 0.999)]), FREQ_NEG
                )
                wk = YN[int(rng.random() < pe)]
                rows.append(
                    {
                        "record_id": f"p{pid:06d}",
                        "person_key": key,
                        "record_type": "premigration",
                        "country": country,
                        "survey_round": pd.NA,
                        "interview_date": d0,
                        "orion_mentee": pd.NA,
                        "sex": sex,
                        "age": age,
                        "pre_psy_belonging": bel[0],
                        "pre_psy_belonging_score": bel_s[0],
                        "pre_psy_distress": dis[0],
                        "pre_psy_distress_score": dis_s[0],
                        "pre_eco_working": wk,
                        "pre_eco_working_score": float(wk == "yes"),
                    }
                )
    # phone respondents without any earlier RSS (the merge must flag them)
    for k in range(phone_unmatched):
        rows.append(
            {
                "record_id": f"u{k:06d}",
                "person_key": f"UNMATCHED{k:04d}",
                "record_type": "rss",
                "country": "GIN",
                "survey_round": "follow_up",
                "interview_date": pd.Timestamp("2020-06-01"),
                "orion_mentee": pd.NA,
                "sex": "male",
                "age": 30,
                "score_economic": 0.4,
                "score_social": 0.5,
                "score_psychosocial": 0.6,
                "score_composite": 0.5,
            }
        )
    # Morocco: morocco_persons persons, morocco_change of them with two dated surveys
    for k in range(morocco_persons):
        for j in range(2 if k < morocco_change else 1):
            e, s_, ps = 0.3 + rng.normal(0, 0.05), 0.55, 0.75 + rng.normal(0, 0.05)
            rows.append(
                {
                    "record_id": f"m{k:04d}{j}",
                    "person_key": f"MAR{k:04d}",
                    "record_type": "rss",
                    "country": "MAR",
                    "survey_round": ["baseline", "follow_up"][j],
                    "interview_date": pd.Timestamp("2019-03-01") + pd.Timedelta(days=200 * j + k),
                    "orion_mentee": True,
                    "sex": "male",
                    "age": 25,
                    "score_economic": e,
                    "score_social": s_,
                    "score_psychosocial": ps,
                    "score_composite": (e + s_ + ps) / 3,
                    "eco_working": "no" if k % 4 else "yes",
                    "eco_satisfaction": "dissatisfied",
                    "eco_job_search": "yes",
                }
            )
    df = pd.DataFrame(rows)
    df["interview_date"] = pd.to_datetime(df["interview_date"])
    for c in ("orion_mentee", "assist_training", "assist_microbusiness", "assist_none"):
        df[c] = df[c].astype("boolean")
    return df
