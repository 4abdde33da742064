"""Returnees and their interviews (one country chunk at a time).

Shares are allocated as exact quotas (largest remainder) and then shuffled, not drawn one by one,
so that counts and shares equal the targets up to rounding instead of up to sampling noise.
Every returnee has one Chapter II record (end of assistance, else a monitoring RSS that is their
latest); some also have a baseline RSS 3-45 days after return and a monitoring RSS. Panel members
(Guinea, Senegal) have a first RSS, the end-of-assistance RSS and a last record (the June 2020
phone survey, or an in-person follow-up), about 350 days after the first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reintegration.synthetic import scores
from reintegration.synthetic.parameters import MOROCCO, Params, apportion, assistance_profiles

DAY = np.timedelta64(1, "D")


def quota(n: int, probs, rng: np.random.Generator) -> np.ndarray:
    """Category indices with exact counts apportion(n, probs), in random order."""
    counts = apportion(n, probs)
    return rng.permutation(np.repeat(np.arange(len(counts)), counts))


def flags(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """Boolean array with exactly k True at random positions."""
    out = np.zeros(n, dtype=bool)
    out[rng.permutation(n)[: min(k, n)]] = True
    return out


def _dates(lo: str, hi: str, n: int, rng) -> np.ndarray:
    a, b = np.datetime64(lo), np.datetime64(hi)
    return a + rng.integers(0, int((b - a) / DAY) + 1, size=n) * DAY


def _assistance(p: Params, iso: str, n: int, rng) -> pd.DataFrame:
    cfg = p.config["assistance"]
    prof = assistance_profiles(p.config)
    supported = flags(n, int(apportion(n, [p.any_support[iso], 1 - p.any_support[iso]])[0]), rng)
    ns = int(supported.sum())
    combo_idx = quota(ns, prof["probs"], rng)
    combos = [prof["combos"][i] for i in combo_idx]
    single_or_none = np.array([len(c) <= 1 for c in combos])
    extra = np.zeros(ns, dtype=bool)
    k_extra = int(round(prof["extra_other"] * single_or_none.sum()))
    extra[np.flatnonzero(single_or_none)[rng.permutation(single_or_none.sum())[:k_extra]]] = True
    others = list(cfg["other_types"])
    ow = np.array(list(cfg["other_types"].values()), dtype=float)
    ow /= ow.sum()
    levels = list(cfg["level"])
    level_idx = quota(ns, list(cfg["level"].values()), rng)
    programmes = np.full(n, "", dtype=object)
    assistance = np.full(n, "none", dtype=object)
    level = np.full(n, "", dtype=object)
    pos = np.flatnonzero(supported)
    for k, i in enumerate(pos):
        combo = combos[k]
        n_other = (0 if combo else 1) + (1 if extra[k] else 0)
        chosen = list(rng.choice(others, size=n_other, replace=False, p=ow)) if n_other else []
        programmes[i] = "+".join(combo)
        assistance[i] = ";".join([*combo, *chosen])
        level[i] = levels[level_idx[k]]
    return pd.DataFrame(
        {"programmes": programmes, "assistance": assistance, "assistance_level": level}
    )


def returnees(p: Params, iso: str, first_seq: int, n: int, roles: dict, rng) -> pd.DataFrame:
    """One chunk of a country's returnees with covariates, roles and Chapter II latent scores.

    ``roles`` holds this chunk's quotas: panel, mentored, phone, retro (Guinea/Senegal) or
    two_surveys (Morocco).
    """
    cfg, pop = p.config, p.config["population"]
    age_spec = pop["age"]
    age = np.clip(
        age_spec["min"] + rng.gamma(age_spec["gamma_shape"], age_spec["gamma_scale"], n),
        age_spec["min"],
        age_spec["max"],
    ).astype(int)
    female = flags(n, int(round(pop["female_share"] * n)), rng)
    rtypes = list(pop["return_type"])
    rtype = np.array(rtypes, dtype=object)[quota(n, list(pop["return_type"].values()), rng)]
    avrr = rng.random(n) < np.array([pop["avrr_share"].get(r, 0.5) for r in rtype])
    lo, hi = cfg["countries"][iso]["time_years"]
    t_days = np.round(rng.uniform(lo, hi, n) * 365.25).astype(int)
    ch2_date = _dates(pop["chapter2_first"], pop["chapter2_last"], n, rng)
    df = pd.DataFrame(
        {
            "case_seq": np.arange(first_seq, first_seq + n),
            "country": iso,
            "female": female,
            "return_type": rtype,
            "return_scheme": np.where(avrr, "avrr", "vhr"),
        }
    )
    df = pd.concat([df, _assistance(p, iso, n, rng)], axis=1)
    panel = flags(n, roles.get("panel", 0), rng)
    mentored = np.zeros(n, dtype=bool)
    phone = np.zeros(n, dtype=bool)
    pidx = np.flatnonzero(panel)
    mentored[pidx[rng.permutation(len(pidx))[: roles.get("mentored", 0)]]] = True
    phone[pidx[rng.permutation(len(pidx))[: roles.get("phone", 0)]]] = True
    if iso == MOROCCO:  # all ORION mentees; some answered the 2020 phone survey too
        mentored[:] = True
        phone = flags(n, roles.get("two_surveys", 0), rng)
    df["panel"], df["mentored"], df["phone_survey"] = panel, mentored, phone
    df["retrospective"] = flags(n, roles.get("retro", 0), rng)
    # Panel timing: last in the phone-survey window (or in-person follow-up before it), first
    # about 350 days earlier, end of assistance in between.
    win = p.config["panel"]["phone_survey_window"]
    gap_lo, gap_hi = p.config["panel"]["days_first_to_last"]
    last = np.where(phone, _dates(win[0], win[1], n, rng), _dates("2020-01-15", win[0], n, rng))
    gap = rng.integers(gap_lo, gap_hi + 1, n)
    first = last - gap * DAY
    eoa = first + np.round(gap * rng.uniform(0.3, 0.8, n)).astype(int) * DAY
    uses_panel_dates = panel | (phone & (iso == MOROCCO))
    ch2_date = np.where(uses_panel_dates, eoa, ch2_date)
    return_date = ch2_date - t_days * DAY
    first = np.where(uses_panel_dates, np.maximum(first, return_date + 3 * DAY), first)
    df["return_date"] = return_date
    df["ch2_date"] = ch2_date
    df["time"] = t_days / 365.25
    df["age"] = age
    birth = ch2_date - (age * 365.25 + rng.integers(0, 365, n)).astype(int) * DAY
    df["date_of_birth"] = birth
    df["panel_first"] = np.where(panel, first, np.datetime64("NaT"))
    df["panel_last"] = np.where(panel | phone, last, np.datetime64("NaT"))
    has_eoa = panel | (rng.random(n) < pop["end_of_assistance_share"])
    df["has_eoa"] = has_eoa | (iso == MOROCCO)
    # Latent scores at the Chapter II record (Morocco: its own snapshot levels).
    if iso == MOROCCO:
        raw = scores.morocco_latent(p, n, rng)
        bounded = np.clip(raw, 0, 1)
    else:
        raw, bounded = scores.chapter2_latent(p, df, rng)
    for j, d in enumerate(("economic", "social", "psychosocial")):
        df[f"raw_{d}"] = raw[:, j]
        df[f"latent_{d}"] = bounded[:, j]
    if panel.any():
        f, last_l = scores.panel_latent(
            p, iso, mentored[panel], rng, df["programmes"].to_numpy()[panel]
        )
        for j, d in enumerate(("economic", "social", "psychosocial")):
            a = np.full(n, np.nan)
            b = np.full(n, np.nan)
            a[panel], b[panel] = np.clip(f[:, j], 0, 1), np.clip(last_l[:, j], 0, 1)
            df[f"first_{d}"], df[f"last_{d}"] = a, b
    else:
        for d in ("economic", "social", "psychosocial"):
            df[f"first_{d}"] = np.nan
            df[f"last_{d}"] = np.nan
    df["case_id"] = [
        f"{iso}-{y}-{s:06d}"
        for y, s in zip(pd.DatetimeIndex(return_date).year, df["case_seq"], strict=True)
    ]
    return df


def records(p: Params, people: pd.DataFrame, rng) -> pd.DataFrame:
    """Every RSS interview of the chunk's returnees, with its latent dimension scores."""
    pop = p.config["population"]
    rss_start = np.datetime64(pop["rss_start"])
    iso = people["country"].iat[0]
    slope = scores.slope(p, iso) if iso != MOROCCO else np.zeros(3)
    dims = ("economic", "social", "psychosocial")
    L = people[[f"latent_{d}" for d in dims]].to_numpy()
    rows = []

    def add(idx, role, rnd, dates, lat, mode="in_person"):
        rows.append(
            pd.DataFrame(
                {
                    "person": idx,
                    "role": role,
                    "survey_round": rnd,
                    "interview_date": dates,
                    "interview_mode": mode,
                    **{f"latent_{d}": np.clip(lat[:, j], 0, 1) for j, d in enumerate(dims)},
                }
            )
        )

    n = len(people)
    idx = np.arange(n)
    panel = people["panel"].to_numpy()
    ret = people["return_date"].to_numpy()
    ch2 = people["ch2_date"].to_numpy()
    # Chapter II record: end of assistance, else the latest (a monitoring RSS).
    rnd = np.where(people["has_eoa"], "end_of_assistance", "monitoring")
    mode = np.where(rng.random(n) < pop["phone_mode_share"], "phone", "in_person")
    add(idx, "chapter2", rnd, ch2, L, mode)
    # Spare records of non-panel returnees (baseline near return; monitoring in between).
    base_date = ret + rng.integers(3, 46, n) * DAY
    has_base = (~panel) & (rng.random(n) < pop["baseline_share"]) & (base_date >= rss_start)
    has_base &= base_date < ch2 - 30 * DAY
    t_base = ((base_date - ch2) / DAY) / 365.25
    add(
        idx[has_base],
        "baseline",
        "baseline",
        base_date[has_base],
        (L + t_base[:, None] * slope)[has_base],
    )
    start = np.where(has_base, base_date, ret) + 30 * DAY
    span = ((ch2 - start) / DAY).astype(int)
    has_mon = (
        (~panel)
        & (rng.random(n) < pop["monitoring_share"])
        & (span > 60)
        & people["has_eoa"].to_numpy()
    )
    mon_date = start + (rng.random(n) * np.maximum(span - 30, 1)).astype(int) * DAY
    has_mon &= mon_date >= rss_start
    t_mon = ((mon_date - ch2) / DAY) / 365.25
    add(
        idx[has_mon],
        "monitoring",
        "monitoring",
        mon_date[has_mon],
        (L + t_mon[:, None] * slope)[has_mon],
    )
    if panel.any():
        first = people["panel_first"].to_numpy()
        first_round = np.where((first - ret) / DAY <= 60, "baseline", "monitoring")
        F = people[[f"first_{d}" for d in dims]].to_numpy()
        G = people[[f"last_{d}" for d in dims]].to_numpy()
        add(idx[panel], "panel_first", first_round[panel], first[panel], F[panel])
        phone = people["phone_survey"].to_numpy()
        last = people["panel_last"].to_numpy()
        add(
            idx[panel],
            "panel_last",
            "follow_up",
            last[panel],
            G[panel],
            np.where(phone[panel], "phone", "in_person"),
        )
    if iso == MOROCCO:
        phone = people["phone_survey"].to_numpy()
        noise = rng.normal(0, 0.05, size=(n, 3))
        add(
            idx[phone],
            "panel_last",
            "follow_up",
            people["panel_last"].to_numpy()[phone],
            (L + noise)[phone],
            "phone",
        )
    out = pd.concat(rows, ignore_index=True)
    out["case_id"] = people["case_id"].to_numpy()[out["person"]]
    out["phone_survey_record"] = (out["role"] == "panel_last") & people["phone_survey"].to_numpy()[
        out["person"]
    ]
    out = out.sort_values(["interview_date", "case_id", "role"], kind="stable").reset_index(
        drop=True
    )
    return out
