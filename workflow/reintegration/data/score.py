"""Scoring: item scores from the codebook, dimension and composite scores (STUDY.md §5).

- item score: the ``score`` of the answer's option in its choice list; non-response
  (don't know, refused, not applicable) and unanswered items are missing, never 0;
- dimension score: weighted mean of the answered items' scores (``weights.csv``),
  missing when the answered items carry less than ``min_answered_share`` of the
  dimension's total weight; ``answered_share_<dimension>`` is that share;
- composite: weighted mean of the three dimension scores (``weights.csv`` rows with parent
  ``composite``), missing when any dimension score is missing (with equal weights this is
  "the mean of the three dimension scores" of the study);
- pre-migration items are scored with the same choice lists into ``<pre_item>_score``.

Everything is vectorised over records (one pass per item, matrix products per dimension).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reintegration.codebook import Codebook
from reintegration.codebook.load import DIMENSIONS
from reintegration.data.labels import choice_lists, map_values

METADATA = [
    "record_id",
    "person_id",
    "wave",
    "record_type",
    "source_format",
    "country",
    "sex",
    "age",
    "return_date",
    "interview_date",
    "survey_round",
    "interview_mode",
    "return_type",
    "return_scheme",
    "orion_mentee",
    "mentoring_start",
    "assistance_level",
    "assistance",
]


def item_table(codebook: Codebook) -> pd.DataFrame:
    """Scored items (rss, then premigration) with dimension, list and weight (rss only)."""
    v = codebook.variables
    items = v[v["module"].isin(["rss", "premigration"])].copy()
    items["order"] = items["module"].map({"rss": 0, "premigration": 1})
    items = items.sort_values(["order", "indicator"], kind="stable")
    w = codebook.weights
    weights = dict(zip(w["component"], w["weight"], strict=True))
    items["weight"] = items["name"].map(weights).astype("float64")
    return items[["name", "module", "dimension", "list_name", "weight"]].reset_index(drop=True)


def composite_weights(codebook: Codebook) -> dict[str, float]:
    w = codebook.weights
    comp = w[w["parent"] == "composite"]
    return {d: float(x) for d, x in zip(comp["component"], comp["weight"], strict=True)}


def score_records(
    clean: pd.DataFrame, codebook: Codebook, min_answered_share: float = 0.5
) -> pd.DataFrame:
    """Scores of every record of ``clean`` (one row per record, same order)."""
    if not 0 <= min_answered_share <= 1:
        raise ValueError(f"min_answered_share must be in [0, 1], got {min_answered_share}")
    clean = clean.reset_index(drop=True)
    lists = choice_lists(codebook)
    items = item_table(codebook)
    n = len(clean)
    cols: dict[str, pd.Series] = {c: clean[c] for c in METADATA if c in clean}
    if "assistance" in clean:
        chosen = clean["assistance"].astype("string")
        codes, uniques = pd.factorize(chosen, use_na_sentinel=True)
        parts = [set(u.split(";")) for u in uniques]
        for value in lists["assistance"].values:
            has = np.array([value in p for p in parts] + [pd.NA], dtype=object)[codes]
            cols[f"assist_{value}"] = pd.Series(has, index=clean.index).astype("boolean")
    scores: dict[str, np.ndarray] = {}
    for item in items.itertuples(index=False):
        values = (
            clean[item.name].astype("string")
            if item.name in clean
            else pd.Series(pd.NA, index=clean.index, dtype="string")
        )
        item_scores = map_values(values, lists[item.list_name].scores).astype("float64")
        cols[item.name] = values
        cols[f"{item.name}_score"] = item_scores
        scores[item.name] = item_scores.to_numpy(dtype="float64", na_value=np.nan)
    rss = items[items["module"] == "rss"]
    dim_scores = {}
    for dim in DIMENSIONS:
        members = rss[rss["dimension"] == dim]
        weights = members["weight"].to_numpy(dtype="float64")
        matrix = (
            np.column_stack([scores[name] for name in members["name"]])
            if len(members)
            else np.empty((n, 0))
        )
        answered = ~np.isnan(matrix)
        answered_weight = answered.astype("float64") @ weights
        total = weights.sum()
        share = answered_weight / total if total > 0 else np.zeros(n)
        weighted = np.where(answered, matrix, 0.0) @ weights
        with np.errstate(invalid="ignore", divide="ignore"):
            score = weighted / answered_weight
        ok = (share >= min_answered_share) & (answered_weight > 0)
        dim_scores[dim] = np.where(ok, score, np.nan)
        cols[f"answered_share_{dim}"] = pd.Series(share, index=clean.index)
    comp = composite_weights(codebook)
    stacked = np.column_stack([dim_scores[d] for d in DIMENSIONS])
    cw = np.array([comp.get(d, 0.0) for d in DIMENSIONS])
    composite = (stacked * cw).sum(axis=1) / cw.sum()  # NaN when any dimension is NaN
    for dim in DIMENSIONS:
        cols[f"score_{dim}"] = pd.Series(dim_scores[dim], index=clean.index)
    cols["score_composite"] = pd.Series(composite, index=clean.index)
    out = pd.DataFrame(cols, copy=False)  # the columns as computed, not a second copy
    order = (
        [c for c in out.columns if c in METADATA or c.startswith("assist_")]
        + [c for c in out.columns if c in set(items["name"]) or c.endswith("_score")]
        + [f"score_{d}" for d in DIMENSIONS]
        + ["score_composite"]
        + [f"answered_share_{d}" for d in DIMENSIONS]
    )
    return out[order]
