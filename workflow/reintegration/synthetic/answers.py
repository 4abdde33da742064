"""From latent scores to answers: item latents, share-planting answer models, non-response.

Item latents. The item latent is the dimension latent plus an item offset (re-centred so that the
offsets of a dimension have weighted sum 0 in every country), clipped to [0, 1] (and below Morocco's
caps). Clipping alone would pull the expected dimension score towards 0.5, so for each record and
dimension a shift c is added to the free (untargeted) items, found by vectorised bisection, such
that the weighted mean of the clipped item latents over the items the record's format carries
(the 2020 phone survey has a subset) equals the dimension latent exactly. Targeted items
(``items.country_targets`` on Chapter II records, ``items.panel_targets`` on the panel's first and
last records) get one offset per group solved on the chunk so that the group mean of the clipped
item latent equals the target.

Answers. Default: stochastic rounding between the neighbouring scale points a <= x <= b (b with
probability (x - a) / (b - a)), so E[score] = x. Items with a planted answer share
(``items.shares``) use a two-part model: the answer falls in the upper part U of the scale (the
counted answers or their complement) with probability s, then it is stochastically rounded within
the part to a mean y (U) or z (L, the lower part), both at the same relative position lambda of
their part, with s*y + (1 - s)*z = x, so E[score] = x still holds. s is per record, inside the
feasible interval [(x - maxL)/(maxU - maxL), (x - minL)/(minU - minL)], at a relative position
theta solved per group (country, record role, panel time) so that the group's mean s equals the
target share. Bernoulli choices are balanced (systematic sampling in random order within strata of
record role and mentoring): each record keeps its exact marginal probability, so E[score] = x per
record, while group totals equal their expectations up to one unit instead of up to binomial noise.
Non-response (dont_know / refused / not_applicable) is applied afterwards, independently of the
answer, so it does not bias the answered scores either.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reintegration.synthetic.parameters import DIMENSIONS, MOROCCO, Params, apportion


def stochastic_round(x: np.ndarray, points: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Round each x to a neighbouring point of the sorted ``points`` so that E[result] = x."""
    points = np.asarray(points, dtype=float)
    x = np.clip(np.asarray(x, dtype=float), points[0], points[-1])
    j = np.clip(np.searchsorted(points, x, side="right") - 1, 0, len(points) - 2)
    lo, hi = points[j], points[j + 1]
    return np.where(u < (x - lo) / (hi - lo), hi, lo)


@dataclass
class ItemSpec:
    """Codebook facts the answer generation needs, per item."""

    names: list[str]
    dims: np.ndarray  # dimension index per item
    weights: np.ndarray
    points: list[np.ndarray]  # sorted scores per item
    values: list[np.ndarray]  # canonical value per sorted score
    lists: list[str]
    pairs: list[str]  # premigration items: the rss item each one pairs with


def item_spec(cb, module: str = "rss") -> ItemSpec:
    v = cb.variables[cb.variables["module"] == module].sort_values("indicator", kind="stable")
    ch = cb.choices
    w = cb.weights.set_index("component")["weight"]
    points, values = [], []
    for lst in v["list_name"]:
        opts = ch[(ch["list_name"] == lst) & ch["score"].notna()].sort_values("score")
        points.append(opts["score"].to_numpy(float))
        values.append(opts["value"].to_numpy(object))
    pair = v["pairs_with"].where(v["module"] == "premigration", v["name"])
    return ItemSpec(
        names=v["name"].tolist(),
        dims=np.array([DIMENSIONS.index(d) for d in v["dimension"]]),
        weights=np.array([float(w.get(n, 1.0)) for n in pair]),
        points=points,
        values=values,
        lists=v["list_name"].tolist(),
        pairs=pair.tolist(),
    )


def item_offsets(p: Params, spec: ItemSpec) -> np.ndarray:
    """Offsets (country, item): base offsets, country targets, re-centred within dimension."""
    cfg = p.config["items"]
    off = np.zeros((len(p.countries), len(spec.names)))
    for ci, iso in enumerate(p.countries):
        if iso == MOROCCO:
            means = p.config["morocco"]["dimension_means"]
        else:
            means = [p.expected[iso][d] for d in DIMENSIONS]
        targeted = np.zeros(len(spec.names), dtype=bool)
        for k, item in enumerate(spec.names):
            off[ci, k] = cfg["offsets"].get(item, 0.0)
            if item in cfg["country_targets"]:
                t = cfg["country_targets"][item]
                off[ci, k] = t.get(iso, t["default"]) - means[spec.dims[k]]
                targeted[k] = True
        for j in range(len(DIMENSIONS)):
            in_d = spec.dims == j
            free = in_d & ~targeted
            total = (spec.weights[in_d] * off[ci, in_d]).sum()
            off[ci, free] -= total / spec.weights[free].sum()
    return off


def item_scores(latent, offsets, spec: ItemSpec, rng, caps=None) -> tuple[np.ndarray, np.ndarray]:
    """Item latent (n, items) clipped to [0, 1] (and below ``caps``) and stochastically rounded scores."""
    x = np.clip(latent[:, spec.dims] + offsets, 0, 1)
    if caps is not None:
        x = np.minimum(x, caps)
    u = rng.random(x.shape)
    s = np.empty_like(x)
    for k, pts in enumerate(spec.points):
        s[:, k] = stochastic_round(x[:, k], pts, u[:, k])
    return x, s


def balanced_bernoulli(prob: np.ndarray, strata: np.ndarray, rng) -> np.ndarray:
    """Bernoulli(prob) draws with exact marginals and balanced totals within each stratum.

    Systematic sampling in a random order: with cumulative probabilities C_k along a random
    permutation and one uniform u, record k is chosen when (C_k - p_k + u, C_k + u] holds an
    integer, which happens with probability p_k exactly; a stratum's count of successes is then
    floor or ceil of its expected count.
    """
    prob = np.clip(np.asarray(prob, dtype=float), 0.0, 1.0)
    out = np.zeros(prob.shape, dtype=bool)
    for k in np.unique(strata):
        idx = np.flatnonzero(strata == k)
        order = idx[rng.permutation(len(idx))]
        c = np.cumsum(prob[order])
        u = rng.random()
        out[order] = np.floor(c + u) > np.floor(c - prob[order] + u)
    return out


def balanced_round(x: np.ndarray, points: np.ndarray, strata: np.ndarray, rng) -> np.ndarray:
    """Stochastic rounding (E[result] = x per record) with balanced choices within strata."""
    points = np.asarray(points, dtype=float)
    x = np.clip(np.asarray(x, dtype=float), points[0], points[-1])
    j = np.clip(np.searchsorted(points, x, side="right") - 1, 0, len(points) - 2)
    lo, hi = points[j], points[j + 1]
    up = balanced_bernoulli((x - lo) / (hi - lo), strata, rng)
    return np.where(up, hi, lo)


def solve_offset(base: np.ndarray, target: float, cap: float = 1.0) -> float:
    """Scalar o with mean(clip(base + o, 0, cap)) = target (bisection; nearest bound if none)."""
    lo, hi = -2.0, 2.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if np.clip(base + mid, 0, cap).mean() < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def dimension_shift(
    latent: np.ndarray,
    base: np.ndarray,
    spec: ItemSpec,
    present: np.ndarray,
    free: np.ndarray,
    caps: np.ndarray,
) -> np.ndarray:
    """Clipped item latents whose weighted mean over the present items equals the dimension latent.

    ``base`` = dimension latent + offset (n, items) before clipping; ``present`` (n, items) marks
    the items of each record's format; ``free`` (items) the items that take the per-record shift
    (targeted items keep their own latent). Bisection on the shift c in [-2, 2], vectorised over
    records and dimensions.
    """
    x = np.clip(base, 0, caps)
    for j in range(len(DIMENSIONS)):
        cols = np.flatnonzero(spec.dims == j)
        w = spec.weights[cols] * present[:, cols]
        wf = w * free[cols]
        fixed = (w * (1 - free[cols]) * x[:, cols]).sum(1)
        total = w.sum(1)
        goal = latent[:, j] * total - fixed
        b, cap = base[:, cols], caps[cols]
        lo = np.full(len(base), -2.0)
        hi = np.full(len(base), 2.0)
        for _ in range(40):
            mid = (lo + hi) / 2
            val = (wf * np.clip(b + mid[:, None], 0, cap)).sum(1)
            below = val < goal
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        c = (lo + hi) / 2
        shifted = np.clip(b + c[:, None], 0, cap)
        x[:, cols] = np.where(free[cols], shifted, x[:, cols])
    return x


def part_bounds(x: np.ndarray, points: np.ndarray, upper: np.ndarray):
    """Feasible interval of s = P(answer in the upper part ``upper``) given E[score] = x."""
    pu, pl = points[upper], points[~upper]
    lo = (x - pl.max()) / (pu.max() - pl.max())
    hi = (x - pl.min()) / (pu.min() - pl.min())
    return np.clip(lo, 0, 1), np.clip(hi, 0, 1)


def solve_theta(lo: np.ndarray, hi: np.ndarray, target: float) -> float:
    """Relative position theta with mean(lo + theta (hi - lo)) = target (clamped to [0, 1])."""
    span = (hi - lo).mean()
    if span <= 0:
        return 0.5
    return float(np.clip((target - lo.mean()) / span, 0.0, 1.0))


def two_part_round(
    x: np.ndarray, s: np.ndarray, points: np.ndarray, upper: np.ndarray, strata, rng
) -> np.ndarray:
    """Answer in the upper part with probability s, then rounding within the part; E = x."""
    pu, pl = points[upper], points[~upper]
    a_u, r_u = pu.min(), pu.max() - pu.min()
    a_l, r_l = pl.min(), pl.max() - pl.min()
    denom = s * r_u + (1 - s) * r_l
    base = s * a_u + (1 - s) * a_l
    lam = np.where(denom > 0, (x - base) / np.where(denom > 0, denom, 1), 0.0)
    lam = np.clip(lam, 0, 1)
    in_u = balanced_bernoulli(s, strata, rng)
    y = balanced_round(a_u + lam * r_u, pu, strata, rng) if len(pu) > 1 else np.full(len(x), a_u)
    z = balanced_round(a_l + lam * r_l, pl, strata, rng) if len(pl) > 1 else np.full(len(x), a_l)
    return np.where(in_u, y, z)


def share_spec(spec: ItemSpec, item: str, answers: list[str]) -> tuple[np.ndarray, bool]:
    """(upper-part mask over the sorted points, whether the counted answers are the upper part)."""
    k = spec.names.index(item)
    vals = list(spec.values[k])
    counted = np.array([v in answers for v in vals])
    unknown = set(answers) - set(vals)
    if unknown or not counted.any() or counted.all():
        raise ValueError(
            f"items.shares.{item}: answers {answers} must be a proper subset of {vals}"
        )
    # counted answers must be a contiguous block at one end of the (score-sorted) scale
    if counted[-1] and np.all(np.diff(counted.astype(int)) >= 0):
        return counted, True
    if counted[0] and np.all(np.diff(counted.astype(int)) <= 0):
        return ~counted, False
    raise ValueError(f"items.shares.{item}: answers must sit at one end of the scale ({vals})")


def record_groups(recs: pd.DataFrame, mentored: np.ndarray) -> np.ndarray:
    """Stratum of each record for balanced draws: role, plus the mentoring group in the panel."""
    role = recs["role"].to_numpy().astype(str)
    panel = np.isin(role, ["panel_first", "panel_last"])
    return np.where(panel, np.char.add(role, np.where(mentored, "/m", "/c")), role)


def answer_scores(
    p: Params,
    spec: ItemSpec,
    iso: str,
    offsets: np.ndarray,
    recs: pd.DataFrame,
    mentored: np.ndarray,
    present: np.ndarray,
    caps: np.ndarray | None,
    rng,
) -> tuple[np.ndarray, np.ndarray]:
    """Item latents (n, items) and answer scores of one chunk's records (see module doc)."""
    cfg = p.config["items"]
    lat = recs[[f"latent_{d}" for d in DIMENSIONS]].to_numpy(float)
    caps = np.ones(len(spec.names)) if caps is None else np.asarray(caps, dtype=float)
    base = lat[:, spec.dims] + offsets[None, :]
    role = recs["role"].to_numpy().astype(str)
    panel_t = {"panel_first": 0, "panel_last": 1}
    is_panel = np.isin(role, list(panel_t))
    ch2 = role == "chapter2"
    free = np.ones(len(spec.names), dtype=bool)
    if iso != MOROCCO:
        for item, t in cfg["country_targets"].items():
            k = spec.names.index(item)
            free[k] = False
            ref = ch2 if ch2.any() else ~is_panel
            if ref.any():
                base[:, k] += solve_offset(base[ref, k], t.get(iso, t["default"]), caps[k])
        for item, by_country in cfg["panel_targets"].items():
            k = spec.names.index(item)
            if iso not in by_country:
                continue
            free[k] = False
            for role_name, t in panel_t.items():
                m = role == role_name
                if m.any():
                    b = lat[m, spec.dims[k]] + offsets[k]
                    base[m, k] = b + solve_offset(b, by_country[iso][t], caps[k])
    x = dimension_shift(lat, base, spec, present, free, caps)
    strata = record_groups(recs, mentored)
    s = np.empty_like(x)
    done = np.zeros(x.shape, dtype=bool)
    if iso != MOROCCO:
        for item, sh in cfg["shares"].items():
            k = spec.names.index(item)
            upper, counted_upper = share_spec(spec, item, sh["answers"])
            pts = spec.points[k]
            groups = []
            ch2_t = sh.get("chapter2")
            if ch2_t:
                groups.append((~is_panel, ch2_t.get(iso, ch2_t["default"])))
            for role_name, t in panel_t.items():
                target = sh.get("panel", {}).get(iso)
                if target is None:
                    continue
                m = role == role_name
                if sh.get("panel_group", "all") == "mentored":
                    m &= mentored
                groups.append((m, target[t]))
            for m, share in groups:
                if not m.any():
                    continue
                lo, hi = part_bounds(x[m, k], pts, upper)
                su = share if counted_upper else 1 - share
                theta = solve_theta(lo, hi, su)
                s_rec = lo + theta * (hi - lo)
                s[m, k] = two_part_round(x[m, k], s_rec, pts, upper, strata[m], rng)
                done[m, k] = True
    for k, pts in enumerate(spec.points):
        rest = ~done[:, k]
        if rest.any():
            s[rest, k] = balanced_round(x[rest, k], pts, strata[rest], rng)
    return x, s


def to_values(scores: np.ndarray, spec: ItemSpec) -> np.ndarray:
    """Canonical choice values (object array) of the rounded scores."""
    out = np.empty(scores.shape, dtype=object)
    for k, (pts, vals) in enumerate(zip(spec.points, spec.values, strict=True)):
        out[:, k] = vals[np.searchsorted(pts, scores[:, k])]
    return out


def nonresponse(
    p: Params, spec: ItemSpec, n: int, chapter2: np.ndarray, quotas: dict, rng
) -> np.ndarray:
    """Non-response code per cell ('' = answered), exact quotas on Chapter II records.

    ``quotas`` maps a tuple of items to the number of this chunk's Chapter II records that leave
    all of them unanswered (from the figure Ns); every other cell is missing with the default
    rate, or not applicable with its configured rate.
    """
    cfg = p.config["nonresponse"]
    kinds = list(cfg["kinds"])
    kp = np.array(list(cfg["kinds"].values()), dtype=float)
    kp /= kp.sum()
    code = np.full((n, len(spec.names)), "", dtype=object)
    missing = rng.random((n, len(spec.names))) < cfg["default_rate"]
    for item, rate in cfg["not_applicable"].items():
        if item in spec.names:
            k = spec.names.index(item)
            na = rng.random(n) < rate
            code[na, k] = "not_applicable"
            missing[na, k] = False
    ch2_idx = np.flatnonzero(chapter2)
    for items, count in quotas.items():
        cols = [spec.names.index(i) for i in items if i in spec.names]
        chosen = np.zeros(n, dtype=bool)
        chosen[ch2_idx[rng.permutation(len(ch2_idx))[:count]]] = True
        for k in cols:
            missing[chapter2, k] = chosen[chapter2]
            code[chapter2 & (code[:, k] == "not_applicable"), k] = ""
        rest = ~chapter2
        for k in cols:
            missing[rest, k] |= rng.random(rest.sum()) < count / max(len(ch2_idx), 1)
    kind = np.array(kinds, dtype=object)[rng.choice(len(kinds), size=missing.shape, p=kp)]
    code[missing] = kind[missing]
    return code


def chapter2_quotas(p: Params, iso: str, chunk_sizes: list[int]) -> list[dict]:
    """Per-chunk counts of Chapter II records missing each figure-N item group."""
    cfg = p.config["nonresponse"]
    chap = [c for c in p.countries if c != MOROCCO]
    total_n = [p.count(p.n[c]) for c in chap]
    out = [{} for _ in chunk_sizes]
    if iso not in chap:
        return out
    for group in cfg["chapter2_answered"]:
        rate = 1 - group["answered"] / cfg["chapter2_base"]
        per_country = apportion(int(round(rate * sum(total_n))), total_n)
        per_chunk = apportion(int(per_country[chap.index(iso)]), chunk_sizes)
        for k, cnt in enumerate(per_chunk):
            out[k][tuple(group["items"])] = int(cnt)
    return out


def premigration_scores(
    first_item_latent: np.ndarray, rss: ItemSpec, pre: ItemSpec, shift: dict, rng
):
    """Pre-migration item latents = paired first-RSS item latent + shift; rounded scores."""
    x = np.empty((first_item_latent.shape[0], len(pre.names)))
    for k, name in enumerate(pre.names):
        paired = rss.names.index(pre.pairs[k])
        x[:, k] = np.clip(first_item_latent[:, paired] + shift.get(name, 0.0), 0, 1)
    u = rng.random(x.shape)
    s = np.column_stack(
        [stochastic_round(x[:, k], pre.points[k], u[:, k]) for k in range(len(pre.names))]
    )
    return x, s


def frame(values: np.ndarray, codes: np.ndarray, spec: ItemSpec) -> pd.DataFrame:
    """Answers as canonical values, non-response codes replacing answers."""
    out = np.where(codes != "", codes, values)
    return pd.DataFrame(out, columns=spec.names)
