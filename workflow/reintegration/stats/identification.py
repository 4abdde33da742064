"""Terms a clustered variance cannot speak to: blank their inference and say why.

With countries as clusters, country indicators (and any regressor constant within every
country, together with the intercept) absorb all between-cluster variation: the residuals sum
to zero within each cluster, so the cluster scores of those columns are zero and their CR1
"standard errors" come only from cross-terms of the bread (e.g. t = 128 for ``countryAFG``).
The estimates are fine; the SE, statistic, p-value and interval are not, so they are blanked
with a ``note``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._design import build_design, identified_columns

__all__ = ["INFERENCE_COLUMNS", "blank_unidentified", "unidentified_terms"]

#: Columns blanked for a term not identified under the clustering (when present).
INFERENCE_COLUMNS = (
    "std_error",
    "statistic",
    "p_value",
    "conf_low",
    "conf_high",
    "p_value_boot",
)


def unidentified_terms(
    df: pd.DataFrame,
    *,
    outcome: str,
    terms: Sequence[str],
    cluster: str,
    categorical: Mapping[str, object] | None = None,
    weights: str | None = None,
    intercept: bool = True,
) -> dict[str, str]:
    """``{term: reason}`` for the terms of ``outcome ~ terms`` not identified under ``cluster``.

    Rule: let C be the regressors constant within every cluster. (1) When C spans the cluster
    indicators (rank G), every term of C is absorbed by the clusters. (2) Otherwise a regressor
    non-zero in one cluster only (that cluster's indicator) is absorbed by it.
    """
    design = build_design(
        df,
        outcome=outcome,
        terms=terms,
        categorical=categorical,
        weights=weights,
        cluster=cluster,
        intercept=intercept,
        context="unidentified_terms",
    )
    X, groups, G = design.X, design.groups, design.n_groups
    lows, highs = _cluster_ranges(X, groups, G)
    invariant = []
    single = []
    for j in range(X.shape[1]):
        lo, hi = lows[:, j], highs[:, j]
        if np.all(lo == hi):
            invariant.append(j)
            if np.count_nonzero(lo) == 1:
                single.append(j)
    spans = len(invariant) > 0 and len(identified_columns(X[:, invariant])) >= G
    absorbed = invariant if spans else single
    reason = (
        f"not identified under clustering by {cluster!r}: constant within each of the {G} "
        "clusters, which absorb it (residuals sum to zero within every cluster), so its "
        "clustered SE, statistic and p-value are meaningless; the estimate stands"
    )
    return {design.names[j]: reason for j in absorbed}


def blank_unidentified(table: pd.DataFrame, notes: Mapping[str, str]) -> pd.DataFrame:
    """``table`` (tidy rows by ``term``) with the inference of ``notes``' terms blanked.

    Adds (or fills) a ``note`` column: the reason for blanked terms, empty otherwise.
    """
    out = table.copy()
    hit = out["term"].isin(list(notes))
    for col in INFERENCE_COLUMNS:
        if col in out.columns:
            out[col] = out[col].astype(float)
            out.loc[hit, col] = np.nan
    note = out["term"].map(notes).fillna("")
    if "note" in out.columns:
        note = note.where(hit, out["note"].fillna(""))
    out["note"] = note
    return out


def _cluster_ranges(X: np.ndarray, groups: np.ndarray, G: int) -> tuple[np.ndarray, np.ndarray]:
    """(G, k) minimum and maximum of every column within each cluster (an empty cluster:
    +inf and -inf), on the rows sorted by cluster once rather than by ``ufunc.at``."""
    order = np.argsort(groups, kind="stable")
    counts = np.bincount(groups, minlength=G)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    lows = np.full((G, X.shape[1]), np.inf)
    highs = np.full((G, X.shape[1]), -np.inf)
    seen = counts > 0
    if seen.any():
        rows = X[order]
        lows[seen] = np.minimum.reduceat(rows, starts[seen], axis=0)
        highs[seen] = np.maximum.reduceat(rows, starts[seen], axis=0)
    return lows, highs
