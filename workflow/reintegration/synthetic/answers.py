"""From latent scores to answers: item latent, stochastic rounding, non-response.

The item latent is the dimension latent plus an item offset (re-centred so that the offsets of a
dimension have weighted sum 0 in every country, which keeps the dimension mean). An answer is the
scale point obtained by stochastic rounding: with neighbouring points a <= x <= b it is b with
probability (x - a) / (b - a), so E[score] = x exactly (binary items: Bernoulli(x)). Hence the
pipeline's item and dimension scores are unbiased for the latent ones, apart from clipping at 0
and 1. Non-response (dont_know / refused / not_applicable) is applied afterwards, independently
of the answer, so it does not bias the answered scores either.
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
